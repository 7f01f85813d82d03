"""What a Traffy Fondue ticket means in paknam, and back (pure; no I/O).

* Types: Traffy's type names are the labels of paknam's catalogue
  (:func:`paknam.complaints.catalogue.service_for_label`), plus the setting
  ``traffy_type_map`` for an organisation's own types. A ticket may carry several
  (``"{ถนน,ทางเท้า}"``): the first known one wins. None known → the general service
  ``complaint``, flagged for triage.
* States: Traffy's Thai state names ↔ paknam's states (:data:`FROM_TRAFFY`,
  :data:`TO_TRAFFY`). A Traffy state paknam does not know is noted, never guessed.
* Times: Traffy writes ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in Thai time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from paknam.complaints.catalogue import BY_CODE, service_for_label
from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK

GENERAL_SERVICE = "complaint"
"""Where a ticket of an unknown type goes (with the triage flag)."""

FROM_TRAFFY: dict[str, str] = {
    "รอรับเรื่อง": "new",
    "รับเรื่อง": "assigned",
    "กำลังดำเนินการ": "in_progress",
    "เริ่มดำเนินการ": "in_progress",
    "ส่งเรื่องแล้ว": "in_progress",
    "ของบประมาณ": "in_progress",
    "ส่งต่อ": "forwarded",
    "ส่งต่อ(ใหม่)": "forwarded",
    "เสร็จสิ้น": "resolved",
    "ไม่เกี่ยวข้อง": "rejected",
}
"""Traffy state names (the states of the public Bangkok tickets) → paknam states."""

TO_TRAFFY: dict[str, str] = {
    "new": "รอรับเรื่อง",
    "assigned": "กำลังดำเนินการ",
    "in_progress": "กำลังดำเนินการ",
    "reopened": "กำลังดำเนินการ",
    "resolved": "เสร็จสิ้น",
    "not_fixable": "เสร็จสิ้น",
    "rejected": "ไม่เกี่ยวข้อง",
}
"""paknam states → the Traffy ``state_name`` sent with ``update-issue``. Not here:
``forwarded`` (paknam forwards to one of *its* agencies, not to a Traffy organisation):
told to Traffy as a staff-only comment instead."""

_TICKET = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")
_URL = re.compile(r"^https?://\S{1,1990}$")
MAX_PHOTOS = 10


def parse_time(value: object) -> int | None:
    """Epoch seconds of a Traffy time (Thai time); ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return int(datetime.strptime(text, fmt).replace(tzinfo=BANGKOK).timestamp())
        except ValueError:
            continue
    try:  # ISO 8601 with an offset
        return int(datetime.fromisoformat(text).timestamp())
    except ValueError:
        return None


def type_names(value: object) -> list[str]:
    """``"{ถนน,ทางเท้า}"`` / ``"ถนน"`` / ``["ถนน"]`` → ``["ถนน", "ทางเท้า"]``."""
    if isinstance(value, list):
        parts = [str(v) for v in value]
    elif isinstance(value, str):
        parts = value.strip().strip("{}").split(",")
    else:
        return []
    return [p.strip().strip('"') for p in parts if p.strip().strip('"')]


