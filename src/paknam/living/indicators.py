"""The proposal's Smart Living indicators, computed from the store.

The proposal asks for "monitored coast and canal-bank length up at least 20 %; warnings at
least 3 days ahead with at least 80 % accuracy". Three records in the board's shape (see
:mod:`paknam.environment.indicators`), over a calendar year in Thai time:

- ``living_monitored_length``: km of coast and canal bank watched by the water-level and
  water-quality stations that reported data in the year. Each station counts its
  ``meta["monitored_length_km"]`` (set by an officer; 0 for a station that watches the same
  stretch as another) or, without it, :data:`DEFAULT_LENGTH_KM` — **paknam's assumption**,
  not a surveyed figure. Target: +20 % on the baseline year (default: the year before).
- ``living_warning_lead_time``: median over the year's ``living``/``water_level`` warnings
  of ``expected_at − raised_at`` in hours. Target ≥ 72 h.
- ``living_warning_accuracy``: the stored forecasts checked against the observed level at
  a lead of 72 h (points :data:`LEAD_MIN_H`–:data:`LEAD_MAX_H` h after issue), for the
  forecasts issued in the year: "at or above the station's lowest warning level" forecast
  vs observed gives hits, misses and false alarms; accuracy = CSI = hits / (hits + misses
  + false alarms), with POD and FAR in ``details``. Target 0.80. Fewer than
  :data:`MIN_EVENTS` events give ``insufficient_data``.

A station marked simulated (``meta["simulated"]`` true) never counts in a value: its
figures are reported apart in ``details["simulated"]``, labelled as such.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

import numpy as np

from paknam.core import observations, stations, warning_history
from paknam.core.errors import NotFound
from paknam.core.models import StationPublic
from paknam.core.registry import Indicator, basis_of, with_basis
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK, to_local_iso
from paknam.living import store as living_store

DOMAIN = "living"
LENGTH_META_KEY = "monitored_length_km"
DEFAULT_LENGTH_KM = 1.0
"""Bank length a station watches when no officer has set it: paknam's assumption (about
500 m of bank either side of a gauge or sampling point), not a survey."""
LENGTH_TARGET_GAIN = 0.20
LEAD_TARGET_H = 72.0
ACCURACY_TARGET = 0.80
LEAD_MIN_H = 66
LEAD_MAX_H = 78
"""Forecast points this many hours after issue (inclusive) are "72 h ahead"."""
OBS_TOLERANCE_S = 1800
"""A forecast point is checked against the nearest observation within ±30 min."""
MIN_EVENTS = 5
"""Fewer hits + misses + false alarms than this: the CSI is shown but not judged."""

WATER_LEVEL = "water_level"
WATER_STATION_KINDS = frozenset({"water_level", "water_quality"})
WATER_QUALITY_QUANTITIES = frozenset(
    {
        "water_temperature",
        "ph",
        "do",
        "bod",
        "cod",
        "nh3n",
        "no3n",
        "total_phosphorus",
        "tcb",
        "fcb",
        "suspended_solids",
        "conductivity",
        "salinity",
        "turbidity",
    }
)
"""The surface-water quantities of the registry (:mod:`paknam.core.quantities`)."""

SIMULATED_NOTE = (
    "SIMULATED stations: shown apart, never counted in the value / "
    "สถานีจำลอง: แสดงแยก ไม่นับรวมในค่าตัวชี้วัด"
)


# ---- common ------------------------------------------------------------------------------


def _this_year() -> int:
    return dt.datetime.now(BANGKOK).year


def year_bounds(year: int) -> tuple[int, int]:
    """UTC epoch seconds of ``[1 Jan year, 1 Jan year+1)`` in Thai time."""
    start = dt.datetime(year, 1, 1, tzinfo=BANGKOK)
    end = dt.datetime(year + 1, 1, 1, tzinfo=BANGKOK)
    return int(start.timestamp()), int(end.timestamp())


def _is_simulated(station: StationPublic | None) -> bool:
    return bool(station is not None and station.meta.get("simulated"))


def _record(
    ident: str,
    name_th: str,
    name_en: str,
    unit: str,
    value: float | None,
    target: float | None,
    target_rule: str,
    year: int,
    status: str,
    details: dict[str, Any],
    *,
    baseline: float | None = None,
    baseline_period: str | None = None,
) -> dict[str, Any]:
    return {
        "id": ident,
        "domain": DOMAIN,
        "name_th": name_th,
        "name_en": name_en,
        "unit": unit,
        "value": value,
        "baseline": baseline,
        "target": target,
        "target_rule": target_rule,
        "period": str(year),
        "baseline_period": baseline_period,
        "status": status,
        "details": details,
    }


# ---- monitored length --------------------------------------------------------------------


def _monitoring_quantities(station: StationPublic) -> list[str]:
    """The station's series that watch the water, or [] when it is no water station."""
    water = [s.quantity for s in station.series if s.quantity == WATER_LEVEL]
    quality = [s.quantity for s in station.series if s.quantity in WATER_QUALITY_QUANTITIES]
    if station.kind in WATER_STATION_KINDS:
        return water + quality
    return water + quality if water else []  # a gauge registered under another kind


