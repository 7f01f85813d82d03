"""Thai AQI over the store's series: hourly AQI history and the latest AQI per station.

Glue between the store and the pure AQI modules. A station's AQI uses, per pollutant,
its 1-hour series (``pm25``, ``pm10``, ``o3``, ``co``, ``no2``, ``so2``: averaged here
over the AQI window with the minimum of valid hours of :mod:`~paknam.environment.aqi.rolling`) or, where it
has no 1-hour series, an already averaged series as PCD publishes them (``pm25_24h``,
``pm10_24h``, ``o3_8h``, ``co_8h``). Hours are Asia/Bangkok hours; the breakpoint table is
chosen per hour (the PM2.5 table changed on 2023-06-01).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from paknam.core.errors import InvalidInput
from paknam.core.models import StationPublic
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK, to_local_iso
from paknam.environment.aqi.array import MISSING, aqi_array, sub_index_array, sub_index_units
from paknam.environment.aqi.levels import level_for
from paknam.environment.aqi.rolling import rolling_mean_units
from paknam.environment.aqi.tables import TABLE_CHANGE_DATE, tie_order_for_station

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
        out = []
        for i, t in enumerate(self.times.tolist()):
            a = int(self.aqi[i])
            if a == MISSING:
                continue
            level = level_for(a)
            out.append(
                {
                    "time": to_local_iso(t),
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


def _grid(store: Store, station_id: str, code: str, start: int, end: int) -> np.ndarray:
    hours = (end - start) // 3600
    values = np.full(hours, np.nan)
    for p in store.read_series(station_id, code, start, end, bucket="hour", agg="mean"):
        i = (p.time - start) // 3600
        if 0 <= i < hours:
            values[i] = p.value
    return values


def _table_dates(times: np.ndarray) -> np.ndarray:
    change = int(dt.datetime.combine(TABLE_CHANGE_DATE, dt.time(), BANGKOK).timestamp())
    return times >= change


def hourly_aqi(
    store: Store,
    station_id: str,
    start: int,
    end: int,
    *,
    station: StationPublic | None = None,
) -> HourlyAQI:
    """Hourly AQI of a station for hours starting in ``[start, end)`` (UTC epoch s).

    ``station`` is the already loaded station (with its series) when the caller has it, so
    a loop over all stations does not reload the catalogue of every station each time.
    """
    start -= start % 3600
    end += (-end) % 3600
    if station is None or station.id != station_id:
        station = store.get_station(station_id)
    codes = aqi_series_codes([s.quantity for s in station.series])
    if not codes:
        raise_no_aqi(station_id, [s.quantity for s in station.series])
    lead = LOOKBACK_S
    times = np.arange(start, end, 3600, dtype=np.int64)
    new_table = _table_dates(times)
    subs: dict[str, np.ndarray] = {}
    for code, key in codes.items():
        raw = _grid(store, station_id, code, start - lead, end)
        by_table = []
        for day in (dt.date(2023, 1, 1), TABLE_CHANGE_DATE):
            if code in AVERAGED:
                si = sub_index_array(key, raw, date=day)
            else:
                units = rolling_mean_units(key, raw, date=day)
                si = sub_index_units(key, units, date=day)
            by_table.append(si[lead // 3600 :])
        subs[key] = np.where(new_table, by_table[1], by_table[0]).astype(np.int32)
    result = aqi_array(subs, tie_order=tie_order_for_station(station_id))
    return HourlyAQI(station_id, times, result.aqi, result.pollutant_keys(), result.sub_indices)


def raise_no_aqi(station_id: str, codes: list[str]) -> None:
    raise InvalidInput(
        f"station {station_id!r} measures no AQI pollutant (it measures: "
        f"{', '.join(codes) or 'nothing'}); AQI needs one of "
        f"{', '.join([*HOURLY, *AVERAGED])}"
    )


def latest_aqi(store: Store) -> list[dict[str, Any]]:
    """The newest AQI of every station that measures an AQI pollutant."""
    latest = store.latest()
    out = []
    for station in store.list_stations():
        codes = aqi_series_codes([s.quantity for s in station.series])
        times = [latest[(station.id, c)][0] for c in codes if (station.id, c) in latest]
        if not times:
            continue
        end = max(times) + 1
        row = hourly_aqi(store, station.id, end - 2 * 3600, end, station=station).last()
        if row is None:
            continue
        out.append(
            {
                "station": station.id,
                "name_th": station.name_th,
                "name_en": station.name_en,
                "district_code": station.district_code,
                "lon": station.lon,
                "lat": station.lat,
                **row,
            }
        )
    return out
