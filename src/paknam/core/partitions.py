"""PostgreSQL: the monthly partitions of ``observations`` (migration 0017).

``observations`` is partitioned by range of ``time``: one partition per UTC month, named
``observations_pYYYYMM``, plus ``observations_default`` for every time no partition
covers, so an insert never fails for a far date. :func:`ensure_month` creates a month's
partition (moving any rows the default partition holds for it); the scheduler's
``db.partitions`` job and ``paknam db upgrade`` keep the current month and the
``ahead`` months after it created. Partitions named otherwise (made by an operator) are
listed but never created or dropped here. SQLite has one plain table: nothing here applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

PARENT = "observations"
DEFAULT_PARTITION = "observations_default"
_NAME = re.compile(r"^observations_p(\d{4})(\d{2})$")
LOCK_TIMEOUT = "10s"
"""How long partition changes wait for the table (readers and writers queue behind a
waiting ``ACCESS EXCLUSIVE`` lock, so it must not wait long)."""


@dataclass(frozen=True, slots=True)
class Month:
    """One UTC month: its partition's name and bounds (UTC epoch seconds, ``[lo, hi)``)."""

    year: int
    month: int

    @classmethod
    def of(cls, t: int) -> Month:
        d = datetime.fromtimestamp(t, UTC)
        return cls(d.year, d.month)

    def plus(self, n: int) -> Month:
        k = self.year * 12 + (self.month - 1) + n
        return Month(k // 12, k % 12 + 1)

    @property
    def name(self) -> str:
        return f"observations_p{self.year:04d}{self.month:02d}"

    @property
    def lo(self) -> int:
        return int(datetime(self.year, self.month, 1, tzinfo=UTC).timestamp())

    @property
    def hi(self) -> int:
        return self.plus(1).lo


def month_of_name(name: str) -> Month | None:
    """The month of a partition named ``observations_pYYYYMM`` (None for other names)."""
    m = _NAME.match(name)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return Month(int(m.group(1)), int(m.group(2)))


def is_partitioned(conn: Connection) -> bool:
    """True on PostgreSQL once migration 0017 has made ``observations`` partitioned."""
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.exec_driver_sql(
        "SELECT relkind FROM pg_class WHERE oid = to_regclass('observations')"
    ).scalar()
    return kind == "p"


def partition_names(conn: Connection) -> list[str]:
    """Every partition of ``observations`` (the default one too), sorted by name."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass('observations') ORDER BY c.relname"
    )
    return [str(r[0]) for r in rows]


def monthly_partitions(conn: Connection) -> list[Month]:
    """The monthly partitions (``observations_pYYYYMM``), oldest first."""
    months = [month_of_name(n) for n in partition_names(conn)]
    return sorted((m for m in months if m is not None), key=lambda m: (m.year, m.month))


def missing_months(conn: Connection, now_s: int, ahead: int) -> list[Month]:
    """Months from the current one to ``ahead`` after it that have no partition yet."""
    have = set(monthly_partitions(conn))
    first = Month.of(now_s)
    return [m for m in (first.plus(i) for i in range(ahead + 1)) if m not in have]


def ensure_month(conn: Connection, month: Month) -> int | None:
    """Create ``month``'s partition in the caller's transaction, unless it exists.

    Rows the default partition holds for that month are moved into it (the table is
    locked meanwhile, ``lock_timeout`` 10 s). Returns the rows moved, or None when the
    partition already existed.
    """
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    conn.exec_driver_sql(f"LOCK TABLE {PARENT} IN ACCESS EXCLUSIVE MODE")
    if conn.exec_driver_sql(f"SELECT to_regclass('{month.name}')").scalar() is not None:
        return None
    bounds = {"lo": month.lo, "hi": month.hi}
    in_default = conn.execute(
        sa.text(
            f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} "
            "WHERE time >= to_timestamp(:lo) AND time < to_timestamp(:hi))"
        ),
        bounds,
    ).scalar()
    lo_iso = datetime.fromtimestamp(month.lo, UTC).isoformat()
    hi_iso = datetime.fromtimestamp(month.hi, UTC).isoformat()
    values = f"FOR VALUES FROM ('{lo_iso}') TO ('{hi_iso}')"
    if not in_default:
        conn.exec_driver_sql(f"CREATE TABLE {month.name} PARTITION OF {PARENT} {values}")
        return 0
    conn.exec_driver_sql(
        f"CREATE TABLE {month.name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    moved = conn.execute(
        sa.text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} "
            "WHERE time >= to_timestamp(:lo) AND time < to_timestamp(:hi) "
            "RETURNING series_id, time, value) "
            f"INSERT INTO {month.name} (series_id, time, value) "
            "SELECT series_id, time, value FROM moved"
        ),
        bounds,
    ).rowcount
    conn.exec_driver_sql(f"ALTER TABLE {PARENT} ATTACH PARTITION {month.name} {values}")
    return int(moved)


def drop_month(conn: Connection, month: Month) -> None:
    """Detach and drop ``month``'s partition in the caller's transaction (its rows go)."""
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    conn.exec_driver_sql(f"ALTER TABLE {PARENT} DETACH PARTITION {month.name}")
    conn.exec_driver_sql(f"DROP TABLE {month.name}")


def partition_rows(conn: Connection, name: str) -> int:
    """Rows in one partition (exact count)."""
    if name != DEFAULT_PARTITION and month_of_name(name) is None:
        raise ValueError(f"not a partition of observations: {name!r}")
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() or 0)


def holds_any(conn: Connection, month: Month, series_ids: list[int]) -> bool:
    """True when ``month``'s partition holds a row of one of ``series_ids`` (an index probe
    per series)."""
    if not series_ids:
        return False
    return bool(
        conn.execute(
            sa.text(f"SELECT EXISTS (SELECT 1 FROM {month.name} WHERE series_id = ANY(:ids))"),
            {"ids": series_ids},
        ).scalar()
    )


def series_with_rows(conn: Connection, month: Month, series_ids: list[int]) -> list[int]:
    """Those of ``series_ids`` with at least one row in ``month``'s partition."""
    probe = sa.text(f"SELECT EXISTS (SELECT 1 FROM {month.name} WHERE series_id = :s)")
    return [s for s in series_ids if conn.execute(probe, {"s": s}).scalar()]
