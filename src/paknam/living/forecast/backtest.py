"""Backtest of the 72 h water-level forecast: replay a test period hour by hour.

:func:`backtest` trains a :class:`~paknam.living.forecast.engine.TideEngine` on the record before
``train_until`` (its own model choices are made inside that window, see
:func:`paknam.living.forecast.engine.train`), then issues a forecast at **every hour** of the
rest of the record from the observations up to that hour only, and scores leads 24, 48
and 72 h (:func:`paknam.living.forecast.backtest_scores.lead_scores`). In the same run it scores
two baselines:

- ``harmonic``: the tide alone, from the reference implementation UTide
  (``utide.solve``, ``constit='auto'``, OLS, ``trend=False``) fit on the same training
  window;
- ``persistence``: that UTide tide plus the last observed residual, held constant.

It is vectorised: one tide prediction for the whole record, one feature matrix for all
issue hours, one matrix product for all forecasts; each row equals what
:func:`paknam.living.forecast.engine.forecast` gives at that hour (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.forecast import calibration, io
from paknam.living.forecast.backtest_scores import CENTRAL_BAND_M, lead_scores, noise_estimate
from paknam.living.forecast.engine import MAX_AGE_H, TideEngine, replay, train
from paknam.living.forecast.level_rules import exceedance_probability, warned_hours
from paknam.living.forecast.surge_features import fill_forward
from paknam.living.readers.quality import to_hourly

__all__ = ["LEADS", "BacktestResult", "backtest", "replay", "utide_tide"]

LEADS = (24, 48, 72)
LEVEL_PERCENTILE = calibration.LEVEL_PERCENTILE


@dataclass
class BacktestResult:
    """Scores of the model and the baselines per lead, and what they were computed on."""

    leads: dict[int, dict[str, Any]]
    baselines: dict[str, dict[int, dict[str, Any]]]
    level_m: float
    train_until: np.datetime64
    test_start: np.datetime64
    test_end: np.datetime64
    issues: int
    engine: TideEngine
    coverage: dict[int, dict[str, float]] = field(default_factory=dict)
    noise: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    station: str | None = None
    detail: dict[str, Any] = field(default_factory=dict, repr=False)
    """What the report's figures draw (not in the JSON): ``rmse_by_lead`` {method: RMSE [m]
    at leads 1 … horizon}, ``series`` {lead: hourly times, observed, forecast, lo80, hi80,
    persistence} and ``days`` {lead: day, p_day, event} of the model's warning rule."""

    def to_dict(self) -> dict[str, Any]:
        """The ``paknam tides backtest --json`` object: ``leads`` and ``baselines`` are the
        contract (CONTRACTS.md); the other keys describe the run."""

        def by_lead(scores: dict[int, dict[str, Any]]) -> dict[str, Any]:
            return {str(k): v for k, v in scores.items()}

        return {
            "leads": by_lead(self.leads),
            "baselines": {
                name: {"leads": by_lead(scores)} for name, scores in self.baselines.items()
            },
            "station": self.station,
            "train_until": io.time_to(self.train_until),
            "train_period": {
                "start": self.engine.info.get("train_start"),
                "end": self.engine.info.get("train_end"),
                "validation_start": self.engine.info.get("validation_start"),
            },
            "test_period": {"start": io.time_to(self.test_start), "end": io.time_to(self.test_end)},
            "issues": self.issues,
            "level_m": round(self.level_m, 4),
            "model": self.engine.label,
            "chosen": self.engine.info.get("chosen"),
            "warning_thresholds": self.engine.info.get("warning"),
            "interval_coverage": {str(k): v for k, v in self.coverage.items()},
            "noise": self.noise,
            "notes": self.notes,
        }


