"""Reading complaints back: the officer's view, the citizen's view and Open311's view.

Also :func:`log_event`, the one place that writes the event log, so that every change of
a complaint is logged the same way and handed to the hooks after commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from paknam.complaints.agencies import agency_public
from paknam.complaints.catalogue import BY_CODE
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.schema import complaint_events as events
from paknam.complaints.schema import complaint_photos as photos
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import STATES, open311_status, state_label
from paknam.core.audit import record as audit
from paknam.core.config import get_settings
from paknam.core.errors import NotFound
from paknam.core.timeutil import to_local_iso

PUBLIC_COLUMNS = [c for c in table.c if c.name not in ("token_hash", "fingerprint")]

AUDITED = frozenset({"status", "assigned", "triaged", "note", "photo", "reopened", "escalated"})
"""Event kinds also written to the audit trail (:mod:`paknam.core.audit`): what officers
(and the SLA escalation, and a citizen reopening) do to a complaint."""


def log_event(
    conn: Connection,
    complaint_id: int,
    kind: str,
    at_s: int,
    actor: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    agency_code: str | None = None,
    note: str | None = None,
    public: bool = True,
) -> ComplaintChange:
    """Append one event to the log; returns the change to hand to the hooks after commit."""
    change = ComplaintChange(
        complaint_id, kind, at_s, actor, from_status, to_status, agency_code, note, public
    )
    conn.execute(
        events.insert().values(
            complaint_id=complaint_id,
            at_s=at_s,
            actor=actor[:100],
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            agency_code=agency_code,
            note=note,
            public=public,
        )
    )
    if kind in AUDITED:
        details: dict[str, Any] = {
            "from_status": from_status,
            "to_status": to_status,
            "agency_code": agency_code,
        }
        if note:
            details.update(note=note, public=public)
        audit(conn, "complaint", kind, complaint_id, actor, details, at_s=at_s)
    return change


def fetch_row(conn: Connection, complaint_id: int) -> Row[Any]:
    row = conn.execute(sa.select(*PUBLIC_COLUMNS).where(table.c.id == complaint_id)).first()
    if row is None:
        raise NotFound(f"complaint {complaint_id} does not exist")
    return row


def photo_url(complaint_id: int, photo_id: int) -> str:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}/api/v1/complaints/{complaint_id}/photos/{photo_id}"


def _photos(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    query = (
        sa.select(photos.c.id, photos.c.complaint_id, photos.c.stage, photos.c.created_s)
        .where(photos.c.complaint_id.in_(ids))
        .order_by(photos.c.id)
    )
    for p in conn.execute(query):
        out[p.complaint_id].append(
            {
                "id": p.id,
                "stage": p.stage,
                "url": photo_url(p.complaint_id, p.id),
                "added": to_local_iso(p.created_s),
            }
        )
    return out


def _last_public_notes(conn: Connection, ids: list[int]) -> dict[int, str]:
    """Open311 ``status_notes``: the latest public note, or the label of the latest state."""
    if not ids:
        return {}
    query = (
        sa.select(events.c.complaint_id, events.c.kind, events.c.to_status, events.c.note)
        .where(
            events.c.complaint_id.in_(ids),
            events.c.public.is_(True),
            events.c.kind.in_(("created", "status", "reopened", "note")),
        )
        .order_by(events.c.id)
    )
    out: dict[int, str] = {}
    for r in conn.execute(query):  # the last one wins
        if r.note:
            out[r.complaint_id] = r.note
        elif r.to_status in STATES:
            out[r.complaint_id] = state_label(r.to_status)
    return out


def event_dicts(conn: Connection, complaint_id: int, *, public_only: bool) -> list[dict[str, Any]]:
    query = sa.select(events).where(events.c.complaint_id == complaint_id).order_by(events.c.id)
    if public_only:
        query = query.where(events.c.public.is_(True))
    out = []
    for e in conn.execute(query):
        item: dict[str, Any] = {
            "at": to_local_iso(e.at_s),
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "agency_code": e.agency_code,
            "note": e.note,
        }
        if not public_only:
            item.update(actor=e.actor, public=e.public, id=e.id)
        out.append(item)
    return out


def _base(r: Row[Any], photo_list: list[dict[str, Any]], note: str | None) -> dict[str, Any]:
    service = BY_CODE.get(r.service_code)
    th, en = STATES[r.status]
    return {
        "id": r.id,
        "service_code": r.service_code,
        "service_name_th": service.name_th if service else r.service_code,
        "service_name_en": service.name_en if service else r.service_code,
        "description": r.description,
        "lon": r.lon,
        "lat": r.lat,
        "address": r.address,
        "district_code": r.district_code,
        "agency": agency_public(r.agency_code),
        "status": r.status,
        "status_th": th,
        "status_en": en,
        "open311_status": open311_status(r.status),
        "status_notes": note,
        "requested": to_local_iso(r.requested_s),
        "updated": to_local_iso(r.updated_s),
        "due": to_local_iso(r.due_s),
        "resolved": to_local_iso(r.first_resolved_s) if r.first_resolved_s else None,
        "reopen_count": r.reopen_count,
        "supporters": r.supporters,
        "rating": r.rating,
        "photos": photo_list,
        "media_url": r.media_url,
    }


def officer_views(conn: Connection, rows: list[Row[Any]], now: int) -> list[dict[str, Any]]:
    """The officer's view: everything but the secrets, with overdue flags."""
    ids = [r.id for r in rows]
    ph, notes = _photos(conn, ids), _last_public_notes(conn, ids)
    out = []
    for r in rows:
        item = _base(r, ph[r.id], notes.get(r.id))
        item.update(
            assignee=r.assignee,
            attributes=r.attributes,
            escalation_level=r.escalation_level,
            overdue=open311_status(r.status) == "open" and now > r.due_s,
            client=r.client,
            rating_comment=r.rating_comment,
            suggested=r.suggested,
            triage=bool(r.triage),
        )
        out.append(item)
    return out


def citizen_view(conn: Connection, r: Row[Any]) -> dict[str, Any]:
    """What the citizen sees with their token: the complaint and its public history."""
    item = _base(r, _photos(conn, [r.id])[r.id], _last_public_notes(conn, [r.id]).get(r.id))
    item["history"] = event_dicts(conn, r.id, public_only=True)
    return item


def open311_views(conn: Connection, rows: list[Row[Any]]) -> list[dict[str, Any]]:
    """Open311 GeoReport v2 service requests, in the specification's field names."""
    ids = [r.id for r in rows]
    ph, notes = _photos(conn, ids), _last_public_notes(conn, ids)
    out = []
    for r in rows:
        service = BY_CODE.get(r.service_code)
        agency = agency_public(r.agency_code)
        before = [p for p in ph[r.id] if p["stage"] == "before"]
        media = r.media_url or (before[0]["url"] if before else None)
        out.append(
            {
                "service_request_id": str(r.id),
                "status": open311_status(r.status),
                "status_notes": notes.get(r.id, state_label(r.status)),
                "service_name": (
                    f"{service.name_th} / {service.name_en}" if service else r.service_code
                ),
                "service_code": r.service_code,
                "description": r.description,
                "agency_responsible": (
                    f"{agency['name_th']} / {agency['name_en']}" if agency else None
                ),
                "service_notice": None,
                "requested_datetime": to_local_iso(r.requested_s),
                "updated_datetime": to_local_iso(r.updated_s),
                "expected_datetime": to_local_iso(r.due_s),
                "address": r.address,
                "address_id": None,
                "zipcode": None,
                "lat": r.lat,
                "long": r.lon,
                "media_url": media,
            }
        )
    return out
