"""Diurnal (hour of day) and weekly (day of week) profiles, Asia/Bangkok, with intervals.

A morning and evening peak on weekdays points to traffic; a night peak to a shallow
boundary layer trapping local emissions (or night-time burning); no daily cycle and no
weekday effect to a distant or regional source.

- **Diurnal**: the mean of every valid hour with that local hour of day; the interval is
  Student's t over those hours (one per day, 24 h apart, so close to independent).
- **Weekly**: hourly values are first averaged to daily means (a day needs
  :data:`MIN_HOURS_PER_DAY` = 18 valid hours, 75 %, the rule of the 24-h AQI mean), then
  the daily means of each weekday are averaged, with Student's t over days. Hours within a
  day are strongly autocorrelated: an interval over hours would be far too narrow.
- ``hour_ending=True`` shifts air4thai's hour-ending labels back one hour first, so that
  hour 0 is 00:00–01:00 local time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from paknam.environment.attribution.air.inputs import air_series, local_times
from paknam.environment.errors import AttributionError

__all__ = [
    "MIN_HOURS_PER_DAY",
    "WEEKDAYS_EN",
    "WEEKDAYS_TH",
    "Profile",
    "diurnal_profile",
    "weekly_profile",
]

MIN_HOURS_PER_DAY = 18
"""Fewest valid hours for a daily mean [h] (75 % of 24, as for the 24-h PM2.5 AQI)."""

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


@dataclass(frozen=True, slots=True)
class Profile:
    """Mean concentration per hour of day or per day of week, with a confidence interval.

    Attributes
    ----------
    kind : str
        ``"diurnal"`` (labels 0–23, local hour) or ``"weekly"`` (0 = Monday … 6 = Sunday).
    labels : tuple of int
    names_en, names_th : tuple of str
        ``"07:00"`` … or the weekday names.
    n : numpy.ndarray of int
        Values averaged: hours (diurnal) or days (weekly) [-].
    mean, ci_low, ci_high : numpy.ndarray
        Mean and its interval; NaN below ``min_n`` (interval also NaN for n < 2).
    median : numpy.ndarray
        Median of the same values; NaN below ``min_n``.
    confidence : float
        Interval level [-], e.g. 0.95.
    min_n : int
        Fewest values for a reported mean [-].
    """

    kind: str
    labels: tuple[int, ...]
    names_en: tuple[str, ...]
    names_th: tuple[str, ...]
    n: NDArray[np.int64]
    mean: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    median: NDArray[np.float64]
    confidence: float
    min_n: int

    def peak(self) -> int | None:
        """Label with the highest mean, or None without any reported mean."""
        return None if np.isnan(self.mean).all() else int(np.nanargmax(self.mean))

    def trough(self) -> int | None:
        """Label with the lowest mean, or None."""
        return None if np.isnan(self.mean).all() else int(np.nanargmin(self.mean))

    def peak_is_clear(self) -> bool:
        """True when the peak's interval lies wholly above the trough's: a real cycle."""
        p, t = self.peak(), self.trough()
        if p is None or t is None or p == t:
            return False
        return bool(self.ci_low[p] > self.ci_high[t])

    def to_frame(self) -> pd.DataFrame:
        """One row per label: ``label, name_en, name_th, n, mean, ci_low, ci_high, median``."""
        return pd.DataFrame(
            {
                "label": self.labels,
                "name_en": self.names_en,
                "name_th": self.names_th,
                "n": self.n,
                "mean": self.mean,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "median": self.median,
            }
        )


def _check(confidence: float, min_n: int) -> None:
    if not (isinstance(confidence, float) and 0 < confidence < 1):
        raise AttributionError(
            f"confidence {confidence!r} must lie strictly between 0 and 1 (e.g. 0.95)",
            field="confidence",
        )
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise AttributionError(f"min_n {min_n!r} must be a whole number ≥ 1", field="min_n")


def _profile(
    kind: str,
    values: NDArray[np.float64],
    group: NDArray[np.int64],
    labels: tuple[int, ...],
    names: tuple[tuple[str, ...], tuple[str, ...]],
    confidence: float,
    min_n: int,
) -> Profile:
    k = len(labels)
    n = np.bincount(group, minlength=k)
    mean, low, high, median = (np.full(k, np.nan) for _ in range(4))
    for g in np.flatnonzero(n >= min_n):
        v = values[group == g]
        mean[g], median[g] = v.mean(), np.median(v)
        if v.size >= 2:
            sd = v.std(ddof=1)
            half = float(stats.t.ppf(0.5 + confidence / 2, v.size - 1)) * sd / math.sqrt(v.size)
            low[g], high[g] = mean[g] - half, mean[g] + half
    return Profile(kind, labels, names[0], names[1], n, mean, low, high, median, confidence, min_n)


def diurnal_profile(
    times: object,
    concentration: ArrayLike,
    *,
    hour_ending: bool = False,
    confidence: float = 0.95,
    min_n: int = 5,
    station: str | None = None,
) -> Profile:
    """Mean concentration per local hour of day (Asia/Bangkok) with a t interval.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times.
    concentration : array_like
        Concentration; NaN = missing.
    hour_ending : bool
        Labels are hour-ending (air4thai): shift back one hour first.
    confidence : float
        Interval level [-].
    min_n : int
        Fewest hours for a reported mean [-].
    station : str, optional
        Station id, for messages.

    Returns
    -------
    Profile
    """
    _check(confidence, min_n)
    s = air_series(times, concentration, station=station)
    ok = np.isfinite(s.conc)
    hours = local_times(s.times, hour_ending=hour_ending).hour.to_numpy()[ok]
    names = tuple(f"{h:02d}:00" for h in range(24))
    labels = tuple(range(24))
    return _profile("diurnal", s.conc[ok], hours, labels, (names, names), confidence, min_n)


def weekly_profile(
    times: object,
    concentration: ArrayLike,
    *,
    hour_ending: bool = False,
    confidence: float = 0.95,
    min_n: int = 2,
    min_hours_per_day: int = MIN_HOURS_PER_DAY,
    station: str | None = None,
) -> Profile:
    """Mean of daily means per local day of week (0 = Monday) with a t interval over days.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times (hourly).
    concentration : array_like
        Concentration; NaN = missing.
    hour_ending : bool
        Labels are hour-ending (air4thai): shift back one hour first.
    confidence : float
        Interval level [-].
    min_n : int
        Fewest days for a reported mean [-].
    min_hours_per_day : int
        Fewest valid hours for a daily mean [h].
    station : str, optional
        Station id, for messages.

    Returns
    -------
    Profile
    """
    _check(confidence, min_n)
    s = air_series(times, concentration, station=station)
    ok = np.isfinite(s.conc)
    day = local_times(s.times, hour_ending=hour_ending)[ok].normalize()
    daily = pd.Series(s.conc[ok], index=day).groupby(level=0).agg(["mean", "count"])
    daily = daily[daily["count"] >= min_hours_per_day]
    weekday = pd.DatetimeIndex(daily.index).day_of_week.to_numpy().astype(np.int64)
    values = daily["mean"].to_numpy(dtype=float)
    labels = tuple(range(7))
    return _profile(
        "weekly", values, weekday, labels, (WEEKDAYS_EN, WEEKDAYS_TH), confidence, min_n
    )
