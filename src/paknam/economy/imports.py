"""Import monthly returns or daily counters from CSV or Excel, with a per-row error report.

Columns (names are case-insensitive; the aliases let the Ministry of Tourism and Sports
provincial file be imported as it is)::

    scope       place id or "province"      (aliases: place, place_id; default: --scope)
    period      YYYY-MM or YYYY-MM-01 (month), YYYY-MM-DD (day)
                                            (aliases: month, date, travel_date)
    visitors    whole number, empty = missing (no_tourist_all, visitors_all, total)
    visitors_thai, visitors_foreign          (no_tourist_thai, no_tourist_foreign)
    revenue_thb THB, empty = missing         (revenue_all, revenue)

A monthly row whose every figure is 0 is stored as *missing*: a month with no visitors and
no revenue at all is a month that was not collected (the 2020 lockdown months of the MOTS
file), and the report lists those lines. A file with a ``province_eng`` column may hold
other provinces: their rows are skipped and counted.

All or nothing by default: any bad row rejects the file (every bad row is named, nothing is
stored); with ``skip_invalid`` the good rows are stored in one transaction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, SupportsFloat

from sqlalchemy.engine import Connection

from paknam.core.errors import BatchRejected, InvalidInput, ItemError
from paknam.core.tabular import Table
from paknam.economy.visits import DEFINITIONS, GRANULARITIES, VisitRow, known_scopes, write_rows

ALIASES: dict[str, tuple[str, ...]] = {
    "scope": ("scope", "place", "place_id"),
    "period": ("period", "month", "date", "travel_date"),
    "visitors": ("visitors", "no_tourist_all", "visitors_all", "total"),
    "visitors_thai": ("visitors_thai", "no_tourist_thai"),
    "visitors_foreign": ("visitors_foreign", "no_tourist_foreign"),
    "revenue_thb": ("revenue_thb", "revenue_all", "revenue"),
}
PROVINCE_NAME_EN = "Samut Prakan"
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass
class VisitImport:
    """What an import did (``errors`` index = line number in the file)."""

    received: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    other_province: int = 0
    zero_as_missing: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "other_province": self.other_province,
            "zero_as_missing_lines": self.zero_as_missing,
            "ignored_columns": self.ignored_columns,
            "errors": [e.as_dict() for e in self.errors],
        }


def _columns(table: Table) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, aliases in ALIASES.items():
        present = [a for a in aliases if a in table.columns]
        if len(present) > 1:
            raise InvalidInput(f"columns {present} all mean {name!r}; keep one", field=name)
        if present:
            found[name] = present[0]
    if "period" not in found:
        raise InvalidInput(
            f"no period column; name one of {', '.join(ALIASES['period'])}", field="period"
        )
    if not {"visitors", "revenue_thb"} & set(found):
        raise InvalidInput("the file needs a visitors or a revenue_thb column", field="visitors")
    return found


def _period(cell: object, granularity: str) -> date:
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        d = cell
    else:
        match = _MONTH_RE.match(str(cell or "").strip())
        if not match:
            raise ValueError(f"period {cell!r} is not YYYY-MM or YYYY-MM-DD")
        y, m, dd = match.groups()
        if granularity == "day" and dd is None:
            raise ValueError(f"period {cell!r} names a month; daily counters need YYYY-MM-DD")
        try:
            d = date(int(y), int(m), int(dd or 1))
        except ValueError as exc:
            raise ValueError(f"period {cell!r}: {exc}") from None
    if granularity == "month" and d.day != 1:
        raise ValueError(f"period {cell!r} is a day; monthly returns need YYYY-MM or YYYY-MM-01")
    if not 1990 <= d.year <= 2100:
        raise ValueError(f"period {cell!r} is outside 1990–2100")
    return d


def _number(cell: object, name: str, *, whole: bool) -> float | int | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"{name} {cell!r} is not a number")
    try:
        if isinstance(cell, str):
            value = float(cell.replace(",", "").strip())
        elif isinstance(cell, SupportsFloat):
            value = float(cell)
        else:
            raise TypeError(type(cell).__name__)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {cell!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} {cell!r} must be a finite number ≥ 0")
    if whole:
        if value != int(value):
            raise ValueError(f"{name} {cell!r} must be a whole number of people")
        return int(value)
    return value


def _row(
    cells: dict[str, Any], cols: dict[str, str], granularity: str, default_scope: str | None
) -> tuple[str, date, dict[str, Any]]:
    scope = str(cells.get(cols["scope"]) or "").strip() if "scope" in cols else ""
    scope = scope or (default_scope or "")
    if not scope:
        raise ValueError("scope is empty (give a scope column or a default scope)")
    period = _period(cells.get(cols["period"]), granularity)
    figures = {
        name: _number(cells.get(cols[name]), name, whole=name != "revenue_thb")
        if name in cols
        else None
        for name in ("visitors", "visitors_thai", "visitors_foreign", "revenue_thb")
    }
    thai, foreign = figures["visitors_thai"], figures["visitors_foreign"]
    parts = [thai, foreign]
    if (
        figures["visitors"] is not None
        and thai is not None
        and foreign is not None
        and thai + foreign != figures["visitors"]
    ):
        raise ValueError(
            f"visitors {figures['visitors']} ≠ visitors_thai {parts[0]} + "
            f"visitors_foreign {parts[1]}"
        )
    return scope, period, figures


def import_visits(
    conn: Connection,
    table: Table,
    *,
    granularity: str = "month",
    scope: str | None = None,
    definition: str = "visitors",
    source: str = "",
    sample: bool = False,
    skip_invalid: bool = False,
) -> VisitImport:
    """Validate every row, then store the good ones on ``conn`` (one transaction)."""
    if granularity not in GRANULARITIES:
        raise InvalidInput(f"granularity must be one of {GRANULARITIES}", field="granularity")
    if definition not in DEFINITIONS:
        raise InvalidInput(
            f"unknown definition {definition!r}; use one of {', '.join(DEFINITIONS)}",
            field="definition",
        )
    cols = _columns(table)
    report = VisitImport(received=len(table.rows))
    used = set(cols.values()) | {"province_eng", "province_thai"}
    report.ignored_columns = [c for c in table.columns if c and c not in used]
    scopes = known_scopes(conn)
    seen: dict[tuple[str, date], int] = {}
    rows: list[VisitRow] = []
    for line, cells in table.rows:
        province = cells.get("province_eng")
        if province is not None and str(province).strip() != PROVINCE_NAME_EN:
            report.other_province += 1
            continue
        try:
            key_scope, period, figures = _row(cells, cols, granularity, scope)
        except ValueError as exc:
            report.errors.append(ItemError(line, str(exc)))
            continue
        if key_scope not in scopes:
            report.errors.append(
                ItemError(
                    line, f"scope {key_scope!r} is neither 'province' nor a place id", "scope"
                )
            )
            continue
        if (key_scope, period) in seen:
            report.errors.append(
                ItemError(
                    line, f"{key_scope} {period} repeats line {seen[(key_scope, period)]}", "period"
                )
            )
            continue
        seen[(key_scope, period)] = line
        given = [v for v in figures.values() if v is not None]
        if granularity == "month" and given and all(v == 0 for v in given):
            figures = dict.fromkeys(figures)
            report.zero_as_missing.append(line)
        rows.append(
            VisitRow(
                scope=key_scope,
                granularity=granularity,
                period=period,
                definition=definition,
                source=source[:300],
                sample=sample,
                **figures,
            )
        )
    report.rejected = len(report.errors)
    if report.errors and not skip_invalid:
        raise BatchRejected(report.errors, len(table.rows))
    report.stored, report.unchanged = write_rows(conn, rows)
    return report
