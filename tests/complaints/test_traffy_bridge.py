"""The Traffy Fondue bridge as a service: polled sync, category/state mapping, the
outbox of paknam's changes (once, echo-safe, retried, held by the quota), on SQLite and
PostgreSQL, against the loopback Traffy server."""

from __future__ import annotations

import sqlalchemy as sa

from paknam.complaints import service
from paknam.complaints.traffy import bridge
from paknam.complaints.traffy.quota import month_of
from paknam.complaints.traffy.schema import traffy_pushes
from paknam.core.config import Settings
from paknam.core.store import Store
from paknam.pipeline.scheduler.jobs import traffy_jobs
from tests.complaints import traffy_fixtures as fx
from tests.complaints.helpers import BANGKOK_VICTORY_MONUMENT, PLACES
from tests.complaints.traffy_fixtures import webhook_ticket
from tests.complaints.traffy_loopback import TraffyServer, thai_time

traffy, traffy_env = fx.traffy, fx.traffy_env


def _pushes(store: Store) -> list[dict[str, object]]:
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(traffy_pushes))]


def test_sync_imports_maps_and_follows_traffy_states(
    store: Store, traffy: TraffyServer, traffy_env: Settings
) -> None:
    traffy.add_issue("2026-ROAD01", type="{ทางเท้า,ถนน}")
    traffy.add_issue("2026-WORK02", type="แสงสว่าง", status="กำลังดำเนินการ")
    lat, lon = PLACES["1102"]
    traffy.add_issue("2026-ODD003", type="ป้ายโฆษณาเถื่อน", latitude=lat, longitude=lon)
    traffy.add_issue("2026-MAP004", type="ฝาท่อ")  # the setting's own type map
    lat, lon = BANGKOK_VICTORY_MONUMENT
    traffy.add_issue("2026-BKK005", latitude=lat, longitude=lon)  # not in the province
    traffy.add_issue("2026-OTHER6", org_id="999")  # another organisation
    with bridge.make_client(store) as client:
        first = bridge.sync(store, client, now=int(traffy.now))
        assert first["duration"] == "3days"
        assert (first["received"], first["imported"]) == (5, 4)
        assert [s["ticket_id"] for s in first["skipped"]] == ["2026-BKK005"]
        assert "outside Samut Prakan" in first["skipped"][0]["reason"]
        assert first["quota"]["credits_used"] == 1 and first["quota"]["credit_balance"] == 999

        inbox = service.inbox(store, limit=10)["items"]
        by_text = {c["id"]: c for c in inbox}
        assert len(by_text) == 4 and all(c["client"] == "traffy" for c in inbox)
        codes = sorted((c["service_code"], c["status"], c["triage"]) for c in inbox)
        assert codes == [
            ("complaint", "new", True),  # unknown type → general, for triage
            ("drain", "new", False),
            ("lighting", "in_progress", False),
            ("sidewalk", "new", False),  # the first known of the ticket's types
        ]
        road = next(c for c in inbox if c["service_code"] == "sidewalk")
        assert road["media_url"].startswith("https://storage.googleapis.com/")
        assert road["requested"] == thai_time(traffy.now - 3600).replace(" ", "T")[:19] + "+07:00"

        again = bridge.sync(store, client, now=int(traffy.now) + 60)
        assert again["duration"] == "today" and again["imported"] == 0
        assert again["updated"] == 0 and service.inbox(store)["total"] == 4

        traffy.now += 120  # Traffy's staff close the lighting ticket
        traffy.issues["2026-WORK02"].update(
            status="เสร็จสิ้น", last_activity=thai_time(traffy.now, micro=True)
        )
        third = bridge.sync(store, client, now=int(traffy.now))
        assert third["updated"] == 1
    lighting = next(c for c in service.inbox(store)["items"] if c["service_code"] == "lighting")
    detail = service.get(store, lighting["id"])
    assert detail["status"] == "resolved"
    assert detail["events"][-1]["actor"] == "traffy:sync"
    assert _pushes(store) == []  # nothing of Traffy's own goes back


