"""Do nearby stations agree? Regional haze versus a local source.

When a whole region is hazy (the dry-season PM2.5 of central and eastern Thailand, from
biomass burning and a shallow mixing layer), stations tens of kilometres apart rise and
fall together; a local source (a factory, a road, a fire next door) lifts one station
alone. Two measures, for one station against its neighbours (the caller chooses which
stations are "nearby"):

- **correlation**: Pearson's r of the hourly series with each neighbour over the hours both
  have (at least ``min_overlap_hours``), summarised as the median over neighbours;
- **shared high hours**: of the station's high hours (at or above its own ``percentile``,
  or a fixed threshold), the share in which at least half of the neighbours with a value
  that hour are high too (each against its own threshold).

Verdict (thresholds are paknam's judgement, documented so they can be argued with):

- ``"regional"``: median r ≥ :data:`REGIONAL_MIN_R` (0.7: half the variance in common)
  and shared ≥ :data:`REGIONAL_MIN_SHARED` (0.6, more than twice the 0.25 expected by chance
  with a 75th-percentile threshold);
- ``"local"``: median r < :data:`LOCAL_MAX_R` (0.5) or shared < :data:`LOCAL_MAX_SHARED`
  (0.4, near chance);
- ``"mixed"``: in between; ``"unknown"``: no neighbour with enough overlapping hours, or
  fewer than :data:`MIN_HIGH_HOURS` high hours to judge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from paknam.environment.attribution.air.wind import as_times
from paknam.environment.errors import AttributionError

__all__ = [
    "LOCAL_MAX_R",
    "LOCAL_MAX_SHARED",
    "MIN_HIGH_HOURS",
    "MIN_OVERLAP_HOURS",
    "REGIONAL_MIN_R",
    "REGIONAL_MIN_SHARED",
    "StationAgreement",
    "station_agreement",
]

REGIONAL_MIN_R = 0.7
REGIONAL_MIN_SHARED = 0.6
LOCAL_MAX_R = 0.5
LOCAL_MAX_SHARED = 0.4
MIN_OVERLAP_HOURS = 168
"""Fewest hours two stations share before their correlation is reported [h] (one week)."""
MIN_HIGH_HOURS = 24
"""Fewest high hours of the station, with a neighbour's value, for a verdict [h]."""


@dataclass(frozen=True, slots=True)
class StationAgreement:
    """Agreement of one station with its neighbours.

    Attributes
    ----------
    station : str
    neighbours : tuple of str
    correlation : Mapping of str to float
        Pearson r with each neighbour [-]; NaN below ``min_overlap_hours``.
    overlap_hours : Mapping of str to int
        Hours with values at both [h].
    median_r : float
        Median of the reported correlations [-]; NaN if none.
    threshold : float
        The station's high threshold [unit of the data].
    high_hours : int
        The station's high hours at which at least one neighbour has a value [h].
    shared_hours : int
        Of those, hours where at least half the neighbours with a value are high [h].
    shared_share : float
        ``shared_hours / high_hours`` [-]; NaN without high hours.
    verdict : str
        ``"regional"``, ``"local"``, ``"mixed"`` or ``"unknown"``.
    """

    station: str
    neighbours: tuple[str, ...]
    correlation: Mapping[str, float]
    overlap_hours: Mapping[str, int]
    median_r: float
    threshold: float
    high_hours: int
    shared_hours: int
    shared_share: float
    verdict: str


def _frame(series: Mapping[str, pd.Series]) -> pd.DataFrame:
    cols = {}
    for sid, s in series.items():
        if not isinstance(s, pd.Series):
            raise AttributionError(
                f"series of station {sid!r} is a {type(s).__name__}; give a pandas Series "
                "with a timezone-aware DatetimeIndex",
                field="series",
            )
        idx = as_times(s.index, what=f"times of station {sid}").tz_convert("UTC")
        if idx.has_duplicates:
            t = idx[idx.duplicated()][0]
            raise AttributionError(
                f"station {sid} has two values at {t.isoformat()}; one value per hour",
                field="series",
            )
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        if (v < 0).any():
            i = int(np.flatnonzero(v < 0)[0])
            raise AttributionError(
                f"station {sid} value {v[i]:g} at {idx[i].isoformat()} is below 0",
                field="series",
            )
        cols[sid] = pd.Series(v, index=idx)
    return pd.DataFrame(cols)


