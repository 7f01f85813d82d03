"""Calibrated forecast distributions and the warning threshold (pure numpy).

The forecast's uncertainty at lead ``L`` is the distribution of its own recent errors
(observed − forecast) at that lead: at an issue hour, the errors of the forecasts issued
in the last :data:`WINDOW_H` hours *whose verifying observation has arrived* (issued at
least ``L`` h before) — a rolling, split-conformal calibration that is refreshed every
hour as observations come in, and that follows a change of regime (a season that runs
higher than the training months, a stormier winter) within a month. With fewer than
:data:`MIN_ERRORS` such errors (a new engine without recent observations) the errors of
the validation part of the training window stand in.

The distribution is kept as its quantiles at :data:`GRID_LEVELS` (the "grid", one row per
lead); the 80 % and 95 % intervals are its 10–90 % and 2.5–97.5 % quantiles, and the
probability of reaching a level is read off it
(:func:`paknam.living.forecast.level_rules.exceedance_probability`).

The warning threshold (:func:`choose_threshold`) is chosen on out-of-fold forecasts of the
whole training window (:mod:`paknam.living.forecast.crossval`), which precedes any test
period: half the best F1 score attainable there (the CSI-maximising threshold for
calibrated probabilities), or :data:`DEFAULT_THRESHOLD` with fewer than
:data:`MIN_EVENT_DAYS` event days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "DEFAULT_THRESHOLD",
    "GRID_LEVELS",
    "MIN_ERRORS",
    "MIN_EVENT_DAYS",
    "THRESHOLDS",
    "WINDOW_H",
    "brier_skill",
    "choose_threshold",
    "daily_max",
    "error_windows",
    "grid_of",
    "interval_columns",
    "max_csi_threshold",
    "window_grids",
]

GRID_LEVELS = np.array(
    [0.01, 0.025, 0.05, *np.round(np.arange(0.10, 0.901, 0.05), 2), 0.95, 0.975, 0.99]
)
"""Probability levels of the stored error quantiles (23 levels, 1 % … 99 %)."""
INTERVAL_LEVELS = (0.025, 0.10, 0.90, 0.975)
"""Quantile levels of the 95 % and 80 % intervals (lo95, lo80, hi80, hi95)."""
WINDOW_H = 720
"""Recent errors used per lead [h of issues]: 30 days."""
MIN_ERRORS = 168
"""Fewer verified recent errors than this (a week) → the validation errors stand in."""
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.05), 2)
"""Warning thresholds whose CSI is computed (their best gives the attainable F1 score)."""
DEFAULT_THRESHOLD = 0.5
"""Threshold without enough validation events: warn when a high water is more likely
than not (a miss and a false alarm cost the same)."""
MIN_EVENT_DAYS = 5
_CHUNK = 4096


def interval_columns() -> list[int]:
    """Columns of :data:`GRID_LEVELS` holding lo95, lo80, hi80, hi95."""
    return [int(np.argmin(np.abs(GRID_LEVELS - p))) for p in INTERVAL_LEVELS]


def _ranks(n: np.ndarray) -> np.ndarray:
    """Index into a sorted sample of ``n`` values of each level of :data:`GRID_LEVELS`
    (split-conformal ranks: ``ceil(p (n + 1))`` above the median, ``floor`` below, so
    that finite samples widen the intervals rather than narrow them)."""
    n = np.asarray(n)[..., None]
    pos = GRID_LEVELS * (n + 1)
    k = np.where(GRID_LEVELS > 0.5, np.ceil(pos), np.floor(pos))
    return np.clip(k.astype(np.int64) - 1, 0, np.maximum(n - 1, 0))


def grid_of(errors: np.ndarray) -> np.ndarray:
    """Quantile grid of errors ``(rows, horizon)`` per lead, shape ``(horizon, K)``
    (NaN for a lead without errors)."""
    errors = np.asarray(errors, dtype=float)
    out = np.full((errors.shape[1], GRID_LEVELS.size), np.nan)
    for lead in range(errors.shape[1]):
        e = np.sort(errors[:, lead][np.isfinite(errors[:, lead])])
        if e.size:
            out[lead] = e[_ranks(np.array(e.size))]
    return out


def error_windows(errors: np.ndarray, lead: int, window_h: int = WINDOW_H) -> np.ndarray:
    """Windows of verified errors: row ``k`` holds the errors of the issues
    ``k - lead - window_h + 1 .. k - lead`` (those whose lead-``lead`` target is at or before
    hour ``k``), NaN before the start.

    ``errors`` is the lead-``lead`` error of the forecast issued at each of consecutive
    hours (NaN where unknown). A read-only view, shape ``(errors.size, window_h)``.
    """
    pad = np.concatenate([np.full(window_h + lead - 1, np.nan), np.asarray(errors, float)])
    return sliding_window_view(pad, window_h)[: len(errors)]


def window_grids(windows: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Quantile grid of each window, shape ``(rows, K)``; ``fallback`` (K,) for windows with
    fewer than :data:`MIN_ERRORS` errors."""
    out = np.empty((windows.shape[0], GRID_LEVELS.size))
    for start in range(0, windows.shape[0], _CHUNK):
        chunk = np.sort(windows[start : start + _CHUNK], axis=1)  # NaN sort last
        n = np.isfinite(chunk).sum(axis=1)
        grid = np.take_along_axis(chunk, _ranks(n), axis=1)
        grid[n < MIN_ERRORS] = fallback
        out[start : start + _CHUNK] = grid
    return out


