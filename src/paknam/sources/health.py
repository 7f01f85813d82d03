"""Each source's health and cursor in ``source_health`` (all functions take a Connection).

A harvest's outcome is recorded whatever it was: :func:`record_success` after the rows
are committed (with the new cursor), :func:`record_failure` with the error text. The lag
of a source is ``now - newest_time_s``: how old its newest observation is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.timeutil import as_utc
from paknam.sources.schema import source_health as table

ERROR_MAX_CHARS = 2000
"""Longest error text kept (the rest is cut with an ellipsis)."""


def _ensure(conn: Connection, source_id: str, kind: str, now: datetime) -> None:
    if conn.execute(sa.select(table.c.source_id).where(table.c.source_id == source_id)).first():
        return
    conn.execute(
        table.insert().values(
            source_id=source_id,
            kind=kind,
            failures=0,
            rows_last=0,
            rows_total=0,
            updated_at=now,
        )
    )


def get_cursor(conn: Connection, source_id: str) -> Mapping[str, Any] | None:
    """The cursor the source's last successful harvest left (None before the first)."""
    row = conn.execute(sa.select(table.c.cursor).where(table.c.source_id == source_id)).first()
    return None if row is None else row.cursor


def record_success(
    conn: Connection,
    source_id: str,
    kind: str,
    *,
    rows: int,
    newest_time_s: int | None,
    cursor: Mapping[str, Any] | None,
    at: datetime | None = None,
) -> None:
    """A harvest that stored ``rows`` new or changed observations (0 is a success too)."""
    now = at or datetime.now(UTC)
    _ensure(conn, source_id, kind, now)
    values: dict[str, Any] = {
        "kind": kind,
        "last_attempt_at": now,
        "last_success_at": now,
        "last_error": None,
        "failures": 0,
        "rows_last": rows,
        "rows_total": table.c.rows_total + rows,
        "updated_at": now,
    }
    if cursor is not None:
        values["cursor"] = dict(cursor)
    if newest_time_s is not None:
        values["newest_time_s"] = sa.func.coalesce(
            sa.func.max(table.c.newest_time_s, newest_time_s)
            if conn.dialect.name == "sqlite"
            else sa.func.greatest(table.c.newest_time_s, newest_time_s),
            newest_time_s,
        )
    conn.execute(table.update().where(table.c.source_id == source_id).values(**values))


def record_cursor(
    conn: Connection,
    source_id: str,
    kind: str,
    cursor: Mapping[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    """Keep a source's state (e.g. a subscriber's counts) without a success or a
    failure: the last attempt is now, the last success and the failures are left alone."""
    now = at or datetime.now(UTC)
    _ensure(conn, source_id, kind, now)
    conn.execute(
        table.update()
        .where(table.c.source_id == source_id)
        .values(kind=kind, last_attempt_at=now, cursor=dict(cursor), updated_at=now)
    )


def record_failure(
    conn: Connection, source_id: str, kind: str, error: str, *, at: datetime | None = None
) -> None:
    """A harvest that failed with ``error`` (the cursor is left as it was)."""
    now = at or datetime.now(UTC)
    _ensure(conn, source_id, kind, now)
    text = error if len(error) <= ERROR_MAX_CHARS else error[: ERROR_MAX_CHARS - 1] + "…"
    conn.execute(
        table.update()
        .where(table.c.source_id == source_id)
        .values(
            kind=kind,
            last_attempt_at=now,
            last_error=text,
            failures=table.c.failures + 1,
            updated_at=now,
        )
    )


def list_health(conn: Connection, now_s: int) -> list[dict[str, Any]]:
    """Every source's health: times as aware datetimes, ``lag_s`` from ``now_s``."""
    out = []
    for r in conn.execute(sa.select(table).order_by(table.c.source_id)):
        out.append(
            {
                "source_id": r.source_id,
                "kind": r.kind,
                "last_attempt_at": as_utc(r.last_attempt_at) if r.last_attempt_at else None,
                "last_success_at": as_utc(r.last_success_at) if r.last_success_at else None,
                "last_error": r.last_error,
                "failures": r.failures,
                "rows_last": r.rows_last,
                "rows_total": r.rows_total,
                "newest_time_s": r.newest_time_s,
                "lag_s": None if r.newest_time_s is None else max(now_s - r.newest_time_s, 0),
            }
        )
    return out
