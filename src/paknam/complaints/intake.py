"""Receiving a complaint: validation, routing to an agency, SLA due time, no duplicates.

A submission is refused, with nothing stored, when its service code is unknown, its
location is missing or outside Samut Prakan's six districts, its photo is not a JPEG/PNG/
WebP image or too big, or it repeats a submission: the same client re-using an
idempotency key, or sending the same text for the same service within
:data:`DUPLICATE_WINDOW_S` and :data:`DUPLICATE_RADIUS_M` of an earlier one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.agencies import route
from paknam.complaints.apikeys import sha256
from paknam.complaints.catalogue import get_service, sla_seconds
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.records import log_event
from paknam.complaints.schema import complaint_photos as photos
from paknam.complaints.schema import complaints as table
from paknam.core.errors import Conflict, InvalidInput, NotFound
from paknam.core.geo import PROVINCE_BBOX, distance_m
from paknam.core.media import clean_photo
from paknam.core.stations import district_locator
from paknam.core.text import check_texts
from paknam.core.timeutil import now_s, to_local_iso

TOKEN_PREFIX = "pkc_"
DUPLICATE_WINDOW_S = 15 * 60
DUPLICATE_RADIUS_M = 50.0
MAX_DESCRIPTION = 4000  # Open311 GeoReport v2 limit
MAX_PHOTOS = 5
"""An ``urgent=yes`` attribute halves the service's SLA."""

ATTRIBUTES: dict[str, tuple[str, ...]] = {"urgent": ("yes", "no")}
"""Open311 attributes every service accepts (code → allowed values)."""


@dataclass
class ComplaintIn:
    """A complaint as received from any channel (Open311, web form, LINE bot)."""

    service_code: str | None
    description: str | None
    lat: float | None
    lon: float | None
    address: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    photos: list[bytes] = field(default_factory=list)
    client: str = "web"
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Submitted:
    complaint_id: int
    token: str
    changes: list[ComplaintChange]


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def fingerprint(service_code: str, text: str) -> str:
    return hashlib.sha256(f"{service_code}\n{normalise_text(text)}".encode()).hexdigest()


def check_location(conn: Connection, lat: float | None, lon: float | None) -> str:
    """The district code of (lat, lon); :class:`InvalidInput` when missing or outside."""
    if lat is None or lon is None:
        raise InvalidInput(
            "lat and long are required: this server routes by location and does not "
            "geocode addresses",
            field="lat" if lat is None else "long",
        )
    lo_min, la_min, lo_max, la_max = PROVINCE_BBOX
    inside = lo_min <= lon <= lo_max and la_min <= lat <= la_max
    district = district_locator(conn).locate(lon, lat) if inside else None
    if district is None:
        raise InvalidInput(
            f"location lat {lat}, long {lon} is outside Samut Prakan's six districts "
            "(อยู่นอกพื้นที่จังหวัดสมุทรปราการ)",
            field="lat",
        )
    return district


def _check_text(c: ComplaintIn) -> str:
    check_texts(
        {
            "description": c.description,
            "address_string": c.address,
            "media_url": c.media_url,
            "idempotency_key": c.idempotency_key,
        }
    )
    text = (c.description or "").strip()
    if not 3 <= len(text) <= MAX_DESCRIPTION:
        raise InvalidInput(
            f"description must be 3 to {MAX_DESCRIPTION} characters (got {len(text)})",
            field="description",
        )
    if c.address is not None and len(c.address) > 500:
        raise InvalidInput("address is longer than 500 characters", field="address_string")
    if c.media_url is not None and (
        not re.match(r"^https?://\S+$", c.media_url) or len(c.media_url) > 2000
    ):
        raise InvalidInput(
            "media_url must be an http(s) URL of at most 2000 characters", field="media_url"
        )
    if c.idempotency_key is not None and not 1 <= len(c.idempotency_key) <= 200:
        raise InvalidInput("idempotency key must be 1 to 200 characters", field="idempotency_key")
    return text


def _check_attributes(attributes: dict[str, str]) -> dict[str, str]:
    for code, value in attributes.items():
        if code not in ATTRIBUTES:
            raise InvalidInput(
                f"unknown attribute {code!r}; this server knows {', '.join(ATTRIBUTES)}",
                field=f"attribute[{code}]",
            )
        if value not in ATTRIBUTES[code]:
            raise InvalidInput(
                f"attribute {code!r} must be one of {', '.join(ATTRIBUTES[code])}",
                field=f"attribute[{code}]",
            )
    return dict(attributes)


