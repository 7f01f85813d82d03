"""Times for tidal analysis: UTC instants as float days since the astronomical epoch.

Accepted inputs: numpy ``datetime64`` arrays (taken as UTC, like every datetime64 in
paknam), sequences of timezone-aware :class:`datetime.datetime` (any offset; converted to
UTC), and timezone-aware pandas ``DatetimeIndex`` / ``Series``. Naive datetimes are
rejected: we cannot guess whether a logger meant Thai time or UTC. ``NaT`` and ``None``
become NaN.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.tides.astro import EPOCH

__all__ = ["TimesLike", "from_days", "to_days"]

TimesLike = Any
"""numpy datetime64 array, sequence of aware datetimes, or aware pandas times."""

_MICROSECONDS_PER_DAY = 86_400_000_000
_EPOCH_US = EPOCH.astype("datetime64[us]")


def _from_pandas(times: Any) -> np.ndarray | None:
    """UTC datetime64 values of timezone-aware pandas times, None if not pandas-like."""
    tz = getattr(times, "tz", None)
    if tz is not None and hasattr(times, "tz_convert"):
        return np.asarray(times.tz_convert("UTC").tz_localize(None), dtype="datetime64[us]")
    accessor = getattr(times, "dt", None)
    if accessor is not None and getattr(accessor, "tz", None) is not None:
        naive = accessor.tz_convert("UTC").dt.tz_localize(None)
        return np.asarray(naive, dtype="datetime64[us]")
    return None


def _one(value: object, position: int) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "us")
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[us]")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise HarmonicAnalysisError(
                f"time {value.isoformat()} at position {position} has no UTC offset; "
                "give timezone-aware datetimes or numpy datetime64 in UTC",
                field="times",
            )
        naive_utc = value.astimezone(UTC).replace(tzinfo=None)
        return np.datetime64(naive_utc, "us")
    raise HarmonicAnalysisError(
        f"time {value!r} at position {position} is not a datetime; give numpy datetime64 "
        "(UTC) or timezone-aware datetimes",
        field="times",
    )


def _as_datetime64(times: TimesLike) -> np.ndarray:
    from_pandas = _from_pandas(times)
    if from_pandas is not None:
        return from_pandas
    if isinstance(times, datetime | np.datetime64):
        times = [times]
    array = np.asarray(times)
    if array.dtype.kind == "M":
        return array.astype("datetime64[us]").ravel()
    if array.dtype.kind == "O":
        items = array.ravel()
        return np.array([_one(v, i) for i, v in enumerate(items)], dtype="datetime64[us]")
    raise HarmonicAnalysisError(
        f"times of dtype {array.dtype} are not datetimes; give numpy datetime64 (UTC) or "
        "timezone-aware datetimes",
        field="times",
    )


def to_days(times: TimesLike) -> np.ndarray:
    """Days since :data:`paknam.living.tides.astro.EPOCH` (1899-12-31 12:00 UTC).

    Parameters
    ----------
    times : array-like
        numpy datetime64 (UTC), timezone-aware datetimes, or aware pandas times.

    Returns
    -------
    numpy.ndarray
        Float days [day], one-dimensional; NaN where a time is missing (NaT, None).

    Raises
    ------
    HarmonicAnalysisError
        For naive datetimes, numbers, strings or other non-times, naming the first one.
    """
    values = _as_datetime64(times)
    missing = np.isnat(values)
    micro = (values - _EPOCH_US).astype(np.int64)
    days = micro // _MICROSECONDS_PER_DAY + (micro % _MICROSECONDS_PER_DAY) / _MICROSECONDS_PER_DAY
    return np.where(missing, np.nan, days.astype(float))


def from_days(days: float) -> np.datetime64:
    """The UTC instant ``days`` after the epoch, as datetime64 [us]."""
    return _EPOCH_US + np.timedelta64(round(float(days) * _MICROSECONDS_PER_DAY), "us")
