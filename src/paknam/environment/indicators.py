"""The proposal's Smart Environment indicators, from values read by the service (pure).

- **good-air time** (``env_good_air_time``): the share of hours whose Thai AQI is level 1
  or 2 ("very good" or "good", AQI ≤ 50), over the hours with a valid AQI, per station and
  pooled over all air stations, per month and per year. Target: +10 % (relative) on the
  baseline year.
- **water quality** (``env_wqi``): the mean over stations of the yearly WQI (PCD's
  lowest-month rule), only over stations with a WQI in both years. Target: +20 %.

A year whose valid hours cover less than :data:`MIN_COVERAGE` of its hours is reported
with its coverage and the status ``insufficient_data``, never as if it were complete.
The store side (reading the hourly AQI and daily WQI of every station, and the
:class:`~paknam.core.registry.Indicator` records of the board) is
:mod:`paknam.environment.service`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from paknam.core.timeutil import BANGKOK
from paknam.environment.aqi.array import MISSING
from paknam.environment.wqi.daily import station_wqi_periods

GOOD_MAX_AQI = 50
MIN_COVERAGE = 0.75
GOOD_AIR_TARGET_GAIN = 0.10
WQI_TARGET_GAIN = 0.20


def year_bounds(year: int) -> tuple[int, int]:
    """Start and end of a Bangkok calendar year (UTC epoch s)."""
    start = dt.datetime(year, 1, 1, tzinfo=BANGKOK)
    end = dt.datetime(year + 1, 1, 1, tzinfo=BANGKOK)
    return int(start.timestamp()), int(end.timestamp())


def good_air_year(year: int, aqi_by_station: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Good-air share per station and pooled, per month and for the year.

    ``aqi_by_station`` holds each air station's hourly AQI over the hours of the year
    (:func:`year_bounds`), ``MISSING`` where there is none.
    """
    start, end = year_bounds(year)
    hours_in_year = (end - start) // 3600
    months = np.array(
        [dt.datetime.fromtimestamp(t, BANGKOK).month for t in range(start, end, 3600)]
    )
    stations: dict[str, Any] = {}
    pooled_good = np.zeros(13)
    pooled_valid = np.zeros(13)
    station_hours = 0
    for sid, aqi in aqi_by_station.items():
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


def good_air_indicator(now: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The indicator record for the proposal's board from two :func:`good_air_year`."""
    year, baseline_year = now["year"], base["year"]
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


def _year_values(
    days_by_station: Mapping[str, list[dict[str, Any]]], year: int
) -> tuple[dict[str, float], bool]:
    values, complete = {}, True
    for sid, all_days in days_by_station.items():
        days = [d for d in all_days if d["date"].year == year]
        if not days:
            continue
        complete &= all(d["complete"] for d in days)
        values[sid] = station_wqi_periods(days)["yearly"][str(year)]["wqi"]
    return values, complete


def wqi_indicator(
    days_by_station: Mapping[str, list[dict[str, Any]]], year: int, baseline_year: int
) -> dict[str, Any]:
    """Mean over stations of the yearly WQI (PCD's lowest-month rule), against a baseline.

    ``days_by_station`` holds each water-quality station's daily WQI records
    (:func:`paknam.environment.wqi.daily.day_rows`). Only stations with a WQI in both years
    are compared, so a new station does not move the figure. Target: +20 % on the baseline.
    """
    now, complete_now = _year_values(days_by_station, year)
    base, complete_base = _year_values(days_by_station, baseline_year)
    both = sorted(set(now) & set(base))
    value = sum(now[s] for s in both) / len(both) if both else None
    baseline = sum(base[s] for s in both) / len(both) if both else None
    if not now:
        status = "no_data"
    elif value is None or baseline is None:
        status = "insufficient_data"
    else:
        status = "on_track" if value >= baseline * (1 + WQI_TARGET_GAIN) else "off_track"
    return {
        "id": "env_wqi",
        "domain": "environment",
        "name_th": "ดัชนีคุณภาพน้ำทั่วไป (WQI) เฉลี่ยของจุดตรวจวัด",
        "name_en": "General Water Quality Index (WQI), mean over monitoring points",
        "unit": "WQI (0–100)",
        "value": value,
        "baseline": baseline,
        "target": baseline * (1 + WQI_TARGET_GAIN) if baseline is not None else None,
        "target_rule": "+20 % on the baseline year",
        "period": str(year),
        "baseline_period": str(baseline_year),
        "stations_compared": both,
        "complete": complete_now and complete_base,
        "method": "paknam-provisional-2026 score curves (not PCD's official curves); "
        "yearly WQI = lowest monthly, monthly = lowest daily (PCD rule)",
        "status": status,
        "details": {"year": now, "baseline": base},
    }
