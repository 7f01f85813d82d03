"""The environment domain's operations on the store: the only place that opens its
transactions.

Routes, the command line, the rule job and the indicator board call these; below them
everything takes a :class:`~sqlalchemy.engine.Connection` (:mod:`.reports`) or plain
values (:mod:`.aqi`, :mod:`.wqi`, :mod:`.attribution`, :mod:`.rules`, :mod:`.indicators`,
:mod:`.fiware`). Answers are Python values: times are UTC epoch seconds and days
:class:`datetime.date`; the routes turn them into ISO 8601.

- Air: hourly AQI of a station, the latest AQI of every station, good-air time.
- Water: daily WQI of a station, the latest WQI of every station, the WQI indicator.
- Attribution: wind sectors of high pollution at a station; where along the canals a drop
  starts (the network from station metadata ``downstream``: a station id or a list).
- Rules: :func:`run_environment_checks` keeps the ``environment`` warnings in step.
- Citizens' reports and the warnings list; NGSI-LD export of a station's observations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from paknam.core.errors import InvalidInput
from paknam.core.media import clean_photo
from paknam.core.models import StationPublic
from paknam.core.registry import Indicator, basis_of, with_basis
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.core.warnings import Signal, SyncResult
from paknam.environment import fiware, indicators, reports
from paknam.environment.aqi.hourly import (
    LOOKBACK_S,
    HourlyAQI,
    aqi_series_codes,
    hour_bounds,
    hourly_aqi_from_grids,
    no_aqi_error,
)
from paknam.environment.aqi.levels import LEVELS
from paknam.environment.attribution.air.explain import explain_air_source
from paknam.environment.attribution.air.hourly import hourly_direction, hourly_series
from paknam.environment.attribution.water.explain import (
    canal_network,
    explain_water_drop,
    thai_standard_rule,
)
from paknam.environment.rules import DROP_WINDOW, aqi_signal, do_signals, wqi_signal
from paknam.environment.wqi.daily import MIN_PARAMETERS, day_rows
from paknam.environment.wqi.tables import WQI_PARAMETERS

ALL_TIME = (-(2**33), 2**33)
"""``[start, end)`` that covers the store's whole time range (UTC epoch s)."""
KINDS = ["aqi", "do_low", "do_drop", "wqi_poor"]
"""Warning kinds :func:`run_environment_checks` raises and clears."""
POLLUTANT_LABELS = {
    "pm25": ("PM2.5", "µg/m³"),
    "pm10": ("PM10", "µg/m³"),
    "o3": ("O3", "ppb"),
    "no2": ("NO2", "ppb"),
    "so2": ("SO2", "ppb"),
    "co": ("CO", "ppm"),
}
"""1-hour pollutant series that attribution accepts: label and unit."""
AQI_LEVEL_KEYS = {lv.number: lv.key for lv in LEVELS}


def _station_row(s: StationPublic) -> dict[str, Any]:
    return {
        "station": s.id,
        "name_th": s.name_th,
        "name_en": s.name_en,
        "district_code": s.district_code,
        "lon": s.lon,
        "lat": s.lat,
    }


# ---- air --------------------------------------------------------------------------------


def _hour_grid(store: Store, station_id: str, code: str, start: int, end: int) -> np.ndarray:
    hours = (end - start) // 3600
    values = np.full(hours, np.nan)
    for p in store.read_series(station_id, code, start, end, bucket="hour", agg="mean"):
        i = (p.time - start) // 3600
        if 0 <= i < hours:
            values[i] = p.value
    return values