def utide_tide(
    grid: np.ndarray, obs: np.ndarray, train_mask: np.ndarray, latitude: float
) -> np.ndarray:
    """UTide's tide over ``grid`` from a fit on the training hours (the reference baseline).

    Raises
    ------
    HarmonicAnalysisError
        When the reference package ``utide`` is not installed.
    """
    try:
        import utide
    except ImportError:  # pragma: no cover - utide is a test dependency
        raise HarmonicAnalysisError(
            "the harmonic baseline needs the reference package utide: pip install utide",
            field="baselines",
        ) from None
    use = train_mask & np.isfinite(obs)
    coef = utide.solve(grid[use], obs[use], lat=latitude, method="ols", trend=False, verbose=False)
    return np.asarray(utide.reconstruct(grid, coef, verbose=False)["h"], dtype=float)


def _scores_by_lead(
    grid: np.ndarray,
    obs: np.ndarray,
    rows: np.ndarray,
    predict_at: Any,
    leads: Sequence[int],
    level: float,
) -> dict[int, dict[str, Any]]:
    out = {}
    for lead in leads:
        index = rows + lead
        inside = index < grid.size
        idx = index[inside]
        out[lead] = lead_scores(grid[idx], obs[idx], predict_at(lead, inside, idx), level=level)
    return out


def _warning_scores(
    times: np.ndarray,
    observed: np.ndarray,
    p_hour: np.ndarray,
    level: float,
    threshold: float,
    climatology: float | None,
) -> dict[str, Any]:
    """POD/FAR/CSI of the warning rule over UTC days, the Brier skill of P(day's high ≥
    level) against the training climatology, and the threshold used."""
    _, p_day, event = daily_events(times, observed, p_hour, level)
    warn = warned_hours(p_day, threshold)
    hits = int(np.sum(event & warn))
    misses = int(np.sum(event & ~warn))
    false_alarms = int(np.sum(~event & warn))

    def ratio(a: int, b: int) -> float | None:
        return None if b == 0 else round(a / b, 4)

    return {
        "pod": ratio(hits, hits + misses),
        "far": ratio(false_alarms, hits + false_alarms),
        "csi": ratio(hits, hits + misses + false_alarms),
        "brier_skill": None
        if climatology is None
        else calibration.brier_skill(p_day, event, climatology),
        "threshold_probability": None if threshold is None else round(float(threshold), 4),
    }


