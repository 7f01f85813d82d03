"""The outbox: one delivery record per message and recipient, moved by the worker.

States: ``queued`` → ``sending`` (claimed: the batch key and the membership of the batch
are fixed and committed *before* the request goes out) → ``sent`` or back to ``queued``
with a later ``next_attempt_s`` (retry with exponential backoff), or ``failed`` (refused
for good, or out of attempts). A claim is a lease: ``sending`` rows whose lease ran out
(the worker died) are claimed again *with the same batch key*, so the channel's
idempotency key (LINE ``X-Line-Retry-Key``) makes the repeat a no-op if the first request
had been accepted. That is how a kill -9 mid-send neither loses nor doubles a message.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.notify.channels import Batch, Outcome
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import deliveries, messages, subscribers
from paknam.core.notify.subscribers import Audience, audience_query, check_audience
from paknam.core.registry import stale_checks
from paknam.core.timeutil import as_utc, now_float, utcnow

BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
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
    """Create a message and one queued delivery per recipient resolved *now*.

    Returns (message id, recipients). The audience is resolved in the database
    (``INSERT … SELECT``), so 500,000 recipients cost one statement.
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
    q = audience_query(audience).subquery()
    select = sa.select(
        sa.literal(mid).label("message_id"),
        q.c.id,
        q.c.channel,
        q.c.language,
        sa.literal("queued"),
        sa.literal(0),
        sa.literal(int(now.timestamp())),
    )
    conn.execute(
        deliveries.insert().from_select(
            [
                "message_id",
                "subscriber_id",
                "channel",
                "language",
                "state",
                "attempts",
                "next_attempt_s",
            ],
            select,
        )
    )
    n = conn.execute(
        sa.select(sa.func.count()).where(deliveries.c.message_id == mid)
    ).scalar_one()  # rowcount of INSERT … SELECT is not reliable on every driver
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
) -> list[Batch]:
    """Claim due deliveries of ``channel`` as batches (same message and language each),
    each for ``lease_s`` seconds (default: the settings').

    Deliveries that already carry a batch key (a retry, or a lease that ran out) keep it
    and their batch mates; new ones get a fresh key. On PostgreSQL every row claimed is
    locked (``FOR UPDATE SKIP LOCKED``), its batch mates included: a keyed batch of which
    another claim holds a part is left to that claim, never sent by two.
    """
    now = now_float() if now is None else now
    lease_s = lease_seconds() if lease_s is None else lease_s
    d = deliveries
    limit = batch_size * max_batches
    cols: tuple[Any, ...] = (
        d.c.id, d.c.message_id, d.c.language, d.c.batch_key, d.c.response, d.c.subscriber_id,
    )  # fmt: skip
    pg = conn.dialect.name == "postgresql"
    source: Any = d
    if not pg:  # SQLite joins by primary key at no cost; PostgreSQL reads addresses after
        s = subscribers
        cols += (s.c.address_enc, s.c.status)
        source = d.join(s, s.c.id == d.c.subscriber_id)
    rows: list[Any] = []
    # batches whose worker died (lease over) first, then the queue in id order; each read
    # walks the (state, channel, id) index (on PostgreSQL with no join: its planner would
    # hash-join the whole queue on every claim), so claiming stays cheap however long the
    # queue
    for state in ("sending", "queued"):
        query = (
            sa.select(*cols)
            .select_from(source)
            .where(d.c.state == state, d.c.channel == channel, d.c.next_attempt_s <= int(now))
            .order_by(d.c.id)
            .limit(limit - len(rows))
        )
        if pg:
            query = query.with_for_update(skip_locked=True)
        rows.extend(conn.execute(query).all())
        if len(rows) >= limit:
            break
    if not rows:
        return []
    keys = {r.batch_key for r in rows if r.batch_key}
    if keys:  # a keyed batch is always retried whole, never a part of it under its key
        mates = sa.select(*cols).select_from(source).where(d.c.batch_key.in_(keys))
        pending = d.c.state.in_(("queued", "sending"))
        if pg:
            # the mates are locked too; a mate another claim holds (it took a part of the
            # same batch) is skipped, and the whole batch left to that claim or the next
            # one: counting the pending mates without locks says which batches are whole
            locked = conn.execute(
                mates.where(pending).order_by(d.c.id).with_for_update(skip_locked=True)
            ).all()
            sizes: dict[str, int] = dict(
                conn.execute(
                    sa.select(d.c.batch_key, sa.func.count())
                    .where(d.c.batch_key.in_(keys), pending)
                    .group_by(d.c.batch_key)
                ).all()
            )
            held: dict[str, int] = defaultdict(int)
            for r in locked:
                held[r.batch_key] += 1
            whole = {k for k, n in held.items() if n == sizes.get(k)}
            keyed_rows = [r for r in locked if r.batch_key in whole]
        else:  # SQLite: the claim is the only writer
            keyed_rows = list(conn.execute(mates.where(pending).order_by(d.c.id)).all())
        rows = [r for r in rows if not r.batch_key] + keyed_rows
    rows = _drop_stale(conn, rows, now)
    if not rows:
        return []
    groups: dict[Any, list[Any]] = defaultdict(list)
    for r in rows:
        groups[r.batch_key or (r.message_id, r.language)].append(r)
    keyed: list[tuple[str, list[Any]]] = []
    for gk, members in groups.items():
        if isinstance(gk, str):
            keyed.append((gk, members))
        else:
            for i in range(0, len(members), batch_size):
                keyed.append((str(uuid.uuid4()), members[i : i + batch_size]))
    keyed = keyed[:max_batches]
    lease = int(now) + lease_s + 1  # due when int(now) >= lease: never shorter than lease_s
    if pg:  # one statement for all; arrays as text literals (cheaper than list adaptation)
        ids = ",".join(str(m.id) for _, ms in keyed for m in ms)
        idx = ",".join(str(i) for i, (_, ms) in enumerate(keyed, 1) for _ in ms)
        conn.execute(
            sa.text(
                "UPDATE deliveries AS d SET state = 'sending', next_attempt_s = :lease, "
                "batch_key = (CAST(:keys AS varchar[]))[c.k] "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:idx AS integer[])) AS c(id, k) "
                "WHERE d.id = c.id"
            ),
            {
                "ids": "{" + ids + "}",
                "idx": "{" + idx + "}",
                "keys": "{" + ",".join(k for k, _ in keyed) + "}",
                "lease": lease,
            },
        )
    else:  # SQLite: executemany by primary key is the fastest it has
        conn.execute(
            d.update()
            .where(d.c.id == sa.bindparam("b_id"))
            .values(state="sending", batch_key=sa.bindparam("b_key"), next_attempt_s=lease),
            [{"b_id": m.id, "b_key": key} for key, members in keyed for m in members],
        )
    msg_ids = {m.message_id for _, ms in keyed for m in ms}
    content = dict(
        conn.execute(
            sa.select(messages.c.id, messages.c.content).where(messages.c.id.in_(msg_ids))
        ).all()
    )
    if pg:
        people = _subscribers(conn, [m.subscriber_id for _, ms in keyed for m in ms])
    else:
        people = {m.subscriber_id: (m.address_enc, m.status) for _, ms in keyed for m in ms}
    c = cipher()
    batches = []
    unreadable = []
    for key, members in keyed:
        first = members[0]
        recipients = []
        for m in members:
            enc, status = people.get(m.subscriber_id, (None, "gone"))
            if status == "active" and enc:
                try:
                    recipients.append((m.id, c.decrypt(enc)))
                except InvalidInput:
                    unreadable.append(m.id)
        batches.append(
            Batch(
                key,
                channel,
                first.language,
                content[first.message_id][first.language],
                recipients,
                skipped=[
                    m.id
                    for m in members
                    if people.get(m.subscriber_id, (None, "gone"))[1] != "active"
                    or not people[m.subscriber_id][0]
                ],
                lease=lease,
                unsure=frozenset(m.id for m in members if m.response == HANDOVER),
            )
        )
    if unreadable:  # a changed PAKNAM_SECRET_KEY: say so per delivery, keep sending others
        conn.execute(
            d.update()
            .where(d.c.id.in_(unreadable))
            .values(state="failed", response="address cannot be decrypted: wrong secret key?")
        )
    return batches