def hourly_aqi(
    store: Store,
    station_id: str,
    start: int,
    end: int,
    *,
    station: StationPublic | None = None,
) -> HourlyAQI:
    """Hourly AQI of a station for hours starting in ``[start, end)`` (UTC epoch s).

    ``station`` is the already loaded station (with its series) when the caller has it, so
    a loop over all stations does not reload the catalogue of every station each time.
    """
    start, end = hour_bounds(start, end)
    if station is None or station.id != station_id:
        station = store.get_station(station_id)
    codes = aqi_series_codes([s.quantity for s in station.series])
    if not codes:
        raise no_aqi_error(station_id, [s.quantity for s in station.series])
    grids = {code: _hour_grid(store, station_id, code, start - LOOKBACK_S, end) for code in codes}
    return hourly_aqi_from_grids(station_id, start, end, grids)


def latest_aqi(store: Store) -> list[dict[str, Any]]:
    """The newest AQI of every station that measures an AQI pollutant (``time``: epoch s)."""
    latest = store.latest()
    out = []
    for station in store.list_stations():
        codes = aqi_series_codes([s.quantity for s in station.series])
        times = [latest[(station.id, c)][0] for c in codes if (station.id, c) in latest]
        if not times:
            continue
        end = max(times) + 1
        row = hourly_aqi(store, station.id, end - 2 * 3600, end, station=station).last()
        if row is not None:
            out.append({**_station_row(station), **row})
    return out


def good_air_year(store: Store, year: int) -> dict[str, Any]:
    """Good-air share of every air station and pooled (:func:`indicators.good_air_year`)."""
    start, end = indicators.year_bounds(year)
    aqi = {
        s.id: hourly_aqi(store, s.id, start, end, station=s).aqi
        for s in store.list_stations()
        if aqi_series_codes([x.quantity for x in s.series])
    }
    return indicators.good_air_year(year, aqi)


def good_air_indicator(store: Store, year: int, baseline_year: int) -> dict[str, Any]:
    """The good-air time indicator record of ``year`` against ``baseline_year``."""
    return indicators.good_air_indicator(
        good_air_year(store, year), good_air_year(store, baseline_year)
    )


# ---- water ------------------------------------------------------------------------------


def station_wqi_days(
    store: Store, station_id: str, start: int = ALL_TIME[0], end: int = ALL_TIME[1]
) -> list[dict[str, Any]]:
    """The WQI of every Bangkok day with samples, oldest first (``date``, ``time`` epoch s)."""
    station = store.get_station(station_id)
    have = [q for q in WQI_PARAMETERS if any(s.quantity == q for s in station.series)]
    by_day: dict[int, dict[str, float]] = {}
    for q in have:
        for p in store.read_series(station_id, q, start, end, bucket="day", agg="mean"):
            by_day.setdefault(p.time, {})[q] = p.value
    return day_rows(by_day)


def _water_stations(store: Store) -> list[StationPublic]:
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
            out.append({**_station_row(s), **days[-1]})
    return out


def wqi_indicator(store: Store, year: int, baseline_year: int) -> dict[str, Any]:
    """The WQI indicator record of ``year`` against ``baseline_year``."""
    days = {s.id: station_wqi_days(store, s.id) for s in _water_stations(store)}
    return indicators.wqi_indicator(days, year, baseline_year)


def indicator_records(store: Store, year: int | None = None) -> list[Indicator]:
    """The domain's indicators for the board (good-air time, WQI); default: this year.
    Each says its basis (replayed or simulated stations are labelled, never judged)."""
    y = year or dt.datetime.now(BANGKOK).year
    meta = {s.id: s.meta for s in store.list_stations()}
    air = good_air_indicator(store, y, y - 1)
    air_ids = [k for k, v in air["details"]["year"]["stations"].items() if v["valid_hours"]]
    water = wqi_indicator(store, y, y - 1)
    water_ids = list(water["stations_compared"])
    return [
        Indicator.from_dict(with_basis(air, basis_of([meta[i] for i in air_ids if i in meta]))),
        Indicator.from_dict(with_basis(water, basis_of([meta[i] for i in water_ids if i in meta]))),
    ]


# ---- attribution ------------------------------------------------------------------------


