"""Thai AQI over arrays (e.g. stations × hours), with numpy.

Pure and exact: every result equals the scalar :func:`paknam.environment.aqi.index.sub_index`
(exact decimal arithmetic) for the same input. The trick is integer arithmetic:
concentrations become whole numbers of the table's step (0.1 µg/m³ for PM2.5, 1 ppb for
O3 …, "units" below); the interpolation is done once per step, with integer floor
division rounding half up, into a lookup table that arrays are indexed into.

- NaN means *missing*, never an error, and gives :data:`MISSING` (−1) in integer results
  (the scalar functions reject NaN: there a missing pollutant is None).
- Negative or infinite values raise
  :class:`~paknam.environment.errors.InvalidConcentrationError` naming the pollutant,
  the value and its position.
- A float is read as its shortest ``repr``, like the scalar path: 39.3 is 39.3.

Rolling means from hourly data are in :mod:`paknam.environment.aqi.rolling`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from paknam.environment.aqi.index import (
    CONCENTRATION_CLAMP,
    _check_tie_order,
    normalize_pollutant,
    table_on,
)
from paknam.environment.aqi.tables import (
    AQI_MAX,
    POLLUTANT_KEYS,
    POLLUTANTS,
    TIE_ORDER_PCD,
    PollutantScale,
)
from paknam.environment.errors import AQIError, InvalidConcentrationError

__all__ = [
    "MISSING",
    "AQIArrays",
    "aqi_array",
    "aqi_from_concentrations",
    "sub_index_array",
    "sub_index_units",
    "to_units",
    "units_to_concentration",
]

MISSING = -1
"""Integer results' marker for "no value" (NaN input or too few valid hours)."""

_CLAMP = float(CONCENTRATION_CLAMP)


