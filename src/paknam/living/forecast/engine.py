"""Water-level forecasts 72 h ahead: harmonic tide + residual model + error intervals.

Two calls, in the style of UTide's ``solve``/``reconstruct``:

- :func:`train` fits a :class:`TideEngine` on a record (up to ``train_until``):

  1. the record goes on the grid of full UTC hours
     (:func:`paknam.living.readers.quality.to_hourly`);
  2. the training window is split in time: a *fit part* (the first 75 %) and a
     *validation part* (the last 25 %); a harmonic analysis
     (:func:`paknam.living.tides.harmonics.solve`, ``trend=False``) of the fit part gives
     out-of-sample residuals on the validation part, where the residual model's features
     and ridge strength are chosen and its per-lead error quantiles measured
     (:func:`paknam.living.forecast.surge.select`);
  3. the harmonic analysis and the chosen residual model are then refit on the whole
     training window;
  4. the warning thresholds are chosen on out-of-fold forecasts of the whole training
     window (:mod:`paknam.living.forecast.crossval`: six blocks, each forecast by the
     chosen model refit without it).

- :func:`forecast` issues a :class:`Forecast` at an hour from observations **up to that
  hour only**: tide, residual, total and 80 %/95 % intervals for each hour of the horizon.
  When the newest observation is older than :data:`MAX_AGE_H` it falls back to the tide
  alone, with the tide-only intervals of the validation, and says so.

An engine is a JSON-able dict away from storage: :meth:`TideEngine.to_dict` and
:meth:`TideEngine.from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from paknam.living.errors import HarmonicAnalysisError, RecordTooShortError
from paknam.living.forecast import calibration, crossval, io
from paknam.living.forecast.level_rules import exceedance_probability
from paknam.living.forecast.surge import (
    MAX_AGE_H,
    SurgeModel,
    fit_surge,
    predict_surge,
    select,
)
from paknam.living.forecast.surge_features import (
    daily_persistence,
    feature_matrix,
    hours_since_valid,
)
from paknam.living.readers.quality import to_hourly
from paknam.living.tides.harmonics import HarmonicFit, predict, solve
from paknam.living.tides.tidetime import TimesLike

__all__ = [
    "MAX_AGE_H",
    "MIN_TRAIN_DAYS",
    "VALIDATION_FRACTION",
    "Forecast",
    "TideEngine",
    "forecast",
    "recent_error_grids",
    "replay",
    "train",
]

MIN_TRAIN_DAYS = 30.0
"""Shortest training window [days]: the harmonics need a month to separate M2 and S2 and
the validation part must hold a week of 72 h forecasts."""
VALIDATION_FRACTION = 0.25
MARGIN_H = 240
"""Hours of history read before the features' own look-back (for the forward fill)."""
HOUR = np.timedelta64(3600, "s")
FORMAT_VERSION = 2