def _length(station: StationPublic) -> tuple[float, str]:
    """Bank length [km] the station watches and where the figure comes from."""
    raw = station.meta.get(LENGTH_META_KEY)
    if raw is None:
        return DEFAULT_LENGTH_KM, "default"
    ok = isinstance(raw, int | float) and not isinstance(raw, bool)
    if ok and math.isfinite(float(raw)) and float(raw) >= 0:
        return float(raw), "officer"
    return DEFAULT_LENGTH_KM, f"default (ignored invalid {LENGTH_META_KEY}={raw!r})"


def _reporting(store: Store, candidates: list[StationPublic], year: int) -> set[str]:
    """Ids of the candidate stations with at least one water observation in ``year``."""
    start, end = year_bounds(year)
    out = set()
    with store.read() as conn:
        for s in candidates:
            for q in _monitoring_quantities(s):
                try:
                    sid = stations.series_id(conn, s.id, q)
                except NotFound:  # deleted since the stations were listed
                    continue
                if observations.read_series(conn, sid, start, end, limit=1):
                    out.add(s.id)
                    break
    return out


def monitored_length_year(store: Store, year: int) -> dict[str, Any]:
    """Monitored bank length in ``year``: total of real stations, simulated apart."""
    candidates = [s for s in store.list_stations() if _monitoring_quantities(s)]
    reporting = _reporting(store, candidates, year)
    real: dict[str, Any] = {}
    simulated: dict[str, Any] = {}
    for s in candidates:
        if s.id not in reporting:
            continue
        km, source = _length(s)
        entry = {
            "km": km,
            "length_source": source,
            "kind": s.kind,
            "district_code": s.district_code,
        }
        (simulated if _is_simulated(s) else real)[s.id] = entry
    return {
        "year": year,
        "km": sum(e["km"] for e in real.values()) if real else None,
        "stations": real,
        "simulated": {
            "note": SIMULATED_NOTE,
            "km": sum(e["km"] for e in simulated.values()),
            "stations": simulated,
        },
    }