def test_paknam_change_goes_back_once_and_its_echo_does_not_loop(
    store: Store, traffy: TraffyServer, traffy_env: Settings
) -> None:
    traffy.add_issue("2026-ABCDEF")
    t0 = int(traffy.now)
    status, out = bridge.receive_webhook(store, "POST", webhook_ticket(), now=t0)
    assert status == 201 and out["result"] == "imported"
    cid = out["complaint_id"]
    service.change_status(store, cid, "assigned", "officer1", now=t0 + 10)
    service.change_status(store, cid, "resolved", "officer1", note="ซ่อมฝาท่อแล้ว", now=t0 + 20)
    with bridge.make_client(store) as client:
        report = bridge.push(store, client, now=t0 + 30)
        # the 'assigned' change was overtaken by 'resolved': only the current state goes
        assert (report["queued"], report["sent"], report["superseded"]) == (2, 1, 1)
        assert traffy.updates == [
            {
                "ticket_id": "2026-ABCDEF",
                "state_name": "เสร็จสิ้น",
                "note": "paknam: เสร็จสิ้น / Resolved — ซ่อมฝาท่อแล้ว",
            }
        ]
        assert bridge.push(store, client, now=t0 + 40)["sent"] == 0  # once
        echo = {"ticket_id": "2026-ABCDEF", "status": "เสร็จสิ้น", "note": "ซ่อมฝาท่อแล้ว"}
        status, out = bridge.receive_webhook(store, "PATCH", echo, now=t0 + 50)
        assert (status, out["result"]) == (200, "echo")
        events_before = len(service.get(store, cid)["events"])
        status, out = bridge.receive_webhook(store, "PATCH", echo, now=t0 + 55)
        assert out["result"] == "unchanged"  # a second copy changes nothing either
        assert len(service.get(store, cid)["events"]) == events_before
        assert bridge.push(store, client, now=t0 + 60)["queued"] == 0

        # Traffy's staff reopen it: applied in paknam, never pushed back
        back = {"ticket_id": "2026-ABCDEF", "status": "กำลังดำเนินการ", "note": "ตรวจซ้ำ"}
        status, out = bridge.receive_webhook(store, "PATCH", back, now=t0 + 70)
        assert (out["result"], out["status"]) == ("applied", "in_progress")
        last = service.get(store, cid)["events"][-1]
        assert (last["kind"], last["actor"]) == ("reopened", "traffy:webhook")
        assert bridge.push(store, client, now=t0 + 80)["queued"] == 0
    assert len(traffy.updates) == 1
    assert traffy.count("/update-issue/v1") == 1


def test_forwarding_is_a_staff_comment_and_failures_are_retried(
    store: Store, traffy: TraffyServer, traffy_env: Settings
) -> None:
    traffy.add_issue("2026-ABCDEF")
    t0 = int(traffy.now)
    cid = bridge.receive_webhook(store, "POST", webhook_ticket(), now=t0)[1]["complaint_id"]
    service.change_status(
        store,
        cid,
        "forwarded",
        "officer1",
        note="เป็นงานของ อบต.",
        agency_code="local-1102",
        now=t0 + 5,
    )
    traffy.fail_next(1, 503)
    with bridge.make_client(store) as client:
        report = bridge.push(store, client, now=t0 + 10)
        assert (report["retrying"], report["sent"]) == (1, 0)
        assert "HTTP 503" in report["errors"][0]
        assert bridge.push(store, client, now=t0 + 20)["sent"] == 0  # not due yet
        assert bridge.push(store, client, now=t0 + 10 + 30)["sent"] == 1
    assert traffy.updates == []
    assert len(traffy.comments) == 1
    comment = traffy.comments[0]
    assert comment["comment_type"] == "chat_staff_only"
    assert "forwarded to" in comment["comment"] and "เป็นงานของ อบต." in comment["comment"]
    (push,) = _pushes(store)
    assert (push["state"], push["attempts"], push["origin"]) == ("sent", 2, "paknam")


def test_quota_exhaustion_holds_pushes_until_next_month_and_stops_sync(
    store: Store, traffy: TraffyServer, traffy_env: Settings
) -> None:
    traffy.add_issue("2026-ABCDEF")
    traffy.balance = 3
    t0 = int(traffy.now)
    cid = bridge.receive_webhook(store, "POST", webhook_ticket(), now=t0)[1]["complaint_id"]
    with bridge.make_client(store) as client:
        assert bridge.sync(store, client, now=t0)["quota"]["credit_balance"] == 2
        # 2 left, 2 kept back for pushes: the sync is refused before any call is made
        try:
            bridge.sync(store, client, now=t0 + 60)
            raise AssertionError("sync should be refused")
        except bridge.TraffyError as exc:
            assert "2 kept back" in str(exc)
        assert traffy.count("/get-issues/v2") == 1

        traffy.balance = 0  # Traffy's count and ours differ: Traffy's answer decides
        service.change_status(store, cid, "resolved", "officer1", now=t0 + 100)
        report = bridge.push(store, client, now=t0 + 110)
        assert (report["sent"], report["held"]) == (0, 1)
        assert "Running out of API usage quota" in report["errors"][0]
        assert report["quota"]["exhausted"] is True
        assert bridge.push(store, client, now=t0 + 120)["held"] == 0  # waiting, not tried
        assert traffy.count("/update-issue/v1") == 1  # the one Traffy refused
        (push,) = _pushes(store)
        assert push["state"] == "pending" and push["next_attempt_s"] > t0 + 86_400

        # the next month: credits start again
        next_month = push["next_attempt_s"] + 60
        traffy.balance = 1000
        traffy.now = next_month
        client.clock = lambda: next_month
        assert month_of(next_month) != month_of(t0)
        report = bridge.push(store, client, now=next_month)
        assert report["sent"] == 1 and report["quota"]["credits_used"] == 1
    assert [u["state_name"] for u in traffy.updates] == ["เสร็จสิ้น"]
    assert bridge.status(store, now=next_month)["outbox"] == {"sent": 1}


def test_scheduler_lists_the_bridge_jobs_when_configured(traffy_env: Settings) -> None:
    names = {j.name: j.every_s for j in traffy_jobs(traffy_env)}
    assert names == {"complaints.traffy.sync": 900, "complaints.traffy.push": 30}
    assert traffy_jobs(Settings(traffy_user=None)) == []