def daily_events(
    times: np.ndarray, observed: np.ndarray, p_hour: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per UTC day with both: the day, P(day's high ≥ level) (the largest hourly P) and
    whether the observed high reached the level."""
    ok = np.isfinite(observed) & np.isfinite(p_hour)
    days, p_day = calibration.daily_max(times[ok], p_hour[ok])
    _, o_day = calibration.daily_max(times[ok], observed[ok])
    return days, p_day, o_day >= level


def rmse_by_lead(obs: np.ndarray, rows: np.ndarray, predict_at: Any, horizon_h: int) -> list:
    """RMSE [m] of ``predict_at(lead, inside, idx)`` at every lead 1 … ``horizon_h`` (None
    where nothing verifies), as :func:`lead_scores` computes it."""
    out: list[float | None] = []
    for lead in range(1, horizon_h + 1):
        index = rows + lead
        inside = index < obs.size
        idx = index[inside]
        error = obs[idx] - predict_at(lead, inside, idx)
        error = error[np.isfinite(error)]
        out.append(round(float(np.sqrt(np.mean(error**2))), 5) if error.size else None)
    return out


def _coverage(observed: np.ndarray, forecast: np.ndarray, grids: np.ndarray) -> dict[str, float]:
    """Share of observations inside the 80 % and 95 % intervals."""
    lo95, lo80, hi80, hi95 = (forecast + grids[:, c] for c in calibration.interval_columns())
    ok = np.isfinite(observed)
    o = observed[ok]
    return {
        "80": round(float(np.mean((o >= lo80[ok]) & (o <= hi80[ok]))), 4),
        "95": round(float(np.mean((o >= lo95[ok]) & (o <= hi95[ok]))), 4),
    }


def _calibrated(
    grid: np.ndarray,
    obs: np.ndarray,
    rows: np.ndarray,
    total: np.ndarray,
    stale: np.ndarray,
    engine: TideEngine,
    lead: int,
) -> np.ndarray:
    """Error-quantile grids of the lead-``lead`` forecasts issued at ``rows`` (consecutive
    hours), each from the errors verified by its issue hour (as in production)."""
    target = rows + lead
    inside = target < grid.size
    errors = np.full(rows.size, np.nan)
    errors[inside] = obs[target[inside]] - total[inside, lead - 1]
    grids = calibration.window_grids(calibration.error_windows(errors, lead), engine.grid[lead - 1])
    grids[stale] = engine.tide_only_grid[lead - 1]
    return grids


def backtest(
    times: Any,
    levels: Any,
    *,
    latitude: float,
    train_until: Any,
    level: float | None = None,
    leads: Sequence[int] = LEADS,
    horizon_h: int = 72,
    predictors: Mapping[str, Any] | None = None,
    baselines: bool = True,
    engine: TideEngine | None = None,
    station: str | None = None,
) -> BacktestResult:
    """Train before ``train_until``, forecast every hour after it, score leads and baselines.

    Parameters
    ----------
    times, levels : array-like
        The whole record (UTC times; levels [m], NaN for gaps).
    latitude : float
        [deg N].
    train_until : datetime64, aware datetime or ISO string
        First instant of the test period.
    level : float, optional
        Exceedance level [m] for POD/FAR/CSI; default the 99th percentile of the training
        period's hourly values.
    leads : sequence of int
        Leads scored [h], at most ``horizon_h``.
    predictors : mapping, optional
        Predictor series on the same times (see :func:`paknam.living.forecast.engine.train`).
    baselines : bool
        Score the UTide harmonic and persistence baselines too (needs ``utide``).
    engine : TideEngine, optional
        A trained engine to test instead of training one (it must not have seen the test
        period).

    Raises
    ------
    HarmonicAnalysisError
        No observation after ``train_until``, leads beyond the horizon, too short a record.
    """
    if max(leads) > horizon_h or min(leads) < 1:
        raise HarmonicAnalysisError(
            f"leads {list(leads)} must be between 1 and {horizon_h} h", field="leads"
        )
    t = io.utc(times)
    y = np.asarray(levels, dtype=float).ravel()
    cut = io.utc_one(train_until)
    grid, obs, _ = to_hourly(t, y)
    train_mask = grid < cut
    rows = np.flatnonzero(~train_mask)[:-1]
    if rows.size == 0 or not np.isfinite(obs[~train_mask]).any():
        raise HarmonicAnalysisError(
            f"no observations after train_until {io.time_to(cut)}: nothing to test",
            field="train_until",
        )
    preds = io.predictors_on_grid(grid, t, predictors, t.size) if predictors else None
    level_m = float(np.nanpercentile(obs[train_mask], LEVEL_PERCENTILE)) if level is None else level
    engine = engine or train(
        t,
        y,
        latitude=latitude,
        train_until=cut,
        horizon_h=horizon_h,
        predictors=predictors,
        station=station,
        level=level_m,
    )
    # replay from a calibration window before the test period: the first test forecasts
    # are calibrated on the errors of the forecasts just before it, as in production
    first = max(0, int(rows[0]) - calibration.WINDOW_H - horizon_h)
    all_rows = np.arange(first, int(rows[-1]) + 1)
    tide, total_all, stale_all = replay(
        engine, grid, obs, all_rows, horizon_h=horizon_h, predictors=preds
    )
    tested = all_rows >= rows[0]
    total, stale = total_all[tested], stale_all[tested]
    climate = (
        engine.info.get("climatology")
        if level is None
        else calibration.climatology(grid[train_mask], obs[train_mask], level_m)
    )

    def model_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return total[inside, lead - 1]

    scores = _scores_by_lead(grid, obs, rows, model_at, leads, level_m)
    coverage = {}
    detail: dict[str, Any] = {
        "rmse_by_lead": {"model": rmse_by_lead(obs, rows, model_at, horizon_h)},
        "series": {},
        "days": {},
    }
    lo80, hi80 = calibration.interval_columns()[1:3]
    for lead in leads:
        grids = _calibrated(grid, obs, all_rows, total_all, stale_all, engine, lead)[tested]
        index = rows + lead
        inside = index < grid.size
        o, f, g = obs[index[inside]], total[inside, lead - 1], grids[inside]
        p_hour = exceedance_probability(f, g, level_m)
        scores[lead].update(
            _warning_scores(
                grid[index[inside]], o, p_hour, level_m, float(engine.threshold[lead - 1]), climate
            )
        )
        coverage[lead] = _coverage(o, f, g)
        days, p_day, event = daily_events(grid[index[inside]], o, p_hour, level_m)
        detail["days"][lead] = {"day": days, "p_day": p_day, "event": event}
        detail["series"][lead] = {
            "times": grid[index[inside]],
            "observed": o,
            "forecast": f,
            "lo80": f + g[:, lo80],
            "hi80": f + g[:, hi80],
        }
    result = BacktestResult(
        leads=scores,
        baselines={},
        level_m=level_m,
        train_until=cut,
        test_start=grid[rows[0]],
        test_end=grid[-1],
        issues=int(rows.size),
        engine=engine,
        coverage=coverage,
        noise=noise_estimate((obs - tide)[~train_mask], tide[~train_mask]),
        station=station,
        detail=detail,
    )
    if baselines:
        reference = utide_tide(grid, obs, train_mask, latitude)
        last = fill_forward(obs - reference)[rows]

        def harmonic_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return reference[idx]

        def persistence_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return reference[idx] + last[inside]

        result.baselines = {
            name: _scores_by_lead(grid, obs, rows, at, leads, level_m)
            for name, at in (("harmonic", harmonic_at), ("persistence", persistence_at))
        }
        for name, at in (("harmonic", harmonic_at), ("persistence", persistence_at)):
            detail["rmse_by_lead"][name] = rmse_by_lead(obs, rows, at, horizon_h)
            for lead in leads:
                index = rows + lead
                inside = index < grid.size
                f = at(lead, inside, index[inside])
                certain = np.where(np.isfinite(f), (f >= level_m).astype(float), np.nan)
                extra = _warning_scores(
                    grid[index[inside]], obs[index[inside]], certain, level_m, 1.0, climate
                )
                result.baselines[name][lead].update(
                    brier_skill=extra["brier_skill"], threshold_probability=None
                )
                if name == "persistence":
                    detail["series"][lead]["persistence"] = f
    result.notes = _notes(result, int(stale.sum()), level is None)
    return result


def _notes(result: BacktestResult, stale: int, default_level: bool) -> list[str]:
    info = result.engine.info
    notes = [
        f"trained on {info.get('train_start')} .. {info.get('train_end')}; model choices "
        f"(features, ridge alpha, daily persistence blend) from the validation part "
        f"{info.get('validation_start')} .. {info.get('train_end')} only; warning "
        f"thresholds from {info.get('warning', {}).get('chosen_on', 'the validation part')} "
        "(half the best F1 score there)",
        f"intervals and probabilities: quantiles of the errors of the forecasts issued in "
        f"the last {calibration.WINDOW_H // 24} days and verified by the issue hour "
        f"(validation errors with fewer than {calibration.MIN_ERRORS}), as in production",
        f"tested on {io.time_to(result.test_start)} .. {io.time_to(result.test_end)}: "
        f"{result.issues} hourly issues, each using observations up to its hour only",
        "central_frequency: share of errors within ±"
        f"{CENTRAL_BAND_M:.2f} m; pod/far/csi over UTC days whose highest hourly value "
        f"reaches level_m; for the model a day is warned when P(level reached) at some "
        f"hour reaches threshold_probability (the production rule); for the baselines when "
        f"their forecast reaches level_m; brier_skill of P(day's high >= level_m) against "
        f"the training frequency of such days ({result.engine.info.get('climatology')})",
    ]
    if default_level:
        notes.append(f"level_m: {LEVEL_PERCENTILE:g}th percentile of the training hours")
    if stale:
        notes.append(
            f"{stale} issue hours had no observation in the last {MAX_AGE_H} h: "
            "tide-only forecasts there"
        )
    return notes