def monitoring_length_indicator(
    store: Store, year: int | None = None, baseline_year: int | None = None
) -> dict[str, Any]:
    """``living_monitored_length``: km of coast and canal bank monitored, against a baseline.

    Parameters
    ----------
    year : int, optional
        Calendar year in Thai time; default the current one.
    baseline_year : int, optional
        Default ``year - 1``.
    """
    year = year or _this_year()
    baseline_year = baseline_year or year - 1
    now = monitored_length_year(store, year)
    base = monitored_length_year(store, baseline_year)
    value, baseline = now["km"], base["km"]
    target = baseline * (1 + LENGTH_TARGET_GAIN) if baseline else None
    if value is None:
        status = "no_data"
    elif target is None:
        status = "insufficient_data"
    else:
        status = "on_track" if value >= target - 1e-9 else "off_track"
    return _record(
        "living_monitored_length",
        "ความยาวชายฝั่งและตลิ่งคลองที่มีการตรวจวัด",
        "Length of coast and canal bank monitored",
        "km",
        value,
        target,
        "+20 % on the baseline year",
        year,
        status,
        {
            "method": (
                "sum over water-level and water-quality stations with data in the year of "
                f"meta['{LENGTH_META_KEY}'] (set by an officer), else {DEFAULT_LENGTH_KM:g} km "
                "per station — paknam's assumption, not a survey; lengths are the stations' "
                "current metadata for both years / ผลรวมความยาวตลิ่งที่แต่ละสถานีเฝ้าระวัง "
                f"(ค่าที่เจ้าหน้าที่กำหนด หรือค่าสมมติของ paknam {DEFAULT_LENGTH_KM:g} กม. ต่อสถานี)"
            ),
            "default_length_km": DEFAULT_LENGTH_KM,
            "year": now,
            "baseline": base,
        },
        baseline=baseline,
        baseline_period=str(baseline_year),
    )


# ---- warning lead time -------------------------------------------------------------------


def warning_leads(store: Store, year: int) -> dict[str, Any]:
    """Lead times [h] of the water-level warnings raised in ``year`` (Thai time)."""
    start, end = year_bounds(year)
    by_id = {s.id: s for s in store.list_stations()}
    with store.read() as conn:
        rows = warning_history.raised_between(
            conn, domain=DOMAIN, kind=WATER_LEVEL, start=start, end=end
        )
    real: list[dict[str, Any]] = []
    simulated: list[dict[str, Any]] = []
    without_expected: list[int] = []
    for r in rows:
        if r.expected_at_s is None:
            without_expected.append(r.id)
            continue
        raised, expected = r.raised_at_s, r.expected_at_s
        entry = {
            "warning_id": r.id,
            "station": r.station_id,
            "raised_at": to_local_iso(raised),
            "expected_at": to_local_iso(expected),
            "lead_h": (expected - raised) / 3600,
        }
        (simulated if _is_simulated(by_id.get(r.station_id or "")) else real).append(entry)

    def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
        leads = [e["lead_h"] for e in items]
        return {
            "n": len(leads),
            "median_h": statistics.median(leads) if leads else None,
            "at_least_72h": sum(x >= LEAD_TARGET_H for x in leads),
            "warnings": items,
        }

    return {
        "year": year,
        **summary(real),
        "without_expected_at": without_expected,
        "simulated": {"note": SIMULATED_NOTE, **summary(simulated)},
    }


def warning_lead_indicator(store: Store, year: int | None = None) -> dict[str, Any]:
    """``living_warning_lead_time``: median hours from raising a water-level warning to the
    expected time of the crossing, over the warnings raised in the year. Target ≥ 72 h."""
    year = year or _this_year()
    leads = warning_leads(store, year)
    value = leads["median_h"]
    status = "no_data"
    if value is not None:
        status = "on_track" if value >= LEAD_TARGET_H else "off_track"
    details = {
        "method": (
            "expected_at − raised_at of each living/water_level warning raised in the year "
            "(Thai time), median; expected_at is the first crossing in the warning's newest "
            "forecast, so a warning updated over a long event can show a longer lead than it "
            "had when first raised / เวลาที่คาดว่าน้ำถึงระดับ ลบ เวลาที่ออกคำเตือน (มัธยฐาน)"
        ),
        **leads,
    }
    return _record(
        "living_warning_lead_time",
        "ระยะเวลาแจ้งเตือนระดับน้ำล่วงหน้า (มัธยฐาน)",
        "Lead time of water-level warnings (median)",
        "hours",
        value,
        LEAD_TARGET_H,
        "at least 72 h (3 days) ahead",
        year,
        status,
        details,
    )