def _subscribers(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[bytes, str]]:
    """Encrypted address and status of these subscribers, by id (PostgreSQL)."""
    rows = conn.execute(
        sa.text(
            "SELECT id, address_enc, status FROM subscribers "
            "WHERE id = ANY(CAST(:ids AS integer[]))"
        ),
        {"ids": "{" + ",".join(map(str, ids)) + "}"},
    ).all()
    return {i: (enc, status) for i, enc, status in rows}


RETRY_WINDOW_S = 23 * 3600
"""A batch first claimed more than this long ago is not sent again: LINE keeps a retry key
for 24 h, after which a repeat of an accepted request would be delivered twice."""


def _drop_stale(conn: Connection, rows: list[Any], now: float) -> list[Any]:
    """Mark failed (and leave out) the deliveries that must not go out any more: those a
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
                deliveries.update()
                .where(deliveries.c.id.in_(ids))
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
    """Before a channel without an idempotency key hands one message over (SMTP ``DATA``):
    write :data:`HANDOVER` on the delivery while the batch is still this claim's. False
    when it is not (the lease ran out and another worker took the batch): do not send.
    Commit before sending, so that a worker dying next leaves the mark."""
    if now_float() >= batch.lease:  # ours no longer, even if nobody has taken it yet
        return False
    d = deliveries
    n = conn.execute(
        d.update()
        .where(
            d.c.id == delivery_id,
            d.c.batch_key == batch.key,
            d.c.state == "sending",
            d.c.next_attempt_s == batch.lease,
        )
        .values(response=HANDOVER)
    ).rowcount
    return bool(n)


def record(
    conn: Connection, results: Sequence[tuple[Batch, Outcome]], now: float | None = None
) -> None:
    """Write what the channels answered for the claimed batches."""
    now = now_float() if now is None else now
    d = deliveries
    for batch, outcome in results:
        in_batch = sa.and_(
            d.c.batch_key == batch.key, d.c.state == "sending", d.c.next_attempt_s == batch.lease
        )
        if batch.skipped:  # consent withdrawn between queueing and sending
            conn.execute(
                d.update()
                .where(in_batch, d.c.id.in_(batch.skipped))
                .values(state="failed", response="consent withdrawn before sending: not sent")
            )
        if outcome.failed_ids:
            conn.execute(
                d.update()
                .where(in_batch, d.c.id.in_(list(outcome.failed_ids)))
                .values(state="failed", response=outcome.response, attempts=d.c.attempts + 1)
            )
        if outcome.status == "sent":
            done = conn.execute(
                d.update()
                .where(in_batch)
                .values(state="sent", sent_s=now, response=outcome.response,
                        attempts=d.c.attempts + 1)
            ).rowcount  # fmt: skip
            if batch.unsure and done:
                conn.execute(
                    d.update()
                    .where(
                        d.c.batch_key == batch.key,
                        d.c.next_attempt_s == batch.lease,
                        d.c.state == "sent",
                        d.c.id.in_(list(batch.unsure)),
                    )
                    .values(response=MAYBE_TWICE + outcome.response)
                )
        elif outcome.status == "failed":
            conn.execute(
                d.update()
                .where(in_batch)
                .values(state="failed", response=outcome.response, attempts=d.c.attempts + 1)
            )
        else:
            attempts = (
                conn.execute(sa.select(sa.func.max(d.c.attempts)).where(in_batch)).scalar() or 0
            ) + 1
            if attempts >= MAX_ATTEMPTS:
                values: dict[str, Any] = {"state": "failed"}
            else:
                values = {
                    "state": "queued",
                    "next_attempt_s": int(now + backoff(attempts, outcome.retry_after)),
                }
            conn.execute(
                d.update()
                .where(in_batch)
                .values(attempts=attempts, response=outcome.response, **values)
            )


def message_stats(conn: Connection, message_id: int) -> dict[str, Any]:
    """Deliveries of one message by state and channel, and the time from the warning being
    raised to 95 % of deliveries accepted by the channels (``t95_s``; None until then)."""
    msg = conn.execute(sa.select(messages).where(messages.c.id == message_id)).first()
    if msg is None:
        from paknam.core.errors import NotFound

        raise NotFound(f"message {message_id} does not exist")
    d = deliveries
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for ch, state, n in conn.execute(
        sa.select(d.c.channel, d.c.state, sa.func.count())
        .where(d.c.message_id == message_id)
        .group_by(d.c.channel, d.c.state)
    ):
        counts[ch][state] = int(n)
    total = int(msg.recipients)
    raised = as_utc(msg.raised_at)
    t95 = None
    need = int(-(-0.95 * total // 1))  # ceil
    if total and need:
        row = conn.execute(
            sa.select(d.c.sent_s)
            .where(d.c.message_id == message_id, d.c.state == "sent")
            .order_by(d.c.sent_s)
            .offset(need - 1)
            .limit(1)
        ).first()
        if row is not None:
            t95 = float(row.sent_s) - raised.timestamp()
    sent = sum(c.get("sent", 0) for c in counts.values())
    return {
        "message_id": message_id,
        "alert_id": msg.alert_id,
        "recipients": total,
        "sent": sent,
        "by_channel": dict(counts),
        "raised_at": raised.isoformat(),
        "t95_s": t95,
    }


def pending(conn: Connection) -> int:
    """Deliveries not yet sent or failed."""
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(deliveries.c.state.in_(("queued", "sending")))
        ).scalar()
        or 0
    )


def sent_messages(conn: Connection, alert_id: int) -> list[int]:
    """Ids of the messages that already carried this alert."""
    return [
        int(r[0])
        for r in conn.execute(
            sa.select(messages.c.id).where(messages.c.alert_id == alert_id).order_by(messages.c.id)
        )
    ]
