"""Pollution rose and percentile rose: concentration by wind sector and speed class.

Pure numpy. The reference for both is openair (R; Carslaw & Ropkins 2012,
doi:10.1016/j.envsoft.2011.09.008): ``pollutionRose`` shows, per wind sector, how often
each concentration interval occurs; ``percentileRose`` the concentration percentiles per
sector. Here they are numbers, not plots: a dashboard draws them.

Calm hours (wind below the calm limit) have no direction: they are counted apart
(``calm_hours``, ``calm_mean``) and are in no sector, as in openair's ``windRose``.
Conventions of sectors, speed classes and missing values:
:mod:`paknam.environment.attribution.air.wind`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from paknam.environment.attribution.air.inputs import air_series
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
    "DEFAULT_PERCENTILES",
    "MIN_HOURS_SECTOR",
    "PercentileRose",
    "PollutionRose",
    "percentile_rose",
    "pollution_rose",
]

MIN_HOURS_SECTOR = 24
"""Fewest hours in a sector before a statistic of it is reported [h]: one day's worth.
With fewer, a sector percentile or probability rests on one or two episodes (the standard
error of a 25 % share over 24 hours is already ±9 points)."""

DEFAULT_PERCENTILES: tuple[float, ...] = (25.0, 50.0, 75.0, 90.0, 95.0)
"""Percentiles of :func:`percentile_rose` (openair's default) [%]."""


@dataclass(frozen=True, slots=True)
class PollutionRose:
    """Concentration by wind sector × speed class.

    Attributes
    ----------
    sectors : tuple of Sector
    speed_classes : tuple of SpeedClass
    breaks : tuple of float
        Concentration interval edges of :attr:`frequency` [unit of the data].
    hours : numpy.ndarray of int, shape (sectors, speed classes)
        Valid, windy hours in each cell [h].
    mean : numpy.ndarray, shape (sectors, speed classes)
        Mean concentration per cell; NaN where no hour.
    sector_hours : numpy.ndarray of int, shape (sectors,)
        Windy hours per sector [h].
    sector_mean, sector_median : numpy.ndarray, shape (sectors,)
        Per sector; NaN where no hour.
    frequency : numpy.ndarray, shape (sectors, len(breaks) + 1)
        Share of all windy hours that are in the sector AND in the concentration interval
        (``< breaks[0]``, ``breaks[0]–breaks[1]`` …, ``≥ breaks[-1]``) [-]; sums to 1.
    share_of_total : numpy.ndarray, shape (sectors,)
        Sector's share of the summed windy-hour concentration [-] (openair's
        ``statistic = "prop.mean"``): above its share of hours means dirtier air.
    windy_hours, calm_hours, missing_hours : int
        Valid hours with wind ≥ the calm limit; valid calm hours; hours lacking
        concentration, speed or direction [h].
    calm_mean : float
        Mean concentration of calm hours; NaN if none.
    """

    sectors: tuple[Sector, ...]
    speed_classes: tuple[SpeedClass, ...]
    breaks: tuple[float, ...]
    hours: NDArray[np.int64]
    mean: NDArray[np.float64]
    sector_hours: NDArray[np.int64]
    sector_mean: NDArray[np.float64]
    sector_median: NDArray[np.float64]
    frequency: NDArray[np.float64]
    share_of_total: NDArray[np.float64]
    windy_hours: int
    calm_hours: int
    missing_hours: int
    calm_mean: float

    def to_frame(self) -> pd.DataFrame:
        """One row per sector × speed class: ``sector, sector_deg, speed, hours, mean``."""
        rows = [
            (
                s.code,
                s.center_deg,
                c.label,
                int(self.hours[s.index, c.index]),
                float(self.mean[s.index, c.index]),
            )
            for s in self.sectors
            for c in self.speed_classes
        ]
        return pd.DataFrame(rows, columns=["sector", "sector_deg", "speed", "hours", "mean"])


@dataclass(frozen=True, slots=True)
class PercentileRose:
    """Concentration percentiles per wind sector.

    Attributes
    ----------
    sectors : tuple of Sector
    percentiles : tuple of float
        [%].
    values : numpy.ndarray, shape (sectors, percentiles)
        Concentration at each percentile; NaN where the sector has fewer than
        ``min_hours`` hours.
    mean : numpy.ndarray, shape (sectors,)
        Mean per sector; NaN as above.
    hours : numpy.ndarray of int, shape (sectors,)
        Windy hours per sector [h].
    min_hours : int
        Fewest hours for a reported value [h].
    """

    sectors: tuple[Sector, ...]
    percentiles: tuple[float, ...]
    values: NDArray[np.float64]
    mean: NDArray[np.float64]
    hours: NDArray[np.int64]
    min_hours: int

    def to_frame(self) -> pd.DataFrame:
        """One row per sector: ``sector, sector_deg, hours, mean, p25 …``."""
        df = pd.DataFrame(self.values, columns=[f"p{p:g}" for p in self.percentiles])
        df.insert(0, "mean", self.mean)
        df.insert(0, "hours", self.hours)
        df.insert(0, "sector_deg", [s.center_deg for s in self.sectors])
        df.insert(0, "sector", [s.code for s in self.sectors])
        return df


def _grouped(values: NDArray[np.float64], group: NDArray[np.int64], n: int, fn) -> NDArray:
    """``fn`` of ``values`` per group 0..n-1; NaN for empty groups."""
    out = np.full(n, np.nan)
    for g in range(n):
        v = values[group == g]
        if v.size:
            out[g] = fn(v)
    return out


def _check_min_hours(min_hours: int) -> int:
    if isinstance(min_hours, bool) or not isinstance(min_hours, int) or min_hours < 1:
        raise AttributionError(
            f"min_hours {min_hours!r} must be a whole number ≥ 1", field="min_hours"
        )
    return min_hours


def pollution_rose(
    times: object,
    concentration: ArrayLike,
    ws_ms: ArrayLike,
    wd_deg: ArrayLike,
    *,
    n_sectors: int = N_SECTORS,
    speed_edges_ms: Sequence[float] = SPEED_EDGES_MS,
    breaks: Sequence[float] | None = None,
    station: str | None = None,
) -> PollutionRose:
    """Concentration distribution by wind sector and speed class.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times.
    concentration : array_like
        Concentration [µg/m³, ppb …]; NaN = missing.
    ws_ms : array_like
        Wind speed [m/s].
    wd_deg : array_like
        Wind direction, meteorological (from) [deg].
    n_sectors : int
        Number of sectors [-].
    speed_edges_ms : sequence of float
        Speed-class lower edges [m/s]; the first is the calm limit.
    breaks : sequence of float, optional
        Concentration interval edges (e.g. the Thai PM2.5 AQI bands 15, 25, 37.5, 75
        µg/m³); default the 25th, 50th, 75th and 90th percentiles of the valid hours.
    station : str, optional
        Station id, for messages.

    Returns
    -------
    PollutionRose
    """
    edges = tuple(speed_edges_ms)
    s = air_series(times, concentration, ws_ms, wd_deg, station=station, calm_ms=edges[0])
    secs, classes = sectors(n_sectors), speed_classes(edges)
    windy = s.windy
    c = s.conc[windy]
    sec = sector_index(s.wd[windy], n_sectors)
    spd = speed_class_index(s.ws[windy], edges)
    n_s, n_c = len(secs), len(classes)
    cell = sec * n_c + spd
    hours = np.bincount(cell, minlength=n_s * n_c).reshape(n_s, n_c)
    sums = np.bincount(cell, weights=c, minlength=n_s * n_c).reshape(n_s, n_c)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(hours > 0, sums / np.maximum(hours, 1), np.nan)
    if breaks is None:
        valid_c = s.conc[s.valid]
        qs = np.percentile(valid_c, [25, 50, 75, 90]) if valid_c.size else np.array([])
        brk = tuple(float(b) for b in np.unique(qs))
    else:
        brk = tuple(float(b) for b in breaks)
        if any(b <= a for a, b in itertools.pairwise(brk)):
            raise AttributionError(f"breaks {brk!r} must be increasing", field="breaks")
    band = np.searchsorted(np.asarray(brk), c, side="right")
    n_b = len(brk) + 1
    counts = np.bincount(sec * n_b + band, minlength=n_s * n_b).reshape(n_s, n_b)
    total = c.sum()
    calm_c = s.conc[s.calm]
    return PollutionRose(
        sectors=secs,
        speed_classes=classes,
        breaks=brk,
        hours=hours,
        mean=mean,
        sector_hours=hours.sum(axis=1),
        sector_mean=_grouped(c, sec, n_s, np.mean),
        sector_median=_grouped(c, sec, n_s, np.median),
        frequency=counts / max(c.size, 1),
        share_of_total=sums.sum(axis=1) / total if total > 0 else np.full(n_s, np.nan),
        windy_hours=int(c.size),
        calm_hours=int(calm_c.size),
        missing_hours=int((~s.valid).sum()),
        calm_mean=float(calm_c.mean()) if calm_c.size else float("nan"),
    )


def percentile_rose(
    times: object,
    concentration: ArrayLike,
    ws_ms: ArrayLike,
    wd_deg: ArrayLike,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    n_sectors: int = N_SECTORS,
    calm_ms: float = SPEED_EDGES_MS[0],
    min_hours: int = MIN_HOURS_SECTOR,
    station: str | None = None,
) -> PercentileRose:
    """Concentration percentiles per wind sector, calm hours excluded.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times.
    concentration : array_like
        Concentration; NaN = missing.
    ws_ms : array_like
        Wind speed [m/s].
    wd_deg : array_like
        Wind direction, from [deg].
    percentiles : sequence of float
        Percentiles to compute, 0–100 [%].
    n_sectors : int
        Number of sectors [-].
    calm_ms : float
        Calm limit [m/s].
    min_hours : int
        Fewest windy hours in a sector for reported values [h].
    station : str, optional
        Station id, for messages.

    Returns
    -------
    PercentileRose
    """
    ps = tuple(float(p) for p in percentiles)
    if not ps or any(not 0 <= p <= 100 for p in ps):
        raise AttributionError(f"percentiles {ps!r} must lie in 0–100 %", field="percentiles")
    min_hours = _check_min_hours(min_hours)
    s = air_series(times, concentration, ws_ms, wd_deg, station=station, calm_ms=calm_ms)
    secs = sectors(n_sectors)
    windy = s.windy
    c = s.conc[windy]
    sec = sector_index(s.wd[windy], n_sectors)
    hours = np.bincount(sec, minlength=len(secs))
    values = np.full((len(secs), len(ps)), np.nan)
    mean = np.full(len(secs), np.nan)
    for g in np.flatnonzero(hours >= min_hours):
        v = c[sec == g]
        values[g] = np.percentile(v, ps)
        mean[g] = v.mean()
    return PercentileRose(secs, ps, values, mean, hours, min_hours)
