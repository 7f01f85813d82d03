"""The outbox's batch bookkeeping (migration 0019): a message's recipients are cut into
batches when it is queued, each batch is one row claimed and answered as a whole, and the
recipients whose outcome differs from their batch's are kept in the batch's exceptions and
shown per recipient by the ``deliveries`` view, in the officers' stats and on retries."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from paknam.core.db import _alembic_config
from paknam.core.notify.channels import Outcome
from paknam.core.notify.outbox import (
    BATCH_SIZES,
    MAYBE_TWICE,
    WITHDRAWN,
    claim,
    enqueue,
    message_stats,
    pending,
    record,
)
from paknam.core.notify.render import render_news
from paknam.core.notify.schema import deliveries, delivery_batches
from paknam.core.notify.subscribers import Audience, Subscription, bulk_subscribe, withdraw
from paknam.core.store import Store
from paknam.core.timeutil import utcnow
from tests.governance.conftest import line_user


def _queue(store: Store, line_th: int, line_en: int = 0, sms: int = 0, email: int = 0) -> int:
    subs = [Subscription("line", line_user(i), ["1105"], ["flood"]) for i in range(line_th)]
    subs += [
        Subscription("line", line_user(10_000 + i), ["1105"], ["flood"], language="en")
        for i in range(line_en)
    ]
    subs += [Subscription("sms", f"+6681{i:07d}", ["1105"], ["flood"]) for i in range(sms)]
    subs += [Subscription("email", f"p{i}@example.org", ["1105"], ["flood"]) for i in range(email)]
    with store.write() as conn:
        bulk_subscribe(conn, subs)
        mid, n = enqueue(
            conn,
            kind="news",
            content=render_news("น้ำทะเลหนุนสูง", "High tide", "http://paknam.test/n"),
            audience=Audience(districts=("1105",)),
            created_by="officer1",
        )
    assert n == line_th + line_en + sms + email
    return mid


def _batches(store: Store) -> list[sa.Row[tuple[object, ...]]]:
    b = delivery_batches
    with store.read() as conn:
        return list(conn.execute(sa.select(b).order_by(b.c.id)))


def test_queueing_cuts_each_channel_and_language_into_batches_once(store: Store) -> None:
    mid = _queue(store, line_th=1203, line_en=7, sms=150, email=3)
    rows = _batches(store)
    sizes = Counter((r.channel, r.language, r.size) for r in rows)
    assert sizes == {
        ("line", "th", 500): 2,
        ("line", "th", 203): 1,
        ("line", "en", 7): 1,
        ("sms", "th", 100): 1,
        ("sms", "th", 50): 1,
        ("email", "th", 1): 3,
    }
    assert all(r.size <= BATCH_SIZES[r.channel] for r in rows)
    members = [int(x) for r in rows for x in r.recipients.split(",")]
    assert len(members) == len(set(members)) == 1203 + 7 + 150 + 3  # everyone, once
    assert {(r.state, r.attempts, r.batch_key, r.exceptions) for r in rows} == {
        ("queued", 0, None, None)
    }
    with store.read() as conn:
        view = conn.execute(sa.select(deliveries.c.subscriber_id, deliveries.c.state)).all()
        assert sorted(s for s, _ in view) == sorted(members)
        assert {st for _, st in view} == {"queued"}
        assert pending(conn) == len(members)
        stats = message_stats(conn, mid)
    assert stats["by_channel"] == {"line": {"queued": 1210}, "sms": {"queued": 150},
                                   "email": {"queued": 3}}  # fmt: skip


def test_a_batch_is_one_row_claimed_and_answered_with_its_exceptions(store: Store) -> None:
    mid = _queue(store, line_th=600)
    with store.read() as conn:
        ids = [int(x) for x in _batches(store)[0].recipients.split(",")]
    gone, refused = ids[3], ids[10]
    with store.write() as conn:
        withdraw(conn, gone)  # between queueing and sending
    now = time.time()
    with store.write() as conn:
        first, second = claim(conn, "line", 500, 4, now=now)
    assert (len(first.recipients), first.skipped) == (499, [gone])
    assert len(second.recipients) == 100
    assert all(r.state == "sending" and r.batch_key for r in _batches(store))
    with store.write() as conn:
        record(conn, [(first, Outcome("sent", "HTTP 200", failed_ids=frozenset({refused})))])
        record(conn, [(second, Outcome("sent", "HTTP 200"))], now=now + 1)
    rows = _batches(store)
    assert len(rows) == 2 and {r.state for r in rows} == {"sent"}  # still two rows
    assert json.loads(rows[0].exceptions) == {
        str(gone): ["failed", WITHDRAWN],
        str(refused): ["failed", "HTTP 200"],
    }
    with store.read() as conn:
        view = {r.subscriber_id: r for r in conn.execute(sa.select(deliveries))}
        assert (view[gone].state, view[gone].response) == ("failed", WITHDRAWN)
        assert view[refused].state == "failed" and view[refused].sent_s is None
        assert Counter(r.state for r in view.values()) == {"sent": 598, "failed": 2}
        assert {r.attempts for r in view.values()} == {1}
        stats = message_stats(conn, mid)
        assert pending(conn) == 0
    assert stats["by_channel"] == {"line": {"sent": 598, "failed": 2}}
    assert stats["sent"] == 598
    # 95 % of 600 is 570: the first batch (498 sent) is not enough, the second brings it
    raised = stats["raised_at"]
    from datetime import datetime

    assert stats["t95_s"] == pytest.approx(now + 1 - datetime.fromisoformat(raised).timestamp())


def test_a_retried_batch_keeps_its_key_members_and_exceptions(store: Store) -> None:
    _queue(store, line_th=20)
    (sid_gone,) = [int(x) for x in _batches(store)[0].recipients.split(",")][:1]
    with store.write() as conn:
        withdraw(conn, sid_gone)
    now = time.time()
    with store.write() as conn:
        (b,) = claim(conn, "line", 500, 4, now=now)
        record(conn, [(b, Outcome("retry", "HTTP 503", retry_after=30))], now=now)
    (row,) = _batches(store)
    assert (row.state, row.attempts, row.batch_key) == ("queued", 1, b.key)
    assert row.next_attempt_s >= int(now) + 30  # Retry-After heeded
    with store.write() as conn:
        assert claim(conn, "line", 500, 4, now=now + 1) == []  # not due yet
        (again,) = claim(conn, "line", 500, 4, now=now + 400)
    assert again.key == b.key and again.attempts == 1
    assert [s for s, _ in again.recipients] == [s for s, _ in b.recipients]
    assert again.skipped == [] and again.done == {str(sid_gone): ["failed", WITHDRAWN]}
    with store.write() as conn:
        record(conn, [(again, Outcome("sent", "HTTP 409: already accepted"))], now=now + 400)
    with store.read() as conn:
        states = Counter(r.state for r in conn.execute(sa.select(deliveries.c.state)))
        assert states == {"sent": 19, "failed": 1}
        assert {r.attempts for r in conn.execute(sa.select(deliveries.c.attempts))} == {2}


def test_an_email_handed_over_by_a_dead_worker_is_sent_again_marked(store: Store) -> None:
    from paknam.core.notify.outbox import mark_handover

    _queue(store, line_th=0, email=2)
    now = time.time()
    with store.write() as conn:
        first = claim(conn, "email", 1, 2, now=now, lease_s=600)
    assert [len(b.recipients) for b in first] == [1, 1]
    with store.write() as conn:  # the worker hands the first over, then dies
        assert mark_handover(conn, first[0], first[0].recipients[0][0])
    with store.write() as conn:
        record(conn, [(first[1], Outcome("sent", "SMTP 250"))])
        retaken = claim(conn, "email", 1, 2, now=now + 700)
    assert [b.key for b in retaken] == [first[0].key]
    assert retaken[0].unsure == {first[0].recipients[0][0]}
    with store.write() as conn:
        record(conn, [(retaken[0], Outcome("sent", "SMTP 250"))], now=now + 700)
        responses = sorted(r[0] for r in conn.execute(sa.select(deliveries.c.response)))
    assert responses == sorted([MAYBE_TWICE + "SMTP 250", "SMTP 250"])


def test_upgrade_keeps_old_deliveries_and_pending_batches_whole(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/old.sqlite3")  # brought to 0018 by hand
    try:
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0018")
            conn.exec_driver_sql(
                "INSERT INTO messages (kind, audience, content, raised_at, created_by, "
                "created_at, recipients) VALUES ('news', '{}', '{}', ?, 'o', ?, 6)",
                (utcnow(), utcnow()),
            )
            key, old_key = str(uuid.uuid4()), str(uuid.uuid4())
            rows = [  # subscriber, state, attempts, next attempt, key, response
                (1, "sending", 1, 100, key, None),  # a batch in flight: three mates
                (2, "sending", 1, 100, key, None),
                (3, "sending", 1, 100, key, None),
                (4, "sent", 1, 50, old_key, "HTTP 200"),
                (5, "failed", 1, 50, old_key, "HTTP 400"),
                (6, "queued", 0, 10, None, None),
            ]
            for sid, state, att, nxt, k, resp in rows:
                conn.exec_driver_sql(
                    "INSERT INTO deliveries (message_id, subscriber_id, channel, language, "
                    "state, attempts, next_attempt_s, batch_key, response, sent_s) "
                    "VALUES (1, ?, 'line', 'th', ?, ?, ?, ?, ?, ?)",
                    (sid, state, att, nxt, k, resp, 55.0 if state == "sent" else None),
                )
            # 1,200 never claimed (an alert queued just before the upgrade): LINE batches of
            # 500, as enqueue cuts them, never 1,200 batches of one
            conn.exec_driver_sql(
                "INSERT INTO deliveries (message_id, subscriber_id, channel, language, "
                "state, attempts, next_attempt_s) "
                "VALUES (1, ?, 'line', 'en', 'queued', 0, 10)",
                [(sid,) for sid in range(2000, 800, -1)],
            )
        store.migrate()
        with store.read() as conn:
            view = conn.execute(
                sa.select(
                    deliveries.c.subscriber_id, deliveries.c.state, deliveries.c.attempts,
                    deliveries.c.next_attempt_s, deliveries.c.batch_key, deliveries.c.response,
                ).where(deliveries.c.subscriber_id < 100).order_by(deliveries.c.subscriber_id)
            ).all()  # fmt: skip
            assert [tuple(r) for r in view] == [
                (sid, state, att, nxt, k if state == "sending" else None, resp)
                for sid, state, att, nxt, k, resp in rows
            ]
            (inflight,) = [r for r in _batches(store) if r.batch_key == key]
            assert (inflight.size, inflight.recipients, inflight.state) == (3, "1,2,3", "sending")
            english = [r for r in _batches(store) if r.language == "en"]
            assert sorted(r.size for r in english) == [200, 500, 500]
            assert sorted(int(x) for r in english for x in r.recipients.split(",")) == list(
                range(801, 2001)
            )
            assert pending(conn) == 4 + 1200
            assert message_stats(conn, 1)["by_channel"] == {
                "line": {"sending": 3, "sent": 1, "failed": 1, "queued": 1 + 1200}
            }
    finally:
        store.close()


def test_downgrade_writes_one_row_per_recipient_back(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/down.sqlite3")
    try:
        _queue(store, line_th=3, sms=2)
        with store.write() as conn:
            (b,) = claim(conn, "line", 500, 4, now=time.time())
            record(conn, [(b, Outcome("sent", "HTTP 200", failed_ids=frozenset({1})))])
        with store.read() as conn:
            before = sorted(
                tuple(r)[1:]  # all but the id, which the view numbers by batch
                for r in conn.execute(sa.select(deliveries))
            )
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0018")
        with store.read() as conn:
            tables = sa.inspect(conn).get_table_names()
            assert "delivery_batches" not in tables and "deliveries" in tables
            after = sorted(tuple(r)[1:] for r in conn.exec_driver_sql("SELECT * FROM deliveries"))
        assert after == before
        assert Counter(r[4] for r in after) == {"sent": 2, "failed": 1, "queued": 2}
    finally:
        store.close()
