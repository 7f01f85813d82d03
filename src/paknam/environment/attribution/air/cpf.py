"""Conditional probability function (CPF): from which wind sector do high values come?

For a wind sector θ (and optionally a speed class), ``CPF = m_θ / n_θ``: the hours with
wind from θ whose concentration is at or above a threshold, over all hours with wind from
θ (Ashbaugh, Malm & Sadeh 1985, Atmos. Environ. 19:1263; openair's ``polarPlot`` and
``percentileRose`` with ``statistic``/``method = "cpf"``). The threshold is a percentile
(default the 75th) of every valid hour, calm ones included; calm hours (wind below the calm
limit) have no direction and are counted apart. A sector with fewer than ``min_hours``
hours (a cell: ``min_hours_cell``) gets no value (NaN): too few to say.

Low wind alone raises concentrations (stagnation), whatever the direction. A sector whose
winds happen to be light would look dirty for that reason only, so each sector is compared
with what its own wind speeds lead to expect: ``expected[θ] = Σ_j n_θj · p_j / n_θ``, where
``p_j`` is the share of high hours among all windy hours of speed class ``j`` (indirect
standardisation). A sector *stands out* ("clear") when all of these hold:

1. it has at least ``min_hours`` windy hours;
2. the lower bound of the Wilson interval of its CPF is above both the baseline (the share
   of all windy hours at or above the threshold) and its expected value: more high hours
   than chance or its wind speeds explain. The intervals are simultaneous 95 % intervals
   over the sectors (Bonferroni: z = 2.95 for 16 sectors), so that with no source at all a
   sector passes this test by chance in about 1 record in 20 (not 1 in 3, as with 16
   uncorrected 95 % intervals). Hours are not independent (wind and pollution persist for
   hours), so the interval's sample size is the *effective* number of hours of a ratio
   estimator over spells (runs of consecutive hours with wind from the sector): one long
   high spell counts for little;
3. its CPF is at least :data:`CLEAR_RATIO` (1.5) × both: the effect is large, not only
   significant (hourly values are autocorrelated, so counted hours overstate the evidence
   and the interval is too narrow on its own);
4. its high hours fall on at least :data:`MIN_HIGH_DAYS` (3) different Thai local days:
   one episode does not make a source.

Of the clear sectors the *strongest* is the one with the largest ``ci_low − expected``: the
excess we are surest of, so that 25 hours do not beat 250 on a small edge.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from paknam.environment.attribution.air.inputs import air_series, local_times
from paknam.environment.attribution.air.rose import MIN_HOURS_SECTOR, _check_min_hours
from paknam.environment.attribution.air.wind import (
    N_SECTORS,
    SPEED_EDGES_MS,
    Sector,
    SpeedClass,
    sector_index,
    sectors,
    speed_class_index,
    speed_classes,
)
from paknam.environment.errors import AttributionError

__all__ = [
    "CLEAR_RATIO",
    "CPF_PERCENTILE",
    "FAMILY_CONFIDENCE",
    "MIN_HIGH_DAYS",
    "MIN_HOURS_CELL",
    "WILSON_Z",
    "CPFResult",
    "conditional_probability",
    "sector_z",
    "wilson_interval",
]

CPF_PERCENTILE = 75.0
"""Default threshold percentile [%] (the upper quartile, as in much of the CPF literature;
openair's examples use 75 or 90)."""

MIN_HOURS_CELL = 12
"""Fewest hours in a sector × speed-class cell before its CPF is reported [h]."""

CLEAR_RATIO = 1.5
"""A clear sector's CPF is at least this multiple of the baseline [-]."""

MIN_HIGH_DAYS = 3
"""A clear sector's high hours span at least this many local days [d]."""

WILSON_Z = 1.959964
"""Normal quantile of a single 95 % Wilson interval [-] (the default of
:func:`wilson_interval`; the sector intervals use :func:`sector_z`)."""

FAMILY_CONFIDENCE = 0.95
"""Simultaneous confidence of the sector intervals [-]."""


@dataclass(frozen=True, slots=True)
class CPFResult:
    """CPF per wind sector and per sector × speed class.

    Attributes
    ----------
    percentile : float
        Threshold percentile [%].
    threshold : float
        Concentration at that percentile over all valid hours [unit of the data].
    baseline : float
        Share of windy hours at or above the threshold [-]; NaN without windy hours.
    speed_baseline : numpy.ndarray, shape (speed classes,)
        Share of high hours among the windy hours of each speed class [-]; NaN if none.
    expected : numpy.ndarray, shape (sectors,)
        CPF each sector would have from its wind speeds alone [-]; NaN without hours.
    sectors : tuple of Sector
    speed_classes : tuple of SpeedClass
    hours, high_hours : numpy.ndarray of int, shape (sectors,)
        Windy hours, and those at or above the threshold, per sector [h].
    cpf, ci_low, ci_high : numpy.ndarray, shape (sectors,)
        CPF and its Wilson interval, simultaneous 95 % over the sectors [-]; NaN below
        ``min_hours``.
    high_days : numpy.ndarray of int, shape (sectors,)
        Distinct Thai local days with a high hour in the sector [d].
    runs : numpy.ndarray of int, shape (sectors,)
        Spells: runs of consecutive windy hours from the sector [-].
    effective_hours : numpy.ndarray, shape (sectors,)
        Effective number of independent hours behind the CPF, the sample size of its
        interval (module docstring) [h].
    cell_hours, cell_high_hours : numpy.ndarray of int, shape (sectors, speed classes)
    cell_cpf : numpy.ndarray, shape (sectors, speed classes)
        NaN below ``min_hours_cell``.
    clear : numpy.ndarray of bool, shape (sectors,)
        Sectors that stand out (module docstring).
    windy_hours, calm_hours, calm_high_hours, missing_hours : int
        [h].
    calm_cpf : float
        Share of calm hours at or above the threshold [-]; NaN below ``min_hours``.
    calm_effective_hours : float
        Effective number of independent calm hours (as for the sectors) [h].
    min_hours, min_hours_cell : int
        [h].
    """

    percentile: float
    threshold: float
    baseline: float
    speed_baseline: NDArray[np.float64]
    expected: NDArray[np.float64]
    sectors: tuple[Sector, ...]
    speed_classes: tuple[SpeedClass, ...]
    hours: NDArray[np.int64]
    high_hours: NDArray[np.int64]
    cpf: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    high_days: NDArray[np.int64]
    runs: NDArray[np.int64]
    effective_hours: NDArray[np.float64]
    cell_hours: NDArray[np.int64]
    cell_high_hours: NDArray[np.int64]
    cell_cpf: NDArray[np.float64]
    clear: NDArray[np.bool_]
    windy_hours: int
    calm_hours: int
    calm_high_hours: int
    missing_hours: int
    calm_cpf: float
    calm_effective_hours: float
    min_hours: int
    min_hours_cell: int

    def strongest(self) -> int | None:
        """The clear sector with the largest ``ci_low − expected`` (module docstring), or
        None when no sector is clear."""
        if not self.clear.any():
            return None
        return int(np.argmax(np.where(self.clear, self.ci_low - self.expected, -np.inf)))

    def clear_group(self, sector: int) -> tuple[int, ...]:
        """The run of adjacent clear sectors around ``sector`` (wrapping past north)."""
        n = len(self.sectors)
        if not self.clear[sector]:
            return ()
        if self.clear.all():
            return tuple(range(n))
        lo = sector
        while self.clear[(lo - 1) % n]:
            lo -= 1
        hi = sector
        while self.clear[(hi + 1) % n]:
            hi += 1
        return tuple(i % n for i in range(lo, hi + 1))

    def best_speed_class(self, sector: int) -> int | None:
        """Speed class with the highest reported CPF in ``sector`` (ties: the one with more
        hours), or None when no cell of the sector is reported."""
        row = self.cell_cpf[sector]
        if np.isnan(row).all():
            return None
        top = np.flatnonzero(row == np.nanmax(row))
        return int(top[np.argmax(self.cell_hours[sector, top])])

    def to_frame(self) -> pd.DataFrame:
        """One row per sector: ``sector, sector_deg, hours, high_hours, cpf, expected,
        ci_low, ci_high, high_days, clear``."""
        return pd.DataFrame(
            {
                "sector": [s.code for s in self.sectors],
                "sector_deg": [s.center_deg for s in self.sectors],
                "hours": self.hours,
                "high_hours": self.high_hours,
                "cpf": self.cpf,
                "expected": self.expected,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "high_days": self.high_days,
                "clear": self.clear,
            }
        )


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, z: float = WILSON_Z
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval of a proportion; NaN where ``trials`` is 0.

    Parameters
    ----------
    successes, trials : array_like of int
        Counts [-].
    z : float
        Normal quantile (1.96 for 95 %) [-].

    Returns
    -------
    low, high : numpy.ndarray
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z**2 / n
        mid = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
    low, high = mid - half, mid + half
    low = np.where(n > 0, np.clip(low, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(high, 0.0, 1.0), np.nan)
    return low, high


def sector_z(n_sectors: int, confidence: float = FAMILY_CONFIDENCE) -> float:
    """Normal quantile of Bonferroni-adjusted two-sided intervals over ``n_sectors`` [-]."""
    return float(stats.norm.ppf(1 - (1 - confidence) / (2 * n_sectors)))


def _spells(
    times: pd.DatetimeIndex, sec: NDArray[np.int64], hi: NDArray[np.bool_], n_s: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Spells per sector and the effective number of independent hours of each sector.

    A spell is a run of consecutive records in the same sector (a gap in time, a calm or
    missing hour, or another sector ends it). The CPF is a ratio estimator over spells; its
    variance ``R/(R−1) · Σ(k_i − p·n_i)² / (Σn_i)²`` (``n_i`` hours and ``k_i`` high hours
    of spell ``i``, ``R`` spells) gives the effective size ``p(1−p)/var``, between 1 and the
    hours: equal to the hours when every spell is one hour, far fewer when one long spell
    carries the high values.
    """
    runs = np.zeros(n_s, dtype=np.int64)
    n_eff = np.zeros(n_s)
    if sec.size == 0:
        return runs, n_eff
    ns = times.asi8
    order = np.argsort(ns, kind="stable")
    ns, sec, hi = ns[order], sec[order], hi[order]
    step = np.diff(ns)
    positive = step[step > 0]
    spacing = float(np.median(positive)) if positive.size else 3.6e12
    new = np.ones(sec.size, dtype=bool)
    new[1:] = (sec[1:] != sec[:-1]) | (step > 1.5 * spacing)
    spell = np.cumsum(new) - 1
    n_i = np.bincount(spell)
    k_i = np.bincount(spell, weights=hi.astype(float))
    s_i = sec[new]
    runs = np.bincount(s_i, minlength=n_s)
    for g in np.flatnonzero(runs):
        n, k, r = n_i[s_i == g], k_i[s_i == g], int(runs[g])
        p = k.sum() / n.sum()
        var = r / (r - 1) * ((k - p * n) ** 2).sum() / n.sum() ** 2 if r > 1 else 0.0
        eff = p * (1 - p) / var if var > 0 and 0 < p < 1 else float(r)
        n_eff[g] = min(max(eff, 1.0), float(n.sum()))
    return runs, n_eff


def _ratio(k: NDArray, n: NDArray, min_n: int) -> NDArray[np.float64]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= min_n, k / np.maximum(n, 1), np.nan)


def conditional_probability(
    times: object,
    concentration: ArrayLike,
    ws_ms: ArrayLike,
    wd_deg: ArrayLike,
    *,
    percentile: float = CPF_PERCENTILE,
    threshold: float | None = None,
    n_sectors: int = N_SECTORS,
    speed_edges_ms: Sequence[float] = SPEED_EDGES_MS,
    min_hours: int = MIN_HOURS_SECTOR,
    min_hours_cell: int = MIN_HOURS_CELL,
    station: str | None = None,
) -> CPFResult:
    """CPF per wind sector and per sector × speed class, calm hours excluded.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times.
    concentration : array_like
        Concentration; NaN = missing.
    ws_ms : array_like
        Wind speed [m/s].
    wd_deg : array_like
        Wind direction, meteorological (from) [deg].
    percentile : float
        Threshold percentile of all valid hours, 0–100 [%].
    threshold : float, optional
        A fixed threshold instead (e.g. 37.5 µg/m³ PM2.5) [unit of the data];
        ``percentile`` is then only reported.
    n_sectors : int
        Number of sectors [-].
    speed_edges_ms : sequence of float
        Speed-class lower edges [m/s]; the first is the calm limit.
    min_hours, min_hours_cell : int
        Fewest hours in a sector / a cell for a reported CPF [h].
    station : str, optional
        Station id, for messages.

    Returns
    -------
    CPFResult
    """
    ok = isinstance(percentile, numbers.Real) and not isinstance(percentile, bool)
    if not (ok and 0 < percentile < 100):
        raise AttributionError(f"percentile {percentile!r} must lie in 0–100 %", field="percentile")
    min_hours, min_hours_cell = _check_min_hours(min_hours), _check_min_hours(min_hours_cell)
    edges = tuple(speed_edges_ms)
    s = air_series(times, concentration, ws_ms, wd_deg, station=station, calm_ms=edges[0])
    secs, classes = sectors(n_sectors), speed_classes(edges)
    n_s, n_c = len(secs), len(classes)
    valid = s.valid
    if threshold is None:
        thr = float(np.percentile(s.conc[valid], percentile)) if valid.any() else math.nan
    elif not math.isfinite(threshold):
        raise AttributionError(f"threshold {threshold!r} must be finite", field="threshold")
    else:
        thr = float(threshold)
    high = valid & (s.conc >= thr)
    windy, calm = s.windy, s.calm
    sec = sector_index(s.wd[windy], n_sectors)
    spd = speed_class_index(s.ws[windy], edges)
    hi = high[windy]
    hours = np.bincount(sec, minlength=n_s)
    high_hours = np.bincount(sec[hi], minlength=n_s)
    cell = sec * n_c + spd
    cell_hours = np.bincount(cell, minlength=n_s * n_c).reshape(n_s, n_c)
    cell_high = np.bincount(cell[hi], minlength=n_s * n_c).reshape(n_s, n_c)
    cpf = _ratio(high_hours, hours, min_hours)
    # calm hours are group n_s: their spells give the calm share's effective size too
    group = np.where(calm, n_s, -1)
    group[windy] = sec
    both = windy | calm
    runs, n_eff = _spells(s.times[both], group[both], high[both], n_s + 1)
    runs, n_eff, calm_eff = runs[:n_s], n_eff[:n_s], float(n_eff[n_s])
    low, upp = wilson_interval(np.nan_to_num(cpf) * n_eff, n_eff, sector_z(n_s))
    low = np.where(np.isnan(cpf), np.nan, low)
    upp = np.where(np.isnan(cpf), np.nan, upp)
    days = local_times(s.times[windy]).normalize()
    high_days = np.array([days[hi & (sec == g)].nunique() for g in range(n_s)], dtype=np.int64)
    n_windy = int(windy.sum())
    baseline = float(hi.sum() / n_windy) if n_windy else math.nan
    class_hours = cell_hours.sum(axis=0)
    speed_base = _ratio(cell_high.sum(axis=0), class_hours, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = (cell_hours * np.nan_to_num(speed_base)).sum(axis=1) / hours
        bar = np.fmax(expected, baseline)
        clear = (
            (hours >= min_hours)
            & (low > bar)
            & (cpf >= CLEAR_RATIO * bar)
            & (high_days >= MIN_HIGH_DAYS)
        )
    n_calm, n_calm_high = int(calm.sum()), int((calm & high).sum())
    return CPFResult(
        percentile=float(percentile),
        threshold=thr,
        baseline=baseline,
        speed_baseline=speed_base,
        expected=expected,
        sectors=secs,
        speed_classes=classes,
        hours=hours,
        high_hours=high_hours,
        cpf=cpf,
        ci_low=low,
        ci_high=upp,
        high_days=high_days,
        runs=runs,
        effective_hours=n_eff,
        cell_hours=cell_hours,
        cell_high_hours=cell_high,
        cell_cpf=_ratio(cell_high, cell_hours, min_hours_cell),
        clear=clear,
        windy_hours=n_windy,
        calm_hours=n_calm,
        calm_high_hours=n_calm_high,
        missing_hours=int((~valid).sum()),
        calm_cpf=n_calm_high / n_calm if n_calm >= min_hours else math.nan,
        calm_effective_hours=calm_eff,
        min_hours=min_hours,
        min_hours_cell=min_hours_cell,
    )
