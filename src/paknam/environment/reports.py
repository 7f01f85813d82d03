"""Citizens' pollution reports: what they saw, where, when, with an optional photo.

Stored beside station data so an officer sees them next to the measurements of the
area. No personal data is collected. Photos are checked by their content (JPEG, PNG or
WebP magic bytes), not by the name or type the client claims, and limited in size.

Functions here take a :class:`~sqlalchemy.engine.Connection`; the transactions are
:mod:`paknam.environment.service`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput, NotFound
from paknam.core.geo import PROVINCE_BBOX, distance_m
from paknam.core.media import clean_photo
from paknam.core.stations import district_locator
from paknam.core.timeutil import as_utc, now_s, to_local_iso, to_utc
from paknam.environment.schema import citizen_reports as table

TOPICS: dict[str, tuple[str, str]] = {
    "smoke": ("ควัน", "Smoke"),
    "dust": ("ฝุ่น", "Dust"),
    "odour": ("กลิ่นเหม็น", "Bad smell"),
    "burning": ("การเผาในที่โล่ง", "Open burning"),
    "water_colour": ("น้ำเปลี่ยนสี", "Discoloured water"),
    "water_odour": ("น้ำเน่าเหม็น", "Foul-smelling water"),
    "dead_fish": ("ปลาตาย", "Dead fish"),
    "dumping": ("ลักลอบทิ้งขยะ/น้ำเสีย", "Illegal dumping or discharge"),
    "other": ("อื่น ๆ", "Other"),
}
"""Report topics with Thai and English labels."""


@dataclass(frozen=True)
class ReportIn:
    topic: str
    description: str
    lon: float
    lat: float
    observed_at: int
    photo: bytes | None = None


def add_report(conn: Connection, report: ReportIn) -> dict[str, Any]:
    if report.topic not in TOPICS:
        raise InvalidInput(
            f"unknown topic {report.topic!r}; use one of {', '.join(TOPICS)}", field="topic"
        )
    text = report.description.strip()
    if not 3 <= len(text) <= 2000:
        raise InvalidInput("description must be 3 to 2000 characters", field="description")
    lo_min, la_min, lo_max, la_max = PROVINCE_BBOX
    if not (lo_min <= report.lon <= lo_max and la_min <= report.lat <= la_max):
        raise InvalidInput(
            f"location {report.lon}, {report.lat} is outside Samut Prakan "
            f"(lon {lo_min}–{lo_max}, lat {la_min}–{la_max})",
            field="lon",
        )
    if report.observed_at > now_s() + 600:
        raise InvalidInput("observed_at is in the future", field="observed_at")
    photo = clean_photo(report.photo) if report.photo else None
    district = district_locator(conn).locate(report.lon, report.lat)
    key = conn.execute(
        table.insert().values(
            topic=report.topic,
            description=text,
            lon=report.lon,
            lat=report.lat,
            district_code=district,
            observed_at=to_utc(report.observed_at),
            photo_type=photo.content_type if photo else None,
            photo=photo,
            status="new",
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key
    if key is None:  # pragma: no cover - an INSERT always has its key
        raise RuntimeError("citizen_reports insert returned no id")
    return get_report(conn, key[0])


def _public(r: Any) -> dict[str, Any]:
    observed = as_utc(r.observed_at)
    return {
        "id": r.id,
        "topic": r.topic,
        "topic_th": TOPICS[r.topic][0],
        "topic_en": TOPICS[r.topic][1],
        "description": r.description,
        "lon": r.lon,
        "lat": r.lat,
        "district_code": r.district_code,
        "observed_at": to_local_iso(int(observed.timestamp())),
        "photo_url": f"/api/v1/environment/reports/{r.id}/photo" if r.photo_type else None,
        "status": r.status,
    }


_COLUMNS = [c for c in table.c if c.name != "photo"]


def get_report(conn: Connection, report_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(*_COLUMNS).where(table.c.id == report_id)).first()
    if row is None:
        raise NotFound(f"report {report_id} does not exist")
    return _public(row)


def get_photo(conn: Connection, report_id: int) -> tuple[str, bytes]:
    row = conn.execute(
        sa.select(table.c.photo_type, table.c.photo).where(table.c.id == report_id)
    ).first()
    if row is None or row.photo is None:
        raise NotFound(f"report {report_id} has no photo")
    return row.photo_type, row.photo


def list_reports(
    conn: Connection,
    *,
    near: tuple[float, float] | None = None,
    radius_km: float = 5.0,
    start: int | None = None,
    end: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Reports, newest first, optionally within ``radius_km`` of ``near`` (lon, lat).

    ``offset`` skips that many of the matching reports, then at most ``limit`` are given.
    """
    query = sa.select(*_COLUMNS).order_by(table.c.observed_at.desc())
    if start is not None:
        query = query.where(table.c.observed_at >= to_utc(start))
    if end is not None:
        query = query.where(table.c.observed_at < to_utc(end))
    out: list[dict[str, Any]] = []
    skipped = 0
    for r in conn.execute(query):
        if near and distance_m(near[0], near[1], r.lon, r.lat) > radius_km * 1000:
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(_public(r))
        if len(out) >= limit:
            break
    return out