def _check_duplicate(conn: Connection, c: ComplaintIn, print_: str, now: int) -> None:
    if c.idempotency_key is not None:
        prior = conn.execute(
            sa.select(table.c.id, table.c.fingerprint, table.c.lon, table.c.lat).where(
                table.c.client == c.client, table.c.idempotency_key == c.idempotency_key
            )
        ).first()
        if prior is not None:
            same = prior.fingerprint == print_
            raise Conflict(
                f"duplicate submission: idempotency key {c.idempotency_key!r} was already "
                f"used for service request {prior.id}"
                + ("" if same else " with a different complaint")
                + "; nothing stored"
            )
    recent = conn.execute(
        sa.select(table.c.id, table.c.lon, table.c.lat, table.c.requested_s).where(
            table.c.fingerprint == print_,
            table.c.client == c.client,
            table.c.requested_s >= now - DUPLICATE_WINDOW_S,
        )
    )
    for r in recent:
        if distance_m(r.lon, r.lat, c.lon, c.lat) <= DUPLICATE_RADIUS_M:  # type: ignore[arg-type]
            raise Conflict(
                f"duplicate submission: the same complaint was received as service request "
                f"{r.id} at {to_local_iso(r.requested_s)}; nothing stored "
                "(ส่งเรื่องซ้ำ: ได้รับเรื่องนี้แล้ว)"
            )


def submit(
    conn: Connection,
    c: ComplaintIn,
    *,
    now: int | None = None,
    suggested: list[dict[str, Any]] | None = None,
    triage: bool = False,
    check_duplicates: bool = True,
) -> Submitted:
    """Validate, route and store a complaint with its photos, in the caller's transaction.

    ``triage``: the classifier was not sure of the category (or disagreed with the
    citizen's): routed to the citizen's choice for now and flagged for an officer.
    ``check_duplicates=False``: a channel that has its own ticket ids (Traffy Fondue's) and
    checks them itself; two tickets with the same text are then two complaints."""
    now = now_s() if now is None else now
    service = get_service(c.service_code)
    text = _check_text(c)
    attributes = _check_attributes(c.attributes)
    if len(c.photos) > MAX_PHOTOS:
        raise InvalidInput(f"at most {MAX_PHOTOS} photos per complaint", field="media")
    cleaned = [clean_photo(p) for p in c.photos]
    district = check_location(conn, c.lat, c.lon)
    print_ = fingerprint(service.code, text)
    if check_duplicates:
        _check_duplicate(conn, c, print_, now)
    agency = route(service.role, district)
    if suggested:  # the classifier's services, with the agency each would go to here
        suggested = [
            {**s, "agency_code": route(s["role"], district) if s.get("role") else None}
            for s in suggested
        ]
    sla_s = sla_seconds(service, attributes)
    token = TOKEN_PREFIX + secrets.token_urlsafe(16)
    cid = conn.execute(
        table.insert().values(
            service_code=service.code,
            description=text,
            lon=c.lon,
            lat=c.lat,
            address=c.address,
            district_code=district,
            agency_code=agency,
            status="new",
            attributes=attributes,
            media_url=c.media_url,
            requested_s=now,
            updated_s=now,
            due_s=now + sla_s,
            reopen_count=0,
            escalation_level=0,
            supporters=0,
            token_hash=sha256(token),
            client=c.client,
            idempotency_key=c.idempotency_key,
            fingerprint=print_,
            suggested=suggested,
            triage=triage,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    for photo in cleaned:
        conn.execute(
            photos.insert().values(
                complaint_id=cid,
                stage="before",
                content_type=photo.content_type,
                data=photo,
                added_by="citizen",
                created_s=now,
            )
        )
    change = log_event(
        conn,
        cid,
        "created",
        now,
        c.client,
        to_status="new",
        agency_code=agency,
        note=(
            "รับเรื่องแล้ว รอเจ้าหน้าที่ตรวจสอบประเภทเรื่อง / Received; an officer checks the category"
            if triage
            else "รับเรื่องแล้ว ส่งต่อให้หน่วยงานที่รับผิดชอบ / Received and routed to the agency"
        ),
    )
    return Submitted(int(cid), token, [change])


def complaint_for_token(conn: Connection, token: str) -> int:
    """The complaint id of a citizen token; :class:`NotFound` when unknown."""
    cid = conn.execute(sa.select(table.c.id).where(table.c.token_hash == sha256(token))).scalar()
    if cid is None:
        raise NotFound("token unknown: no complaint was submitted with this token")
    return int(cid)
