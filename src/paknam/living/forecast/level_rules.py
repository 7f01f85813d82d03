"""Water-level warnings from a forecast (pure): which level is crossed, when, how sure.

**The rule** (the same in production and in ``paknam tides backtest``): for each hour of a
forecast, the probability that the water reaches a level is read off the forecast's
calibrated error distribution at that lead (:func:`exceedance_probability`,
:mod:`paknam.living.forecast.calibration`); a level is warned when at some hour that
probability reaches the engine's warning threshold for that lead (chosen on out-of-fold
forecasts of the training window, :func:`paknam.living.forecast.calibration.choose_threshold`).
Errors are taken as fully correlated from hour to hour, so the probability that a day's
highest water reaches the level is the largest hourly probability of that day, and "some
hour passes the threshold" is "the day's probability passes it" (:func:`warned_hours`).

For each station's newest 72 h forecast and its warning levels (metres above the station
datum, set by officers), the highest level warned raises one warning (kind
``water_level``) with the expected time of the first hour warned, the peak and its time,
the lead time and the highest probability of reaching the level. Levels reached only by
the upper 95 % bound are reported in ``details`` as a possibility, not raised.

A forecast without a distribution (no ``grid``; e.g. made by other code) is taken as
normal with σ = (hi95 − lo95) / 3.92 and threshold 0.5, which is "the central forecast
reaches the level".
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from paknam.core.timeutil import english_time_s, thai_time_s, to_local_iso
from paknam.core.warnings import Signal

LEVELS = ("watch", "warning", "danger")
"""Warning levels, mildest first, with CAP severities minor, moderate, severe."""
LEVEL_NAMES = {
    "watch": ("เฝ้าระวัง", "watch"),
    "warning": ("เตือนภัย", "warning"),
    "danger": ("อันตราย", "danger"),
}
LEVEL_SEVERITY = {"watch": "minor", "warning": "moderate", "danger": "severe"}


DEFAULT_THRESHOLD = 0.5


def _normal_exceedance(
    value: np.ndarray, lo95: np.ndarray, hi95: np.ndarray, level: float
) -> np.ndarray:
    sigma = np.maximum((np.asarray(hi95) - np.asarray(lo95)) / 3.92, 1e-6)
    z = (level - np.asarray(value, dtype=float)) / (sigma * math.sqrt(2))
    return 0.5 * np.array([math.erfc(float(v)) for v in np.atleast_1d(z)])


def exceedance_probability(value: np.ndarray, grid: np.ndarray, level: float) -> np.ndarray:
    """P(observed ≥ ``level``) per hour for forecasts ``value`` (n,) [m] whose errors
    (observed − forecast) have quantiles ``grid`` (n, K) at
    :data:`~paknam.living.forecast.calibration.GRID_LEVELS` [m]: the error distribution
    is linear between its quantiles and ends at the outer ones (P = 0 or 1 beyond)."""
    from paknam.living.forecast.calibration import GRID_LEVELS

    value = np.asarray(value, dtype=float)
    grid = np.atleast_2d(np.asarray(grid, dtype=float))
    need = level - value  # the error that makes the observation reach the level
    below = (grid < need[:, None]).sum(axis=1)
    k = np.clip(below, 1, GRID_LEVELS.size - 1)
    rows = np.arange(value.size)
    q0, q1 = grid[rows, k - 1], grid[rows, k]
    frac = np.clip((need - q0) / np.where(q1 > q0, q1 - q0, 1.0), 0.0, 1.0)
    cdf = GRID_LEVELS[k - 1] + frac * (GRID_LEVELS[k] - GRID_LEVELS[k - 1])
    cdf = np.where(below == 0, 0.0, np.where(below == GRID_LEVELS.size, 1.0, cdf))
    return 1.0 - cdf


def warned_hours(probability: np.ndarray, threshold: np.ndarray | float) -> np.ndarray:
    """The warning rule: the hours whose probability of reaching the level is at least
    the threshold of their lead."""
    return np.asarray(probability) >= np.asarray(threshold) - 1e-12


def hourly_probability(forecast: Mapping[str, np.ndarray], level: float) -> np.ndarray:
    """P(level reached) per forecast hour: from ``grid`` when the forecast has one, else
    from the 95 % interval as a normal distribution."""
    if "grid" in forecast:
        return exceedance_probability(forecast["value"], forecast["grid"], level)
    return _normal_exceedance(forecast["value"], forecast["lo95"], forecast["hi95"], level)


def water_level_signal(
    station_id: str,
    name_th: str,
    name_en: str,
    issued_s: int,
    forecast: Mapping[str, np.ndarray],
    levels: Mapping[str, float],
    *,
    datum: str = "",
    district_code: str | None = None,
) -> Signal | None:
    """The warning for the highest level warned by the rule (module doc), or None.

    ``forecast`` holds ``time_s``, ``value``, ``lo95``, ``hi95`` and, from the engine,
    ``grid`` (hours, K) and ``threshold`` (hours,).
    """
    times, value = forecast["time_s"], forecast["value"]
    threshold = forecast.get("threshold", DEFAULT_THRESHOLD)
    warned = {
        k: warned_hours(hourly_probability(forecast, levels[k]), threshold)
        for k in LEVELS
        if k in levels
    }
    reached = [k for k, hours in warned.items() if hours.any()]
    possible = [k for k in LEVELS if k in levels and np.any(forecast["hi95"] >= levels[k])]
    if not reached:
        return None
    level = reached[-1]
    limit = levels[level]
    first = int(np.argmax(warned[level]))
    peak = int(np.argmax(value))
    prob = float(np.max(hourly_probability(forecast, limit)))
    lead_h = (int(times[first]) - issued_s) / 3600
    start_s, peak_s = int(times[first]), int(times[peak])
    peak_when = to_local_iso(peak_s)
    th, en = LEVEL_NAMES[level]
    dat = f" ({datum})" if datum else ""
    return Signal(
        domain="living",
        kind="water_level",
        station_id=station_id,
        severity=LEVEL_SEVERITY[level],
        headline_th=f"ระดับน้ำถึงระดับ{th} ที่{name_th} ใน {lead_h:.0f} ชั่วโมง",
        headline_en=f"Water level to reach {en} level at {name_en} in {lead_h:.0f} h",
        description_th=(
            f"พยากรณ์ระดับน้ำถึง {limit:.2f} ม.{dat} (ระดับ{th}) เวลา {thai_time_s(start_s)} "
            f"สูงสุด {value[peak]:.2f} ม. เวลา {thai_time_s(peak_s)} "
            f"โอกาสถึงระดับ{th} {prob:.0%}"
        ),
        description_en=(
            f"Forecast water level reaches {limit:.2f} m{dat} ({en} level) at "
            f"{english_time_s(start_s)}, peaking at {value[peak]:.2f} m at "
            f"{english_time_s(peak_s)}; probability of reaching the "
            f"{en} level: {prob:.0%}."
        ),
        observed_at=issued_s,
        value=float(value[peak]),
        threshold=float(limit),
        expected_at=int(times[first]),
        probability=round(prob, 3),
        district_code=district_code,
        details={
            "level": level,
            "peak_time": peak_when,
            "lead_h": lead_h,
            "levels_possible_at_95": possible,
        },
    )
