"""The proposal's Smart Economy indicators, computed from the province's monthly figures.

- ``economy_tourists``: visitors to the province in a calendar year; target +5 % on the
  year before.
- ``economy_tourism_revenue``: tourism revenue [THB] in a calendar year; target +10 % on
  the year before.

The default year is the newest *complete* year (12 months with figures). A year or a
baseline year with missing months (e.g. 2020, whose April and May were not collected) gets
the status ``insufficient_data``; its value is then the sum of the months present and the
details give the matched-month comparison instead. Every record also compares the year with
2019, the last year before COVID-19.

Pure: computed from the province's monthly table (:func:`paknam.economy.visits.monthly_table`),
which the service reads.
"""

from __future__ import annotations

from typing import Any

from paknam.economy import tourism
from paknam.economy.visits import latest_month, series

TOURISTS_TARGET_GAIN = 0.05
REVENUE_TARGET_GAIN = 0.10

_SPECS: dict[str, dict[str, Any]] = {
    "economy_tourists": {
        "figure": "visitors",
        "gain": TOURISTS_TARGET_GAIN,
        "name_th": "จำนวนผู้เยี่ยมเยือนจังหวัดต่อปี",
        "name_en": "Visitors to the province per year",
        "unit": "visitors/year",
        "target_rule": "+5 % on the previous year",
    },
    "economy_tourism_revenue": {
        "figure": "revenue_thb",
        "gain": REVENUE_TARGET_GAIN,
        "name_th": "รายได้จากการท่องเที่ยวของจังหวัดต่อปี",
        "name_en": "Tourism revenue of the province per year",
        "unit": "THB/year",
        "target_rule": "+10 % on the previous year",
    },
}


def _default_year(s: dict[tuple[int, int], float | None]) -> int | None:
    years = tourism.yearly(s)
    complete = [y for y, v in years.items() if v["complete"]]
    if complete:
        return max(complete)
    present = [y for y, v in years.items() if v["months"]]
    return max(present) if present else None


def _status(value: float | None, target: float | None, complete: bool) -> str:
    if value is None:
        return "no_data"
    if not complete or target is None:
        return "insufficient_data"
    return "on_track" if value >= target else "off_track"


def economy_indicator(
    table: list[dict[str, Any]],
    indicator_id: str,
    year: int | None = None,
    baseline_year: int | None = None,
) -> dict[str, Any]:
    """One indicator record for the board from the province's monthly ``table``."""
    spec = _SPECS[indicator_id]
    s = series(table, spec["figure"])
    year = year if year is not None else _default_year(s)
    record: dict[str, Any] = {
        "id": indicator_id,
        "domain": "economy",
        "name_th": spec["name_th"],
        "name_en": spec["name_en"],
        "unit": spec["unit"],
        "value": None,
        "baseline": None,
        "target": None,
        "target_rule": spec["target_rule"],
        "period": str(year) if year is not None else None,
        "baseline_period": None,
        "status": "no_data",
        "details": {},
    }
    if year is None:
        return record
    base_year = baseline_year if baseline_year is not None else year - 1
    fy = tourism.full_year(s, year, base_year)
    target = fy["previous"] * (1 + spec["gain"]) if fy["previous"] else None
    latest = latest_month(table, spec["figure"])
    sources = sorted({e["source"] for e in table if e["source"]})
    record.update(
        value=fy["value"],
        baseline=fy["previous"],
        target=target,
        baseline_period=str(base_year),
        coverage=fy["months"] / 12,
        baseline_coverage=fy["previous_months"] / 12,
        status=_status(fy["value"], target, fy["complete"]),
        details={
            "growth": fy["growth"],
            "matched_months": tourism.year_to_date(s, (year, 12), base_year),
            "vs_2019": tourism.full_year(s, year, tourism.REFERENCE_YEAR),
            "years": {str(y): v for y, v in tourism.yearly(s).items()},
            "latest_month": tourism.summary(s, latest) if latest else None,
            "sample": any(e["sample"] for e in table),
            "sources": sources,
        },
    )
    return record


def economy_indicators(
    table: list[dict[str, Any]], year: int | None = None
) -> list[dict[str, Any]]:
    """Both Smart Economy indicators of the proposal, from the province's monthly table."""
    return [economy_indicator(table, i, year) for i in _SPECS]
