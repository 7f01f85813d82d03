"""Hourly Thai AQI of one station from its hourly grids of values (pure, no I/O).

A station's AQI uses, per pollutant, its 1-hour series (``pm25``, ``pm10``, ``o3``,
``co``, ``no2``, ``so2``: averaged here over the AQI window with the minimum of valid hours
of :mod:`~paknam.environment.aqi.rolling`) or, where it has no 1-hour series, an already
averaged series as PCD publishes them (``pm25_24h``, ``pm10_24h``, ``o3_8h``, ``co_8h``).
Hours are Asia/Bangkok hours; the breakpoint table is chosen per hour (the PM2.5 table
changed on 2023-06-01). The store side (reading the grids) is
:func:`paknam.environment.service.hourly_aqi`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK
from paknam.environment.aqi.array import MISSING, aqi_array, sub_index_array, sub_index_units
from paknam.environment.aqi.levels import level_for
from paknam.environment.aqi.rolling import rolling_mean_units
from paknam.environment.aqi.tables import TABLE_CHANGE_DATE, tie_order_for_station

__all__ = [
    "AVERAGED",
    "HOURLY",
    "LOOKBACK_S",
    "HourlyAQI",
    "aqi_series_codes",
    "hour_bounds",
    "hourly_aqi_from_grids",
    "no_aqi_error",
]

HOURLY = {"pm25": "pm25", "pm10": "pm10", "o3": "o3", "co": "co", "no2": "no2", "so2": "so2"}
"""1-hour series code -> AQI pollutant key."""
AVERAGED = {"pm25_24h": "pm25", "pm10_24h": "pm10", "o3_8h": "o3", "co_8h": "co"}
"""Already averaged series code -> AQI pollutant key."""
LOOKBACK_S = 24 * 3600
"""Hours before ``start`` read so that the first 24 h means are complete."""


@dataclass(frozen=True)
class HourlyAQI:
    """AQI per hour of one station (arrays aligned on ``times``, UTC epoch s)."""

    station_id: str
    times: np.ndarray
    aqi: np.ndarray
    pollutant: np.ndarray
    sub_indices: dict[str, np.ndarray]

    def rows(self) -> list[dict[str, Any]]:
        """One record per hour with an AQI; ``time`` in UTC epoch seconds."""
        out = []
        for i, t in enumerate(self.times.tolist()):
            a = int(self.aqi[i])
            if a == MISSING:
                continue
            level = level_for(a)
            out.append(
                {
                    "time": int(t),
                    "aqi": a,
                    "pollutant": str(self.pollutant[i]),
                    "level": level.number,
                    "color": level.color,
                    "sub_indices": {
                        k: int(v[i]) for k, v in self.sub_indices.items() if v[i] != MISSING
                    },
                }
            )
        return out

    def last(self) -> dict[str, Any] | None:
        """The newest record of :meth:`rows`, or None."""
        rows = self.rows()
        return rows[-1] if rows else None


def aqi_series_codes(series_codes: list[str]) -> dict[str, str]:
    """Which of a station's series feed which AQI pollutant (1-hour series preferred)."""
    chosen: dict[str, str] = {}
    for code, key in AVERAGED.items():
        if code in series_codes:
            chosen[key] = code
    for code, key in HOURLY.items():
        if code in series_codes:
            chosen[key] = code
    return {code: key for key, code in chosen.items()}


def no_aqi_error(station_id: str, codes: list[str]) -> InvalidInput:
    """The error for a station that measures no AQI pollutant."""
    return InvalidInput(
        f"station {station_id!r} measures no AQI pollutant (it measures: "
        f"{', '.join(codes) or 'nothing'}); AQI needs one of "
        f"{', '.join([*HOURLY, *AVERAGED])}"
    )


def hour_bounds(start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole hours (UTC epoch s)."""
    return start - start % 3600, end + (-end) % 3600


def _new_table(times: np.ndarray) -> np.ndarray:
    change = int(dt.datetime.combine(TABLE_CHANGE_DATE, dt.time(), BANGKOK).timestamp())
    return times >= change


def hourly_aqi_from_grids(
    station_id: str, start: int, end: int, grids: Mapping[str, np.ndarray]
) -> HourlyAQI:
    """Hourly AQI for the hours ``[start, end)`` (whole hours, UTC epoch s).

    ``grids`` maps each series code of :func:`aqi_series_codes` to its hourly means on the
    hours ``[start - LOOKBACK_S, end)`` (NaN where missing).
    """
    lead = LOOKBACK_S // 3600
    times = np.arange(start, end, 3600, dtype=np.int64)
    new_table = _new_table(times)
    subs: dict[str, np.ndarray] = {}
    for code, raw in grids.items():
        key = AVERAGED.get(code) or HOURLY[code]
        by_table = []
        for day in (dt.date(2023, 1, 1), TABLE_CHANGE_DATE):
            if code in AVERAGED:
                si = sub_index_array(key, raw, date=day)
            else:
                units = rolling_mean_units(key, raw, date=day)
                si = sub_index_units(key, units, date=day)
            by_table.append(si[lead:])
        subs[key] = np.where(new_table, by_table[1], by_table[0]).astype(np.int32)
    result = aqi_array(subs, tie_order=tie_order_for_station(station_id))
    return HourlyAQI(station_id, times, result.aqi, result.pollutant_keys(), result.sub_indices)
