"""States, transitions, Open311 status; officers' handling with its log and hooks."""

from __future__ import annotations

import pytest

from paknam.complaints import service
from paknam.complaints.hooks import CHANGE_HOOKS, ComplaintChange
from paknam.complaints.workflow import CLOSED, STATES, TRANSITIONS, check_transition, open311_status
from paknam.core.errors import Conflict, InvalidInput, NotFound
from paknam.core.store import Store
from tests.complaints.helpers import PNG, T0, submit


def test_every_state_has_thai_and_english_and_known_targets() -> None:
    for state, (th, en) in STATES.items():
        assert th and en and th != en
        assert TRANSITIONS[state] <= set(STATES)
    assert {open311_status(s) for s in STATES} == {"open", "closed"}
    assert {s for s in STATES if open311_status(s) == "closed"} == CLOSED


def test_transition_rules() -> None:
    check_transition("new", "assigned", None)
    check_transition("resolved", "reopened", None)
    with pytest.raises(Conflict, match="cannot move to 'in_progress'; allowed: reopened"):
        check_transition("resolved", "in_progress", None)
    with pytest.raises(InvalidInput, match="needs a note"):
        check_transition("assigned", "rejected", "  ")
    with pytest.raises(InvalidInput, match="unknown complaint status 'done'"):
        check_transition("new", "done", None)


@pytest.fixture
def changes() -> list[ComplaintChange]:
    seen: list[ComplaintChange] = []
    CHANGE_HOOKS.append(seen.append)
    yield seen
    CHANGE_HOOKS.remove(seen.append)


def test_full_workflow_is_logged_and_hooks_hear_it(
    store: Store, changes: list[ComplaintChange]
) -> None:
    cid = submit(store)["id"]
    service.change_status(store, cid, "assigned", "officer1", now=T0 + 60)
    service.assign(store, cid, "officer1", assignee="somchai", now=T0 + 120)
    service.change_status(
        store, cid, "in_progress", "somchai", note="ทีมช่างออกหน้างาน", now=T0 + 3600
    )
    service.add_photo(store, cid, "after", PNG, "somchai", now=T0 + 7000)
    service.add_note(store, cid, "somchai", "ใช้ยางมะตอยสำรอง", public=False, now=T0 + 7100)
    done = service.change_status(
        store, cid, "resolved", "somchai", note="ซ่อมเสร็จแล้ว", now=T0 + 7200
    )
    assert done["status"] == "resolved" and done["open311_status"] == "closed"
    assert done["resolved"] == "2026-01-01T09:00:00+07:00"
    assert done["assignee"] == "somchai"
    assert done["status_notes"] == "ซ่อมเสร็จแล้ว"
    assert [p["stage"] for p in done["photos"]] == ["after"]
    kinds = [e["kind"] for e in done["events"]]
    assert kinds == ["created", "status", "assigned", "status", "photo", "note", "status"]
    assert [c.kind for c in changes] == kinds
    assert changes[-1].from_status == "in_progress" and changes[-1].to_status == "resolved"
    assert changes[-1].actor == "somchai"


def test_forwarding_needs_another_known_agency(store: Store) -> None:
    cid = submit(store)["id"]
    with pytest.raises(InvalidInput, match="unknown agency code 'nowhere'"):
        service.change_status(
            store, cid, "forwarded", "o", note="ไม่ใช่ถนนท้องถิ่น", agency_code="nowhere"
        )
    with pytest.raises(InvalidInput, match="already with local-1101"):
        service.change_status(store, cid, "forwarded", "o", note="x", agency_code="local-1101")
    got = service.change_status(
        store, cid, "forwarded", "o", note="ทางหลวง", agency_code="sp-damrongtham"
    )
    assert got["agency"]["code"] == "sp-damrongtham" and got["open311_status"] == "open"


def test_failed_change_logs_nothing_and_tells_no_hook(
    store: Store, changes: list[ComplaintChange]
) -> None:
    cid = submit(store)["id"]
    changes.clear()
    with pytest.raises(Conflict):
        service.change_status(store, cid, "reopened", "o")
    with pytest.raises(NotFound):
        service.change_status(store, 999, "assigned", "o")
    assert changes == []
    assert [e["kind"] for e in service.get(store, cid)["events"]] == ["created"]


def test_a_failing_hook_does_not_fail_the_change(store: Store) -> None:
    def broken(_: ComplaintChange) -> None:
        raise RuntimeError("LINE is down")

    CHANGE_HOOKS.append(broken)
    try:
        cid = submit(store)["id"]
        assert service.change_status(store, cid, "assigned", "o")["status"] == "assigned"
    finally:
        CHANGE_HOOKS.remove(broken)


def test_photo_checks(store: Store) -> None:
    cid = submit(store)["id"]
    with pytest.raises(InvalidInput, match="not a JPEG"):
        service.add_photo(store, cid, "after", b"%PDF-1.4 not an image", "o")
    with pytest.raises(InvalidInput, match="stage must be"):
        service.add_photo(store, cid, "during", PNG, "o")
    assert service.get(store, cid)["photos"] == []
