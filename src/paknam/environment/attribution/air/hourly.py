"""Hourly series for air attribution from stored points (pure, no I/O).

Concentration and wind speed are hourly means (the store buckets them); wind direction is
the direction of the hourly mean wind *vector*: directions cannot be averaged as numbers
(the mean of 350° and 10° is 0°, not 180°).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["hourly_direction", "hourly_series"]


def hourly_series(times: Sequence[int], values: Sequence[float]) -> pd.Series:
    """A float Series on UTC times (epoch s) of already hourly values."""
    idx = pd.to_datetime(list(times), unit="s", utc=True)
    return pd.Series(list(values), index=idx, dtype=float)


def hourly_direction(times: Sequence[int], degrees: Sequence[float]) -> pd.Series:
    """Direction [deg, FROM] of the mean unit wind vector of each UTC hour."""
    if not len(times):
        return pd.Series(dtype=float)
    t = np.array([x - x % 3600 for x in times])
    rad = np.radians(list(degrees))
    frame = pd.DataFrame({"t": t, "u": np.sin(rad), "v": np.cos(rad)}).groupby("t").mean()
    deg = (np.degrees(np.arctan2(frame["u"], frame["v"])) + 360.0) % 360.0
    return pd.Series(deg.to_numpy(), index=pd.to_datetime(frame.index, unit="s", utc=True))
