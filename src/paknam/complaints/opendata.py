"""Complaints as open data: anonymised rows for the city's open-data catalogue.

What leaves: the service (category), the agency, the district, the status, the times
(received, last change, due, first resolved, closed), counts (reopened, supporters) and the
location rounded to :data:`ROUND_DECIMALS` decimal degrees (0.001° is about 110 m north-south
and 108 m east-west at 13.6° N). What never leaves: the address, the photos and media URL,
the citizen's token and its hash, the duplicate fingerprint, the client and its
idempotency key, the officer assigned, the rating comment, the event log (actors, notes).
The description (free text that may name people) is kept only when the setting
``PAKNAM_OPENDATA_COMPLAINT_TEXT`` is true, and even then telephone numbers, e-mail
addresses and LINE ids in it are masked.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from paknam.complaints.agencies import agency_public
from paknam.complaints.catalogue import BY_CODE
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import open311_status
from paknam.core.config import get_settings
from paknam.core.registry import Table
from paknam.core.store import Store
from paknam.core.timeutil import to_local_iso

ROUND_DECIMALS = 3
"""Decimal places kept of longitude and latitude (about 100 m)."""

_COLUMNS = (
    table.c.id,
    table.c.service_code,
    table.c.district_code,
    table.c.agency_code,
    table.c.status,
    table.c.lon,
    table.c.lat,
    table.c.requested_s,
    table.c.updated_s,
    table.c.due_s,
    table.c.first_resolved_s,
    table.c.closed_s,
    table.c.reopen_count,
    table.c.supporters,
)
"""The only columns read: what is not read cannot leak."""

FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "int"),
    ("service_code", "text"),
    ("service_name_th", "text"),
    ("service_name_en", "text"),
    ("agency_code", "text"),
    ("agency_name_th", "text"),
    ("agency_name_en", "text"),
    ("district_code", "text"),
    ("status", "text"),
    ("open311_status", "text"),
    ("requested", "timestamp"),
    ("updated", "timestamp"),
    ("due", "timestamp"),
    ("resolved", "timestamp"),
    ("closed", "timestamp"),
    ("reopen_count", "int"),
    ("supporters", "int"),
    ("lon", "numeric"),
    ("lat", "numeric"),
)

_CONTACTS = (
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail
    re.compile(r"(?<!\d)(\+?66|0)[\s-]?\d(?:[\s-]?\d){7,8}(?!\d)"),  # Thai phone numbers
    re.compile(r"(?i)\b(line\s*(id)?\s*[:：]?\s*)@?[\w.-]{3,}"),  # LINE ids
)


def mask_contacts(text: str) -> str:
    """``text`` with e-mail addresses, Thai telephone numbers and LINE ids masked."""
    for pattern in _CONTACTS:
        text = pattern.sub("[…]", text)
    return text


def _iso(value: int | None) -> str | None:
    return to_local_iso(value) if value is not None else None


def open_table(store: Store) -> Table:
    """Every complaint, anonymised (see the module's docstring), oldest first."""
    with_text = get_settings().opendata_complaint_text
    columns = (*_COLUMNS, table.c.description) if with_text else _COLUMNS
    with store.read() as conn:
        rows = conn.execute(sa.select(*columns).order_by(table.c.id)).all()
    out: list[dict[str, Any]] = []
    for r in rows:
        service = BY_CODE.get(r.service_code)
        agency = agency_public(r.agency_code) or {}
        item: dict[str, Any] = {
            "id": r.id,
            "service_code": r.service_code,
            "service_name_th": service.name_th if service else r.service_code,
            "service_name_en": service.name_en if service else r.service_code,
            "agency_code": r.agency_code,
            "agency_name_th": agency.get("name_th"),
            "agency_name_en": agency.get("name_en"),
            "district_code": r.district_code,
            "status": r.status,
            "open311_status": open311_status(r.status),
            "requested": _iso(r.requested_s),
            "updated": _iso(r.updated_s),
            "due": _iso(r.due_s),
            "resolved": _iso(r.first_resolved_s),
            "closed": _iso(r.closed_s),
            "reopen_count": r.reopen_count,
            "supporters": r.supporters,
            "lon": round(float(r.lon), ROUND_DECIMALS),
            "lat": round(float(r.lat), ROUND_DECIMALS),
        }
        if with_text:
            item["description"] = mask_contacts(r.description)
        out.append(item)
    fields = (*FIELDS, ("description", "text")) if with_text else FIELDS
    return Table(fields=fields, rows=out)
