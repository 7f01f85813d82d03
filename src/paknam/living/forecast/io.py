"""Helpers of the forecast engine: UTC times, hourly grids, and JSON-able dicts of its
pieces (harmonic fits, arrays, times).

Floats keep full precision (Python ``float`` round-trips through JSON exactly); NaN and
infinities, which JSON lacks, are written as ``None`` and read back as NaN/inf markers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.readers.quality import to_hourly
from paknam.living.tides.harmonics import HarmonicFit
from paknam.living.tides.tidetime import TimesLike, to_days

__all__ = [
    "array_from",
    "array_to",
    "days_since_1970",
    "fit_from_dict",
    "fit_to_dict",
    "on_grid",
    "predictors_on_grid",
    "time_from",
    "time_to",
    "utc",
    "utc_one",
]

HOUR = np.timedelta64(3600, "s")
_EPOCH_DAYS = float(to_days(np.array(["1970-01-01T00:00:00"], dtype="datetime64[s]"))[0])

_ARRAYS = ("frequencies", "amplitudes", "phases", "amplitude_ci", "phase_ci", "snr")
_TIMES = ("reference_time", "start", "end")


def array_to(values: np.ndarray) -> list[Any]:
    """Nested lists of floats; NaN as None, +inf as "inf", -inf as "-inf"."""
    a = np.asarray(values, dtype=float)

    def one(x: float) -> Any:
        if np.isnan(x):
            return None
        if np.isinf(x):
            return "inf" if x > 0 else "-inf"
        return float(x)

    return np.vectorize(one, otypes=[object])(a).tolist() if a.size else a.tolist()


def array_from(values: Any) -> np.ndarray:
    """Inverse of :func:`array_to`."""
    a = np.array(values, dtype=object)
    if a.size == 0:
        return np.asarray(values, dtype=float)
    out = np.vectorize(lambda x: np.nan if x is None else float(x), otypes=[float])(a)
    return out.astype(float)


def time_to(value: np.datetime64) -> str:
    """ISO 8601 UTC with ``Z``."""
    return f"{np.asarray(value).astype('datetime64[s]')}Z"


def time_from(text: str) -> np.datetime64:
    return np.datetime64(text.rstrip("Z"), "s")


def fit_to_dict(fit: HarmonicFit) -> dict[str, Any]:
    """All fields of a :class:`HarmonicFit` as JSON-able values."""
    out: dict[str, Any] = {"names": list(fit.names)}
    out.update({k: array_to(getattr(fit, k)) for k in _ARRAYS})
    out.update({k: time_to(getattr(fit, k)) for k in _TIMES})
    out.update(
        mean=float(fit.mean),
        slope=float(fit.slope),
        latitude=float(fit.latitude),
        n_observations=int(fit.n_observations),
        residual_rms=float(fit.residual_rms),
        method=fit.method,
        trend=bool(fit.trend),
        nodal=bool(fit.nodal),
        iterations=int(fit.iterations),
    )
    return out


def fit_from_dict(d: Mapping[str, Any]) -> HarmonicFit:
    """Inverse of :func:`fit_to_dict`."""
    return HarmonicFit(
        names=tuple(d["names"]),
        frequencies=array_from(d["frequencies"]),
        amplitudes=array_from(d["amplitudes"]),
        phases=array_from(d["phases"]),
        amplitude_ci=array_from(d["amplitude_ci"]),
        phase_ci=array_from(d["phase_ci"]),
        snr=array_from(d["snr"]),
        reference_time=time_from(d["reference_time"]),
        start=time_from(d["start"]),
        end=time_from(d["end"]),
        mean=float(d["mean"]),
        slope=float(d["slope"]),
        latitude=float(d["latitude"]),
        n_observations=int(d["n_observations"]),
        residual_rms=float(d["residual_rms"]),
        method=str(d["method"]),
        trend=bool(d["trend"]),
        nodal=bool(d["nodal"]),
        iterations=int(d["iterations"]),
    )


def utc(times: TimesLike) -> np.ndarray:
    """UTC datetime64[s] of any times :mod:`paknam.living.tides.tidetime` accepts (naive
    datetimes are refused); NaT where missing."""
    days = to_days(times) - _EPOCH_DAYS
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.isfinite(days)
    out[ok] = np.rint(days[ok] * 86400.0).astype(np.int64).astype("datetime64[s]")
    return out


def utc_one(value: Any) -> np.datetime64:
    """One instant: datetime64 (UTC), aware datetime, or ISO string (offset or Z; a string
    without offset is read as UTC)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            stamp = pd.Timestamp(text)
        except ValueError:
            raise HarmonicAnalysisError(f"time {value!r} is not ISO 8601", field="time") from None
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return np.datetime64(stamp.to_datetime64(), "s")
    if isinstance(value, np.datetime64):
        return utc(np.array([value]))[0]
    return utc([value])[0]


def days_since_1970(grid: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 UTC of datetime64 times."""
    return grid.astype("datetime64[s]").astype(np.int64) / 86400.0


def on_grid(grid: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values of a (possibly irregular) series on an hourly grid, NaN where none, by the
    rule of :func:`paknam.living.readers.quality.to_hourly`."""
    out = np.full(grid.size, np.nan)
    if not np.isfinite(values).any():
        return out
    g, v, _ = to_hourly(times, values)
    pos = ((g - grid[0]) // HOUR).astype(np.int64)
    inside = (pos >= 0) & (pos < grid.size)
    out[pos[inside]] = v[inside]
    return out


def predictors_on_grid(
    grid: np.ndarray, times: np.ndarray, predictors: Mapping[str, Any] | None, size: int
) -> dict[str, np.ndarray] | None:
    """Each predictor series (one value per time) on the hourly grid."""
    if not predictors:
        return None
    out = {}
    for name, values in predictors.items():
        v = np.asarray(values, dtype=float).ravel()
        if v.shape != (size,):
            raise HarmonicAnalysisError(
                f"predictor {name!r} has {v.size} values for {size} times: give one per time",
                field="predictors",
            )
        out[name] = on_grid(grid, times, v)
    return out