@dataclass(frozen=True, eq=False)
class TideEngine:
    """A trained forecaster: harmonic constants, residual model and error quantiles.

    Attributes
    ----------
    fit : HarmonicFit
        Harmonic analysis of the whole training window (``trend=False``).
    surge : SurgeModel
        Residual model refit on the whole training window.
    grid : numpy.ndarray
        Shape (H, K): per-lead quantiles at
        :data:`~paknam.living.forecast.calibration.GRID_LEVELS` of the forecast errors
        (observed - forecast) [m] on the validation part; they stand in for the recent
        errors when fewer than a week of them is known.
    tide_only_grid : numpy.ndarray
        The same for the tide alone (used when observations are too old).
    threshold : numpy.ndarray
        Shape (H,): the warning threshold on P(level reached) per lead, chosen on
        out-of-fold forecasts of the whole training window
        (:func:`~paknam.living.forecast.calibration.choose_threshold`,
        :mod:`~paknam.living.forecast.crossval`).
    level_m : float
        The level the thresholds were chosen for [m] (the station's lowest warning level,
        or the training period's 99th percentile).
    info : dict
        Training window, validation split, selection table, station, ... (JSON-able).
    """

    fit: HarmonicFit
    surge: SurgeModel
    grid: np.ndarray
    tide_only_grid: np.ndarray
    threshold: np.ndarray
    level_m: float
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def horizon_h(self) -> int:
        return self.surge.horizon_h

    @property
    def quantiles(self) -> np.ndarray:
        """Shape (H, 4): the validation error quantiles 2.5, 10, 90, 97.5 % per lead [m]."""
        return self.grid[:, calibration.interval_columns()]

    @property
    def tide_only_quantiles(self) -> np.ndarray:
        """The same for the tide alone."""
        return self.tide_only_grid[:, calibration.interval_columns()]

    @property
    def label(self) -> str:
        """Short description, e.g. for a forecast table."""
        alpha = self.surge.alpha
        strength = (
            f"alpha {alpha.min():g}"
            if alpha.min() == alpha.max()
            else f"alpha {alpha.min():g}..{alpha.max():g} by lead"
        )
        blend = self.surge.blend_weights
        daily = (
            f", blended with daily persistence (weight {blend.min():g}..{blend.max():g} by lead)"
            if blend.any()
            else ""
        )
        return (
            f"harmonic {len(self.fit.names)} constituents + residual ridge "
            f"'{self.surge.spec.name}' ({strength}{daily})"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (``json.dumps`` works on it); :meth:`from_dict` inverts it."""
        return {
            "format_version": FORMAT_VERSION,
            "fit": io.fit_to_dict(self.fit),
            "surge": self.surge.to_dict(),
            "grid": io.array_to(self.grid),
            "tide_only_grid": io.array_to(self.tide_only_grid),
            "threshold": io.array_to(self.threshold),
            "level_m": self.level_m,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TideEngine:
        """The engine of a dict made by :meth:`to_dict`."""
        version = d.get("format_version")
        if version != FORMAT_VERSION:
            raise HarmonicAnalysisError(
                f"engine format {version!r} is not {FORMAT_VERSION}; retrain the engine",
                field="engine",
            )
        return cls(
            fit=io.fit_from_dict(d["fit"]),
            surge=SurgeModel.from_dict(d["surge"]),
            grid=io.array_from(d["grid"]),
            tide_only_grid=io.array_from(d["tide_only_grid"]),
            threshold=io.array_from(d["threshold"]),
            level_m=float(d["level_m"]),
            info=dict(d.get("info", {})),
        )


@dataclass(frozen=True, eq=False)
class Forecast:
    """A forecast issued at ``issue_time`` for the hours ``issue_time + 1 .. + H``.

    All levels in m above the datum of the training record; times UTC datetime64[s].
    ``mode`` is "tide+residual", or "tide-only" when observations were too old. ``grid``
    (H, K) is the calibrated error distribution per lead (quantiles at
    :data:`calibration.GRID_LEVELS`), ``threshold`` (H,) the warning threshold per lead.
    """

    issue_time: np.datetime64
    times: np.ndarray
    tide: np.ndarray
    residual: np.ndarray
    total: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray
    mode: str
    last_observation: np.datetime64 | None
    notes: tuple[str, ...] = ()
    grid: np.ndarray | None = None
    threshold: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: ISO UTC times and lists of metres rounded to the millimetre."""

        def m(a: np.ndarray) -> list[float]:
            return [round(float(x), 3) for x in a]

        return {
            "issue_time": io.time_to(self.issue_time),
            "mode": self.mode,
            "last_observation": (
                None if self.last_observation is None else io.time_to(self.last_observation)
            ),
            "times": [io.time_to(t) for t in self.times],
            "tide_m": m(self.tide),
            "residual_m": m(self.residual),
            "total_m": m(self.total),
            "lo80_m": m(self.lo80),
            "hi80_m": m(self.hi80),
            "lo95_m": m(self.lo95),
            "hi95_m": m(self.hi95),
            "threshold_probability": (
                None if self.threshold is None else [round(float(x), 3) for x in self.threshold]
            ),
            "notes": list(self.notes),
        }


def _split_index(grid: np.ndarray, obs: np.ndarray, fraction: float) -> int:
    valid = np.flatnonzero(np.isfinite(obs))
    first, last = grid[valid[0]], grid[valid[-1]]
    cut = first + (last - first) * (1.0 - fraction)
    return int(np.searchsorted(grid, cut))


def train(
    times: TimesLike,
    levels: Any,
    *,
    latitude: float,
    train_until: Any = None,
    horizon_h: int = 72,
    predictors: Mapping[str, Any] | None = None,
    validation_fraction: float = VALIDATION_FRACTION,
    constituents: Any = "auto",
    min_train_days: float = MIN_TRAIN_DAYS,
    station: str | None = None,
    level: float | None = None,
) -> TideEngine:
    """Train a forecaster on a water-level record.

    Parameters
    ----------
    times : array-like
        Observation times: datetime64 (UTC) or aware datetimes; hourly or finer.
    levels : array-like of float
        Water level [m]; NaN for gaps.
    latitude : float
        [deg N], for the nodal corrections.
    train_until : datetime64, aware datetime or ISO string, optional
        Use only observations before this instant (default: all).
    horizon_h : int
        Longest lead [h] (default 72).
    predictors : mapping of str to array-like, optional
        Other series on the same ``times`` (e.g. "wind_u_ms", "pressure_hpa",
        "river_m3s"); the selection decides whether they help.
    validation_fraction : float
        Share of the training window, at its end, used to choose the residual model and
        to measure its errors (default 0.25).
    constituents : "auto" or list of str
        Passed to :func:`paknam.living.tides.harmonics.solve`.
    min_train_days : float
        Refuse shorter training windows [days].
    station : str, optional
        Stored in ``info``.
    level : float, optional
        The level warnings are for [m] (the station's lowest warning level): the warning
        thresholds are chosen for it on out-of-fold forecasts of the training window.
        Default: the training period's
        :data:`~paknam.living.forecast.calibration.LEVEL_PERCENTILE` th percentile.

    Raises
    ------
    RecordTooShortError
        The valid training record spans less than ``min_train_days``.
    HarmonicAnalysisError
        Other bad input (naive times, mismatched lengths, sampling coarser than hourly).
    """
    t = io.utc(times)
    y = np.asarray(levels, dtype=float).ravel()
    if t.shape != y.shape:
        raise HarmonicAnalysisError(
            f"{t.size} times but {y.size} levels: give one level per time", field="levels"
        )
    keep = np.ones(t.size, dtype=bool)
    if train_until is not None:
        keep = t < io.utc_one(train_until)
    if not np.isfinite(y[keep]).any():
        raise HarmonicAnalysisError("no valid water level before train_until", field="levels")
    grid, obs, grid_info = to_hourly(t[keep], y[keep])
    valid = np.flatnonzero(np.isfinite(obs))
    span_h = float(valid[-1] - valid[0])
    if span_h < min_train_days * 24:
        raise RecordTooShortError(
            f"the training record spans {span_h / 24:.1f} days of hourly values; the "
            f"forecast engine needs at least {min_train_days:g} days",
            span_hours=span_h,
            required_hours=min_train_days * 24,
        )
    preds = io.predictors_on_grid(grid, t[keep], _subset(predictors, keep), int(keep.sum()))
    days = io.days_since_1970(grid)
    split = _split_index(grid, obs, validation_fraction)
    early = solve(grid[:split], obs[:split], latitude=latitude, constituents=constituents)
    chosen = select(
        obs - predict(early, grid), split, horizon_h=horizon_h, days=days, predictors=preds
    )
    fit = solve(grid, obs, latitude=latitude, constituents=constituents)
    surge = fit_surge(
        obs - predict(fit, grid),
        chosen.spec,
        alpha=chosen.alpha,
        horizon_h=horizon_h,
        days=days,
        predictors=preds,
        blend=chosen.blend,
    )
    level_m = float(np.nanpercentile(obs, calibration.LEVEL_PERCENTILE)) if level is None else level
    threshold, threshold_info = _warning_thresholds(
        grid,
        obs,
        chosen,
        surge,
        level_m,
        latitude=latitude,
        constituents=constituents,
        days=days,
        predictors=preds,
    )
    info = {
        "station": station,
        "latitude": float(latitude),
        "train_start": io.time_to(grid[valid[0]]),
        "train_end": io.time_to(grid[valid[-1]]),
        "train_until": None if train_until is None else io.time_to(io.utc_one(train_until)),
        "validation_start": io.time_to(grid[split]),
        "validation_fraction": validation_fraction,
        "validation_issue_hours": chosen.validation_rows,
        "early_fit_constituents": len(early.names),
        "resampled": bool(grid_info["resampled"]),
        "selection": chosen.table,
        "chosen": {
            "spec": chosen.spec.name,
            "alpha_by_lead": chosen.alpha.tolist(),
            "persistence_weight_by_lead": chosen.blend.tolist(),
        },
        "warning": threshold_info,
        "climatology": calibration.climatology(grid, obs, level_m),
    }
    return TideEngine(
        fit,
        surge,
        calibration.grid_of(chosen.errors),
        calibration.grid_of(chosen.tide_only_errors),
        threshold,
        level_m,
        info,
    )


THRESHOLD_LEADS = (24, 48, 72)
"""Leads [h] whose warning threshold is chosen; the others are interpolated between them
(and held constant before the first)."""


def _warning_thresholds(
    grid: np.ndarray,
    obs: np.ndarray,
    chosen: Any,
    surge: SurgeModel,
    level: float,
    *,
    latitude: float,
    constituents: Any,
    days: np.ndarray,
    predictors: Mapping[str, np.ndarray] | None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Warning thresholds per lead (:func:`calibration.choose_threshold`) from the
    out-of-fold forecasts of the whole training window
    (:func:`~paknam.living.forecast.crossval.out_of_fold`: the chosen residual model,
    blend included, refit without each block), put through the warning rule of
    :mod:`paknam.living.forecast.level_rules` with the same rolling calibration as in use
    and scored against the days' observed highs. When the folds cannot be fit (a record
    of a few weeks), the validation part's forecasts stand in."""
    horizon = chosen.errors.shape[1]
    source = f"out-of-fold forecasts of the training window ({crossval.FOLDS} blocks)"
    try:
        oof = crossval.out_of_fold(
            grid,
            obs,
            surge,
            latitude=latitude,
            constituents=constituents,
            days=days,
            predictors=predictors,
        )
        errors = oof.blended(surge.blend_weights)
    except (HarmonicAnalysisError, np.linalg.LinAlgError) as exc:
        source = f"validation part (out-of-fold forecasts failed: {exc})"
        errors = np.full((grid.size, horizon), np.nan)
        errors[chosen.rows] = chosen.errors
    fallback = calibration.grid_of(chosen.errors)
    leads = [lead for lead in THRESHOLD_LEADS if lead <= horizon] or [horizon]
    picked, seen = [], {}
    for lead in leads:
        p_day, event = _rule_days(grid, obs, errors[:, lead - 1], lead, fallback[lead - 1], level)
        threshold, info = calibration.choose_threshold(p_day, event)
        picked.append(threshold)
        seen[str(lead)] = {"threshold": threshold, **info}
    by_lead = np.interp(np.arange(1, horizon + 1), leads, picked)
    return by_lead, {"level_m": round(level, 4), "chosen_on": source, "by_lead": seen}


def _rule_days(
    grid: np.ndarray,
    obs: np.ndarray,
    errors: np.ndarray,
    lead: int,
    fallback: np.ndarray,
    level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """P(day's high ≥ level) and the observed event per UTC day, for the lead-``lead``
    forecasts issued at each hour of ``grid`` whose errors (observed − forecast) are
    ``errors`` (NaN: none), calibrated by the errors verified by their issue hour."""
    targets = np.arange(grid.size) + lead
    inside = targets < grid.size
    observed = np.full(grid.size, np.nan)
    observed[inside] = obs[targets[inside]]
    forecast = observed - errors  # the forecast of that target hour
    grids = calibration.window_grids(calibration.error_windows(errors, lead), fallback)
    ok = np.isfinite(forecast) & inside
    p = exceedance_probability(forecast[ok], grids[ok], level)
    when = grid[targets[ok]]
    _, p_day = calibration.daily_max(when, p)
    _, o_day = calibration.daily_max(when, observed[ok])
    return p_day, o_day >= level


def _subset(predictors: Mapping[str, Any] | None, keep: np.ndarray) -> dict | None:
    if not predictors:
        return None
    out = {}
    for name, values in predictors.items():
        v = np.asarray(values, dtype=float).ravel()
        if v.shape != keep.shape:
            raise HarmonicAnalysisError(
                f"predictor {name!r} has {v.size} values for {keep.size} times",
                field="predictors",
            )
        out[name] = v[keep]
    return out


def _history(
    engine: TideEngine, t: np.ndarray, y: np.ndarray, issue: np.datetime64, cutoff: np.datetime64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hourly grid ending at ``issue``, observations on it (only those <= cutoff), mask.

    Long enough to replay the forecasts of the last :data:`calibration.WINDOW_H` +
    horizon hours (their errors calibrate this one)."""
    hours = engine.surge.spec.history_h + MARGIN_H + calibration.WINDOW_H + engine.horizon_h
    grid = issue - np.arange(hours - 1, -1, -1) * HOUR
    use = (t <= cutoff) & (t >= grid[0] - HOUR)
    return grid, io.on_grid(grid, t[use], y[use]), use


def forecast(
    engine: TideEngine,
    times: TimesLike,
    levels: Any,
    issue_time: Any,
    horizon_h: int = 72,
    *,
    predictors: Mapping[str, Any] | None = None,
) -> Forecast:
    """Forecast from ``issue_time`` using only observations at or before it.

    Parameters
    ----------
    engine : TideEngine
    times, levels : array-like
        Observations (as for :func:`train`); those after ``issue_time`` are ignored.
    issue_time : datetime64, aware datetime or ISO string
        Floored to the full hour; lead 1 is the next hour.
    horizon_h : int
        Hours ahead, at most ``engine.horizon_h``.
    predictors : mapping, optional
        The predictor series the engine was trained with, on the same ``times``.

    Returns
    -------
    Forecast
    """
    if not 1 <= horizon_h <= engine.horizon_h:
        raise HarmonicAnalysisError(
            f"horizon {horizon_h} h must be between 1 and the engine's {engine.horizon_h} h",
            field="horizon_h",
        )
    cutoff = io.utc_one(issue_time)
    issue = cutoff.astype("datetime64[h]").astype("datetime64[s]")
    t = io.utc(times)
    y = np.asarray(levels, dtype=float).ravel()
    if t.shape != y.shape:
        raise HarmonicAnalysisError(
            f"{t.size} times but {y.size} levels: give one level per time", field="levels"
        )
    grid, obs, use = _history(engine, t, y, issue, cutoff)
    residual = obs - predict(engine.fit, grid)
    age = hours_since_valid(residual)[-1]
    targets = issue + np.arange(1, horizon_h + 1) * HOUR
    tide = predict(engine.fit, targets)
    valid = np.flatnonzero(np.isfinite(obs))
    last = grid[valid[-1]] if valid.size else None
    notes: list[str] = []
    if age > MAX_AGE_H:
        mode, grids = "tide-only", engine.tide_only_grid[:horizon_h]
        surge = np.zeros(horizon_h)
        notes.append(
            f"no observation in the {MAX_AGE_H} h before the issue time: tide only, with the "
            "wider intervals of the tide alone"
        )
    else:
        mode = "tide+residual"
        preds = _needed_predictors(engine, predictors, t, grid, use)
        x = feature_matrix(
            residual,
            np.array([grid.size - 1]),
            engine.surge.spec,
            days=io.days_since_1970(grid),
            predictors=preds,
        )
        last = np.array([grid.size - 1])
        persistence = daily_persistence(residual, last, engine.horizon_h)
        surge = predict_surge(engine.surge, x, persistence)[0, :horizon_h]
        grids = recent_error_grids(engine, grid, obs, preds)[:horizon_h]
        if age > 0:
            notes.append(f"newest observation {age:.0f} h before the issue time (filled forward)")
    total = tide + surge
    lo95, lo80, hi80, hi95 = (total + grids[:, c] for c in calibration.interval_columns())
    return Forecast(
        issue_time=issue,
        times=targets,
        tide=tide,
        residual=surge,
        total=total,
        lo80=lo80,
        hi80=hi80,
        lo95=lo95,
        hi95=hi95,
        mode=mode,
        last_observation=last,
        notes=tuple(notes),
        grid=grids,
        threshold=engine.threshold[:horizon_h].copy(),
    )


def recent_error_grids(
    engine: TideEngine,
    grid: np.ndarray,
    obs: np.ndarray,
    predictors: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """The calibrated error distribution of a forecast issued at the last hour of ``grid``,
    shape (H, K): per lead, the quantiles of the errors of the forecasts issued in the last
    :data:`calibration.WINDOW_H` hours and verified by then (replayed with this engine), or
    the engine's validation ones with fewer than :data:`calibration.MIN_ERRORS`."""
    horizon = engine.horizon_h
    end = grid.size - 1
    rows = np.arange(max(0, end - calibration.WINDOW_H - horizon), end + 1)
    _, total, _ = replay(engine, grid, obs, rows, horizon_h=horizon, predictors=predictors)
    out = np.empty_like(engine.grid)
    for lead in range(1, horizon + 1):
        target = rows + lead
        errors = np.full(rows.size, np.nan)
        known = target <= end
        errors[known] = obs[target[known]] - total[known, lead - 1]
        window = calibration.error_windows(errors, lead)[-1:]
        out[lead - 1] = calibration.window_grids(window, engine.grid[lead - 1])[0]
    return out


def replay(
    engine: TideEngine,
    grid: np.ndarray,
    obs: np.ndarray,
    rows: np.ndarray,
    *,
    horizon_h: int = 72,
    predictors: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecasts issued at every hour ``grid[rows]``, each from observations up to it.

    Parameters
    ----------
    engine : TideEngine
    grid, obs : numpy.ndarray
        Hourly UTC grid and observations on it [m] (NaN where missing).
    rows : numpy.ndarray of int
        Issue hours (indices into ``grid``).
    predictors : mapping, optional
        Predictor series on ``grid``.

    Returns
    -------
    tide, total, stale
        The tide over the whole grid [m]; the forecasts, shape ``(rows, horizon_h)``, for
        the hours ``rows + 1 .. rows + horizon_h`` (clipped at the grid's end) [m]; and
        the issue hours without an observation in the last :data:`MAX_AGE_H` h (tide
        only there, as :func:`forecast` does).
    """
    if engine.surge.predictors and not predictors:
        raise HarmonicAnalysisError(
            f"the engine was trained with predictors {', '.join(engine.surge.predictors)}; "
            "give them",
            field="predictors",
        )
    tide = predict(engine.fit, grid)
    residual = obs - tide
    stale = hours_since_valid(residual)[rows] > MAX_AGE_H
    x = feature_matrix(
        residual,
        rows,
        engine.surge.spec,
        days=io.days_since_1970(grid),
        predictors=predictors if engine.surge.predictors else None,
    )
    persistence = daily_persistence(residual, rows, engine.horizon_h)
    surge = predict_surge(engine.surge, x, persistence)[:, :horizon_h]
    surge[stale] = 0.0
    index = np.clip(rows[:, None] + np.arange(1, horizon_h + 1), 0, grid.size - 1)
    return tide, tide[index] + surge, stale


def _needed_predictors(
    engine: TideEngine,
    predictors: Mapping[str, Any] | None,
    t: np.ndarray,
    grid: np.ndarray,
    use: np.ndarray,
) -> dict[str, np.ndarray] | None:
    names = engine.surge.predictors
    if not names:
        return None
    given = dict(predictors or {})
    missing = [n for n in names if n not in given]
    if missing:
        raise HarmonicAnalysisError(
            f"the engine was trained with predictors {', '.join(names)}; missing: "
            f"{', '.join(missing)}",
            field="predictors",
        )
    out = {}
    for name in names:
        v = np.asarray(given[name], dtype=float).ravel()
        if v.shape != t.shape:
            raise HarmonicAnalysisError(
                f"predictor {name!r} has {v.size} values for {t.size} times", field="predictors"
            )
        out[name] = io.on_grid(grid, t[use], v[use])
    return out
