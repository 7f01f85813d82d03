"""Visitor and revenue figures per attraction and for the province, on a connection.

Two kinds of figures: **monthly returns** (granularity ``month``, e.g. the Ministry of
Tourism and Sports provincial statistics, or an attraction's monthly report) and **daily
counters** (granularity ``day``, e.g. a gate counter). A month is taken from its monthly
return when there is one, else from the daily counters, and only when every day of the
month has a count; a month with missing days is shown with its coverage but left out of
the growth figures. ``visitors`` = None means *missing* (not collected), never zero.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.economy import tourism
from paknam.economy.errors import UnknownScope
from paknam.economy.schema import places, visits

PROVINCE = "province"
"""The scope of province-wide figures (any other scope is a place id)."""

GRANULARITIES = ("month", "day")
FIGURES = ("visitors", "visitors_thai", "visitors_foreign", "revenue_thb")
DEFINITIONS: dict[str, tuple[str, str]] = {
    "visitors": (
        "ผู้เยี่ยมเยือน (นักท่องเที่ยวค้างคืน + นักทัศนาจร) ตามสถิติกระทรวงการท่องเที่ยวและกีฬา",
        "Visitors (overnight tourists + same-day visitors), Ministry of Tourism and Sports",
    ),
    "entries": ("จำนวนผู้เข้าชม (นับที่ทางเข้า)", "Entries counted at the gate"),
    "tickets": ("จำนวนบัตรเข้าชมที่ขาย", "Tickets sold"),
}


@dataclass(frozen=True, slots=True)
class VisitRow:
    """Figures of one scope for one month or day (None: missing)."""

    scope: str
    granularity: str
    period: date
    visitors: int | None
    visitors_thai: int | None = None
    visitors_foreign: int | None = None
    revenue_thb: float | None = None
    definition: str = "visitors"
    source: str = ""
    sample: bool = False


def known_scopes(conn: Connection) -> set[str]:
    """``province`` and every place id."""
    return {PROVINCE} | {r.id for r in conn.execute(sa.select(places.c.id))}


def check_scope(conn: Connection, scope: str) -> None:
    """:class:`UnknownScope` unless ``scope`` is ``province`` or a place id."""
    if (
        scope != PROVINCE
        and not conn.execute(sa.select(places.c.id).where(places.c.id == scope)).first()
    ):
        raise UnknownScope(f"scope {scope!r} is neither 'province' nor a place id")


def write_rows(conn: Connection, rows: list[VisitRow]) -> tuple[int, int]:
    """Insert or replace the rows; returns (stored: new or changed, unchanged)."""
    stored = unchanged = 0
    now = datetime.now(UTC)
    for row in rows:
        values = asdict(row)
        key = (
            (visits.c.scope == row.scope)
            & (visits.c.granularity == row.granularity)
            & (visits.c.period == row.period)
        )
        current = conn.execute(sa.select(visits).where(key)).first()
        if current is None:
            conn.execute(visits.insert().values(**values, updated_at=now))
            stored += 1
            continue
        old = {k: current._mapping[k] for k in values}
        if old == values:
            unchanged += 1
            continue
        conn.execute(visits.update().where(key).values(**values, updated_at=now))
        stored += 1
    return stored, unchanged


def _month_key(d: date) -> tuple[int, int]:
    return d.year, d.month


def monthly_table(conn: Connection, scope: str) -> list[dict[str, Any]]:
    """One entry per month with figures: from a monthly return, else from daily counters."""
    check_scope(conn, scope)
    rows = conn.execute(
        sa.select(visits).where(visits.c.scope == scope).order_by(visits.c.period)
    ).all()
    months: dict[tuple[int, int], dict[str, Any]] = {}
    daily: dict[tuple[int, int], list[Any]] = {}
    for r in rows:
        if r.granularity == "month":
            months[_month_key(r.period)] = {
                **{f: getattr(r, f) for f in FIGURES},
                "from": "monthly_return",
                "definition": r.definition,
                "source": r.source,
                "sample": bool(r.sample),
                "days_counted": None,
            }
        else:
            daily.setdefault(_month_key(r.period), []).append(r)
    for key, days in daily.items():
        if key in months:
            continue
        n_days = calendar.monthrange(*key)[1]
        counted = [d for d in days if d.visitors is not None]
        complete = len(counted) == n_days
        entry: dict[str, Any] = {
            "from": "daily_counters",
            "definition": days[0].definition,
            "source": days[0].source,
            "sample": any(d.sample for d in days),
            "days_counted": len(counted),
            "days_in_month": n_days,
            "partial": {},
        }
        for f in FIGURES:
            values = [getattr(d, f) for d in counted]
            total = sum(v for v in values if v is not None) if values else None
            ok = complete and all(v is not None for v in values)
            entry[f] = total if ok else None
            entry["partial"][f] = total
        months[key] = entry
    return [{"month": f"{y}-{m:02d}", **months[(y, m)]} for y, m in sorted(months)]


def series(table: list[dict[str, Any]], figure: str) -> dict[tuple[int, int], float | None]:
    """``(year, month) -> value`` of one figure from :func:`monthly_table`."""
    if figure not in FIGURES:
        raise InvalidInput(f"unknown figure {figure!r}; use one of {', '.join(FIGURES)}")
    out = {}
    for entry in table:
        y, m = entry["month"].split("-")
        out[(int(y), int(m))] = entry[figure]
    return out


def latest_month(table: list[dict[str, Any]], figure: str = "visitors") -> tuple[int, int] | None:
    """The newest month with a value of ``figure``."""
    present = [k for k, v in series(table, figure).items() if v is not None]
    return max(present) if present else None


def growth_report(
    conn: Connection, scope: str, month: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Visitors and revenue of a scope: yearly totals and every comparison for ``month``
    (default: the newest month with visitors)."""
    table = monthly_table(conn, scope)
    key = month or latest_month(table)
    out: dict[str, Any] = {"scope": scope, "month": None, "figures": {}}
    if key is None:
        return out
    out["month"] = f"{key[0]}-{key[1]:02d}"
    for figure in ("visitors", "revenue_thb"):
        s = series(table, figure)
        out["figures"][figure] = {
            "years": {str(y): v for y, v in tourism.yearly(s).items()},
            **tourism.summary(s, key),
        }
    return out
