"""Reads of the warnings history (raised, updated and cleared warnings alike).

:mod:`paknam.core.warnings` writes warnings and lists them for the desk; this module
answers the questions of the indicator board about the past, so that a domain never runs
SQL on the ``warnings`` table itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.schema import warnings as table
from paknam.core.timeutil import as_utc, to_utc

__all__ = ["RaisedWarning", "raised_between"]


@dataclass(frozen=True, slots=True)
class RaisedWarning:
    """One warning as raised: its id, station and times [UTC epoch seconds]."""

    id: int
    station_id: str | None
    raised_at_s: int
    expected_at_s: int | None


def raised_between(
    conn: Connection, *, domain: str, kind: str, start: int, end: int
) -> list[RaisedWarning]:
    """Warnings of ``domain``/``kind`` raised in ``[start, end)`` (UTC epoch seconds),
    whatever their status now, oldest first (ties by id)."""
    rows = conn.execute(
        sa.select(table.c.id, table.c.station_id, table.c.raised_at, table.c.expected_at)
        .where(
            table.c.domain == domain,
            table.c.kind == kind,
            table.c.raised_at >= to_utc(start),
            table.c.raised_at < to_utc(end),
        )
        .order_by(table.c.raised_at, table.c.id)
    ).all()
    return [
        RaisedWarning(
            id=int(r.id),
            station_id=r.station_id,
            raised_at_s=int(as_utc(r.raised_at).timestamp()),
            expected_at_s=(
                None if r.expected_at is None else int(as_utc(r.expected_at).timestamp())
            ),
        )
        for r in rows
    ]
