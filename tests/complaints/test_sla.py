"""Reminders and escalation of overdue complaints, at controlled times."""

from __future__ import annotations

from paknam.complaints import service
from paknam.core.store import Store
from tests.complaints.helpers import PLACES, T0, submit

H = 3600


def _events(store: Store, cid: int, kind: str) -> list[dict[str, object]]:
    return [e for e in service.get(store, cid)["events"] if e["kind"] == kind]


def test_reminder_then_escalation_to_district_then_centre(store: Store) -> None:
    lat, lon = PLACES["1103"]
    cid = submit(store, lat=lat, lon=lon)["id"]  # road: SLA 168 h, local-1103
    assert service.run_sla_checks(store, now=T0 + 80 * H) == {"reminded": [], "escalated": []}
    assert service.run_sla_checks(store, now=T0 + 84 * H) == {"reminded": [cid], "escalated": []}
    # no second reminder until another half-SLA of silence
    assert service.run_sla_checks(store, now=T0 + 100 * H)["reminded"] == []
    late = service.run_sla_checks(store, now=T0 + 169 * H)
    assert late == {"reminded": [cid], "escalated": [cid]}
    esc = _events(store, cid, "escalated")
    assert esc[-1]["agency_code"] == "district-1103" and esc[-1]["public"] is False
    assert service.get(store, cid)["overdue"] is True
    assert service.run_sla_checks(store, now=T0 + 200 * H)["escalated"] == []
    assert service.run_sla_checks(store, now=T0 + 337 * H)["escalated"] == [cid]
    assert _events(store, cid, "escalated")[-1]["agency_code"] == "sp-damrongtham"
    reminders = _events(store, cid, "reminder")
    assert [r["agency_code"] for r in reminders] == ["local-1103"] * len(reminders)


def test_progress_postpones_reminders_and_closed_ones_are_left_alone(store: Store) -> None:
    busy = submit(store)["id"]
    done = submit(store, description="ไฟดับ", service_code="lighting")["id"]
    service.change_status(store, busy, "in_progress", "o", now=T0 + 80 * H)
    service.change_status(store, done, "resolved", "o", now=T0 + H)
    result = service.run_sla_checks(store, now=T0 + 100 * H)
    assert result == {"reminded": [], "escalated": []}
