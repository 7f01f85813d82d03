"""Scores of water-level forecasts and a noise estimate of the residual (pure functions).

- :func:`lead_scores`: RMSE, MAE, central frequency (share of errors within ±15 cm, the
  NOAA CO-OPS criterion for operational water-level forecasts, which asks for ≥ 90 %), and
  for exceedance of a level: POD, FAR and CSI counted over **events**, an event being a
  block of hours (a UTC day by default) whose highest hourly value reaches the level — a
  warning is for a day's high water, not for one hour.
- :func:`noise_estimate`: how much of the residual no forecast can remove: its
  hour-to-hour noise, split into a part independent of the tide and a part proportional to
  the tide's rate of change (the signature of timing errors, e.g. levels read off paper
  charts).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CENTRAL_BAND_M", "event_counts", "lead_scores", "noise_estimate"]

CENTRAL_BAND_M = 0.15
"""Half-width of the central-frequency band [m] (NOAA CO-OPS: ±15 cm)."""


def event_counts(
    times: np.ndarray,
    observed: np.ndarray,
    forecast: np.ndarray,
    level: float,
    block_h: int = 24,
) -> tuple[int, int, int, int]:
    """Hits, misses, false alarms and blocks scored for exceedance of ``level``.

    Hours are grouped into blocks of ``block_h`` hours from 1970-01-01 00:00 UTC (UTC days
    by default); a block is an observed (forecast) event when its highest observed
    (forecast) hourly value reaches ``level``. Only hours with both values count.
    """
    ok = np.isfinite(observed) & np.isfinite(forecast)
    if not ok.any():
        return 0, 0, 0, 0
    block = times[ok].astype("datetime64[s]").astype(np.int64) // (3600 * block_h)
    frame = pd.DataFrame({"b": block, "o": observed[ok], "f": forecast[ok]})
    peaks = frame.groupby("b").max()
    obs_event = peaks["o"].to_numpy() >= level
    fc_event = peaks["f"].to_numpy() >= level
    hits = int(np.sum(obs_event & fc_event))
    misses = int(np.sum(obs_event & ~fc_event))
    false_alarms = int(np.sum(~obs_event & fc_event))
    return hits, misses, false_alarms, int(peaks.shape[0])


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else round(a / b, 4)


def lead_scores(
    times: np.ndarray,
    observed: np.ndarray,
    forecast: np.ndarray,
    *,
    level: float,
    band_m: float = CENTRAL_BAND_M,
    block_h: int = 24,
) -> dict[str, Any]:
    """The contract scores of one lead: ``rmse_m, mae_m, central_frequency, pod, far, csi,
    n`` (n = hours scored). POD/FAR/CSI are None when undefined (no event)."""
    ok = np.isfinite(observed) & np.isfinite(forecast)
    error = observed[ok] - forecast[ok]
    n = int(error.size)
    if n == 0:
        return {k: None for k in ("rmse_m", "mae_m", "central_frequency", "pod", "far", "csi")} | {
            "n": 0
        }
    hits, misses, false_alarms, _ = event_counts(times, observed, forecast, level, block_h)
    return {
        "rmse_m": round(float(np.sqrt(np.mean(error**2))), 5),
        "mae_m": round(float(np.mean(np.abs(error))), 5),
        "central_frequency": round(float(np.mean(np.abs(error) <= band_m)), 5),
        "pod": _ratio(hits, hits + misses),
        "far": _ratio(false_alarms, hits + false_alarms),
        "csi": _ratio(hits, hits + misses + false_alarms),
        "n": n,
    }


def _autocovariance(x: np.ndarray, lag: int) -> float:
    ok = np.isfinite(x[: x.size - lag]) & np.isfinite(x[lag:])
    a, b = x[: x.size - lag][ok], x[lag:][ok]
    m = np.nanmean(x)
    return float(np.mean((a - m) * (b - m)))


def noise_estimate(residual: np.ndarray, tide: np.ndarray) -> dict[str, float]:
    """Parts of an hourly residual [m] that no forecast removes.

    Returns
    -------
    dict
        ``residual_rms_m``; ``lowpass_rms_m`` and ``highpass_rms_m`` (25 h running mean
        and the rest); ``white_noise_rms_m``: autocovariance at lag 0 minus its linear
        extrapolation from lags 1 and 2 (the uncorrelated hour-to-hour part);
        ``level_noise_m`` and ``timing_jitter_min`` from fitting the variance of the
        second difference ``d[i] = r[i] - (r[i-1] + r[i+1]) / 2`` as
        ``1.5 s0^2 + tau^2 (h'[i]^2 + (h'[i-1]^2 + h'[i+1]^2) / 4)`` (``h'`` the tide's
        rate of change): what independent hour-to-hour level noise ``s0`` and timing
        errors ``tau`` would give, and ``timing_noise_rms_m`` = ``tau`` times the rms rate
        of the tide. Upper bounds: real short-period residual (seiches, fast surge
        changes) also enters the second difference.
    """
    r = np.asarray(residual, dtype=float)
    h = np.asarray(tide, dtype=float)
    filled = pd.Series(r).interpolate(limit_area="inside").to_numpy()
    low = pd.Series(filled).rolling(25, center=True, min_periods=13).mean().to_numpy()
    g = [_autocovariance(r, lag) for lag in range(3)]
    second = r[1:-1] - 0.5 * (r[:-2] + r[2:])
    rate2 = np.gradient(h) ** 2
    spread = rate2[1:-1] + 0.25 * (rate2[:-2] + rate2[2:])
    ok = np.isfinite(second) & np.isfinite(spread)
    design = np.column_stack([np.full(ok.sum(), 1.5), spread[ok]])
    coef = np.linalg.lstsq(design, second[ok] ** 2, rcond=None)[0]
    return {
        "residual_rms_m": round(float(np.sqrt(np.nanmean(r**2))), 4),
        "lowpass_rms_m": round(float(np.sqrt(np.nanmean((low - np.nanmean(low)) ** 2))), 4),
        "highpass_rms_m": round(float(np.sqrt(np.nanmean((r - low) ** 2))), 4),
        "white_noise_rms_m": round(float(np.sqrt(max(g[0] - (2 * g[1] - g[2]), 0.0))), 4),
        "level_noise_m": round(float(np.sqrt(max(coef[0], 0.0))), 4),
        "timing_jitter_min": round(float(60.0 * np.sqrt(max(coef[1], 0.0))), 2),
        "timing_noise_rms_m": round(
            float(np.sqrt(max(coef[1], 0.0) * np.nanmean(rate2[np.isfinite(r)]))), 4
        ),
    }
