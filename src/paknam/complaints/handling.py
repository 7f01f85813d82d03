"""Officers handling complaints: status changes, notes, assignment, before/after photos.

Every function works in the caller's transaction, logs an event and returns the changes
to hand to the hooks after commit. ``actor`` is the officer's user name.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.agencies import get_agency, route
from paknam.complaints.catalogue import BY_CODE, get_service, sla_seconds
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.records import fetch_row, log_event
from paknam.complaints.schema import complaint_events as events
from paknam.complaints.schema import complaint_photos as photos
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import CLOSED, check_transition
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.media import clean_photo

MAX_NOTE = 2000
PHOTO_STAGES = ("before", "after")


def _note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note is longer than {MAX_NOTE} characters", field="note")
    return note or None


def _lock(conn: Connection, complaint_id: int) -> Any:
    """The complaint row, locked for update on PostgreSQL (SQLite locks the whole file)."""
    query = sa.select(table).where(table.c.id == complaint_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"complaint {complaint_id} does not exist")
    return row


def apply_status(
    conn: Connection,
    row: Any,
    new: str,
    at_s: int,
    actor: str,
    *,
    note: str | None = None,
    agency_code: str | None = None,
    public: bool = True,
    kind: str = "status",
) -> ComplaintChange:
    """Move ``row`` to ``new`` (checked), keeping the SLA bookkeeping columns right."""
    values: dict[str, Any] = {"status": new, "updated_s": at_s}
    if new == "resolved" and row.first_resolved_s is None:
        values["first_resolved_s"] = at_s
    if new in CLOSED:
        values["closed_s"] = at_s
    elif row.status in CLOSED:  # reopened
        values["closed_s"] = None
        values["reopen_count"] = row.reopen_count + 1
        values["escalation_level"] = 0
    if agency_code is not None:
        values["agency_code"] = agency_code
    conn.execute(table.update().where(table.c.id == row.id).values(**values))
    return log_event(
        conn,
        row.id,
        kind,
        at_s,
        actor,
        from_status=row.status,
        to_status=new,
        agency_code=agency_code or row.agency_code,
        note=note,
        public=public,
    )


def change_status(
    conn: Connection,
    complaint_id: int,
    new: str,
    actor: str,
    at_s: int,
    *,
    note: str | None = None,
    agency_code: str | None = None,
) -> list[ComplaintChange]:
    """An officer moves a complaint; forwarding needs the new ``agency_code``."""
    note = _note(note)
    row = _lock(conn, complaint_id)
    check_transition(row.status, new, note)
    if new == "forwarded":
        agency = get_agency(agency_code)
        if agency.code == row.agency_code:
            raise InvalidInput(
                f"complaint {complaint_id} is already with {agency.code}; forward it to "
                "another agency",
                field="agency_code",
            )
        agency_code = agency.code
    elif agency_code is not None:
        agency_code = get_agency(agency_code).code
    return [apply_status(conn, row, new, at_s, actor, note=note, agency_code=agency_code)]


def assign(
    conn: Connection,
    complaint_id: int,
    actor: str,
    at_s: int,
    *,
    agency_code: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
) -> list[ComplaintChange]:
    """Set the agency and/or the officer in charge (logged; does not change the state)."""
    note = _note(note)
    row = _lock(conn, complaint_id)
    if row.status in CLOSED:
        raise InvalidInput(
            f"complaint {complaint_id} is closed ({row.status}); reopen it first",
            field="agency_code",
        )
    if agency_code is None and assignee is None:
        raise InvalidInput("give agency_code and/or assignee", field="agency_code")
    values: dict[str, Any] = {"updated_s": at_s}
    if agency_code is not None:
        values["agency_code"] = get_agency(agency_code).code
    if assignee is not None:
        if len(assignee) > 100:
            raise InvalidInput("assignee is longer than 100 characters", field="assignee")
        values["assignee"] = assignee.strip() or None
    conn.execute(table.update().where(table.c.id == complaint_id).values(**values))
    who = f" to {values['assignee']}" if values.get("assignee") else ""
    return [
        log_event(
            conn,
            complaint_id,
            "assigned",
            at_s,
            actor,
            agency_code=values.get("agency_code", row.agency_code),
            note=note or f"assigned{who}",
            public=False,
        )
    ]


def triage(
    conn: Connection,
    complaint_id: int,
    actor: str,
    at_s: int,
    service_code: str,
    note: str | None = None,
) -> list[ComplaintChange]:
    """Settle the category: set the service, route to its agency, clear the triage flag.

    Logged as a ``triaged`` event naming the service (``service:<code>``); with the text,
    that is the training example :func:`corrections` exports."""
    note = _note(note)
    row = _lock(conn, complaint_id)
    service = get_service(service_code)
    if row.status in CLOSED:
        raise InvalidInput(
            f"complaint {complaint_id} is closed ({row.status}); reopen it first",
            field="service_code",
        )
    agency = route(service.role, row.district_code) if row.district_code else row.agency_code
    conn.execute(
        table.update()
        .where(table.c.id == complaint_id)
        .values(
            service_code=service.code,
            agency_code=agency,
            triage=False,
            updated_s=at_s,
            # due as the settled category says, counted from filing (the doubtful category
            # set the first due time)
            due_s=row.requested_s + sla_seconds(service, row.attributes),
        )
    )
    return [
        log_event(
            conn,
            complaint_id,
            "triaged",
            at_s,
            actor,
            agency_code=agency,
            note=f"{TRIAGE_NOTE_PREFIX}{service.code}" + (f" — {note}" if note else ""),
            public=False,
        )
    ]


TRIAGE_NOTE_PREFIX = "service:"


def corrections(conn: Connection, since_s: int = 0) -> list[tuple[str, str, int]]:
    """``(text, Traffy label, time)`` of every complaint an officer triaged since
    ``since_s``: the category the officer settled, as training data."""
    rows = conn.execute(
        sa.select(table.c.description, table.c.service_code, table.c.requested_s)
        .where(
            table.c.id.in_(
                sa.select(events.c.complaint_id).where(
                    events.c.kind == "triaged", events.c.at_s >= since_s
                )
            )
        )
        .order_by(table.c.id)
    ).all()
    out = []
    for r in rows:
        service = BY_CODE.get(r.service_code)
        if service is not None:
            out.append((r.description, service.label, int(r.requested_s)))
    return out


def add_note(
    conn: Connection, complaint_id: int, actor: str, at_s: int, note: str, *, public: bool
) -> list[ComplaintChange]:
    """A note on the complaint; ``public`` notes are shown to the citizen (status_notes)."""
    text = _note(note)
    if not text:
        raise InvalidInput("note is empty", field="note")
    fetch_row(conn, complaint_id)
    conn.execute(table.update().where(table.c.id == complaint_id).values(updated_s=at_s))
    return [log_event(conn, complaint_id, "note", at_s, actor, note=text, public=public)]


def add_photo(
    conn: Connection, complaint_id: int, stage: str, data: bytes, actor: str, at_s: int
) -> tuple[int, list[ComplaintChange]]:
    """A before/after photo (re-encoded by :func:`clean_photo`); returns its id."""
    if stage not in PHOTO_STAGES:
        raise InvalidInput(f"stage must be one of {', '.join(PHOTO_STAGES)}", field="stage")
    if not data:
        raise InvalidInput("photo is empty", field="photo")
    photo = clean_photo(data)
    fetch_row(conn, complaint_id)
    pid = conn.execute(
        photos.insert().values(
            complaint_id=complaint_id,
            stage=stage,
            content_type=photo.content_type,
            data=photo,
            added_by=actor,
            created_s=at_s,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    conn.execute(table.update().where(table.c.id == complaint_id).values(updated_s=at_s))
    change = log_event(conn, complaint_id, "photo", at_s, actor, note=f"{stage} photo")
    return int(pid), [change]


def get_photo(conn: Connection, complaint_id: int, photo_id: int) -> tuple[str, bytes]:
    row = conn.execute(
        sa.select(photos.c.content_type, photos.c.data).where(
            photos.c.id == photo_id, photos.c.complaint_id == complaint_id
        )
    ).first()
    if row is None:
        raise NotFound(f"complaint {complaint_id} has no photo {photo_id}")
    return row.content_type, row.data
