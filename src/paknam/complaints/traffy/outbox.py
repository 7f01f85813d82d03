"""paknam's own changes of Traffy-origin complaints, going back to Traffy: reliably, once.

The complaint's event log is the source: every ``status`` / ``reopened`` event of a
linked complaint whose actor is not Traffy (:func:`tickets.is_traffy_origin`) gets one
row in ``traffy_pushes`` (``event_id`` is unique: queued once however many processes
look). :func:`enqueue` finds them — the change hook calls it right after the officer's
commit, and every delivery pass calls it again, so a change made while the process died
before its hook ran is still found.

A push is claimed (``pending`` → ``sending``, one winner), sent with ``update-issue``
(the state name, the officer's note) — or, for a forwarding, as a staff-only ``comment``
— and marked ``sent``. A push whose complaint has moved on since (a later change, by
anyone) is ``superseded``: only the current state is ever sent. Failures: no answer or a
5xx → retried with backoff up to :data:`MAX_ATTEMPTS`; the quota used up → held until
the month's credits start again; Traffy refusing the request → ``failed`` with its
message. A claim left ``sending`` by a dead process is taken back after
:data:`CLAIM_TIMEOUT_S` (the one case where Traffy might hear a state twice).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from paknam.complaints.agencies import agency_public
from paknam.complaints.schema import complaint_events as events
from paknam.complaints.schema import complaints
from paknam.complaints.traffy.client import TraffyClient
from paknam.complaints.traffy.errors import (
    TraffyAuthFailed,
    TraffyError,
    TraffyQuotaExhausted,
    TraffyUnavailable,
)
from paknam.complaints.traffy.mapping import TO_TRAFFY
from paknam.complaints.traffy.quota import month_of, next_month_start
from paknam.complaints.traffy.schema import traffy_pushes as pushes
from paknam.complaints.traffy.schema import traffy_tickets as tickets
from paknam.complaints.workflow import STATES
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK

PUSH_KINDS = ("status", "reopened")
MAX_ATTEMPTS = 12
BACKOFF_S = 30
MAX_BACKOFF_S = 3600
CLAIM_TIMEOUT_S = 600
BATCH = 100


def _note(to_status: str | None, note: str | None) -> str:
    th, en = STATES.get(to_status or "", ("", ""))
    head = f"paknam: {th} / {en}" if th else "paknam"
    return f"{head} — {note}" if note else head


def _forward_comment(agency_code: str | None, note: str | None) -> str:
    agency = agency_public(agency_code) if agency_code else None
    name = f"{agency['name_th']} / {agency['name_en']}" if agency else (agency_code or "?")
    return f"paknam: ส่งต่อให้ {name} / forwarded to {name}" + (f" — {note}" if note else "")


def enqueue(conn: Connection, now: int, complaint_id: int | None = None) -> int:
    """Queue every paknam-origin state change of a Traffy ticket not queued yet; returns
    how many were queued now."""
    query = (
        sa.select(
            events.c.id,
            events.c.complaint_id,
            events.c.actor,
            events.c.to_status,
            events.c.agency_code,
            events.c.note,
            tickets.c.ticket_id,
        )
        .join(tickets, tickets.c.complaint_id == events.c.complaint_id)
        .where(
            events.c.kind.in_(PUSH_KINDS),
            events.c.actor != "traffy",
            sa.not_(events.c.actor.like("traffy:%")),
            ~sa.exists().where(pushes.c.event_id == events.c.id),
        )
        .order_by(events.c.id)
    )
    if complaint_id is not None:
        query = query.where(events.c.complaint_id == complaint_id)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    queued = 0
    for e in conn.execute(query).all():
        forwarded = e.to_status == "forwarded"
        values = {
            "event_id": e.id,
            "complaint_id": e.complaint_id,
            "ticket_id": e.ticket_id,
            "origin": "paknam",
            "to_status": e.to_status,
            "state_name": None if forwarded else TO_TRAFFY.get(e.to_status or ""),
            "note": _note(e.to_status, e.note),
            "comment": _forward_comment(e.agency_code, e.note) if forwarded else None,
            "state": "pending",
            "attempts": 0,
            "next_attempt_s": now,
            "created_s": now,
        }
        if values["state_name"] is None and values["comment"] is None:
            continue
        added = conn.execute(
            dialect.insert(pushes)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[pushes.c.event_id])
            .returning(pushes.c.id)
        ).first()
        queued += added is not None
    return queued


def _month_start_s(month: str) -> int:
    day = datetime.strptime(next_month_start(month), "%Y-%m-%d").replace(tzinfo=BANGKOK)
    return int(day.timestamp())


def _claim(store: Store, push_id: int, now: int) -> Any:
    """The push, claimed for sending (None if another process has it, or it is
    superseded: then marked so)."""
    with store.write(changes_answers=False) as conn:
        claimed = conn.execute(
            pushes.update()
            .where(pushes.c.id == push_id, pushes.c.state == "pending")
            .values(state="sending", claimed_s=now)
        ).rowcount
        if claimed != 1:
            return None
        row = conn.execute(sa.select(pushes).where(pushes.c.id == push_id)).one()
        current = conn.execute(
            sa.select(complaints.c.status).where(complaints.c.id == row.complaint_id)
        ).scalar()
        if row.state_name is not None and current != row.to_status:
            conn.execute(
                pushes.update()
                .where(pushes.c.id == push_id)
                .values(state="superseded", last_error=f"the complaint is now {current}")
            )
            return None
        return row


def _finish(store: Store, push_id: int, **values: Any) -> None:
    with store.write(changes_answers=False) as conn:
        conn.execute(pushes.update().where(pushes.c.id == push_id).values(**values))
        if values.get("state") == "sent":
            row = conn.execute(sa.select(pushes).where(pushes.c.id == push_id)).one()
            if row.state_name:
                conn.execute(
                    tickets.update()
                    .where(tickets.c.ticket_id == row.ticket_id)
                    .values(traffy_status=row.state_name, updated_s=values["sent_s"])
                )


def deliver(
    store: Store, client: TraffyClient, now: int, *, complaint_id: int | None = None
) -> dict[str, Any]:
    """Queue what is new, then send what is due. Returns counts and the quota."""
    report: dict[str, Any] = {
        "queued": 0,
        "sent": 0,
        "retrying": 0,
        "failed": 0,
        "held": 0,
        "superseded": 0,
        "errors": [],
    }
    with store.write(changes_answers=False) as conn:
        report["queued"] = enqueue(conn, now, complaint_id)
        conn.execute(  # claims of a process that died while sending
            pushes.update()
            .where(pushes.c.state == "sending", pushes.c.claimed_s < now - CLAIM_TIMEOUT_S)
            .values(state="pending")
        )
    with store.read() as conn:
        due = conn.execute(
            sa.select(pushes.c.id)
            .where(pushes.c.state == "pending", pushes.c.next_attempt_s <= now)
            .order_by(pushes.c.id)
            .limit(BATCH)
        ).scalars()
        due_ids = list(due)
    for push_id in due_ids:
        row = _claim(store, push_id, now)
        if row is None:
            with store.read() as conn:
                state = conn.execute(
                    sa.select(pushes.c.state).where(pushes.c.id == push_id)
                ).scalar()
            if state == "superseded":
                report["superseded"] += 1
            continue
        try:
            if row.state_name is not None:
                client.update_issue(row.ticket_id, state_name=row.state_name, note=row.note)
            if row.comment:
                client.comment(row.ticket_id, row.comment, comment_type="chat_staff_only")
        except TraffyQuotaExhausted as exc:
            resume = _month_start_s(month_of(client.clock()))
            _finish(store, push_id, state="pending", next_attempt_s=resume, last_error=str(exc))
            report["held"] += 1 + sum(1 for i in due_ids if i > push_id)
            report["errors"].append(str(exc))
            break
        except (TraffyUnavailable, TraffyAuthFailed) as exc:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                _finish(store, push_id, state="failed", attempts=attempts, last_error=str(exc))
                report["failed"] += 1
            else:
                wait = min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (attempts - 1))
                _finish(
                    store,
                    push_id,
                    state="pending",
                    attempts=attempts,
                    next_attempt_s=now + wait,
                    last_error=str(exc),
                )
                report["retrying"] += 1
            report["errors"].append(str(exc))
            if isinstance(exc, TraffyAuthFailed):
                break  # the same for every push: try again later
        except TraffyError as exc:  # Traffy refused this request: not retried
            _finish(store, push_id, state="failed", attempts=row.attempts + 1, last_error=str(exc))
            report["failed"] += 1
            report["errors"].append(str(exc))
        else:
            _finish(store, push_id, state="sent", attempts=row.attempts + 1, sent_s=now)
            report["sent"] += 1
    return report


def outbox_counts(store: Store) -> dict[str, int]:
    """Pushes by state (``pending``, ``sent``, ``failed``...)."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(pushes.c.state, sa.func.count()).group_by(pushes.c.state)
        ).all()
    return {str(state): int(n) for state, n in rows}
