"""Warnings raised by domain rules (air quality, water quality, water level ...).

A rule looks at data and says what is true *now*: a list of :class:`Signal`. The store
keeps one **active** warning per (domain, kind, station); :func:`sync_warnings` raises the
new ones, updates those still true, and clears those no longer true for the stations the
rule looked at. Cleared warnings are kept as history.

Warnings carry Thai and English texts and a CAP 1.2 severity (``minor``, ``moderate``,
``severe``, ``extreme``) so the alerting work can turn them into CAP alerts unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.schema import warnings as table
from paknam.core.timeutil import as_utc, local_iso, to_utc, utcnow

SEVERITIES = ("minor", "moderate", "severe", "extreme")
"""CAP 1.2 severities, mildest first."""


@dataclass(frozen=True)
class Signal:
    """A condition a rule found true now."""

    domain: str
    kind: str
    station_id: str | None
    severity: str
    headline_th: str
    headline_en: str
    description_th: str
    description_en: str
    observed_at: int  # UTC epoch s of the data that shows it
    value: float | None = None
    threshold: float | None = None
    expected_at: int | None = None
    probability: float | None = None
    district_code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise InvalidInput(f"severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.domain, self.kind, self.station_id)


@dataclass(frozen=True)
class SyncResult:
    raised: list[int]
    updated: list[int]
    cleared: list[int]


def _values(s: Signal, now: datetime) -> dict[str, Any]:
    return {
        "severity": s.severity,
        "headline_th": s.headline_th,
        "headline_en": s.headline_en,
        "description_th": s.description_th,
        "description_en": s.description_en,
        "value": s.value,
        "threshold": s.threshold,
        "observed_at": to_utc(s.observed_at),
        "expected_at": to_utc(s.expected_at) if s.expected_at is not None else None,
        "probability": s.probability,
        "district_code": s.district_code,
        "details": s.details,
        "updated_at": now,
    }


def sync_warnings(
    conn: Connection,
    domain: str,
    signals: Iterable[Signal],
    *,
    evaluated: Iterable[str | None],
    kinds: Iterable[str],
) -> SyncResult:
    """Make the active warnings of ``domain``/``kinds`` for the ``evaluated`` stations match
    ``signals``: raise new ones, update the rest, clear those no longer signalled."""
    now = utcnow()
    kinds = set(kinds)
    evaluated = set(evaluated)
    if conn.dialect.name == "postgresql":  # one sync per domain at a time (SQLite: one writer)
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:d))"), {"d": domain})
    wanted = {s.key: s for s in signals}
    for key in wanted:
        if key[0] != domain or key[1] not in kinds:
            raise InvalidInput(f"signal {key} outside domain {domain!r} and kinds {kinds}")
    active = conn.execute(
        sa.select(table.c.id, table.c.kind, table.c.station_id).where(
            table.c.domain == domain, table.c.status == "active", table.c.kind.in_(kinds)
        )
    ).all()
    raised, updated, cleared = [], [], []
    seen = set()
    for wid, kind, station in active:
        key = (domain, kind, station)
        if key in wanted:
            conn.execute(
                table.update().where(table.c.id == wid).values(**_values(wanted[key], now))
            )
            updated.append(wid)
            seen.add(key)
        elif station in evaluated:
            conn.execute(
                table.update()
                .where(table.c.id == wid)
                .values(status="cleared", cleared_at=now, updated_at=now)
            )
            cleared.append(wid)
    for key, s in wanted.items():
        if key in seen:
            continue
        wid = conn.execute(
            table.insert().values(
                domain=domain,
                kind=s.kind,
                station_id=s.station_id,
                status="active",
                raised_at=now,
                **_values(s, now),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        raised.append(wid)
    return SyncResult(raised, updated, cleared)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else local_iso(dt)


def list_warnings(
    conn: Connection, *, status: str | None = "active", domain: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Warnings, newest first, as JSON-ready dicts (times in Thai time)."""
    query = sa.select(table).order_by(table.c.updated_at.desc(), table.c.id.desc()).limit(limit)
    if status:
        query = query.where(table.c.status == status)
    if domain:
        query = query.where(table.c.domain == domain)
    out = []
    for r in conn.execute(query):
        d = {str(k): v for k, v in r._mapping.items()}
        for k in ("observed_at", "expected_at", "raised_at", "updated_at", "cleared_at"):
            d[k] = _iso(d[k])
        out.append(d)
    return out


def _values_of(row: Any) -> dict[str, Any]:
    return {str(k): as_utc(v) if isinstance(v, datetime) else v for k, v in row._mapping.items()}


def get_warning(conn: Connection, warning_id: int) -> dict[str, Any] | None:
    """One warning's columns as Python values (aware UTC datetimes), or ``None``."""
    row = conn.execute(sa.select(table).where(table.c.id == warning_id)).first()
    return None if row is None else _values_of(row)


def active_warnings(conn: Connection) -> list[dict[str, Any]]:
    """Every active warning, oldest first, as Python values (aware UTC datetimes)."""
    rows = conn.execute(sa.select(table).where(table.c.status == "active").order_by(table.c.id))
    return [_values_of(r) for r in rows]
