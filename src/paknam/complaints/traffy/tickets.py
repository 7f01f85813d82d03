"""Traffy tickets in paknam, inside the caller's transaction: import a ticket as a
complaint (kept unique by Traffy's ticket id), apply Traffy's status changes, note its
comments. Every change made here is logged with the actor ``traffy:<via>`` (its
*origin*): :mod:`paknam.complaints.traffy.outbox` never sends those back to Traffy.

Echoes: when Traffy tells paknam a state that paknam itself sent (a ``sent`` push of the
same ticket and state name not yet matched, within :data:`ECHO_WINDOW_S`), the message is
marked as that push's echo and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints import intake
from paknam.complaints.handling import _lock, apply_status
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.intake import ComplaintIn
from paknam.complaints.records import log_event
from paknam.complaints.traffy.mapping import (
    StatusIn,
    TicketIn,
    description_of,
    paknam_state,
    service_for_type,
)
from paknam.complaints.traffy.outbox import enqueue
from paknam.complaints.traffy.schema import traffy_pushes as pushes
from paknam.complaints.traffy.schema import traffy_tickets as tickets
from paknam.complaints.workflow import CLOSED
from paknam.core.errors import NotFound

CLIENT = "traffy"
"""``complaints.client`` of imported tickets (their idempotency key is the ticket id)."""
ECHO_WINDOW_S = 3 * 86_400


def actor(via: str) -> str:
    """The actor of a change that came from Traffy (``traffy:webhook``, ``traffy:sync``)."""
    return f"{CLIENT}:{via}"


def is_traffy_origin(who: str) -> bool:
    return who == CLIENT or who.startswith(f"{CLIENT}:")


@dataclass
class Outcome:
    """What one ticket or status message did."""

    ticket_id: str
    result: str  # imported | exists | applied | unchanged | echo | noted
    complaint_id: int | None = None
    status: str | None = None
    changes: list[ComplaintChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "result": self.result,
            "complaint_id": self.complaint_id,
            "status": self.status,
        }


def link_of(conn: Connection, ticket_id: str) -> Any:
    return conn.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).first()


def link_of_complaint(conn: Connection, complaint_id: int) -> Any:
    return conn.execute(sa.select(tickets).where(tickets.c.complaint_id == complaint_id)).first()


def import_ticket(
    conn: Connection,
    t: TicketIn,
    *,
    via: str,
    now: int,
    type_map: dict[str, str] | None = None,
    suggested: list[dict[str, Any]] | None = None,
    classifier_doubts: bool = False,
) -> Outcome:
    """The complaint of ticket ``t``: created (with its Traffy state applied) unless the
    ticket was imported before (``exists``; its state is then applied)."""
    link = link_of(conn, t.ticket_id)
    if link is not None:
        if t.status and t.status != link.traffy_status:  # changed at Traffy since last seen
            done = apply_status_in(conn, StatusIn(t.ticket_id, t.status), via=via, now=now)
            if done.result != "unchanged":
                return done
        return Outcome(t.ticket_id, "exists", int(link.complaint_id))
    code, known = service_for_type(t.type, type_map)
    filed = min(t.reported_s or now, now)
    filed_as = intake.submit(
        conn,
        ComplaintIn(
            service_code=code,
            description=description_of(t),
            lat=t.lat,
            lon=t.lon,
            address=t.address,
            media_url=t.photos[0] if t.photos else None,
            client=CLIENT,
            idempotency_key=t.ticket_id,
        ),
        now=filed,
        suggested=suggested,
        triage=classifier_doubts or not known,
        check_duplicates=False,
    )
    conn.execute(
        tickets.insert().values(
            ticket_id=t.ticket_id,
            complaint_id=filed_as.complaint_id,
            org_id=t.org_id,
            traffy_type=t.type or None,
            traffy_status=t.status,
            photos=t.photos,
            photos_after=[],
            last_activity_s=t.last_activity_s,
            imported_via=via,
            imported_s=now,
            updated_s=now,
        )
    )
    out = Outcome(t.ticket_id, "imported", filed_as.complaint_id, "new", list(filed_as.changes))
    target = paknam_state(t.status)
    if target is not None and target != "new":  # a ticket already in hand at Traffy
        row = _lock(conn, filed_as.complaint_id)
        out.changes.append(
            apply_status(conn, row, target, now, actor(via), note=f"Traffy Fondue: {t.status}")
        )
        out.status = target
    return out


def _echo_of(conn: Connection, ticket_id: str, status: str, now: int) -> Any:
    return conn.execute(
        sa.select(pushes.c.id)
        .where(
            pushes.c.ticket_id == ticket_id,
            pushes.c.state_name == status,
            pushes.c.state.in_(("sent", "sending")),
            pushes.c.echoed_s.is_(None),
            pushes.c.created_s >= now - ECHO_WINDOW_S,
        )
        .order_by(pushes.c.id)
        .limit(1)
    ).scalar()


def _unsent(conn: Connection, ticket_id: str) -> bool:
    return (
        conn.execute(
            sa.select(pushes.c.id)
            .where(
                pushes.c.ticket_id == ticket_id,
                pushes.c.state.in_(("pending", "sending")),
                pushes.c.state_name.is_not(None),
            )
            .limit(1)
        ).first()
        is not None
    )


def apply_status_in(conn: Connection, s: StatusIn, *, via: str, now: int) -> Outcome:
    """Traffy's state for ``s.ticket_id`` applied to its complaint (logged as Traffy's);
    :class:`NotFound` when the ticket was never imported."""
    link = link_of(conn, s.ticket_id)
    if link is None:
        raise NotFound(f"Traffy ticket {s.ticket_id!r} has not been imported into paknam")
    cid = int(link.complaint_id)
    values: dict[str, Any] = {"traffy_status": s.status, "updated_s": now}
    if s.photos:
        values["photos_after"] = list(link.photos_after or []) + [
            p for p in s.photos if p not in (link.photos_after or [])
        ]
    conn.execute(tickets.update().where(tickets.c.ticket_id == s.ticket_id).values(**values))
    echo = _echo_of(conn, s.ticket_id, s.status, now)
    row = _lock(conn, cid)
    if echo is not None:
        conn.execute(pushes.update().where(pushes.c.id == echo).values(echoed_s=now))
        return Outcome(s.ticket_id, "echo", cid, row.status)
    enqueue(conn, now, cid)  # a paknam change whose hook has not run yet counts too
    if _unsent(conn, s.ticket_id):  # paknam's newer change is on its way to Traffy
        return Outcome(s.ticket_id, "unchanged", cid, row.status)
    target = paknam_state(s.status)
    who = actor(via)
    if target is None:
        change = log_event(
            conn,
            cid,
            "note",
            now,
            who,
            note=f"Traffy Fondue state {s.status!r} (not a paknam state; unchanged)"
            + (f": {s.note}" if s.note else ""),
            public=False,
        )
        return Outcome(s.ticket_id, "noted", cid, row.status, [change])
    if row.status == target:
        return Outcome(s.ticket_id, "unchanged", cid, row.status)
    kind = "reopened" if row.status in CLOSED and target not in CLOSED else "status"
    note = s.note or f"Traffy Fondue: {s.status}"
    change = apply_status(conn, row, target, now, who, note=note, kind=kind)
    return Outcome(s.ticket_id, "applied", cid, target, [change])


def note_comment(conn: Connection, ticket_id: str, text: str, event: str, now: int) -> Outcome:
    """A Traffy chat/comment/rating on an imported ticket, kept as an officers' note."""
    link = link_of(conn, ticket_id)
    if link is None:
        raise NotFound(f"Traffy ticket {ticket_id!r} has not been imported into paknam")
    cid = int(link.complaint_id)
    change = log_event(
        conn,
        cid,
        "note",
        now,
        actor("webhook"),
        note=f"Traffy Fondue {event}: {text}"[:2000],
        public=False,
    )
    return Outcome(ticket_id, "noted", cid, None, [change])
