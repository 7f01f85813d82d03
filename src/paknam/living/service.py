"""The forecast service: for every water-level station, a 72 h hourly forecast.

``run_forecasts`` (``paknam forecast run``; meant to run every hour) for each station
with a ``water_level`` series:

1. reads the station's observations; skips, with the reason, a station whose record is
   too short for the harmonic analysis;
2. trains the engine (harmonics + residual model + error quantiles per lead,
   :mod:`paknam.living.forecast.engine`) when there is none or it is older than
   :data:`RETRAIN_DAYS`, and stores it;
   A record shorter than a year (no annual tide) at a Samut Prakan station (district
   code 11xx, or station metadata ``seasonal_prior``) has the upper Gulf's seasonal
   cycle (:mod:`paknam.living.forecast.seasonal`) removed before training and added back to the
   forecast, which then reports it in the ``tide`` part;
3. issues a forecast at the hour of the newest observation (no look-ahead) and stores it
   with its issue time — earlier forecasts are kept for scoring;
4. raises, updates or clears the station's ``water_level`` warning from the forecast and
   the station's warning levels (:mod:`paknam.living.forecast.level_rules`).

The service owns the transactions of the domain: :func:`forecast_view`,
:func:`warning_levels` and :func:`set_warning_levels` serve the routes and the command
line; what lies below (:mod:`paknam.living.store`) takes a connection, and the science
(:mod:`paknam.living.tides`, :mod:`paknam.living.forecast`) no store at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from paknam.core import audit
from paknam.core.errors import InvalidInput
from paknam.core.models import StationPublic
from paknam.core.store import Store
from paknam.core.timeutil import now_s
from paknam.core.warnings import Signal
from paknam.living import store as living_store
from paknam.living.forecast.level_rules import water_level_signal
from paknam.living.forecast.seasonal import SHORT_RECORD_DAYS, seasonal_prior_m

if TYPE_CHECKING:  # the engine (scipy, pandas) is loaded only when a forecast runs
    from paknam.living.forecast.engine import Forecast

RETRAIN_DAYS = 7
HORIZON_H = 72
MAX_AGE_H = 24
"""A station whose newest observation is older than this gets no new forecast."""


@dataclass
class StationRun:
    station: str
    issued_at: int | None = None
    trained: bool = False
    skipped: str | None = None
    warning: str | None = None
    seasonal_prior: bool = False


@dataclass
class RunReport:
    stations: list[StationRun] = field(default_factory=list)
    raised: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)


def _observations(store: Store, station_id: str) -> tuple[np.ndarray, np.ndarray]:
    points = store.read_series(station_id, "water_level", -(2**33), 2**33)
    times = np.array([p.time for p in points], dtype=np.int64)
    values = np.array([p.value for p in points], dtype=float)
    return times, values


def _uses_prior(station: StationPublic, times: np.ndarray) -> bool:
    """A record too short for the annual tides at a Samut Prakan station borrows the upper
    Gulf's seasonal cycle."""
    span_days = (times[-1] - times[0]) / 86400
    return bool(span_days < SHORT_RECORD_DAYS) and (
        bool(station.meta.get("seasonal_prior")) or (station.district_code or "").startswith("11")
    )


def _columns(fc: Forecast, use_prior: bool = False) -> dict[str, np.ndarray]:
    times = np.asarray(fc.times).astype("datetime64[s]").astype(np.int64)
    columns = {
        "time_s": times,
        "value": np.asarray(fc.total, dtype=float),
        "tide": np.asarray(fc.tide, dtype=float),
        "residual": np.asarray(fc.residual, dtype=float),
        "lo80": np.asarray(fc.lo80, dtype=float),
        "hi80": np.asarray(fc.hi80, dtype=float),
        "lo95": np.asarray(fc.lo95, dtype=float),
        "hi95": np.asarray(fc.hi95, dtype=float),
    }
    if use_prior:
        prior = seasonal_prior_m(columns["time_s"])
        for key in ("value", "tide", "lo80", "hi80", "lo95", "hi95"):
            columns[key] = columns[key] + prior
    return columns


ENGINE_FORMAT = 2
"""``format_version`` of the engines this code writes (:mod:`paknam.living.forecast.engine`)."""


