"""Rolling means of hourly air-quality data for the Thai AQI, and the hourly AQI chain.

Pure numpy. Two kinds of mean:

- :func:`rolling_mean`: float means, for display and analysis;
- :func:`rolling_mean_units`: the AQI input, exact: hourly values are read at
  :data:`HOURLY_DECIMALS` (3) decimals as integers, summed exactly, and the mean is rounded
  half up to the table's precision, so the result equals the same computation in
  :class:`decimal.Decimal` (a float mean of 23 × 10.0 and 11.2 is 10.04999…, the exact
  one 10.05, shown 10.1).

Conventions
-----------
- Time is the **last axis**; the series must be regular hourly with gaps as NaN (reindex
  to a full hourly range first). Labels are hour-ending, as air4thai's: the mean at index
  ``t`` covers hours ``t − window + 1 … t``; the first hours use the shorter window so far.
- Minimum valid hours (:data:`MIN_VALID_HOURS`): 18 of 24 for PM2.5 and PM10, 6 of 8 for O3
  and CO, 1 of 1 for NO2 and SO2. That is 75 % of the window, the usual data-capture rule
  (US EPA 40 CFR 50 App. N for 24 h PM2.5, App. U for 8 h ozone); PCD does not publish its
  own. With fewer valid hours the mean is missing rather than biased towards the hours that
  happen to be there (a monitor down at night would otherwise report a daytime mean).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from paknam.environment.aqi.array import (
    MISSING,
    AQIArrays,
    _float_to_int,
    _sub_index_from_units,
    _validate,
    aqi_array,
)
from paknam.environment.aqi.index import normalize_pollutant, table_on
from paknam.environment.aqi.tables import POLLUTANTS, TIE_ORDER_PCD
from paknam.environment.errors import AQIError

__all__ = [
    "HOURLY_DECIMALS",
    "MIN_VALID_HOURS",
    "aqi_from_hourly",
    "rolling_mean",
    "rolling_mean_units",
]

MIN_VALID_HOURS: MappingProxyType[int, int] = MappingProxyType({24: 18, 8: 6, 1: 1})
"""Fewest valid hours for a mean, by window length [h] (75 % of the window)."""

HOURLY_DECIMALS = 3
"""Decimals kept from hourly values before exact averaging."""


def _window_sums(a: NDArray, window: int, dtype: type = np.int64) -> NDArray:
    """Trailing sums over ``window`` along the last axis (shorter at the start)."""
    c: NDArray = np.cumsum(a, axis=-1, dtype=dtype)
    s = c.copy()
    s[..., window:] -= c[..., :-window]
    return s


def _min_valid(window_h: int, min_valid: int | None) -> int:
    if window_h < 1:
        raise AQIError(f"window of {window_h} h; it must be 1 h or more")
    m = (
        MIN_VALID_HOURS.get(window_h, math.ceil(0.75 * window_h))
        if min_valid is None
        else min_valid
    )
    if not 1 <= m <= window_h:
        raise AQIError(f"min_valid {m} must be between 1 and the window, {window_h} h")
    return m


def rolling_mean(
    hourly: ArrayLike, window_h: int, *, min_valid: int | None = None
) -> NDArray[np.float64]:
    """Trailing rolling mean of an hourly series with gaps (float, for display/analysis).

    Parameters
    ----------
    hourly : array_like
        Hourly values, time on the last axis, NaN (or ±inf) = missing [any unit].
    window_h : int
        Window length [h]: 24 (PM), 8 (O3, CO) or 1 (NO2, SO2).
    min_valid : int, optional
        Fewest valid hours for a mean; default :data:`MIN_VALID_HOURS` (75 %).

    Returns
    -------
    numpy.ndarray of float64
        Mean over hours ``t − window_h + 1 … t`` [unit of ``hourly``]; NaN where fewer
        than ``min_valid`` valid hours (also the first hours of the series).
    """
    m = _min_valid(window_h, min_valid)
    x = np.asarray(hourly, dtype=np.float64)
    valid = np.isfinite(x)
    sums = np.cumsum(np.where(valid, x, 0.0), axis=-1)
    sums[..., window_h:] -= sums[..., :-window_h].copy()
    counts = _window_sums(valid, window_h, np.int32)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts >= m, sums / counts, np.nan)


def rolling_mean_units(
    pollutant: str,
    hourly: ArrayLike,
    *,
    date: dt.date | None = None,
    min_valid: int | None = None,
    hourly_decimals: int = HOURLY_DECIMALS,
) -> NDArray[np.int64]:
    """Exact AQI input from hourly data: the pollutant's rolling mean, in table steps.

    Parameters
    ----------
    pollutant : str
        Pollutant key or name; sets the window (24, 8 or 1 h).
    hourly : array_like
        Hourly concentrations, time on the last axis, NaN = missing [µg/m³, ppb or ppm].
    date : datetime.date, optional
        Selects the table (precision) [Asia/Bangkok]; default today.
    min_valid : int, optional
        Fewest valid hours; default :data:`MIN_VALID_HOURS`.
    hourly_decimals : int
        Decimals kept from each hourly value (rounded half up) before summing, 0 to 6.

    Returns
    -------
    numpy.ndarray of int64
        Mean rounded half up to the table's precision, in steps (tenths of µg/m³ for
        PM2.5); :data:`MISSING` where fewer than ``min_valid`` valid hours.
    """
    if not 0 <= hourly_decimals <= 6:
        raise AQIError(f"hourly_decimals {hourly_decimals} must be between 0 and 6")
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    window = POLLUTANTS[key].averaging_h
    m = _min_valid(window, min_valid)
    x = np.asarray(hourly, dtype=np.float64)
    valid = _validate(key, x)
    h = _float_to_int(x, valid, hourly_decimals)
    sums = _window_sums(h, window)
    counts = _window_sums(valid, window, np.int32)
    ok = counts >= m
    # mean [steps] = sums / counts × 10**(d − hourly_decimals), rounded half up
    f = 10 ** table.scales[key].decimals
    q = 10**hourly_decimals
    den = 2 * q * np.maximum(counts, 1)
    out = (2 * f * sums + den // 2) // den
    out[~ok] = MISSING
    return out


def aqi_from_hourly(
    hourly: Mapping[str, ArrayLike],
    *,
    date: dt.date | None = None,
    tie_order: Sequence[str] = TIE_ORDER_PCD,
    hourly_decimals: int = HOURLY_DECIMALS,
) -> AQIArrays:
    """Hourly AQI from hourly concentrations: rolling means, sub-indices, overall.

    Parameters
    ----------
    hourly : Mapping[str, array_like]
        Hourly concentration per pollutant, time on the last axis (e.g. stations × hours),
        NaN = missing: PM2.5, PM10 [µg/m³]; O3, NO2, SO2 [ppb]; CO [ppm].
    date : datetime.date, optional
        Selects the table for the whole array [Asia/Bangkok]; default today. Split series
        that cross 2023-06-01.
    tie_order : sequence of str
        Pollutant named on ties, first wins.
    hourly_decimals : int
        Decimals kept from each hourly value.

    Returns
    -------
    AQIArrays
        Per hour; missing where no pollutant has enough valid hours.
    """
    table = table_on(date)
    subs = {}
    for name, x in hourly.items():
        key = normalize_pollutant(name, table)
        units = rolling_mean_units(key, x, date=date, hourly_decimals=hourly_decimals)
        subs[key] = _sub_index_from_units(table.scales[key], units)
    return aqi_array(subs, tie_order=tie_order, table=table.key)