def _validate(pollutant: str, x: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Return the valid (not NaN) mask; raise on negative or infinite values."""
    if (x < 0).any() or np.isinf(x).any():  # comparisons with NaN are False, no warning
        bad = (x < 0) | np.isinf(x)
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        value = float(x[where])
        p = POLLUTANTS[pollutant]
        why = "is not finite" if math.isinf(value) else "is below 0"
        raise InvalidConcentrationError(
            pollutant,
            value,
            f"{p.label} value {value!r} {p.unit} at index {where} {why} "
            f"({int(bad.sum())} such values); valid range is 0 ≤ value, NaN for missing",
        )
    return ~np.isnan(x)


def _float_to_int(
    x: NDArray[np.float64], valid: NDArray[np.bool_], decimals: int
) -> NDArray[np.int64]:
    """Round non-negative floats half up to ``decimals``, as whole steps, exactly as
    ``Decimal(repr(v)).quantize(…, ROUND_HALF_UP)`` would; 0 where not ``valid``."""
    y = np.multiply(x, 10.0**decimals)
    np.copyto(y, 0.0, where=~valid)
    np.minimum(y, _CLAMP * 10.0**decimals, out=y)
    k = y + 0.5
    np.floor(k, out=k)
    # |y − k| is 0.5 at a half step; a float within rounding error of one may fall either
    # side of it, so those few are decided exactly. One tolerance for the whole array,
    # loose enough for its largest value (a looser tolerance only sends more to Decimal).
    tol = 1e-12 * max(1.0, float(k.max(initial=0.0)))
    np.subtract(y, k, out=y)
    np.abs(y, out=y)  # in [0, 0.5]
    near = y >= 0.5 - tol
    if near.any():
        step = Decimal(1).scaleb(-decimals)
        k[near] = [
            float(Decimal(repr(float(v))).quantize(step, ROUND_HALF_UP).scaleb(decimals))
            for v in np.minimum(x[near], _CLAMP)
        ]
    return k.astype(np.int64)


def to_units(
    pollutant: str, values: ArrayLike, *, date: dt.date | None = None
) -> NDArray[np.int64]:
    """Concentrations as whole steps of the table's precision, rounded half up.

    Parameters
    ----------
    pollutant : str
        Pollutant key or name.
    values : array_like
        Averaged concentrations [µg/m³, ppb or ppm]; NaN = missing.
    date : datetime.date, optional
        Selects the table [Asia/Bangkok]; default today.

    Returns
    -------
    numpy.ndarray of int64
        Steps of 10**-decimals (tenths for PM2.5 and CO); :data:`MISSING` where NaN.
    """
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    x = np.asarray(values, dtype=np.float64)
    valid = _validate(key, x)
    out = _float_to_int(x, valid, table.scales[key].decimals)
    out[~valid] = MISSING
    return out


def units_to_concentration(
    pollutant: str, units: ArrayLike, *, date: dt.date | None = None
) -> NDArray[np.float64]:
    """Inverse of :func:`to_units`: steps back to concentrations (NaN where missing)."""
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    u = np.asarray(units, dtype=np.int64)
    return np.where(u >= 0, u / 10.0 ** table.scales[key].decimals, np.nan)


def _formula(scale: PollutantScale, u: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sub-index of concentrations in table steps (``u`` ≥ 0), in integer arithmetic."""
    f = 10**scale.decimals
    lo = np.array([int(b.conc_lo * f) for b in scale.bands], dtype=np.int64)
    hi = np.array([int(b.conc_hi * f) for b in scale.bands], dtype=np.int64)
    ilo = np.array([b.aqi_lo for b in scale.bands], dtype=np.int64)
    ihi = np.array([b.aqi_hi for b in scale.bands], dtype=np.int64)
    band = np.searchsorted(hi, u, side="left")
    b = np.minimum(band, len(hi) - 1)
    d_x = (hi - lo)[b]
    num = (ihi - ilo)[b] * (u - lo[b])
    res = ilo[b] + (2 * num + d_x) // (2 * d_x)  # I = Ii + (Ij−Ii)(X−Xi)/(Xj−Xi), half up
    above = band >= len(hi)
    rule = scale.above
    p, q = rule.slope.as_integer_ratio()
    du = u[above] - int(rule.conc_start * f)
    if rule.rounding == "floor":
        val = rule.aqi_start + (p * du) // (q * f)
    else:
        val = rule.aqi_start + (2 * p * du + q * f) // (2 * q * f)
    res[above] = np.minimum(val, AQI_MAX)
    return res


@functools.cache
def _lookup(scale: PollutantScale) -> NDArray[np.int32]:
    """Sub-index for every concentration step from "missing" up to where it stops
    changing: index 0 is :data:`MISSING`, index ``u + 1`` the sub-index of ``u`` steps."""
    f = 10**scale.decimals
    rule = scale.above
    end = int(scale.top_start * f) + 1
    if rule.slope > 0:  # where the rule reaches AQI_MAX
        end = max(end, int((rule.conc_start + (AQI_MAX - rule.aqi_start) / rule.slope) * f) + 2)
    table = _formula(scale, np.arange(end + 1, dtype=np.int64))
    assert table[-1] == table[-2], "lookup table must end where the sub-index is constant"
    return np.r_[MISSING, table].astype(np.int32)


def _sub_index_from_units(scale: PollutantScale, u: NDArray[np.int64]) -> NDArray[np.int32]:
    lut = _lookup(scale)
    idx = np.add(u, 1)
    np.clip(idx, 0, len(lut) - 1, out=idx)  # any negative is missing
    return lut.take(idx)


def sub_index_units(
    pollutant: str, units: ArrayLike, *, date: dt.date | None = None
) -> NDArray[np.int32]:
    """Sub-indices of concentrations given as table steps (see :func:`to_units`).

    Parameters
    ----------
    pollutant : str
        Pollutant key or name.
    units : array_like of int
        Concentration in steps of the table's precision; negative = missing.
    date : datetime.date, optional
        Selects the table [Asia/Bangkok]; default today.

    Returns
    -------
    numpy.ndarray of int32
        Sub-index [-]; :data:`MISSING` where missing.
    """
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    u = np.asarray(units, dtype=np.int64)
    return _sub_index_from_units(table.scales[key], u)


def sub_index_array(
    pollutant: str, values: ArrayLike, *, date: dt.date | None = None
) -> NDArray[np.int32]:
    """Sub-indices of averaged concentrations; equal to the scalar exact result.

    Parameters
    ----------
    pollutant : str
        Pollutant key or name.
    values : array_like
        Concentration over the averaging period [µg/m³, ppb or ppm]; NaN = missing.
    date : datetime.date, optional
        Selects the table [Asia/Bangkok]; default today.

    Returns
    -------
    numpy.ndarray of int32
        Sub-index [-]; :data:`MISSING` where NaN.

    Raises
    ------
    InvalidConcentrationError
        For a negative or infinite value (the message gives its index).
    """
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    return _sub_index_from_units(table.scales[key], to_units(key, values, date=date))


@dataclass(frozen=True, slots=True, eq=False)
class AQIArrays:
    """Overall AQI over arrays.

    Attributes
    ----------
    aqi : numpy.ndarray of int32
        AQI [-]; :data:`MISSING` where no pollutant has a value.
    pollutant_code : numpy.ndarray of int8
        Index into :data:`~paknam.environment.aqi.tables.POLLUTANT_KEYS` of the
        pollutant that sets the AQI; :data:`MISSING` where none.
    sub_indices : dict[str, numpy.ndarray of int32]
        Sub-index per pollutant given.
    table : str
        Key of the table used ('' when unknown).
    """

    aqi: NDArray[np.int32]
    pollutant_code: NDArray[np.int8]
    sub_indices: dict[str, NDArray[np.int32]]
    table: str

    def pollutant_keys(self) -> NDArray[np.str_]:
        """Pollutant key per element ('' where none)."""
        names = np.array([*POLLUTANT_KEYS, ""])
        return names[self.pollutant_code]


def aqi_array(
    sub_indices: Mapping[str, ArrayLike],
    *,
    tie_order: Sequence[str] = TIE_ORDER_PCD,
    table: str = "",
) -> AQIArrays:
    """Overall AQI from sub-index arrays: the highest, and which pollutant sets it.

    Parameters
    ----------
    sub_indices : Mapping[str, array_like of int]
        Sub-index per pollutant, same shapes; :data:`MISSING` (negative) = no value.
    tie_order : sequence of str
        Pollutant named when sub-indices tie, first wins.
    table : str
        Table key to record in the result.

    Returns
    -------
    AQIArrays
    """
    order = _check_tie_order(tie_order)
    keys: dict[str, NDArray[np.int32]] = {}
    for name, values in sub_indices.items():
        key = normalize_pollutant(name)
        if key in keys:
            raise AQIError(f"pollutant {key!r} given twice (as {name!r} and another name)")
        keys[key] = np.asarray(values, dtype=np.int32)
    if not keys:
        raise AQIError("no sub-indices given; need at least one of " + ", ".join(POLLUTANT_KEYS))
    shapes = {k: v.shape for k, v in keys.items()}
    if len(set(shapes.values())) > 1:
        raise AQIError(f"sub-index arrays differ in shape: {shapes}; they must be equal")
    present = [k for k in order if k in keys]
    top = keys[present[0]].copy()
    codes = np.full(top.shape, POLLUTANT_KEYS.index(present[0]), dtype=np.int8)
    for k in present[1:]:
        higher = keys[k] > top  # strictly: on a tie the earlier pollutant in order stays
        np.copyto(top, keys[k], where=higher)
        np.copyto(codes, np.int8(POLLUTANT_KEYS.index(k)), where=higher)
    none = top < 0
    codes[none] = MISSING
    top[none] = MISSING
    return AQIArrays(top, codes, {k: keys[k] for k in POLLUTANT_KEYS if k in keys}, table)


def aqi_from_concentrations(
    values: Mapping[str, ArrayLike],
    *,
    date: dt.date | None = None,
    tie_order: Sequence[str] = TIE_ORDER_PCD,
) -> AQIArrays:
    """Overall AQI from averaged concentrations (the feed's ``*_value`` columns).

    Parameters
    ----------
    values : Mapping[str, array_like]
        Averaged concentration per pollutant (see :func:`sub_index_array`); NaN = missing.
    date : datetime.date, optional
        Selects the table [Asia/Bangkok]; default today.
    tie_order : sequence of str
        Pollutant named on ties, first wins.

    Returns
    -------
    AQIArrays
    """
    table = table_on(date)
    subs = {k: sub_index_array(k, v, date=date) for k, v in values.items()}
    return aqi_array(subs, tie_order=tie_order, table=table.key)
