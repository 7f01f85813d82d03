"""The proposal's Smart Governance indicator: complaints handled precisely and quickly.

``gov_complaints_handled_quickly`` = share of complaints received in the period that were
**resolved within their SLA and never reopened**. Target: at least 60 % (the proposal).

- numerator: state ``resolved``, first resolution at or before the due time, reopen
  count 0;
- denominator: complaints received in the period, less those *rejected* (not relevant:
  spam or not a complaint) and less those still open but not yet due (they cannot be
  judged yet; reported as ``pending``). Open and overdue, not-fixable, and reopened
  complaints count against the share.

Periods are Thai-time months (``YYYY-MM``) or years (``YYYY``, with a per-month table).
Fewer than :data:`MIN_JUDGED` judged complaints give ``insufficient_data``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import OPEN
from paknam.core.errors import InvalidInput
from paknam.core.registry import Indicator, with_basis
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK, now_s

TARGET = 0.60
MIN_JUDGED = 10
INDICATOR_ID = "gov_complaints_handled_quickly"


def _bounds(period: str) -> tuple[int, int, list[str]]:
    try:
        if len(period) == 4:
            y = int(period)
            start = dt.datetime(y, 1, 1, tzinfo=BANGKOK)
            end = dt.datetime(y + 1, 1, 1, tzinfo=BANGKOK)
            months = [f"{y:04d}-{m:02d}" for m in range(1, 13)]
        elif len(period) == 7 and period[4] == "-":
            y, m = int(period[:4]), int(period[5:])
            start = dt.datetime(y, m, 1, tzinfo=BANGKOK)
            end = dt.datetime(y + m // 12, m % 12 + 1, 1, tzinfo=BANGKOK)
            months = [period]
        else:
            raise ValueError(period)
    except ValueError:
        raise InvalidInput(
            f"period {period!r} is neither YYYY nor YYYY-MM", field="period"
        ) from None
    return int(start.timestamp()), int(end.timestamp()), months


def _month(epoch_s: int) -> str:
    return dt.datetime.fromtimestamp(epoch_s, BANGKOK).strftime("%Y-%m")


def _empty() -> dict[str, int]:
    return {"received": 0, "rejected": 0, "pending": 0, "judged": 0, "quick": 0}


def handled_quickly_counts(store: Store, period: str, now: int) -> dict[str, Any]:
    """Counts per month and in total for ``period``."""
    start, end, months = _bounds(period)
    per = {m: _empty() for m in months}
    with store.read() as conn:
        rows = conn.execute(
            sa.select(
                table.c.requested_s,
                table.c.status,
                table.c.due_s,
                table.c.first_resolved_s,
                table.c.reopen_count,
            ).where(table.c.requested_s >= start, table.c.requested_s < end)
        )
        for r in rows:
            c = per[_month(r.requested_s)]
            c["received"] += 1
            if r.status == "rejected":
                c["rejected"] += 1
            elif r.status in OPEN and now <= r.due_s:
                c["pending"] += 1
            else:
                c["judged"] += 1
                c["quick"] += int(
                    r.status == "resolved"
                    and r.first_resolved_s is not None
                    and r.first_resolved_s <= r.due_s
                    and r.reopen_count == 0
                )
    total = _empty()
    for c in per.values():
        c["share"] = c["quick"] / c["judged"] if c["judged"] else None  # type: ignore[assignment]
        for k in total:
            total[k] += c[k]
    return {"total": total, "months": per}


def complaints_handled_quickly_indicator(
    store: Store, period: str, *, now: int | None = None
) -> dict[str, Any]:
    """The indicator record for the board (same shape as the other domains')."""
    counts = handled_quickly_counts(store, period, now_s() if now is None else now)
    total = counts["total"]
    value = total["quick"] / total["judged"] if total["judged"] else None
    if value is None:
        status = "no_data"
    elif total["judged"] < MIN_JUDGED:
        status = "insufficient_data"
    else:
        status = "on_track" if value >= TARGET else "off_track"
    return {
        "id": INDICATOR_ID,
        "domain": "governance",
        "name_th": "สัดส่วนเรื่องร้องเรียนที่ได้รับการแก้ไขอย่างถูกต้องและรวดเร็ว",
        "name_en": "Share of complaints handled precisely and quickly",
        "unit": "share of complaints",
        "value": value,
        "baseline": None,
        "target": TARGET,
        "target_rule": "≥ 60 % resolved within the SLA without reopening",
        "period": period,
        "baseline_period": None,
        "status": status,
        "details": {
            "counts": total,
            "months": counts["months"],
            "min_judged": MIN_JUDGED,
            "definition": (
                "resolved within SLA and never reopened ÷ (received − rejected − open and "
                "not yet due)"
            ),
        },
    }


def indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """Complaints handled precisely and quickly, for the board."""
    y = year or dt.datetime.now(BANGKOK).year
    record = complaints_handled_quickly_indicator(store, str(y))
    return [Indicator.from_dict(with_basis(record, _basis(store)))]


def _basis(store: Store) -> str:
    """``sample`` when the demo's invented complaints are among those counted."""
    with store.read() as conn:
        demo = conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.client == "demo")
        ).scalar_one()
    return "sample" if demo else "measured"
