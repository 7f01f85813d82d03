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
from paknam.living.forecast import io
from paknam.living.forecast.backtest_scores import CENTRAL_BAND_M, lead_scores, noise_estimate
from paknam.living.forecast.engine import MAX_AGE_H, TideEngine, train
from paknam.living.forecast.surge import predict_surge
from paknam.living.forecast.surge_features import feature_matrix, fill_forward, hours_since_valid
from paknam.living.readers.quality import to_hourly
from paknam.living.tides.harmonics import predict

__all__ = ["LEADS", "BacktestResult", "backtest", "replay", "utide_tide"]

LEADS = (24, 48, 72)
LEVEL_PERCENTILE = 99.0
"""Default exceedance level: this percentile of the training period's hourly values."""


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


def _coverage(
    obs: np.ndarray,
    rows: np.ndarray,
    total: np.ndarray,
    stale: np.ndarray,
    engine: TideEngine,
    leads: Sequence[int],
) -> dict[int, dict[str, float]]:
    """Share of observations inside the 80 % and 95 % intervals, per lead."""
    out = {}
    for lead in leads:
        index = rows + lead
        inside = index < obs.size
        o = obs[index[inside]]
        f = total[inside, lead - 1]
        q = np.where(
            stale[inside, None],
            engine.tide_only_quantiles[lead - 1],
            engine.quantiles[lead - 1],
        )
        ok = np.isfinite(o)
        in80 = (o >= f + q[:, 1]) & (o <= f + q[:, 2])
        in95 = (o >= f + q[:, 0]) & (o <= f + q[:, 3])
        out[lead] = {
            "80": round(float(np.mean(in80[ok])), 4),
            "95": round(float(np.mean(in95[ok])), 4),
        }
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
        only there, as :func:`~paknam.living.forecast.engine.forecast` does).
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
    surge = predict_surge(engine.surge, x)[:, :horizon_h]
    surge[stale] = 0.0
    index = np.clip(rows[:, None] + np.arange(1, horizon_h + 1), 0, grid.size - 1)
    return tide, tide[index] + surge, stale


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
    engine = engine or train(
        t,
        y,
        latitude=latitude,
        train_until=cut,
        horizon_h=horizon_h,
        predictors=predictors,
        station=station,
    )
    tide, total, stale = replay(engine, grid, obs, rows, horizon_h=horizon_h, predictors=preds)
    level_m = float(np.nanpercentile(obs[train_mask], LEVEL_PERCENTILE)) if level is None else level

    def model_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return total[inside, lead - 1]

    result = BacktestResult(
        leads=_scores_by_lead(grid, obs, rows, model_at, leads, level_m),
        baselines={},
        level_m=level_m,
        train_until=cut,
        test_start=grid[rows[0]],
        test_end=grid[-1],
        issues=int(rows.size),
        engine=engine,
        coverage=_coverage(obs, rows, total, stale, engine, leads),
        noise=noise_estimate((obs - tide)[~train_mask], tide[~train_mask]),
        station=station,
    )
    if baselines:
        reference = utide_tide(grid, obs, train_mask, latitude)
        last = fill_forward(obs - reference)[rows]

        def harmonic_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return reference[idx]

        def persistence_at(lead: int, inside: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return reference[idx] + last[inside]

        result.baselines = {
            "harmonic": _scores_by_lead(grid, obs, rows, harmonic_at, leads, level_m),
            "persistence": _scores_by_lead(grid, obs, rows, persistence_at, leads, level_m),
        }
    result.notes = _notes(result, int(stale.sum()), level is None)
    return result


def _notes(result: BacktestResult, stale: int, default_level: bool) -> list[str]:
    info = result.engine.info
    notes = [
        f"trained on {info.get('train_start')} .. {info.get('train_end')}; model choices "
        f"(features, ridge alpha) and interval quantiles from the validation part "
        f"{info.get('validation_start')} .. {info.get('train_end')} only",
        f"tested on {io.time_to(result.test_start)} .. {io.time_to(result.test_end)}: "
        f"{result.issues} hourly issues, each using observations up to its hour only",
        "central_frequency: share of errors within ±"
        f"{CENTRAL_BAND_M:.2f} m; pod/far/csi over UTC days whose highest hourly value "
        f"reaches level_m",
    ]
    if default_level:
        notes.append(f"level_m: {LEVEL_PERCENTILE:g}th percentile of the training hours")
    if stale:
        notes.append(
            f"{stale} issue hours had no observation in the last {MAX_AGE_H} h: "
            "tide-only forecasts there"
        )
    return notes
