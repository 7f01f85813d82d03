"""The outbox and the worker against servers on loopback that speak the channels'
protocols (LINE Messaging API, the SMS gateway protocol, SMTP via aiosmtpd)."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from paknam.core.notify import outbox
from paknam.core.notify.channels.email import EmailChannel
from paknam.core.notify.channels.line import LineChannel
from paknam.core.notify.channels.sms import SmsChannel
from paknam.core.notify.outbox import enqueue, message_stats, pending
from paknam.core.notify.schema import deliveries
from paknam.core.notify.subscribers import (
    Audience,
    Subscription,
    bulk_subscribe,
    subscribe,
    withdraw,
)
from paknam.core.notify.worker import Worker
from paknam.core.store import Store
from paknam.governance.alerts import AlertSpec, create_alert, get_alert
from paknam.governance.render import render_alert
from tests.governance.conftest import line_user
from tests.governance.loopback import LineServer, SmsServer

HEADLINE = "น้ำทะเลหนุนสูง"


def _alert(store: Store, districts: list[str]) -> dict[str, Any]:
    spec = AlertSpec(
        topic="flood",
        severity="severe",
        headline_th=HEADLINE,
        headline_en="High tide",
        description_th="ระดับน้ำสูงสุด 1.3 ม.",
        description_en="Peak 1.3 m.",
        districts=districts,
    )
    with store.write() as conn:
        return get_alert(conn, create_alert(conn, spec, "officer1"))


def _queue(store: Store, alert: dict[str, Any], audience: Audience | None = None) -> int:
    audience = audience or Audience(districts=tuple(alert["districts"]), topics=("flood",))
    with store.write() as conn:
        mid, _ = enqueue(
            conn,
            kind="alert",
            content=render_alert(alert, "http://paknam.test/a"),
            audience=audience,
            created_by="officer1",
            alert_id=alert["id"],
        )
    return mid


def _subscribe_line(
    store: Store, n: int, district: str = "1101", lang: str = "th", first: int = 0
) -> None:
    subs = [Subscription("line", line_user(i), [district], ["flood"], lang)
            for i in range(first, first + n)]  # fmt: skip
    with store.write() as conn:
        bulk_subscribe(conn, subs)


def _drain(worker: Worker, store: Store, timeout: float = 30) -> None:
    end = time.time() + timeout
    try:
        while True:
            worker.run_once()
            with store.read() as conn:
                if pending(conn) == 0:
                    return
            assert time.time() < end, "deliveries still pending"
            time.sleep(0.1)
    finally:
        worker.close()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "BACKOFF_BASE_S", 0.01)


def test_every_recipient_once_in_batches_of_500(store: Store, line_server: LineServer) -> None:
    _subscribe_line(store, 1203)
    _subscribe_line(store, 7, district="1102", first=5000)  # not in the audience
    alert = _alert(store, ["1101"])
    mid = _queue(store, alert)
    worker = Worker(store, {"line": LineChannel(line_server.token, line_server.url)})
    _drain(worker, store)
    assert line_server.requests == 3  # 500 + 500 + 203
    assert len(line_server.received) == 1203
    assert all(len(texts) == 1 and HEADLINE in texts[0] for texts in line_server.received.values())
    with store.read() as conn:
        stats = message_stats(conn, mid)
    assert stats["recipients"] == 1203 and stats["sent"] == 1203
    assert stats["by_channel"] == {"line": {"sent": 1203}}
    assert stats["t95_s"] is not None and 0 <= stats["t95_s"] < 60


def test_429_5xx_and_lost_answers_are_retried_without_duplicates(
    store: Store, line_server: LineServer, fast_retries: None
) -> None:
    _subscribe_line(store, 1100)
    mid = _queue(store, _alert(store, ["1101"]))
    line_server.fail_next(2, 429)
    line_server.fail_next(1, 503)
    line_server.lose_next(1)  # delivered, but the worker sees a 500: retried under its key
    worker = Worker(store, {"line": LineChannel(line_server.token, line_server.url)}, threads=1)
    _drain(worker, store)
    assert 409 in line_server.statuses  # the retry of the lost answer was recognised
    assert len(line_server.received) == 1100
    assert {len(t) for t in line_server.received.values()} == {1}
    with store.read() as conn:
        rows = conn.execute(
            sa.select(deliveries.c.state, deliveries.c.attempts, deliveries.c.response).where(
                deliveries.c.message_id == mid
            )
        ).all()
    assert {r.state for r in rows} == {"sent"}
    assert max(r.attempts for r in rows) >= 2
    assert any("already accepted" in r.response for r in rows)


def test_refused_batches_fail_with_the_channel_answer(
    store: Store, line_server: LineServer
) -> None:
    _subscribe_line(store, 3)
    mid = _queue(store, _alert(store, ["1101"]))
    line_server.fail_next(1, 400)
    _drain(Worker(store, {"line": LineChannel(line_server.token, line_server.url)}), store)
    with store.read() as conn:
        stats = message_stats(conn, mid)
        response = conn.execute(sa.select(deliveries.c.response)).scalars().first()
    assert stats["by_channel"] == {"line": {"failed": 3}}
    assert response.startswith("HTTP 400")
    assert line_server.received == {}


def test_wrong_token_is_retried_not_lost(store: Store, line_server: LineServer) -> None:
    _subscribe_line(store, 2)
    _queue(store, _alert(store, ["1101"]))
    worker = Worker(store, {"line": LineChannel("wrong", line_server.url)})
    worker.run_once()
    worker.close()
    with store.read() as conn:
        states = conn.execute(sa.select(deliveries.c.state, deliveries.c.response)).all()
    assert {s.state for s in states} == {"queued"}
    assert states[0].response.startswith("HTTP 401")


def test_withdrawn_after_queueing_is_not_sent(store: Store, line_server: LineServer) -> None:
    _subscribe_line(store, 3)
    _queue(store, _alert(store, ["1101"]))
    with store.write() as conn:
        withdraw(conn, 1)
    _drain(Worker(store, {"line": LineChannel(line_server.token, line_server.url)}), store)
    assert len(line_server.received) == 2
    with store.read() as conn:
        states = dict(conn.execute(sa.select(deliveries.c.subscriber_id, deliveries.c.state)).all())
    assert states == {1: "failed", 2: "sent", 3: "sent"}


def test_sms_over_the_gateway(store: Store, sms_server: SmsServer) -> None:
    with store.write() as conn:
        for i in range(150):
            subscribe(conn, Subscription("sms", f"081{i:07d}", ["1103"], ["flood"]))
        subscribe(conn, Subscription("sms", "+14155550100", ["1103"], ["flood"], "en"))
    mid = _queue(store, _alert(store, ["1103"]))
    channel = SmsChannel(sms_server.url, sms_server.token, "SamutPrakan")
    _drain(Worker(store, {"sms": channel}), store)
    assert len(sms_server.received) == 150
    th = [b for b in sms_server.bodies if b["encoding"] == "UCS-2"]
    assert sum(len(b["to"]) for b in th) == 150 and all(len(b["to"]) <= 100 for b in th)
    assert all(b["segments"] == 1 and HEADLINE in b["text"] for b in th)
    with store.read() as conn:
        stats = message_stats(conn, mid)
    assert stats["by_channel"]["sms"] == {"sent": 150, "failed": 1}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def test_email_over_smtp(store: Store) -> None:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start() cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with store.write() as conn:
            subscribe(conn, Subscription("email", "somchai@example.th", ["1104"], ["flood"]))
            subscribe(conn, Subscription("email", "jane@example.org", ["1104"], ["flood"], "en"))
        _queue(store, _alert(store, ["1104"]))
        channel = EmailChannel("127.0.0.1", port, "alerts@samutprakan.example")
        _drain(Worker(store, {"email": channel}), store)
    finally:
        controller.stop()
    assert sorted(r[0] for r, _ in inbox.messages) == ["jane@example.org", "somchai@example.th"]
    for rcpt, raw in inbox.messages:
        msg = message_from_bytes(raw)
        assert msg["To"] == rcpt[0]  # each recipient sees only their own address
        assert msg["Message-ID"].endswith("@paknam>")
        body = msg.get_payload(decode=True).decode("utf-8")
        assert ("High tide" in msg["Subject"]) == (rcpt[0] == "jane@example.org")
        assert "http://paknam.test/a" in body


def test_cancelled_alert_is_not_sent_and_numbers_are_not_kept(
    store: Store, sms_server: SmsServer
) -> None:
    from paknam.governance.alerts import cancel_alert

    with store.write() as conn:
        for i in range(3):
            subscribe(conn, Subscription("sms", f"081{i:07d}", ["1103"], ["flood"]))
    first = _alert(store, ["1103"])
    _queue(store, first)
    with store.write() as conn:
        cancel_alert(conn, first["id"], "officer1")
    second = _alert(store, ["1103"])
    mid = _queue(store, second)
    channel = SmsChannel(sms_server.url, sms_server.token, "SamutPrakan")
    _drain(Worker(store, {"sms": channel}), store)
    assert {len(t) for t in sms_server.received.values()} == {1}  # only the second alert
    with store.read() as conn:
        rows = conn.execute(sa.select(deliveries.c.message_id, deliveries.c.state,
                                      deliveries.c.response)).all()  # fmt: skip
    assert {r.state for r in rows if r.message_id != mid} == {"failed"}
    assert all("cancelled" in r.response for r in rows if r.message_id != mid)
    assert all("+66" not in (r.response or "") for r in rows)  # no number outside the cipher


def test_an_answer_after_the_lease_was_taken_over_is_ignored(
    store: Store, line_server: LineServer
) -> None:
    from paknam.core.notify.channels import Outcome
    from paknam.core.notify.outbox import claim, record

    _subscribe_line(store, 3)
    _queue(store, _alert(store, ["1101"]))
    with store.write() as conn:
        (old,) = claim(conn, "line", 500, 1, now=time.time())
    with store.write() as conn:  # the lease ran out; another claim took the batch over
        (new,) = claim(conn, "line", 500, 1, now=time.time() + 120)
    assert new.key == old.key and new.lease != old.lease
    with store.write() as conn:
        record(conn, [(old, Outcome("retry", "HTTP 503"))])  # the stale answer
        record(conn, [(new, Outcome("sent", "HTTP 200"))])
    with store.read() as conn:
        assert {r[0] for r in conn.execute(sa.select(deliveries.c.state))} == {"sent"}


def test_delivery_time_indicator_counts_each_alert_once_and_misses(
    store: Store, line_server: LineServer
) -> None:
    from datetime import UTC, datetime, timedelta

    from paknam.governance.indicators import delivery_time_indicator

    _subscribe_line(store, 4)
    alert = _alert(store, ["1101"])
    _queue(store, alert)
    _queue(store, alert)  # sent again: still one alert
    _drain(Worker(store, {"line": LineChannel(line_server.token, line_server.url)}), store)
    ind = delivery_time_indicator(store)
    assert ind["details"]["alerts_sent"] == 1
    assert ind["status"] == "on_track" and 0 <= ind["value"] < 1  # minutes
    late = _alert(store, ["1101"])
    with store.write() as conn:  # raised an hour ago, never delivered
        enqueue(conn, kind="alert", content=render_alert(late, "http://x"),
                audience=Audience(districts=("1101",)), created_by="o", alert_id=late["id"],
                raised_at=datetime.now(UTC) - timedelta(hours=1))  # fmt: skip
    ind = delivery_time_indicator(store)
    assert ind["details"]["alerts_never_reaching_95"] == 1
    assert ind["status"] == "off_track" and ind["value"] is None