def forecast_station(
    store: Store, station: StationPublic, *, now: int | None = None
) -> tuple[StationRun, Signal | None]:
    """Train if needed, issue and store one forecast, and return its warning signal."""
    from paknam.living.forecast.engine import TideEngine, forecast, train

    run = StationRun(station.id)
    times, values = _observations(store, station.id)
    if times.size == 0:
        run.skipped = "no observations"
        return run, None
    now = now_s() if now is None else now
    issue = int(times[-1] - times[-1] % 3600)
    if now - issue > MAX_AGE_H * 3600:
        run.skipped = f"newest observation is {(now - issue) // 3600} h old (limit {MAX_AGE_H} h)"
        return run, None
    dt64 = times.astype("datetime64[s]")
    with store.read() as conn:
        saved = living_store.load_engine(conn, station.id)
        levels = living_store.get_warning_levels(conn, station.id)
    fresh = saved is not None and datetime.now(UTC) - saved[2] < timedelta(days=RETRAIN_DAYS)
    if saved is not None and saved[0].get("format_version") != ENGINE_FORMAT:
        fresh = False  # an engine of an older format (e.g. without warning thresholds)
    lowest = min(levels.values()) if levels else None  # thresholds are chosen for it
    use_prior = _uses_prior(station, times)
    if use_prior:
        values = values - seasonal_prior_m(times)
    if saved is not None and bool(saved[0].get("paknam_seasonal_prior")) != use_prior:
        fresh = False  # trained with the other convention: retrain
    try:
        if fresh and saved is not None:
            engine = TideEngine.from_dict(
                {k: v for k, v in saved[0].items() if k != "paknam_seasonal_prior"}
            )
        else:
            engine = train(dt64, values, latitude=station.lat, level=lowest)
            with store.write() as conn:
                params = {**engine.to_dict(), "paknam_seasonal_prior": use_prior}
                living_store.save_engine(conn, station.id, params, int(times[-1]))
            run.trained = True
        fc = forecast(engine, dt64, values, np.datetime64(issue, "s"), horizon_h=HORIZON_H)
    except InvalidInput as exc:
        run.skipped = str(exc)
        return run, None
    columns = _columns(fc, use_prior)
    if fc.grid is not None and fc.threshold is not None:  # the warning rule's inputs
        columns = {**columns, "grid": fc.grid, "threshold": fc.threshold}
    run.seasonal_prior = use_prior
    with store.write() as conn:
        living_store.save_forecast(conn, station.id, issue, engine_label(engine), columns)
    run.issued_at = issue
    datum = next((s.datum for s in station.series if s.quantity == "water_level"), "") or ""
    signal = water_level_signal(
        station.id,
        station.name_th,
        station.name_en,
        issue,
        columns,
        levels,
        datum=datum,
        district_code=station.district_code,
    )
    if signal:
        run.warning = signal.details["level"]
    return run, signal


def hindcast_station(store: Store, station: StationPublic, issues: list[int]) -> int:
    """Issue and store forecasts at past ``issues`` (epoch s, whole hours) as the service
    would have then: the engine is trained on the observations before the first issue and
    each forecast uses only the observations at or before its issue time. Stored like any
    forecast (so the accuracy indicator can score them); warnings are not touched.
    Returns how many forecasts were stored (issues without earlier data are skipped).
    """
    from paknam.living.forecast.engine import forecast, train

    times, values = _observations(store, station.id)
    issues = sorted(i - i % 3600 for i in issues)
    if times.size == 0 or not issues:
        return 0
    use_prior = _uses_prior(station, times)
    if use_prior:
        values = values - seasonal_prior_m(times)
    before = times < issues[0]
    try:
        engine = train(times[before].astype("datetime64[s]"), values[before], latitude=station.lat)
    except InvalidInput:
        return 0
    dt64 = times.astype("datetime64[s]")
    stored = 0
    for issue in issues:
        if issue > times[-1]:
            break
        fc = forecast(engine, dt64, values, np.datetime64(issue, "s"), horizon_h=HORIZON_H)
        with store.write() as conn:
            living_store.save_forecast(
                conn, station.id, issue, engine_label(engine), _columns(fc, use_prior)
            )
        stored += 1
    return stored


def engine_label(engine: Any) -> str:
    return str(getattr(engine, "label", None) or type(engine).__name__)


def run_forecasts(store: Store, *, now: int | None = None) -> RunReport:
    """Forecast every water-level station once and keep its warning in step."""
    report = RunReport()
    signals: list[Signal] = []
    evaluated: list[str | None] = []
    for station in store.list_stations():
        if not station.active or not any(s.quantity == "water_level" for s in station.series):
            continue
        run, signal = forecast_station(store, station, now=now)
        report.stations.append(run)
        if run.issued_at is not None:
            evaluated.append(station.id)
            if signal:
                signals.append(signal)
    result = store.sync_warnings("living", signals, evaluated=evaluated, kinds=["water_level"])
    report.raised, report.updated, report.cleared = result.raised, result.updated, result.cleared
    return report


# ---- warning levels and the newest forecast (routes and command line) ---------------------


def water_level_station(store: Store, station_id: str) -> StationPublic:
    """The station, which must measure ``water_level`` (NotFound / InvalidInput)."""
    station = store.get_station(station_id)
    if not any(s.quantity == "water_level" for s in station.series):
        raise InvalidInput(f"station {station_id!r} has no water_level series")
    return station


def forecast_view(store: Store, station_id: str) -> dict[str, Any]:
    """The newest forecast of a water-level station with its datum, warning levels and
    whether the station is simulated (the ``GET /stations/{id}/forecast`` answer)."""
    station = water_level_station(store, station_id)
    with store.read() as conn:
        fc = living_store.latest_forecast(conn, station_id)
        levels = living_store.get_warning_levels(conn, station_id)
    datum = next((s.datum for s in station.series if s.quantity == "water_level"), None)
    simulated = bool(station.meta.get("simulated"))
    return {**fc, "datum": datum, "warning_levels": levels, "simulated": simulated}


def warning_levels(store: Store, station_id: str) -> dict[str, float]:
    """A water-level station's warning levels [m above its datum], mildest first."""
    water_level_station(store, station_id)
    with store.read() as conn:
        return living_store.get_warning_levels(conn, station_id)


def set_warning_levels(
    store: Store, station_id: str, levels: Mapping[str, float], set_by: str
) -> dict[str, float]:
    """Set some of a station's warning levels in one transaction; returns all of them.

    The station must exist (NotFound); the levels must rise watch → warning → danger
    (InvalidInput). Callers that need a water-level series check
    :func:`water_level_station` first.
    """
    store.get_station(station_id)
    with store.write() as conn:
        before = living_store.get_warning_levels(conn, station_id)
        after = living_store.set_warning_levels(conn, station_id, levels, set_by)
        audit.record(
            conn, "warning_levels", "set", station_id, set_by, {"before": before, "after": after}
        )
        return after
