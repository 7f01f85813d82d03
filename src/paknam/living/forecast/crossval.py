"""Out-of-fold forecasts over the whole training window (blocked cross-validation).

The validation part of the training window (its last quarter) is short on a short record:
on Honolulu's six months it holds 45 days and 13 days of high water, too few to choose
a warning threshold on. :func:`out_of_fold` gives a forecast of every hour of the
training window that was not fit on it: the window is cut into :data:`FOLDS` consecutive
blocks; for each block the harmonic analysis and the residual model (the feature set and
ridge strengths already chosen on the validation part) are refit on the hours *outside*
it — before and after — and then forecast the block's hours from its issue hours, as
:func:`paknam.living.forecast.engine.forecast` would (features from the history up to
the issue hour; targets inside the block only). Tides and residual statistics are taken
as stationary across the window, which is what the final engine assumes too.

Nothing after the training window is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from paknam.living.forecast.surge import SurgeModel, _usable_rows, fit_surge, predict_surge
from paknam.living.forecast.surge_features import daily_persistence, feature_matrix
from paknam.living.tides.harmonics import predict, solve

__all__ = ["FOLDS", "OutOfFold", "out_of_fold"]

FOLDS = 6
"""Blocks the training window is cut into (Honolulu's six months: a month each)."""


@dataclass
class OutOfFold:
    """Errors (observed − forecast) [m] of the out-of-fold forecasts, one row per hour of
    the training grid taken as issue hour (NaN where none was made or its target lies
    outside the issue hour's block), one column per lead: of the residual model alone
    (``ridge``) and of the daily persistence (``persistence``); ``fold`` is the block of
    each hour (-1 outside the valid record)."""

    ridge: np.ndarray
    persistence: np.ndarray
    fold: np.ndarray

    def blended(self, weights: np.ndarray) -> np.ndarray:
        """Errors of the forecast with the daily persistence blended in per lead."""
        w = np.asarray(weights, dtype=float)[None, : self.ridge.shape[1]]
        return (1.0 - w) * self.ridge + w * self.persistence


def out_of_fold(
    grid: np.ndarray,
    obs: np.ndarray,
    surge: SurgeModel,
    *,
    latitude: float,
    constituents: Any = "auto",
    days: np.ndarray | None = None,
    predictors: Mapping[str, np.ndarray] | None = None,
    folds: int = FOLDS,
) -> OutOfFold:
    """Out-of-fold errors of the residual model ``surge`` (its feature set and per-lead
    ridge strengths; refit per fold) over the training grid, see the module doc."""
    horizon = surge.horizon_h
    valid = np.flatnonzero(np.isfinite(obs))
    edges = np.linspace(valid[0], valid[-1] + 1, folds + 1).round().astype(np.int64)
    ridge_err = np.full((grid.size, horizon), np.nan)
    pers_err = np.full((grid.size, horizon), np.nan)
    fold = np.full(grid.size, -1, dtype=np.int64)
    for b in range(folds):
        lo, hi = int(edges[b]), int(edges[b + 1])
        fold[lo:hi] = b
        held = np.zeros(grid.size, dtype=bool)
        held[lo:hi] = True
        fit = solve(grid[~held], obs[~held], latitude=latitude, constituents=constituents)
        residual = obs - predict(fit, grid)
        model = fit_surge(
            residual,
            surge.spec,
            alpha=surge.alpha,
            horizon_h=horizon,
            days=days,
            predictors=predictors if surge.predictors else None,
            exclude=held,
        )
        rows = _usable_rows(residual, lo, hi - 1, 1)
        if rows.size == 0:
            continue
        x = feature_matrix(
            residual,
            rows,
            model.spec,
            days=days,
            predictors=predictors if surge.predictors else None,
        )
        target = rows[:, None] + np.arange(1, horizon + 1)
        inside = target < hi
        observed = np.where(inside, residual[np.minimum(target, grid.size - 1)], np.nan)
        ridge_err[rows] = observed - predict_surge(model, x)
        pers_err[rows] = observed - daily_persistence(residual, rows, horizon)
    return OutOfFold(ridge_err, pers_err, fold)
