"""Ingest xAPI statements from PBL devices: checked, authorised, idempotent, all or nothing.

Who may send (decided here, documented in docs/people.md):

- an officer session (role admin or officer) may send statements of any registered device;
- a **device key** may send statements of the devices of one school: each school has a
  gateway station ``pbl-<school id>`` (a core station of kind ``other``, created by
  ``paknam people gateway --school ID``), and a key created for that station (``paknam key
  create --station pbl-<id>``) covers every device registered to the school. Keys stay in
  the core key table: hashed, revocable, one mechanism for all devices of the city.

A statement id that is already stored with the same content is counted ``unchanged`` (a
retry); with different content it is an error for that item (xAPI answers 409 there). A
batch with any bad item stores nothing and names every bad item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core import stations
from paknam.core.auth import Principal
from paknam.core.errors import BatchRejected, InvalidInput, ItemError, PermissionDenied
from paknam.core.models import StationCreate
from paknam.core.timeutil import now_s
from paknam.people.errors import StatementError
from paknam.people.schema import devices, statements
from paknam.people.schools import get_school
from paknam.people.xapi import Statement, check_statement

MAX_STATEMENTS = 1000
GATEWAY_PREFIX = "pbl-"
PROVINCIAL_HALL = (100.5969, 13.5996)
"""(lon, lat) used for a gateway station when its school has no location."""


def gateway_station_id(school_id: str) -> str:
    """The core station id whose device keys may send the school's statements."""
    return f"{GATEWAY_PREFIX}{school_id}"


def ensure_gateway(conn: Connection, school_id: str) -> str:
    """The school's gateway station id, created (kind ``other``) if it is not there yet;
    :class:`~paknam.people.errors.UnknownSchool` if the school is not."""
    row = get_school(conn, school_id)
    sid = gateway_station_id(school_id)
    if stations.find_station(conn, sid) is None:
        lon, lat = (row.lon, row.lat) if row.lon is not None else PROVINCIAL_HALL
        stations.add_station(
            conn,
            StationCreate(
                id=sid,
                name_th=f"เกตเวย์อุปกรณ์ PBL {row.name_th}",
                name_en=f"PBL device gateway, {row.name_en}",
                kind="other",
                lon=lon,
                lat=lat,
                district_code=row.district_code,
                meta={"pbl_school": school_id, "located_at_school": row.lon is not None},
            ),
        )
    return sid


@dataclass(frozen=True, slots=True)
class StatementResult:
    received: int
    stored: int
    unchanged: int
    duplicates: int
    ids: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "received": self.received,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "ids": self.ids,
        }


def _authorise(principal: Principal | None, schools_by_device: dict[str, str]) -> None:
    if principal is None:
        return
    if principal.kind == "user":
        if principal.role not in ("admin", "officer"):
            raise PermissionDenied(f"user {principal.name!r} ({principal.role}) may not write")
        return
    denied = sorted(
        {s for s in schools_by_device.values() if gateway_station_id(s) not in principal.stations}
    )
    if denied:
        raise PermissionDenied(
            f"device key {principal.name!r} may not send statements of school(s) "
            f"{', '.join(map(repr, denied))}; it needs the gateway station "
            f"{gateway_station_id(denied[0])!r}"
        )


def ingest_statements(
    conn: Connection,
    items: Sequence[object],
    *,
    principal: Principal | None = None,
    now: int | None = None,
) -> StatementResult:
    """Check every statement, then store the new ones on ``conn`` (one transaction)."""
    if len(items) > MAX_STATEMENTS:
        raise InvalidInput(
            f"{len(items)} statements in one batch; at most {MAX_STATEMENTS}", field="statements"
        )
    now = now_s() if now is None else now
    errors: list[ItemError] = []
    checked: list[tuple[int, Statement]] = []
    for i, item in enumerate(items):
        try:
            checked.append((i, check_statement(item, now)))
        except StatementError as exc:
            errors.append(ItemError(i, str(exc), exc.field))
    device_ids = sorted({s.device_id for _, s in checked})
    school_of = {
        r.id: r.school_id
        for r in conn.execute(
            sa.select(devices.c.id, devices.c.school_id).where(devices.c.id.in_(device_ids))
        )
    }
    _authorise(principal, {d: school_of[d] for d in device_ids if d in school_of})
    stored_digest = {
        r.id: r.digest
        for r in conn.execute(
            sa.select(statements.c.id, statements.c.digest).where(
                statements.c.id.in_([s.id for _, s in checked])
            )
        )
    }
    batch: dict[str, tuple[int, Statement]] = {}
    new: list[Statement] = []
    unchanged = duplicates = 0
    for i, s in checked:
        if s.device_id not in school_of:
            errors.append(ItemError(i, f"device {s.device_id!r} is not registered", "context"))
        elif s.id in batch:
            if batch[s.id][1].digest != s.digest:
                errors.append(
                    ItemError(
                        i, f"id {s.id} repeats item {batch[s.id][0]} with other content", "id"
                    )
                )
            else:
                duplicates += 1
        elif s.id in stored_digest:
            batch[s.id] = (i, s)
            if stored_digest[s.id] != s.digest:
                errors.append(ItemError(i, f"id {s.id} is stored with other content", "id"))
            else:
                unchanged += 1
        else:
            batch[s.id] = (i, s)
            new.append(s)
    if errors:
        errors.sort(key=lambda e: e.index)
        raise BatchRejected(errors, len(items))
    stamp = datetime.now(UTC)
    if new:
        conn.execute(
            statements.insert(),
            [
                {
                    "id": s.id,
                    "actor": s.actor,
                    "verb": s.verb,
                    "object_id": s.object_id,
                    "time_s": s.time_s,
                    "device_id": s.device_id,
                    "school_id": school_of[s.device_id],
                    "digest": s.digest,
                    "statement": s.doc,
                    "stored_at": stamp,
                }
                for s in new
            ],
        )
    return StatementResult(
        received=len(items),
        stored=len(new),
        unchanged=unchanged,
        duplicates=duplicates,
        ids=[s.id for _, s in checked],
    )
