"""The outbox: a message's deliveries, one per recipient, kept and moved in batches.

Queueing a message cuts its recipients into batches (:data:`BATCH_SIZES`: one LINE
multicast or SMS gateway request each, one e-mail) and writes one ``delivery_batches`` row
per batch. States, of a batch: ``queued`` → ``sending`` (claimed: the batch key and the
membership of the batch are fixed and committed *before* the request goes out) → ``sent``
or back to ``queued`` with a later ``next_attempt_s`` (retry with exponential backoff), or
``failed`` (refused for good, or out of attempts). A recipient whose outcome differs from
its batch's (refused by the channel, consent withdrawn, address unreadable) is listed in
the batch's ``exceptions``; the view ``deliveries`` shows one row per recipient.

A claim is a lease: ``sending`` batches whose lease ran out (the worker died) are claimed
again *with the same batch key*, so the channel's idempotency key (LINE
``X-Line-Retry-Key``) makes the repeat a no-op if the first request had been accepted.
That is how a kill -9 mid-send neither loses nor doubles a message. A batch of 500 costs
the database two row writes (claim, answer) instead of a thousand.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.notify.channels import Batch, Outcome
from paknam.core.notify.channels.email import EmailChannel
from paknam.core.notify.channels.line import MULTICAST_MAX
from paknam.core.notify.channels.sms import SMS_BATCH
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import delivery_batches, messages, send_slots
from paknam.core.notify.subscribers import Audience, audience_query, check_audience
from paknam.core.registry import stale_checks
from paknam.core.timeutil import as_utc, now_float, utcnow

BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
BATCH_SIZES = {"line": MULTICAST_MAX, "sms": SMS_BATCH, "email": EmailChannel.batch_size}
"""Recipients per batch, by channel: one request each (LINE multicast, the SMS gateway);
e-mail goes one message per recipient."""
MAX_ATTEMPTS = 25
"""About 1.5 hours of retries at the capped backoff: well inside LINE's 24 h retry-key
window, so a retried batch is never sent twice."""


def enqueue(
    conn: Connection,
    *,
    kind: str,
    content: Mapping[str, Mapping[str, str]],
    audience: Audience,
    created_by: str,
    alert_id: int | None = None,
    raised_at: datetime | None = None,
) -> tuple[int, int]:
    """Create a message and queue a delivery to every recipient resolved *now*, in batches
    (:data:`BATCH_SIZES`; one ``delivery_batches`` row each).

    Returns (message id, recipients). The audience is resolved in the database, its ids
    read back as one string per channel and language, and cut here: 500,000 recipients
    cost one query and 1,000 rows written.
    """
    if kind not in ("alert", "news"):
        raise InvalidInput("message kind must be alert or news", field="kind")
    check_audience(conn, audience)
    now = utcnow()
    mid = conn.execute(
        messages.insert()
        .returning(messages.c.id)
        .values(
            alert_id=alert_id,
            kind=kind,
            audience=audience.as_dict(),
            content={k: dict(v) for k, v in content.items()},
            raised_at=raised_at or now,
            created_by=created_by,
            created_at=now,
            recipients=0,
        )
    ).scalar_one()
    # the ids of each channel and language as one string (hash aggregation: no sort of
    # the audience), cut into batches here
    q = audience_query(audience).subquery()
    groups = conn.execute(
        sa.select(
            q.c.channel, q.c.language, sa.func.aggregate_strings(sa.cast(q.c.id, sa.Text), ",")
        )
        .group_by(q.c.channel, q.c.language)
        .order_by(q.c.channel, q.c.language)
    ).all()
    at = int(now.timestamp())
    rows = []
    for channel, language, listed in groups:
        ids = sorted(map(int, listed.split(",")))
        size = BATCH_SIZES.get(channel, 1)
        for i in range(0, len(ids), size):
            part = ids[i : i + size]
            rows.append(
                {
                    "message_id": mid, "channel": channel, "language": language,
                    "state": "queued", "attempts": 0, "next_attempt_s": at,
                    "size": len(part), "recipients": ",".join(map(str, part)),
                }
            )  # fmt: skip
    b = delivery_batches
    if rows:
        conn.execute(b.insert(), rows)
    n = sum(r["size"] for r in rows)
    conn.execute(messages.update().where(messages.c.id == mid).values(recipients=n))
    return int(mid), int(n)


HANDOVER = "handed to the channel; its answer not yet recorded"
"""``response`` of a ``sending`` delivery whose message a channel without an idempotency
key (e-mail) is handing over at this moment (:func:`mark_handover`). If its worker dies
now, whether the server took the message is unknown: the batch is sent again when its lease
ends (at least once) and the record says it may have arrived twice."""
MAYBE_TWICE = (
    "sent again after the worker sending it died while handing it over (its answer was "
    "never recorded): may have arrived twice, with the same Message-ID; "
)


def lease_seconds() -> int:
    """The lease of a claim, from the settings (``PAKNAM_NOTIFY_LEASE_S``)."""
    from paknam.core.config import get_settings

    return int(get_settings().notify_lease_s)


def claim(
    conn: Connection,
    channel: str,
    batch_size: int,
    max_batches: int,
    now: float | None = None,
    lease_s: int | None = None,
    rate: float | None = None,
    owner: int | None = None,
) -> list[Batch]:
    """Claim up to ``max_batches`` due batches of ``channel``, each for ``lease_s`` seconds
    (default: the settings').

    A batch keeps its key on every claim (a retry, or a lease that ran out): the channel's
    idempotency key. On PostgreSQL the batch rows claimed are locked (``FOR UPDATE SKIP
    LOCKED``): a batch another claim holds is left to it, never sent by two. Batches were
    cut when the message was queued (:data:`BATCH_SIZES`); ``batch_size`` is the channel's
    largest, which none exceeds. ``rate``: the channel's limit [requests/s] for all workers
    together; each batch gets the next free sending slot (``Batch.not_before``, see
    :func:`reserve_slots`). ``owner``: the claiming worker's number (:data:`OWNER_LOCK`);
    on PostgreSQL a ``sending`` batch whose owner no longer holds its advisory lock (the
    worker died: its connection closed) is taken over at once, without waiting for the
    end of its lease.
    """
    now = now_float() if now is None else now
    lease_s = lease_seconds() if lease_s is None else lease_s
    b = delivery_batches
    pg = conn.dialect.name == "postgresql"
    cols = (
        b.c.id, b.c.message_id, b.c.language, b.c.batch_key, b.c.response, b.c.recipients,
        b.c.exceptions, b.c.attempts,
    )  # fmt: skip
    rows: list[Any] = []
    # batches whose worker died (lease over) first, then the queue in id order, each read
    # walking the (state, channel, id) index
    for state in ("sending", "queued"):
        due: Any = b.c.next_attempt_s <= int(now)
        if pg and state == "sending":
            due = sa.or_(due, OWNER_GONE)
        query = (
            sa.select(*cols)
            .where(b.c.state == state, b.c.channel == channel, due)
            .order_by(b.c.id)
            .limit(max_batches - len(rows))
        )
        if pg:
            query = query.with_for_update(skip_locked=True)
        rows.extend(conn.execute(query).all())
        if len(rows) >= max_batches:
            break
    rows = _drop_stale(conn, rows, now) if rows else rows
    if not rows:
        return []
    lease = int(now) + lease_s + 1  # due when int(now) >= lease: never shorter than lease_s
    members: dict[int, list[int]] = {}
    done: dict[int, dict[str, list[str]]] = {}
    for r in rows:
        done[r.id] = json.loads(r.exceptions) if r.exceptions else {}
        listed = r.recipients.split(",") if r.recipients else []
        if done[r.id]:
            listed = [x for x in listed if x not in done[r.id]]
        members[r.id] = list(map(int, listed))
    active = _active_addresses(conn, [sid for ms in members.values() for sid in ms])
    content = dict(
        conn.execute(
            sa.select(messages.c.id, messages.c.content).where(
                messages.c.id.in_({r.message_id for r in rows})
            )
        ).all()
    )
    c = cipher()
    batches = []
    params = []
    for r in rows:
        key = r.batch_key or str(uuid.uuid4())
        recipients, skipped = [], []
        for sid in members[r.id]:
            enc = active.get(sid)
            if not enc:  # withdrawn (or erased) since the message was queued
                skipped.append(sid)
                continue
            try:
                recipients.append((sid, c.decrypt(enc)))
            except InvalidInput:  # a changed PAKNAM_SECRET_KEY: say so, send the others
                done[r.id][str(sid)] = ["failed", UNREADABLE]
        batches.append(
            Batch(
                key,
                channel,
                r.language,
                content[r.message_id][r.language],
                recipients,
                skipped=skipped,
                lease=lease,
                unsure=frozenset(members[r.id]) if r.response == HANDOVER else frozenset(),
                attempts=r.attempts,
                done=done[r.id],
            )
        )
        params.append(
            {"b_id": r.id, "b_key": key, "b_exc": json.dumps(done[r.id]) if done[r.id] else None}
        )
    conn.execute(
        b.update()
        .where(b.c.id == sa.bindparam("b_id"))
        .values(
            state="sending",
            next_attempt_s=lease,
            batch_key=sa.bindparam("b_key"),
            exceptions=sa.bindparam("b_exc"),
            claimed_by=owner,
        ),
        params,
    )
    if rate:  # last: the slot row stays locked until this claim commits
        first = reserve_slots(conn, channel, len(batches), rate, now)
        batches = [replace(x, not_before=first + i / rate) for i, x in enumerate(batches)]
    return batches


OWNER_LOCK = 0x6E6F7469
"""PostgreSQL advisory locks ``(OWNER_LOCK, n)``: held by the live worker number ``n`` on
a connection of its own for as long as it runs (:class:`paknam.core.notify.worker.Worker`)."""


OWNER_GONE = sa.text(
    "(delivery_batches.claimed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_locks AS l "
    f"WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {OWNER_LOCK} "
    "AND l.objsubid = 2 AND l.objid = CAST(delivery_batches.claimed_by AS oid) "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())))"
)
"""SQL (PostgreSQL): the worker that claimed the batch no longer holds its lock (it died,
or its connection to the store broke)."""


def reserve_slots(conn: Connection, channel: str, count: int, rate: float, now: float) -> float:
    """Reserve ``count`` sending slots ``1/rate`` s apart on ``channel``, shared by every
    worker of the store (``send_slots``); returns the first [epoch s]. The workers together
    keep to the channel's limit however many run, and a dead worker's share goes to the
    others at once (a limit split per worker would lose it)."""
    r = send_slots
    step = count / rate
    advance = (
        r.update()
        .where(r.c.channel == channel)
        .values(next_slot=sa.case((r.c.next_slot > now, r.c.next_slot), else_=now) + step)
        .returning(r.c.next_slot)
    )
    end = conn.execute(advance).scalar()
    if end is None:  # the channel's first claim: make its row (another may make it too)
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(r).values(channel=channel, next_slot=now).on_conflict_do_nothing())
        end = conn.execute(advance).scalar_one()
    return float(end) - step


UNREADABLE = "address cannot be decrypted: wrong secret key?"
WITHDRAWN = "consent withdrawn before sending: not sent"


def _active_addresses(conn: Connection, ids: Sequence[int]) -> dict[int, bytes]:
    """Encrypted address of each of these subscribers who still consents, by id. Read
    through the driver's cursor: 8,000 rows a claim, 500,000 for a large alert."""
    if not ids:
        return {}
    listed = ",".join(map(str, ids))
    if conn.dialect.name == "postgresql":
        where, arg = "id = ANY(CAST(%s AS integer[]))", "{" + listed + "}"
    else:  # one parameter however many ids (SQLite limits their number)
        where, arg = "id IN (SELECT value FROM json_each(?))", "[" + listed + "]"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SELECT id, address_enc FROM subscribers WHERE {where} AND status = 'active'",
            (arg,),
        )
        return dict(cursor.fetchall())
    finally:
        cursor.close()


