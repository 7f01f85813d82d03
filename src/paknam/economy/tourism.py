"""Growth of monthly visitor and revenue figures, honest about missing months.

A series is a mapping ``(year, month) -> value`` where ``None`` (or an absent month) means
*missing*: not collected, e.g. the all-zero months of the 2020 lockdown in the Ministry of
Tourism and Sports (MOTS) provincial returns, which are "not collected", not zero visitors
(see docs/economy.md). Seasonality is strong (high season Nov–Feb), so every comparison is
between the *same* months of two years:

- **same month last year**: month m of year y against month m of y − 1;
- **year to date**: months 1..m of y against the same months of y − 1, summed over the
  months present in *both* years (the months left out are listed);
- **trailing 12 months**: the 12 months ending at (y, m) against the 12 before; only when
  both windows are complete;
- **full year**: only when both years have 12 months;
- each of them also against the same period of a reference year (2019, before COVID).

Growth is ``current / previous − 1`` (a fraction: 0.05 is +5 %). Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Month = tuple[int, int]
Series = Mapping[Month, float | None]

REFERENCE_YEAR = 2019
"""The last year before COVID-19, shown beside every comparison."""


def _value(series: Series, key: Month) -> float | None:
    v = series.get(key)
    return None if v is None else float(v)


def growth(current: float | None, previous: float | None) -> float | None:
    """``current / previous − 1``, or None when either is missing or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return current / previous - 1


def shift(key: Month, months: int) -> Month:
    """The month ``months`` after ``key`` (negative: before)."""
    index = key[0] * 12 + key[1] - 1 + months
    return index // 12, index % 12 + 1


def yearly(series: Series) -> dict[int, dict[str, Any]]:
    """Per year: sum of the present months, how many are present, and which are missing."""
    years = sorted({y for y, _ in series})
    out: dict[int, dict[str, Any]] = {}
    for year in years:
        present = [m for m in range(1, 13) if _value(series, (year, m)) is not None]
        out[year] = {
            "total": sum(_value(series, (year, m)) or 0.0 for m in present) if present else None,
            "months": len(present),
            "complete": len(present) == 12,
            "missing_months": [m for m in range(1, 13) if m not in present],
        }
    return out


def compare_months(series: Series, current: list[Month], previous: list[Month]) -> dict[str, Any]:
    """Sum two equally long lists of months over the pairs present in both, with growth."""
    cur_sum = prev_sum = 0.0
    used, left_out = 0, []
    for c, p in zip(current, previous, strict=True):
        cv, pv = _value(series, c), _value(series, p)
        if cv is None or pv is None:
            left_out.append(f"{c[0]}-{c[1]:02d}")
            continue
        cur_sum += cv
        prev_sum += pv
        used += 1
    return {
        "value": cur_sum if used else None,
        "previous": prev_sum if used else None,
        "growth": growth(cur_sum, prev_sum) if used else None,
        "months_compared": used,
        "months_left_out": left_out,
    }


def same_month(series: Series, key: Month, years_back: int = 1) -> dict[str, Any]:
    """Month ``key`` against the same month ``years_back`` years earlier."""
    before = (key[0] - years_back, key[1])
    cur, prev = _value(series, key), _value(series, before)
    return {"value": cur, "previous": prev, "growth": growth(cur, prev)}


def year_to_date(series: Series, key: Month, reference_year: int | None = None) -> dict[str, Any]:
    """Months 1..m of the year against the same months of the year before (or a reference)."""
    year, month = key
    ref = year - 1 if reference_year is None else reference_year
    return compare_months(
        series, [(year, m) for m in range(1, month + 1)], [(ref, m) for m in range(1, month + 1)]
    )


def trailing_12(series: Series, key: Month, reference_year: int | None = None) -> dict[str, Any]:
    """The 12 months ending at ``key`` against the 12 before (or the same months of a
    reference year); growth only when all 24 months are present."""
    current = [shift(key, -i) for i in range(11, -1, -1)]
    if reference_year is None:
        previous = [shift(m, -12) for m in current]
    else:
        previous = [shift(m, -12 * (m[0] - reference_year)) for m in current]
    out = compare_months(series, current, previous)
    if out["months_compared"] < 12:
        out["growth"] = None
    return out


def full_year(series: Series, year: int, previous_year: int | None = None) -> dict[str, Any]:
    """A year against another (default the year before); growth only when both are complete."""
    prev = year - 1 if previous_year is None else previous_year
    per_year = yearly(series)
    cur = per_year.get(year, {"total": None, "complete": False, "months": 0})
    old = per_year.get(prev, {"total": None, "complete": False, "months": 0})
    complete = cur["complete"] and old["complete"]
    return {
        "year": year,
        "previous_year": prev,
        "value": cur["total"],
        "previous": old["total"],
        "months": cur["months"],
        "previous_months": old["months"],
        "complete": complete,
        "growth": growth(cur["total"], old["total"]) if complete else None,
    }


def summary(series: Series, key: Month, reference_year: int = REFERENCE_YEAR) -> dict[str, Any]:
    """Every comparison for month ``key``: against last year and against ``reference_year``."""
    back = key[0] - reference_year
    return {
        "month": f"{key[0]}-{key[1]:02d}",
        "value": _value(series, key),
        "same_month_last_year": same_month(series, key),
        "year_to_date": year_to_date(series, key),
        "trailing_12_months": trailing_12(series, key),
        "reference_year": reference_year,
        "vs_reference": {
            "same_month": same_month(series, key, back) if back > 0 else None,
            "year_to_date": year_to_date(series, key, reference_year) if back > 0 else None,
            "trailing_12_months": trailing_12(series, key, reference_year) if back > 0 else None,
        },
    }