def service_for_type(value: object, extra: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """(service code, known): the first of the ticket's types paknam knows."""
    for name in type_names(value):
        code = (extra or {}).get(name)
        if code in BY_CODE:
            return code, True
        service = service_for_label(name)
        if service is not None:
            return service.code, True
    return GENERAL_SERVICE, False


def paknam_state(traffy_status: str | None) -> str | None:
    """The paknam state of a Traffy state name (``None``: not known)."""
    return FROM_TRAFFY.get((traffy_status or "").strip())


def photo_urls(value: object) -> list[str]:
    """http(s) photo URLs of a field that may be a list or one string (get-issues)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and _URL.match(item.strip()):
            url = item.strip()
            if not url.endswith("/"):  # Traffy sends the bucket root when there is none
                out.append(url)
    return out[:MAX_PHOTOS]


@dataclass(frozen=True)
class TicketIn:
    """A Traffy ticket as paknam takes it in (webhook ``POST`` or ``get-issues`` item)."""

    ticket_id: str
    type: str
    description: str
    lat: float
    lon: float
    address: str | None = None
    photos: list[str] = field(default_factory=list)
    reported_s: int | None = None
    status: str | None = None
    org_id: str | None = None
    last_activity_s: int | None = None


@dataclass(frozen=True)
class StatusIn:
    """A Traffy status change (webhook ``PATCH`` or a synced ticket's state)."""

    ticket_id: str
    status: str
    note: str | None = None
    photos: list[str] = field(default_factory=list)
    at_s: int | None = None
    org: str | None = None


def ticket_id_of(doc: Mapping[str, Any]) -> str:
    value = doc.get("ticket_id")
    if not isinstance(value, str) or not _TICKET.match(value.strip()):
        raise InvalidInput(
            "ticket_id must be Traffy's ticket number (1-40 of A-Z a-z 0-9 - _)",
            field="ticket_id",
        )
    return value.strip()


def _number(doc: Mapping[str, Any], name: str, low: float, high: float) -> float:
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput(f"{name} is required (a number)", field=name)
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {value!r}"[:200], field=name) from None
    if not low <= number <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}", field=name)
    return number


def _text(doc: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InvalidInput(f"{name} must be text", field=name)
    text = str(value).strip()
    return text[:limit] or None


def _org_id(doc: Mapping[str, Any]) -> str | None:
    orgs = doc.get("orgs")
    if isinstance(orgs, list):
        ids = [str(o.get("org_id")) for o in orgs if isinstance(o, dict) and o.get("org_id")]
        return ",".join(ids)[:40] or None
    value = doc.get("org_id")
    if isinstance(value, list):
        return ",".join(str(v) for v in value)[:40] or None
    return str(value)[:40] if value not in (None, "") else None


def ticket_from_doc(doc: Mapping[str, Any]) -> TicketIn:
    """A ticket from a webhook ``POST`` body or a ``get-issues`` / ``get-issue`` result;
    :class:`InvalidInput` naming the field at fault."""
    if not isinstance(doc, Mapping):
        raise InvalidInput("a Traffy ticket must be a JSON object", field="body")
    ticket_id = ticket_id_of(doc)
    lat = _number(doc, "latitude", -90, 90)
    lon = _number(doc, "longitude", -180, 180)
    kind = doc.get("type")
    return TicketIn(
        ticket_id=ticket_id,
        type=",".join(type_names(kind))[:200],
        description=_text(doc, "description", 4000) or "",
        lat=lat,
        lon=lon,
        address=_text(doc, "address", 500),
        photos=photo_urls(doc.get("photo")),
        reported_s=parse_time(doc.get("timestamp")),
        status=_text(doc, "status", 100),
        org_id=_org_id(doc),
        last_activity_s=parse_time(doc.get("last_activity")),
    )


def status_from_doc(doc: Mapping[str, Any]) -> StatusIn:
    """A status change from a webhook ``PATCH`` body."""
    if not isinstance(doc, Mapping):
        raise InvalidInput("a Traffy status update must be a JSON object", field="body")
    ticket_id = ticket_id_of(doc)
    status = _text(doc, "status", 100)
    if not status:
        raise InvalidInput("status is required (Traffy's state name)", field="status")
    return StatusIn(
        ticket_id=ticket_id,
        status=status,
        note=_text(doc, "note", 2000),
        photos=photo_urls(doc.get("photo")),
        at_s=parse_time(doc.get("timestamp")),
        org=_text(doc, "org", 200),
    )


def description_of(t: TicketIn) -> str:
    """The complaint text: Traffy's description, or a line naming the ticket when it is
    too short for paknam (3 characters at least)."""
    text = t.description.strip()
    if len(text) >= 3:
        return text
    label = t.type or "ไม่ระบุประเภท"
    return f"[Traffy Fondue {t.ticket_id}] {label} {text}".strip()