def _hourly(store: Store, station: str, quantity: str, start: int, end: int) -> pd.Series:
    pts = store.read_series(station, quantity, start, end, bucket="hour", agg="mean")
    return hourly_series([p.time for p in pts], [p.value for p in pts])


def air_attribution(
    store: Store,
    station: str,
    quantity: str,
    start: int,
    end: int,
    neighbours: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Explain where high values of ``quantity`` at ``station`` come from."""
    if quantity not in POLLUTANT_LABELS:
        raise InvalidInput(
            f"attribution works on 1-hour pollutant series {sorted(POLLUTANT_LABELS)}, "
            f"not {quantity!r}",
            field="quantity",
        )
    conc = _hourly(store, station, quantity, start, end)
    ws = _hourly(store, station, "wind_speed", start, end)
    raw_wd = store.read_series(station, "wind_direction", start, end)
    wd = hourly_direction([p.time for p in raw_wd], [p.value for p in raw_wd])
    frame = pd.concat({"c": conc, "ws": ws, "wd": wd}, axis=1, sort=True).dropna()
    if frame.empty:
        raise InvalidInput(
            f"station {station!r} has no hours with {quantity}, wind speed and direction "
            "together in this range"
        )
    neigh = {n: _hourly(store, n, quantity, start, end) for n in neighbours or []}
    label, unit = POLLUTANT_LABELS[quantity]
    ex = explain_air_source(
        frame.index,
        frame["c"].to_numpy(),
        frame["ws"].to_numpy(),
        frame["wd"].to_numpy(),
        station=station,
        pollutant=label,
        unit=unit,
        neighbours=neigh or None,
    )
    return {
        "station": station,
        "quantity": quantity,
        "hours": len(frame),
        "verdict": ex.verdict,
        "weak": ex.weak,
        "text_th": ex.text_th,
        "text_en": ex.text_en,
        "evidence": dict(ex.evidence),
        "cpf": ex.cpf.to_frame().reset_index().to_dict("records"),
        "diurnal": ex.diurnal.to_frame().reset_index().to_dict("records"),
    }


def canal_drops(store: Store, parameter: str = "do", water_class: int = 3) -> dict[str, Any]:
    """Where a quality drop first appears along the canal network in the store."""
    stations = [s for s in store.list_stations() if any(x.quantity == parameter for x in s.series)]
    reaches = []
    for s in stations:
        down = s.meta.get("downstream")
        for d in [down] if isinstance(down, str) else list(down or []):
            reaches.append((s.id, str(d)))
    if not reaches:
        raise InvalidInput(
            "no canal network: give water-quality stations a 'downstream' station id in "
            "their metadata (paknam station add --meta downstream=ID)"
        )
    ids = sorted({x for r in reaches for x in r})
    network = canal_network(reaches, stations=ids)
    columns = {}
    for sid in ids:
        pts = store.read_series(sid, parameter, *ALL_TIME, bucket="day", agg="mean")
        columns[sid] = pd.Series(
            [p.value for p in pts],
            index=pd.to_datetime([p.time for p in pts], unit="s", utc=True).tz_convert(BANGKOK),
        )
    samples = pd.DataFrame(columns).sort_index()
    ex = explain_water_drop(network, samples, thai_standard_rule(parameter, water_class))
    return {
        "parameter": parameter,
        "water_class": water_class,
        "reaches": [{"upstream": u, "downstream": d} for u, d in reaches],
        "verdict": ex.verdict,
        "text_th": ex.text_th,
        "text_en": ex.text_en,
    }


# ---- rules ------------------------------------------------------------------------------


def run_environment_checks(store: Store) -> SyncResult:
    """Evaluate every station once; raise, update or clear ``environment`` warnings."""
    signals: list[Signal] = []
    evaluated: list[str | None] = []
    for row in latest_aqi(store):
        evaluated.append(row["station"])
        s = aqi_signal(
            row["station"],
            row["name_th"],
            row["name_en"],
            row["aqi"],
            row["pollutant"],
            row["time"],
            district_code=row["district_code"],
        )
        if s:
            signals.append(s)
    for station in store.list_stations():
        if not any(s.quantity == "do" for s in station.series):
            continue
        evaluated.append(station.id)
        points = store.last_points(station.id, "do", DROP_WINDOW + 1)
        wc = station.meta.get("water_class")
        signals += do_signals(
            station.id,
            station.name_th,
            station.name_en,
            [(p.time, p.value) for p in points],
            water_class=int(wc) if isinstance(wc, int | str) and str(wc).isdigit() else None,
            district_code=station.district_code,
        )
    for row in latest_wqi(store):
        if row["station"] not in evaluated:
            evaluated.append(row["station"])
        w = wqi_signal(
            row["station"],
            row["name_th"],
            row["name_en"],
            row,
            row["time"],
            district_code=row["district_code"],
        )
        if w:
            signals.append(w)
    return store.sync_warnings("environment", signals, evaluated=evaluated, kinds=KINDS)


# ---- citizens' reports ------------------------------------------------------------------


def add_report(store: Store, report: reports.ReportIn) -> dict[str, Any]:
    """Store a citizen's report (one transaction) and answer it as stored."""
    if report.photo:  # decoded and re-encoded before the write lock is taken
        report = dataclasses.replace(report, photo=clean_photo(report.photo))
    with store.write() as conn:
        return reports.add_report(conn, report)


def list_reports(
    store: Store,
    *,
    near: tuple[float, float] | None = None,
    radius_km: float = 5.0,
    start: int | None = None,
    end: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Reports, newest first (see :func:`reports.list_reports`)."""
    with store.read() as conn:
        return reports.list_reports(
            conn, near=near, radius_km=radius_km, start=start, end=end, limit=limit, offset=offset
        )


def station_reports(
    store: Store, station_id: str, *, radius_km: float, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Reports within ``radius_km`` of a station, newest first."""
    station = store.get_station(station_id)
    return list_reports(
        store, near=(station.lon, station.lat), radius_km=radius_km, limit=limit, offset=offset
    )


def report_photo(store: Store, report_id: int) -> tuple[str, bytes]:
    """Media type and bytes of a report's photo."""
    with store.read() as conn:
        return reports.get_photo(conn, report_id)


# ---- open data --------------------------------------------------------------------------


def ngsi_ld_station(store: Store, station_id: str) -> tuple[StationPublic, str]:
    """The station and its FIWARE entity type; refused when it measures no air or water
    quality."""
    s = store.get_station(station_id)
    entity_type = fiware.entity_type_for(x.quantity for x in s.series)
    if entity_type is None:
        raise InvalidInput(f"station {station_id!r} has no air or water quality series")
    return s, entity_type


def ngsi_ld_entities(
    store: Store, s: StationPublic, entity_type: str, start: int, end: int, limit: int
) -> list[dict[str, Any]]:
    """A station's observations in ``[start, end)`` as FIWARE NGSI-LD entities.

    One entity per observation time, at most ``limit`` (oldest first), each series read
    with that same observation limit; air-quality entities carry the hour's AQI.
    """
    by_time: dict[int, dict[str, float]] = {}
    for series in s.series:
        for p in store.read_series(s.id, series.quantity, start, end, limit=limit):
            by_time.setdefault(p.time, {})[series.quantity] = p.value
    extra: dict[int, dict[str, object]] = {}
    if entity_type == "AirQualityObserved":
        try:
            for row in hourly_aqi(store, s.id, start, end, station=s).rows():
                extra[row["time"]] = {
                    "airQualityIndex": row["aqi"],
                    "airQualityLevel": AQI_LEVEL_KEYS[row["level"]],
                }
        except InvalidInput:
            pass
    return [
        fiware.entity(entity_type, s.id, s.name_en, s.lon, s.lat, t, values, extra=extra.get(t))
        for t, values in sorted(by_time.items())[:limit]
    ]
