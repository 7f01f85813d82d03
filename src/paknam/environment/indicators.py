"""The proposal's Smart Environment indicators, computed from the store.

- **good-air time** (``env_good_air_time``): the share of hours whose Thai AQI is level 1
  or 2 ("very good" or "good", AQI ≤ 50), over the hours with a valid AQI, per station and
  pooled over all air stations, per month and per year. Target: +10 % (relative) on the
  baseline year.
- **water quality** (``env_wqi``): see :mod:`paknam.environment.water_indicators`.

A year whose valid hours cover less than :data:`MIN_COVERAGE` of its hours is reported
with its coverage and the status ``insufficient_data``, never as if it were complete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from paknam.core.registry import Indicator
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.environment.air_service import aqi_series_codes, hourly_aqi
from paknam.environment.aqi.array import MISSING

GOOD_MAX_AQI = 50
MIN_COVERAGE = 0.75
GOOD_AIR_TARGET_GAIN = 0.10


def _year_bounds(year: int) -> tuple[int, int]:
    start = dt.datetime(year, 1, 1, tzinfo=BANGKOK)
    end = dt.datetime(year + 1, 1, 1, tzinfo=BANGKOK)
    return int(start.timestamp()), int(end.timestamp())


def _air_station_ids(store: Store) -> list[str]:
    return [s.id for s in store.list_stations() if aqi_series_codes([x.quantity for x in s.series])]


def good_air_year(store: Store, year: int) -> dict[str, Any]:
    """Good-air share per station and pooled, per month and for the year."""
    start, end = _year_bounds(year)
    hours_in_year = (end - start) // 3600
    months = np.array(
        [dt.datetime.fromtimestamp(t, BANGKOK).month for t in range(start, end, 3600)]
    )
    stations: dict[str, Any] = {}
    pooled_good = np.zeros(13)
    pooled_valid = np.zeros(13)
    station_hours = 0
    for sid in _air_station_ids(store):
        aqi = hourly_aqi(store, sid, start, end).aqi
        valid = aqi != MISSING
        good = valid & (aqi <= GOOD_MAX_AQI)
        by_month = {}
        for m in range(1, 13):
            mask = months == m
            v, g = int(valid[mask].sum()), int(good[mask].sum())
            pooled_valid[m] += v
            pooled_good[m] += g
            by_month[m] = {"share": g / v if v else None, "valid_hours": v}
        v_all = int(valid.sum())
        station_hours += hours_in_year
        stations[sid] = {
            "share": int(good.sum()) / v_all if v_all else None,
            "valid_hours": v_all,
            "coverage": v_all / hours_in_year,
            "months": by_month,
        }
    total_valid = pooled_valid.sum()
    return {
        "year": year,
        "share": float(pooled_good.sum() / total_valid) if total_valid else None,
        "valid_hours": int(total_valid),
        "coverage": float(total_valid / station_hours) if station_hours else 0.0,
        "months": {
            m: {
                "share": float(pooled_good[m] / pooled_valid[m]) if pooled_valid[m] else None,
                "valid_hours": int(pooled_valid[m]),
            }
            for m in range(1, 13)
        },
        "stations": stations,
    }


def good_air_indicator(store: Store, year: int, baseline_year: int) -> dict[str, Any]:
    """The indicator record for the proposal's board (see issue "indicators")."""
    now = good_air_year(store, year)
    base = good_air_year(store, baseline_year)
    value, baseline = now["share"], base["share"]
    target = baseline * (1 + GOOD_AIR_TARGET_GAIN) if baseline is not None else None
    if value is None:
        status = "no_data"
    elif baseline is None or now["coverage"] < MIN_COVERAGE or base["coverage"] < MIN_COVERAGE:
        status = "insufficient_data"
    else:
        status = "on_track" if value >= target else "off_track"
    return {
        "id": "env_good_air_time",
        "domain": "environment",
        "name_th": "สัดส่วนเวลาที่คุณภาพอากาศดี (AQI ไม่เกิน 50)",
        "name_en": "Share of hours with good air (AQI ≤ 50)",
        "unit": "share of hours",
        "value": value,
        "baseline": baseline,
        "target": target,
        "target_rule": "+10 % on the baseline year",
        "period": str(year),
        "baseline_period": str(baseline_year),
        "coverage": now["coverage"],
        "baseline_coverage": base["coverage"],
        "status": status,
        "details": {"year": now, "baseline": base},
    }


def indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """The environment domain's indicators for the board (good-air time, WQI)."""
    from paknam.environment.water_service import wqi_indicator

    y = year or dt.datetime.now(BANGKOK).year
    return [
        Indicator.from_dict(good_air_indicator(store, y, y - 1)),
        Indicator.from_dict(wqi_indicator(store, y, y - 1)),
    ]
