"""The citizen's token: follow, reopen, rate once; "+1" counted once per person."""

from __future__ import annotations

import pytest

from paknam.complaints import service
from paknam.core.errors import Conflict, InvalidInput, NotFound
from paknam.core.store import Store
from tests.complaints.helpers import T0, submit


def _resolved(store: Store) -> tuple[int, str]:
    done = submit(store)
    service.change_status(store, done["id"], "resolved", "o", note="เรียบร้อย", now=T0 + 600)
    return done["id"], done["token"]


def test_follow_shows_public_history_only(store: Store) -> None:
    done = submit(store)
    service.add_note(store, done["id"], "o", "internal: budget code 12", public=False)
    service.add_note(store, done["id"], "o", "จะเข้าซ่อมพรุ่งนี้", public=True)
    seen = service.follow(store, done["token"])
    assert seen["id"] == done["id"]
    assert [h["note"] for h in seen["history"]][-1] == "จะเข้าซ่อมพรุ่งนี้"
    assert all("budget" not in (h["note"] or "") for h in seen["history"])
    assert "actor" not in seen["history"][0]
    with pytest.raises(NotFound, match="token unknown"):
        service.follow(store, "pkc_not-a-real-token")


def test_reopen_counts_and_is_limited(store: Store) -> None:
    cid, token = _resolved(store)
    seen = service.reopen(store, token, "ยังเป็นหลุมอยู่", now=T0 + 86400)
    assert seen["status"] == "reopened" and seen["reopen_count"] == 1
    with pytest.raises(Conflict, match="a citizen may reopen only"):
        service.reopen(store, token, "again", now=T0 + 86400)
    service.change_status(store, cid, "resolved", "o", now=T0 + 2 * 86400)
    with pytest.raises(Conflict, match="more than 30 days ago"):
        service.reopen(store, token, "still broken", now=T0 + 40 * 86400)
    with pytest.raises(InvalidInput, match="say why"):
        service.reopen(store, token, "", now=T0 + 3 * 86400)


def test_rating_once_after_closing(store: Store) -> None:
    open_one = submit(store, description="ไฟถนนดับทั้งซอย", service_code="lighting")
    with pytest.raises(Conflict, match="still open"):
        service.rate(store, open_one["token"], 5)
    _, token = _resolved(store)
    assert service.rate(store, token, 4, "เร็วดี")["rating"] == 4
    with pytest.raises(Conflict, match="already rated with this token"):
        service.rate(store, token, 1)
    with pytest.raises(InvalidInput, match="1 to 5"):
        service.rate(store, open_one["token"], 6)


def test_plus_one_once_per_supporter(store: Store) -> None:
    cid = submit(store)["id"]
    assert service.support(store, cid, "line:U1234") == {"id": cid, "added": True, "supporters": 1}
    assert service.support(store, cid, "line:U1234")["added"] is False
    assert service.support(store, cid, "line:U9999")["supporters"] == 2
    assert service.get(store, cid)["supporters"] == 2
    with pytest.raises(NotFound):
        service.support(store, 999, "line:U1")