RETRY_WINDOW_S = 23 * 3600
"""A batch first claimed more than this long ago is not sent again: LINE keeps a retry key
for 24 h, after which a repeat of an accepted request would be delivered twice."""


def _drop_stale(conn: Connection, rows: list[Any], now: float) -> list[Any]:
    """Mark failed (and leave out) the batches that must not go out any more: those a
    domain's stale check names (governance: an alert that expired or was cancelled since it
    was queued; a Cancel itself still goes), or already attempted longer ago than
    :data:`RETRY_WINDOW_S` (outcome unknown)."""
    msg_ids = {r.message_id for r in rows}
    info = conn.execute(
        sa.select(messages.c.id, messages.c.alert_id, messages.c.created_at).where(
            messages.c.id.in_(msg_ids)
        )
    ).all()
    reasons: dict[int, str] = {}
    pairs = [(r.id, r.alert_id) for r in info]
    for check in stale_checks():  # e.g. governance: alert cancelled or expired since queued
        for mid, why in check(conn, pairs, now).items():
            reasons.setdefault(mid, why)
    for r in info:
        created = as_utc(r.created_at)
        if r.id not in reasons and now - created.timestamp() > RETRY_WINDOW_S:
            reasons[r.id] = "retry window (23 h) over: outcome unknown, not sent again"
    stale = [
        r.id
        for r in rows
        if r.message_id in reasons
        and (not reasons[r.message_id].startswith("retry") or r.batch_key)
    ]
    if not stale:
        return rows
    for mid, why in reasons.items():
        ids = [r.id for r in rows if r.message_id == mid and r.id in set(stale)]
        if ids:
            conn.execute(
                delivery_batches.update()
                .where(delivery_batches.c.id.in_(ids))
                .values(state="failed", response=why)
            )
    gone = set(stale)
    return [r for r in rows if r.id not in gone]


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt ``attempts + 1``: exponential with full jitter, at
    least what the channel asked for in ``Retry-After``."""
    wait = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    wait = random.uniform(wait / 2, wait)
    return max(wait, min(retry_after or 0.0, 4 * BACKOFF_MAX_S))


def mark_handover(conn: Connection, batch: Batch, delivery_id: int) -> bool:
    """Before a channel without an idempotency key hands a message over (SMTP ``DATA``) to
    ``delivery_id`` (a recipient of ``batch``): write :data:`HANDOVER` on the batch while it
    is still this claim's. False when it is not (the lease ran out and another worker took
    the batch): do not send. Commit before sending, so that a worker dying next leaves the
    mark. (E-mail batches hold one recipient each, so the mark is that recipient's.)"""
    if now_float() >= batch.lease:  # ours no longer, even if nobody has taken it yet
        return False
    b = delivery_batches
    n = conn.execute(
        b.update()
        .where(
            b.c.batch_key == batch.key, b.c.state == "sending", b.c.next_attempt_s == batch.lease
        )
        .values(response=HANDOVER)
    ).rowcount
    return bool(n)


def record(
    conn: Connection, results: Sequence[tuple[Batch, Outcome]], now: float | None = None
) -> None:
    """Write what the channels answered for the claimed batches: one row per batch (one
    statement for all), the recipients whose outcome differs from their batch's in its
    ``exceptions``. An answer is written only while the batch is still this claim's."""
    now = now_float() if now is None else now
    params = []
    for batch, outcome in results:
        exceptions = dict(batch.done)
        for sid in batch.skipped:  # consent withdrawn between queueing and sending
            exceptions[str(sid)] = ["failed", WITHDRAWN]
        for sid in outcome.failed_ids:  # refused for good by the channel
            exceptions[str(sid)] = ["failed", outcome.response]
        attempts = batch.attempts + 1
        response, next_s, sent_s = outcome.response, batch.lease, None
        if outcome.status == "sent":
            state, sent_s = "sent", now
            if batch.unsure:
                response = MAYBE_TWICE + outcome.response
        elif outcome.status == "failed" or attempts >= MAX_ATTEMPTS:
            state = "failed"
        else:
            state, next_s = "queued", int(now + backoff(attempts, outcome.retry_after))
        params.append(
            {
                "b_key": batch.key, "b_lease": batch.lease, "b_state": state,
                "b_response": response, "b_attempts": attempts, "b_next": next_s,
                "b_sent": sent_s, "b_exc": json.dumps(exceptions) if exceptions else None,
            }
        )  # fmt: skip
    if not params:
        return
    b = delivery_batches
    conn.execute(
        b.update()
        .where(
            b.c.batch_key == sa.bindparam("b_key"),
            b.c.state == "sending",
            b.c.next_attempt_s == sa.bindparam("b_lease"),
        )
        .values(
            state=sa.bindparam("b_state"),
            response=sa.bindparam("b_response"),
            attempts=sa.bindparam("b_attempts"),
            next_attempt_s=sa.bindparam("b_next"),
            sent_s=sa.bindparam("b_sent"),
            exceptions=sa.bindparam("b_exc"),
        ),
        params,
    )


def _tally(size: int, exceptions: str | None) -> tuple[int, list[str]]:
    """(recipients in the batch's own state, states of the others) of one batch row."""
    others = [v[0] for v in json.loads(exceptions).values()] if exceptions else []
    return size - len(others), others


def message_stats(conn: Connection, message_id: int) -> dict[str, Any]:
    """Deliveries of one message by state and channel, and the time from the warning being
    raised to 95 % of deliveries accepted by the channels (``t95_s``; None until then)."""
    msg = conn.execute(sa.select(messages).where(messages.c.id == message_id)).first()
    if msg is None:
        from paknam.core.errors import NotFound

        raise NotFound(f"message {message_id} does not exist")
    b = delivery_batches
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    accepted: list[tuple[float, int]] = []  # (sent_s, recipients sent) of each sent batch
    for ch, state, size, exceptions, sent_s in conn.execute(
        sa.select(b.c.channel, b.c.state, b.c.size, b.c.exceptions, b.c.sent_s).where(
            b.c.message_id == message_id
        )
    ):
        own, others = _tally(size, exceptions)
        if own:
            counts[ch][state] += own
            if state == "sent":
                accepted.append((float(sent_s), own))
        for other in others:
            counts[ch][other] += 1
    total = int(msg.recipients)
    raised = as_utc(msg.raised_at)
    t95 = None
    need = int(-(-0.95 * total // 1))  # ceil
    if total and need:
        got = 0
        for sent_s, n in sorted(accepted):
            got += n
            if got >= need:
                t95 = sent_s - raised.timestamp()
                break
    sent = sum(c.get("sent", 0) for c in counts.values())
    return {
        "message_id": message_id,
        "alert_id": msg.alert_id,
        "recipients": total,
        "sent": sent,
        "by_channel": {ch: dict(c) for ch, c in counts.items()},
        "raised_at": raised.isoformat(),
        "t95_s": t95,
    }


def pending(conn: Connection) -> int:
    """Deliveries not yet sent or failed."""
    b = delivery_batches
    rows = conn.execute(
        sa.select(b.c.size, b.c.exceptions).where(b.c.state.in_(("queued", "sending")))
    ).all()
    return sum(_tally(size, exceptions)[0] for size, exceptions in rows)


def sent_messages(conn: Connection, alert_id: int) -> list[int]:
    """Ids of the messages that already carried this alert."""
    return [
        int(r[0])
        for r in conn.execute(
            sa.select(messages.c.id).where(messages.c.alert_id == alert_id).order_by(messages.c.id)
        )
    ]