def _thresholds(
    df: pd.DataFrame, percentile: float, threshold: float | Mapping[str, float] | None
) -> pd.Series:
    if threshold is None:
        if not 0 < percentile < 100:
            raise AttributionError(
                f"percentile {percentile!r} must lie in 0–100 %", field="percentile"
            )
        return df.quantile(percentile / 100.0)
    if isinstance(threshold, Mapping):
        missing = [c for c in df.columns if c not in threshold]
        if missing:
            raise AttributionError(
                f"threshold has no value for station(s) {', '.join(missing)}", field="threshold"
            )
        return pd.Series({c: float(threshold[c]) for c in df.columns})
    return pd.Series(float(threshold), index=df.columns)


def _verdict(median_r: float, shared: float, high_hours: int) -> str:
    if math.isnan(median_r) or math.isnan(shared) or high_hours < MIN_HIGH_HOURS:
        return "unknown"
    if median_r >= REGIONAL_MIN_R and shared >= REGIONAL_MIN_SHARED:
        return "regional"
    if median_r < LOCAL_MAX_R or shared < LOCAL_MAX_SHARED:
        return "local"
    return "mixed"


def station_agreement(
    series: Mapping[str, pd.Series],
    station: str,
    *,
    percentile: float = 75.0,
    threshold: float | Mapping[str, float] | None = None,
    min_overlap_hours: int = MIN_OVERLAP_HOURS,
) -> StationAgreement:
    """Correlation and shared high hours of ``station`` with the other series.

    Parameters
    ----------
    series : Mapping of str to pandas.Series
        Hourly concentration per station id (the station itself and its neighbours),
        indexed by timezone-aware times (aligned on the exact time); NaN = missing.
    station : str
        The station judged; every other key is a neighbour.
    percentile : float
        High = at or above this percentile of each station's own series [%].
    threshold : float or Mapping of str to float, optional
        A fixed high threshold instead, one for all or per station [unit of the data].
    min_overlap_hours : int
        Fewest shared hours for a correlation [h].

    Returns
    -------
    StationAgreement
    """
    if station not in series:
        raise AttributionError(
            f"station {station!r} is not among the series ({', '.join(map(str, series))})",
            field="station",
        )
    df = _frame(series)
    neighbours = tuple(c for c in df.columns if c != station)
    if not neighbours:
        raise AttributionError(
            f"no neighbour given for station {station}: pass at least one other series",
            field="series",
        )
    thr = _thresholds(df, percentile, threshold)
    x = df[station]
    corr: dict[str, float] = {}
    overlap: dict[str, int] = {}
    for sid in neighbours:
        both = x.notna() & df[sid].notna()
        overlap[sid] = int(both.sum())
        a, b = x[both].to_numpy(), df.loc[both, sid].to_numpy()
        ok = overlap[sid] >= min_overlap_hours and a.std() > 0 and b.std() > 0
        corr[sid] = float(np.corrcoef(a, b)[0, 1]) if ok else math.nan
    rs = [r for r in corr.values() if not math.isnan(r)]
    median_r = float(np.median(rs)) if rs else math.nan
    others = df[list(neighbours)]
    have = others.notna().sum(axis=1).to_numpy()
    high_others = (others.ge(thr[list(neighbours)], axis=1) & others.notna()).sum(axis=1)
    high = (x >= thr[station]).to_numpy() & (have > 0)
    shared = high & (high_others.to_numpy() >= np.ceil(have / 2))
    n_high, n_shared = int(high.sum()), int(shared.sum())
    share = n_shared / n_high if n_high else math.nan
    return StationAgreement(
        station=station,
        neighbours=neighbours,
        correlation=MappingProxyType(corr),
        overlap_hours=MappingProxyType(overlap),
        median_r=median_r,
        threshold=float(thr[station]),
        high_hours=n_high,
        shared_hours=n_shared,
        shared_share=share,
        verdict=_verdict(median_r, share, n_high) if rs else "unknown",
    )
