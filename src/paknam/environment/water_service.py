"""Thai WQI over the store's water-quality series, and the WQI indicator.

Per Bangkok day with samples, the daily mean of each WQI parameter (DO, BOD, NH3-N, TCB,
FCB) gives that day's WQI; PCD's rules then give the monthly WQI (lowest day) and the
yearly WQI (lowest month). A day needs at least :data:`MIN_PARAMETERS` of the five; a WQI
from fewer than five is marked partial (``complete`` false, with the note the WQI module
writes) because it is not comparable with PCD's five-parameter index. Every WQI carries
the ``method`` of its score curves (provisional until PCD's curves are obtained).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK, to_local_iso
from paknam.environment.wqi.period import monthly_wqi, yearly_wqi
from paknam.environment.wqi.tables import WQI_PARAMETERS
from paknam.environment.wqi.thai import compute_wqi

MIN_PARAMETERS = 3
WQI_TARGET_GAIN = 0.20
EPOCH_START = -(2**33)
"""Read from the beginning of the store's time range."""


def station_wqi_days(
    store: Store, station_id: str, start: int = EPOCH_START, end: int = 2**33
) -> list[dict[str, Any]]:
    """The WQI of every Bangkok day with samples, oldest first."""
    station = store.get_station(station_id)
    have = [q for q in WQI_PARAMETERS if any(s.quantity == q for s in station.series)]
    by_day: dict[int, dict[str, float]] = {}
    for q in have:
        for p in store.read_series(station_id, q, start, end, bucket="day", agg="mean"):
            by_day.setdefault(p.time, {})[q] = p.value
    out = []
    for day_start, values in sorted(by_day.items()):
        if len(values) < MIN_PARAMETERS:
            continue
        r = compute_wqi(values, allow_partial=True)
        out.append(
            {
                "date": dt.datetime.fromtimestamp(day_start, BANGKOK).date().isoformat(),
                "time": to_local_iso(day_start),
                "wqi": r.wqi,
                "band": r.band,
                "band_name_th": r.band_name_th,
                "band_name_en": r.band_name_en,
                "color": r.color,
                "complete": r.complete,
                "parameters_missing": list(r.parameters_missing),
                "note_th": r.note_th,
                "note_en": r.note_en,
                "sub_indices": r.sub_indices,
                "method": r.method,
            }
        )
    return out


def station_wqi_periods(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Monthly (lowest day) and yearly (lowest month) WQI from daily results."""
    monthly = monthly_wqi((dt.date.fromisoformat(d["date"]), d["wqi"]) for d in days)
    yearly = yearly_wqi(monthly)
    return {
        "monthly": {
            k: {"wqi": v.wqi, "day": v.day.isoformat(), "days": v.count} for k, v in monthly.items()
        },
        "yearly": {
            k: {"wqi": v.wqi, "day": v.day.isoformat(), "months": v.count}
            for k, v in yearly.items()
        },
    }


def _water_stations(store: Store) -> list[Any]:
    return [
        s
        for s in store.list_stations()
        if sum(x.quantity in WQI_PARAMETERS for x in s.series) >= MIN_PARAMETERS
    ]


def latest_wqi(store: Store) -> list[dict[str, Any]]:
    """The newest daily WQI of every water-quality station."""
    out = []
    for s in _water_stations(store):
        days = station_wqi_days(store, s.id)
        if days:
            out.append(
                {
                    "station": s.id,
                    "name_th": s.name_th,
                    "name_en": s.name_en,
                    "district_code": s.district_code,
                    "lon": s.lon,
                    "lat": s.lat,
                    **days[-1],
                }
            )
    return out


def _year_values(
    days_by_station: dict[str, list[dict[str, Any]]], year: int
) -> tuple[dict[str, float], bool]:
    values, complete = {}, True
    for sid, all_days in days_by_station.items():
        days = [d for d in all_days if d["date"].startswith(f"{year}-")]
        if not days:
            continue
        complete &= all(d["complete"] for d in days)
        values[sid] = station_wqi_periods(days)["yearly"][str(year)]["wqi"]
    return values, complete


def wqi_indicator(store: Store, year: int, baseline_year: int) -> dict[str, Any]:
    """Mean over stations of the yearly WQI (PCD's lowest-month rule), against a baseline.

    Only stations with a WQI in both years are compared, so a new station does not move
    the figure. Target: +20 % on the baseline.
    """
    days = {s.id: station_wqi_days(store, s.id) for s in _water_stations(store)}
    now, complete_now = _year_values(days, year)
    base, complete_base = _year_values(days, baseline_year)
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
