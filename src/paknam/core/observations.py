"""Observations: the bulk write path and the series reads, for both engines.

Observations are stored once per (series, time) in UTC. Writing the same row again is a
no-op; writing another value for the same (series, time) replaces it and a database
trigger records the old and new value in ``observation_revisions``.

SQLite keeps time as integer epoch seconds; PostgreSQL as ``timestamptz``. Buckets are
aligned to Asia/Bangkok: an hour bucket starts on the hour, a day bucket at 00:00 +07:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK_OFFSET_S, to_local_iso

Row = tuple[int, int, float]
"""A validated observation: (series id, UTC epoch seconds, value in canonical unit)."""

BUCKETS: dict[str, int] = {"hour": 3600, "day": 86400}
AGGREGATES: dict[str, str] = {
    "mean": "avg",
    "min": "min",
    "max": "max",
    "sum": "sum",
    "count": "count",
}

_SQLITE_UPSERT = (
    "INSERT INTO observations (series_id, time, value) VALUES (?, ?, ?) "
    "ON CONFLICT (series_id, time) DO UPDATE SET value = excluded.value "
    "WHERE observations.value IS NOT excluded.value"
)
_PG_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS observations_stage "
    "(series_id integer, time_s bigint, value double precision) ON COMMIT DELETE ROWS"
)
_PG_MERGE = (
    "INSERT INTO observations (series_id, time, value) "
    "SELECT series_id, to_timestamp(time_s), value FROM observations_stage "
    "ORDER BY series_id, time_s "
    "ON CONFLICT (series_id, time) DO UPDATE SET value = EXCLUDED.value "
    "WHERE observations.value IS DISTINCT FROM EXCLUDED.value"
)


def write_rows(conn: Connection, rows: Sequence[Row]) -> int:
    """Upsert validated rows inside the caller's transaction; returns rows new or changed.

    Rows must be unique on (series id, time) within one call (validation ensures it).
    """
    if not rows:
        return 0
    raw = conn.connection.driver_connection
    assert raw is not None, "write_rows needs a live DBAPI connection"
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute(_PG_STAGE)
            with cur.copy(
                "COPY observations_stage (series_id, time_s, value) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int4", "int8", "float8"])
                for row in rows:
                    copy.write_row(row)
            cur.execute(_PG_MERGE)
            written = cur.rowcount
            cur.execute("DELETE FROM observations_stage")
            return written
    cur = raw.cursor()
    try:
        cur.executemany(_SQLITE_UPSERT, rows)
        return cur.rowcount
    finally:
        cur.close()


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a series: bucket or sample start (UTC epoch s), value, sample count."""

    time: int
    value: float
    count: int


def read_series(
    conn: Connection,
    series_id: int,
    start: int,
    end: int,
    *,
    bucket: str = "raw",
    agg: str = "mean",
    limit: int | None = None,
) -> list[Point]:
    """Points of one series in ``[start, end)`` (UTC epoch seconds).

    ``bucket`` is ``raw``, ``hour`` or ``day`` (Asia/Bangkok days); ``agg`` one of
    :data:`AGGREGATES`. ``limit`` caps raw points.
    """
    if end <= start:
        raise InvalidInput(f"end ({end}) must be after start ({start})", field="end")
    params = {"sid": series_id, "start": start, "end": end}
    pg = conn.dialect.name == "postgresql"
    if bucket == "raw":
        t = "extract(epoch FROM time)::bigint" if pg else "time"
        where = (
            "time >= to_timestamp(:start) AND time < to_timestamp(:end)"
            if pg
            else "time >= :start AND time < :end"
        )
        sql = (
            f"SELECT {t}, value, 1 FROM observations "
            f"WHERE series_id = :sid AND {where} ORDER BY time"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
    else:
        if bucket not in BUCKETS:
            raise InvalidInput(
                f"unknown bucket {bucket!r}; use raw, {', '.join(BUCKETS)}", field="bucket"
            )
        if agg not in AGGREGATES:
            raise InvalidInput(
                f"unknown aggregate {agg!r}; use {', '.join(AGGREGATES)}", field="agg"
            )
        fn = AGGREGATES[agg]
        width = BUCKETS[bucket]
        if pg:
            b = (
                f"extract(epoch FROM date_bin('{width} seconds', time, "
                "TIMESTAMPTZ '2000-01-01 00:00:00+07'))::bigint"
            )
            where = "time >= to_timestamp(:start) AND time < to_timestamp(:end)"
        else:
            off = BANGKOK_OFFSET_S
            b = f"time - (((time + {off}) % {width}) + {width}) % {width}"
            where = "time >= :start AND time < :end"
        sql = (
            f"SELECT {b} AS b, {fn}(value), count(*) FROM observations "
            f"WHERE series_id = :sid AND {where} GROUP BY b ORDER BY b"
        )
    rows = conn.execute(sa.text(sql), params)
    return [Point(int(t), float(v), int(c)) for t, v, c in rows]


def last_points(conn: Connection, series_id: int, n: int) -> list[Point]:
    """The ``n`` newest points of one series, oldest first."""
    t = "extract(epoch FROM time)::bigint" if conn.dialect.name == "postgresql" else "time"
    rows = conn.execute(
        sa.text(
            f"SELECT {t}, value FROM observations WHERE series_id = :sid "
            "ORDER BY time DESC LIMIT :n"
        ),
        {"sid": series_id, "n": n},
    ).all()
    return [Point(int(tt), float(v), 1) for tt, v in reversed(rows)]


def latest(conn: Connection) -> dict[int, tuple[int, float]]:
    """``series id -> (time, value)`` of the newest observation of every series."""
    pg = conn.dialect.name == "postgresql"
    t = "extract(epoch FROM o.time)::bigint" if pg else "o.time"
    sql = (
        f"SELECT se.id, {t}, o.value FROM series se JOIN observations o "
        "ON o.series_id = se.id AND o.time = "
        "(SELECT max(time) FROM observations WHERE series_id = se.id)"
    )
    return {int(sid): (int(tt), float(v)) for sid, tt, v in conn.execute(sa.text(sql))}


def revisions(conn: Connection, series_id: int, limit: int = 100) -> list[dict[str, object]]:
    """The newest recorded corrections of one series."""
    rows = conn.execute(
        sa.text(
            "SELECT time_s, old_value, new_value, changed_at FROM observation_revisions "
            "WHERE series_id = :sid ORDER BY id DESC LIMIT :lim"
        ),
        {"sid": series_id, "lim": limit},
    )
    out = []
    for r in rows:
        d = {str(k): v for k, v in r._mapping.items()}
        d["changed_at"] = _utc_iso(d["changed_at"])
        out.append(d)
    return out


def _utc_iso(value: object) -> str:
    """A stored change time (SQLite text in UTC, PostgreSQL aware datetime) in Thai time."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace(" ", "T"))
    assert isinstance(value, datetime)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return to_local_iso(int(value.timestamp()))


def count(conn: Connection, series_id: int | None = None) -> int:
    """Number of stored observations (of one series, or all)."""
    if series_id is None:
        return int(conn.execute(sa.text("SELECT count(*) FROM observations")).scalar() or 0)
    return int(
        conn.execute(
            sa.text("SELECT count(*) FROM observations WHERE series_id = :s"), {"s": series_id}
        ).scalar()
        or 0
    )