def daily_max(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTC day (days since 1970) and the highest finite value of each day."""
    day = np.asarray(times).astype("datetime64[s]").astype(np.int64) // 86400
    ok = np.isfinite(values)
    peaks = pd.Series(np.asarray(values, float)[ok]).groupby(day[ok]).max()
    return peaks.index.to_numpy(), peaks.to_numpy()


def _csi(warn: np.ndarray, event: np.ndarray) -> float:
    hits = np.sum(warn & event)
    total = hits + np.sum(warn & ~event) + np.sum(~warn & event)
    return float(hits / total) if total else 0.0


def _csi_curve(p_day: np.ndarray, event_day: np.ndarray) -> np.ndarray:
    return np.array([_csi(np.asarray(p_day) >= t, event_day) for t in THRESHOLDS])


def max_csi_threshold(p_day: np.ndarray, event_day: np.ndarray) -> float:
    """The threshold of :data:`THRESHOLDS` with the highest CSI on these days (the median
    of tied best ones). Noisy on few event days: reported, not used (see
    :func:`choose_threshold`)."""
    csi = _csi_curve(p_day, np.asarray(event_day, dtype=bool))
    best = THRESHOLDS[np.flatnonzero(csi >= csi.max() - 1e-12)]
    return float(best[(best.size - 1) // 2])


def choose_threshold(p_day: np.ndarray, event_day: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The warning threshold for these days' P(day's high ≥ level) and events: half the
    best F1 score attainable on them, or :data:`DEFAULT_THRESHOLD` with fewer than
    :data:`MIN_EVENT_DAYS` event days; and what was seen (``events``, ``days``, ``csi``,
    ``f1``, ``max_csi_threshold``).

    For calibrated probabilities the threshold that maximises the F1 score — and so the
    CSI, which is ``F1 / (2 − F1)`` — is half the F1 score it attains (Lipton, Elkan &
    Naryanaswamy 2014, "Optimal thresholding of classifiers to maximize F1 measure").
    The best attainable F1 is taken from the CSI of :data:`THRESHOLDS` on these days. It
    moves smoothly with the skill, where the arg-max of a CSI curve over 13–20 event days
    jumps between ties: in leave-one-block-out trials on the training windows of Honolulu
    2010 and Vlissingen 1976–89 its held-out CSI, averaged over leads 24/48/72 h, was
    higher than the arg-max's (per lead or pooled over leads, smoothed or not) on both
    (``docs/tides.md``)."""
    event_day = np.asarray(event_day, dtype=bool)
    seen: dict[str, Any] = {"events": int(event_day.sum()), "days": int(event_day.size)}
    if event_day.sum() < MIN_EVENT_DAYS:
        return DEFAULT_THRESHOLD, seen | {"rule": "default (too few event days)"}
    best = float(_csi_curve(p_day, event_day).max())
    f1 = 2.0 * best / (1.0 + best)
    threshold = float(np.clip(round(f1 / 2.0, 3), THRESHOLDS[0], THRESHOLDS[-1]))
    return threshold, seen | {
        "rule": "half the best F1",
        "csi": round(best, 4),
        "f1": round(f1, 4),
        "max_csi_threshold": max_csi_threshold(p_day, event_day),
    }


def brier_skill(p: np.ndarray, event: np.ndarray, climatology: float) -> float | None:
    """1 − Brier(p) / Brier(climatology): the skill over always forecasting the training
    frequency of event days (None when that reference is perfect)."""
    o = np.asarray(event, dtype=float)
    reference = float(np.mean((climatology - o) ** 2))
    if o.size == 0 or reference == 0.0:
        return None
    return round(1.0 - float(np.mean((np.asarray(p, float) - o) ** 2)) / reference, 4)


LEVEL_PERCENTILE = 99.0
"""Default warning level: this percentile of the training period's hourly values."""


def climatology(grid: np.ndarray, obs: np.ndarray, level: float) -> float | None:
    """Share of the UTC days with observations whose highest value reaches ``level``."""
    ok = np.isfinite(obs)
    if not ok.any():
        return None
    _, peaks = daily_max(grid[ok], obs[ok])
    return round(float(np.mean(peaks >= level)), 5)
