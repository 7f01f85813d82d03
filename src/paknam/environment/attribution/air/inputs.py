"""Checked, aligned inputs of the air-attribution functions (internal).

One place turns the caller's arrays or pandas Series into float arrays of one length, with
NaN for missing, and refuses impossible values with a message naming the series, the
value, the station and the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from paknam.core.timeutil import BANGKOK
from paknam.environment.attribution.air.wind import CALM_MS, as_times, check_wind_measured, where
from paknam.environment.errors import AttributionError

__all__ = ["AirSeries", "air_series", "local_times"]


@dataclass(frozen=True, slots=True)
class AirSeries:
    """Hourly concentration with wind, checked and aligned.

    Attributes
    ----------
    times : pandas.DatetimeIndex
        Timezone-aware times.
    conc : numpy.ndarray
        Concentration [µg/m³, ppb …]; NaN = missing.
    ws : numpy.ndarray
        Wind speed [m/s]; NaN = missing (all NaN when no wind was given).
    wd : numpy.ndarray
        Wind direction, from [deg]; NaN = missing.
    calm_ms : float
        Calm limit [m/s].
    station : str or None
        Station id, for messages.
    """

    times: pd.DatetimeIndex
    conc: NDArray[np.float64]
    ws: NDArray[np.float64]
    wd: NDArray[np.float64]
    calm_ms: float
    station: str | None

    @property
    def valid(self) -> NDArray[np.bool_]:
        """Hours with concentration, speed and direction [-]."""
        return np.isfinite(self.conc) & np.isfinite(self.ws) & np.isfinite(self.wd)

    @property
    def calm(self) -> NDArray[np.bool_]:
        """Valid hours with wind below the calm limit [-]."""
        return self.valid & (self.ws < self.calm_ms)

    @property
    def windy(self) -> NDArray[np.bool_]:
        """Valid hours with wind at or above the calm limit [-]."""
        return self.valid & (self.ws >= self.calm_ms)


def _floats(
    name: str, values: ArrayLike, n: int, times: pd.DatetimeIndex, station: str | None
) -> NDArray[np.float64]:
    raw = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else values
    try:
        x = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AttributionError(
            f"{name} holds values that are not numbers: {exc}", field=name
        ) from None
    if x.ndim != 1 or x.size != n:
        raise AttributionError(
            f"{name} has shape {x.shape}; it must be one value per time ({n} times)", field=name
        )
    if np.isinf(x).any():
        i = int(np.flatnonzero(np.isinf(x))[0])
        at = f" at station {station}" if station else ""
        raise AttributionError(
            f"{name} value {x[i]!r}{at} at {where(times, i)} is not finite; use NaN for missing",
            field=name,
        )
    return x


def _check_range(
    name: str,
    x: NDArray[np.float64],
    lo: float,
    hi: float,
    unit: str,
    times: pd.DatetimeIndex,
    station: str | None,
) -> None:
    bad = (x < lo) | (x > hi)  # NaN compares False: missing is fine
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        at = f" at station {station}" if station else ""
        rule = f"below {lo:g}" if x[i] < lo else f"above {hi:g}"
        u = f" {unit}" if unit else ""
        raise AttributionError(
            f"{name} value {x[i]:g}{u}{at} at {where(times, i)} is {rule} "
            f"({int(bad.sum())} such values); valid range {lo:g}–{hi:g}{u}, NaN for missing",
            field=name,
        )


def air_series(
    times: object,
    concentration: ArrayLike,
    ws_ms: ArrayLike | None = None,
    wd_deg: ArrayLike | None = None,
    *,
    station: str | None = None,
    calm_ms: float = CALM_MS,
    check_wind: bool = True,
) -> AirSeries:
    """Check and align the inputs of an air-attribution function.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times, one per value.
    concentration : array_like
        Concentration ≥ 0 [µg/m³, ppb …]; NaN = missing.
    ws_ms : array_like, optional
        Wind speed ≥ 0 [m/s]; NaN = missing.
    wd_deg : array_like, optional
        Wind direction, from, 0–360 [deg]; NaN = missing.
    station : str, optional
        Station id, for messages.
    calm_ms : float
        Calm limit [m/s].
    check_wind : bool
        Refuse constant (not measured) wind, see
        :func:`~paknam.environment.attribution.air.wind.check_wind_measured`.

    Returns
    -------
    AirSeries
    """
    if not (np.isfinite(calm_ms) and calm_ms > 0):
        raise AttributionError(f"calm_ms {calm_ms!r} must be above 0 m/s", field="calm_ms")
    t = as_times(times)
    n = len(t)
    conc = _floats("concentration", concentration, n, t, station)
    _check_range("concentration", conc, 0.0, np.inf, "", t, station)
    if ws_ms is None or wd_deg is None:
        ws = wd = np.full(n, np.nan)
    else:
        ws = _floats("ws_ms", ws_ms, n, t, station)
        wd = _floats("wd_deg", wd_deg, n, t, station)
        _check_range("ws_ms", ws, 0.0, np.inf, "m/s", t, station)
        _check_range("wd_deg", wd, 0.0, 360.0, "°", t, station)
        if check_wind:
            check_wind_measured(ws, wd, station=station, calm_ms=calm_ms)
    return AirSeries(t, conc, ws, wd, float(calm_ms), station)


def local_times(times: pd.DatetimeIndex, *, hour_ending: bool = False) -> pd.DatetimeIndex:
    """Times in Asia/Bangkok; with ``hour_ending`` shifted back one hour so that a label
    (air4thai's 01:00 = the hour 00:00–01:00) falls in the hour it describes."""
    local = times.tz_convert(BANGKOK)
    return local - pd.Timedelta(hours=1) if hour_ending else local