# ---- warning accuracy --------------------------------------------------------------------


def _forecast_points(store: Store, year: int) -> dict[str, list[tuple[int, int, float]]]:
    """``station -> [(issue s, valid s, forecast value)]`` at leads 66–78 h, issued in year."""
    start, end = year_bounds(year)
    with store.read() as conn:
        return living_store.points_at_leads(conn, start, end, LEAD_MIN_H, LEAD_MAX_H)


def _nearest(obs_t: np.ndarray, obs_v: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Observed value nearest each time within :data:`OBS_TOLERANCE_S`, NaN when none."""
    out = np.full(times.size, np.nan)
    if obs_t.size == 0:
        return out
    right = np.clip(np.searchsorted(obs_t, times), 0, obs_t.size - 1)
    left = np.clip(right - 1, 0, obs_t.size - 1)
    d_left, d_right = np.abs(times - obs_t[left]), np.abs(obs_t[right] - times)
    pick = np.where(d_left <= d_right, left, right)
    ok = np.minimum(d_left, d_right) <= OBS_TOLERANCE_S
    out[ok] = obs_v[pick[ok]]
    return out


def _scores(hits: int, misses: int, false_alarms: int, correct_negatives: int) -> dict[str, Any]:
    events = hits + misses + false_alarms
    return {
        "hits": hits,
        "misses": misses,
        "false_alarms": false_alarms,
        "correct_negatives": correct_negatives,
        "events": events,
        "n": events + correct_negatives,
        "csi": hits / events if events else None,
        "pod": hits / (hits + misses) if hits + misses else None,
        "far": false_alarms / (hits + false_alarms) if hits + false_alarms else None,
    }


def _verify_station(
    store: Store, station_id: str, points: list[tuple[int, int, float]], level: float
) -> dict[str, Any]:
    times = np.array([p[1] for p in points], dtype=np.int64)
    fc = np.array([p[2] for p in points], dtype=float)
    obs = store.read_series(
        station_id,
        WATER_LEVEL,
        int(times.min()) - OBS_TOLERANCE_S,
        int(times.max()) + OBS_TOLERANCE_S + 1,
    )
    obs_t = np.array([p.time for p in obs], dtype=np.int64)
    obs_v = np.array([p.value for p in obs], dtype=float)
    seen = _nearest(obs_t, obs_v, times)
    have = ~np.isnan(seen)
    f_yes, o_yes = fc[have] >= level, seen[have] >= level
    return {
        "lowest_warning_level_m": level,
        "forecasts": len({p[0] for p in points}),
        "points": int(times.size),
        "skipped_no_observation": int((~have).sum()),
        **_scores(
            int((f_yes & o_yes).sum()),
            int((~f_yes & o_yes).sum()),
            int((f_yes & ~o_yes).sum()),
            int((~f_yes & ~o_yes).sum()),
        ),
    }


def _pool(per_station: dict[str, dict[str, Any]]) -> dict[str, Any]:
    keys = ("hits", "misses", "false_alarms", "correct_negatives")
    return _scores(*(sum(s[k] for s in per_station.values()) for k in keys))


def warning_verification(store: Store, year: int) -> dict[str, Any]:
    """Contingency table of the 72 h forecasts issued in ``year``, real and simulated apart."""
    by_id = {s.id: s for s in store.list_stations()}
    real: dict[str, dict[str, Any]] = {}
    simulated: dict[str, dict[str, Any]] = {}
    without_levels: list[str] = []
    unknown: list[str] = []
    for sid, points in sorted(_forecast_points(store, year).items()):
        station = by_id.get(sid)
        if station is None or not any(x.quantity == WATER_LEVEL for x in station.series):
            unknown.append(sid)  # station deleted or without a water-level series
            continue
        with store.read() as conn:
            levels = living_store.get_warning_levels(conn, sid)
        if not levels:
            without_levels.append(sid)
            continue
        result = _verify_station(store, sid, points, min(levels.values()))
        (simulated if _is_simulated(station) else real)[sid] = result
    return {
        "year": year,
        **_pool(real),
        "stations": real,
        "stations_without_warning_levels": without_levels,
        "stations_without_water_level_series": unknown,
        "simulated": {"note": SIMULATED_NOTE, **_pool(simulated), "stations": simulated},
    }


def warning_accuracy_indicator(store: Store, year: int | None = None) -> dict[str, Any]:
    """``living_warning_accuracy``: CSI of the 72 h forecasts against the lowest warning
    level, over the forecasts issued in the year. Target 0.80."""
    year = year or _this_year()
    v = warning_verification(store, year)
    value = v["csi"]
    if v["n"] == 0:
        status = "no_data"
    elif v["events"] < MIN_EVENTS:
        status = "insufficient_data"
    else:
        status = "on_track" if value >= ACCURACY_TARGET else "off_track"
    details = {
        "method": (
            f"forecast points {LEAD_MIN_H}–{LEAD_MAX_H} h after issue, forecasts issued in the "
            "year (Thai time); event = level at or above the station's lowest warning level "
            f"(current levels); observation = nearest within ±{OBS_TOLERANCE_S // 60} min, "
            "point skipped without one; CSI = hits / (hits + misses + false alarms), "
            "POD = hits / (hits + misses), FAR = false alarms / (hits + false alarms); "
            f"fewer than {MIN_EVENTS} events: insufficient_data / ตรวจพยากรณ์ล่วงหน้า 72 ชม. "
            "เทียบระดับน้ำที่วัดได้กับระดับเฝ้าระวังต่ำสุดของสถานี"
        ),
        "min_events": MIN_EVENTS,
        **v,
    }
    return _record(
        "living_warning_accuracy",
        "ความแม่นยำของการเตือนระดับน้ำล่วงหน้า 3 วัน (CSI)",
        "Accuracy of water-level warnings 3 days ahead (CSI)",
        "CSI (0–1)",
        value,
        ACCURACY_TARGET,
        "at least 0.80 at 72 h lead",
        year,
        status,
        details,
    )


SIMULATED_VALUE_NOTE = (
    "No real station has data for this: the value shown is the SIMULATED station's, for "
    "demonstration only, never for a report / ไม่มีข้อมูลจากสถานีจริง ค่าที่แสดงมาจาก"
    "สถานีจำลอง ใช้สาธิตเท่านั้น ห้ามใช้รายงาน"
)


def with_simulated_fallback(record: dict[str, Any], simulated_value: Any) -> dict[str, Any]:
    """Where no real station gives a value but the simulated ones do, show theirs,
    labelled ``basis: simulated`` and never judged (status ``insufficient_data``)."""
    if record["value"] is not None or simulated_value is None:
        return record
    return {
        **record,
        "value": simulated_value,
        "basis": "simulated",
        "status": "insufficient_data",
        "details": {**record["details"], "basis_note": SIMULATED_VALUE_NOTE},
    }


def living_indicators(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """The three Smart Living records for the indicator board."""
    length = monitoring_length_indicator(store, year)
    metas = {s.id: s.meta for s in store.list_stations()}
    length = with_basis(
        length, basis_of([metas[i] for i in length["details"]["year"]["stations"] if i in metas])
    )
    lead = warning_lead_indicator(store, year)
    accuracy = warning_accuracy_indicator(store, year)
    return [
        with_simulated_fallback(length, length["details"]["year"]["simulated"]["km"] or None),
        with_simulated_fallback(lead, lead["details"]["simulated"]["median_h"]),
        with_simulated_fallback(accuracy, accuracy["details"]["simulated"]["csi"]),
    ]


def indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """The living domain's indicators for the board."""
    return [Indicator.from_dict(r) for r in living_indicators(store, year)]
