"""Wind sectors, speed classes and input checks for air-source attribution.

Conventions
-----------
- Wind direction is **meteorological**: the direction the wind blows FROM, in degrees
  clockwise from north [deg]; 0 and 360 both mean north. A wind "from 225°" comes from the
  south-west, so a source lying south-west of the station reaches it.
- Sectors are centred on the compass points: with 16 sectors, sector 0 (N) is
  348.75° ≤ WD < 11.25°, sector 1 (NNE) 11.25° ≤ WD < 33.75°, and so on (half-open, so
  integer directions never fall on a boundary with 4, 8 or 16 sectors).
- Calm: wind speed below :data:`CALM_MS` (0.5 m/s). A calm hour has no meaningful
  direction: it is kept out of every sector and counted apart. air4thai reports WS as whole
  m/s, so "calm" there means a reported 0.
- Speed classes start at the calm limit; the default edges :data:`SPEED_EDGES_MS`
  (0.5, 1.5, 2.5, 3.5 m/s) sit half-way between whole m/s, so air4thai's integer speeds map
  one to one: 1, 2, 3 and ≥ 4 m/s.
- NaN is *missing* (an hour without concentration, speed or direction is left out of the
  analysis and counted); a negative concentration or speed, or a direction outside
  0–360°, is an error naming the series, the value and its time.
- Times must be timezone-aware; local hours and days are Asia/Bangkok.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from paknam.core.timeutil import BANGKOK
from paknam.environment.errors import AttributionError, WindNotMeasuredError

__all__ = [
    "CALM_MS",
    "MIN_CONSTANT_HOURS",
    "N_SECTORS",
    "SPEED_EDGES_MS",
    "Sector",
    "SpeedClass",
    "as_times",
    "check_wind_measured",
    "sector_index",
    "sectors",
    "speed_class_index",
    "speed_classes",
]

CALM_MS = 0.5
"""Wind speed below which an hour is calm and has no direction [m/s] (WMO: calm < 0.5 m/s,
i.e. below 1 knot; air4thai's integer WS makes this "WS = 0")."""

SPEED_EDGES_MS: tuple[float, ...] = (0.5, 1.5, 2.5, 3.5)
"""Lower edges of the speed classes [m/s]; the first is the calm limit, the last class is
open-ended: 0.5–1.5, 1.5–2.5, 2.5–3.5, ≥ 3.5 m/s (air4thai's 1, 2, 3, ≥ 4 m/s)."""

N_SECTORS = 16
"""Default number of wind sectors (22.5° each)."""

MIN_CONSTANT_HOURS = 24
"""A wind speed or direction that does not change over at least this many hours [h] is
taken as "not measured" (air4thai writes constant 0 at stations without a sensor)."""

_POINTS_EN = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip
_LONG_EN = (
    "north", "north-north-east", "north-east", "east-north-east",
    "east", "east-south-east", "south-east", "south-south-east",
    "south", "south-south-west", "south-west", "west-south-west",
    "west", "west-north-west", "north-west", "north-north-west",
)  # fmt: skip
_N, _E, _S, _W = "เหนือ", "ตะวันออก", "ใต้", "ตะวันตก"
_NE, _SE, _SW, _NW = _E + "เฉียง" + _N, _E + "เฉียง" + _S, _W + "เฉียง" + _S, _W + "เฉียง" + _N
_LONG_TH = (
    _N, f"{_N}ค่อนไปทาง{_NE}", _NE, f"{_E}ค่อนไปทาง{_NE}",
    _E, f"{_E}ค่อนไปทาง{_SE}", _SE, f"{_S}ค่อนไปทาง{_SE}",
    _S, f"{_S}ค่อนไปทาง{_SW}", _SW, f"{_W}ค่อนไปทาง{_SW}",
    _W, f"{_W}ค่อนไปทาง{_NW}", _NW, f"{_N}ค่อนไปทาง{_NW}",
)  # fmt: skip
"""Thai names of the 16 compass points (ทิศ…), e.g. ตะวันตกเฉียงใต้ = south-west."""


@dataclass(frozen=True, slots=True)
class Sector:
    """One wind sector (direction the wind comes FROM).

    Attributes
    ----------
    index : int
        0 = the sector centred on north, counting clockwise.
    center_deg, lo_deg, hi_deg : float
        Centre and edges [deg]; the sector is ``lo_deg ≤ WD < hi_deg`` modulo 360
        (``lo_deg`` of the north sector is negative, e.g. −11.25).
    code : str
        Compass code (``"SW"``) for 4, 8 or 16 sectors, else the centre (``"225°"``).
    name_en, name_th : str
        Compass name (``"south-west"``, ``"ตะวันตกเฉียงใต้"``), or the centre in degrees.
    """

    index: int
    center_deg: float
    lo_deg: float
    hi_deg: float
    code: str
    name_en: str
    name_th: str

    @property
    def range_label(self) -> str:
        """Edges as text, e.g. ``"214–236°"`` (``"349–11°"`` for north)."""
        return f"{self.lo_deg % 360:.0f}–{self.hi_deg % 360:.0f}°"


@dataclass(frozen=True, slots=True)
class SpeedClass:
    """One wind-speed class, ``lo_ms ≤ WS < hi_ms`` [m/s] (``hi_ms`` may be infinite)."""

    index: int
    lo_ms: float
    hi_ms: float

    @property
    def label(self) -> str:
        """E.g. ``"0.5–1.5 m/s"`` or ``"≥ 3.5 m/s"``."""
        if math.isinf(self.hi_ms):
            return f"≥ {self.lo_ms:g} m/s"
        return f"{self.lo_ms:g}–{self.hi_ms:g} m/s"


def sectors(n_sectors: int = N_SECTORS) -> tuple[Sector, ...]:
    """The wind sectors, centred on north and counting clockwise.

    Parameters
    ----------
    n_sectors : int
        Number of sectors, 4 to 72 [-]; compass names for 4, 8 and 16.

    Returns
    -------
    tuple of Sector
    """
    if isinstance(n_sectors, bool) or not isinstance(n_sectors, int) or not 4 <= n_sectors <= 72:
        raise AttributionError(
            f"n_sectors {n_sectors!r} must be a whole number from 4 to 72 (e.g. 8, 16, 36)",
            field="n_sectors",
        )
    width = 360.0 / n_sectors
    step = 16 // n_sectors if n_sectors in (4, 8, 16) else 0
    out = []
    for i in range(n_sectors):
        c = i * width
        if step:
            k = i * step
            code, en, th = _POINTS_EN[k], _LONG_EN[k], _LONG_TH[k]
        else:
            code = en = th = f"{c:g}°"
        out.append(Sector(i, c, c - width / 2, c + width / 2, code, en, th))
    return tuple(out)


def sector_index(wd_deg: ArrayLike, n_sectors: int = N_SECTORS) -> NDArray[np.int64]:
    """Sector of each wind direction; −1 where the direction is NaN.

    Parameters
    ----------
    wd_deg : array_like
        Wind direction, meteorological (from) [deg], 0–360.
    n_sectors : int
        Number of sectors [-].

    Returns
    -------
    numpy.ndarray of int
    """
    width = 360.0 / len(sectors(n_sectors))
    wd = np.asarray(wd_deg, dtype=float)
    ok = np.isfinite(wd)
    out = np.full(wd.shape, -1, dtype=np.int64)
    out[ok] = np.floor(np.mod(wd[ok] + width / 2, 360.0) / width).astype(np.int64) % n_sectors
    return out


def _check_edges(speed_edges_ms: Sequence[float]) -> tuple[float, ...]:
    edges = tuple(float(e) for e in speed_edges_ms)
    ok = len(edges) >= 1 and all(math.isfinite(e) for e in edges) and edges[0] > 0
    if not ok or any(b <= a for a, b in itertools.pairwise(edges)):
        raise AttributionError(
            f"speed_edges_ms {edges!r} must be finite, increasing and start above 0 m/s "
            f"(the first edge is the calm limit), e.g. {SPEED_EDGES_MS}",
            field="speed_edges_ms",
        )
    return edges


def speed_classes(speed_edges_ms: Sequence[float] = SPEED_EDGES_MS) -> tuple[SpeedClass, ...]:
    """Speed classes from their lower edges [m/s]; the last class is open-ended."""
    edges = _check_edges(speed_edges_ms)
    his = (*edges[1:], math.inf)
    return tuple(SpeedClass(i, lo, hi) for i, (lo, hi) in enumerate(zip(edges, his, strict=True)))


def speed_class_index(
    ws_ms: ArrayLike, speed_edges_ms: Sequence[float] = SPEED_EDGES_MS
) -> NDArray[np.int64]:
    """Speed class of each wind speed; −1 where calm (below the first edge) or NaN."""
    edges = np.asarray(_check_edges(speed_edges_ms))
    ws = np.asarray(ws_ms, dtype=float)
    out = np.full(ws.shape, -1, dtype=np.int64)
    ok = np.isfinite(ws)
    out[ok] = np.searchsorted(edges, ws[ok], side="right") - 1
    return out


def as_times(times: object, *, what: str = "times") -> pd.DatetimeIndex:
    """Timezone-aware times as a :class:`pandas.DatetimeIndex` (zone as given).

    Accepts a pandas Series or Index of aware date-times, or a sequence of aware
    :class:`datetime.datetime` or ISO 8601 strings with offsets (mixed offsets are fine).
    A naive time is refused: we cannot guess whether it meant Thai time or UTC.
    """
    naive = AttributionError(
        f"{what} have no time zone; localise them first, e.g. air4thai strings with "
        "pandas.to_datetime(...).dt.tz_localize('Asia/Bangkok')",
        field=what,
    )
    try:
        idx = pd.DatetimeIndex(times)
    except (TypeError, ValueError):
        try:
            items = list(times)  # type: ignore[call-overload]
            aware = all(pd.Timestamp(t).tzinfo is not None for t in items if not pd.isna(t))
            idx = pd.DatetimeIndex(pd.to_datetime(items, utc=True)) if aware else None
        except (TypeError, ValueError) as exc:
            raise AttributionError(f"{what} are not date-times: {exc}", field=what) from None
        if idx is None:
            raise naive from None
    if idx.tz is None:
        raise naive
    if idx.hasnans:
        i = int(np.flatnonzero(idx.isna())[0])
        raise AttributionError(f"{what} has a missing time (NaT) at index {i}", field=what)
    return idx


def where(times: pd.DatetimeIndex | None, i: int) -> str:
    """Position ``i`` as a Thai local time, or as an index when there are no times."""
    if times is None:
        return f"index {i}"
    return f"{times[i].tz_convert(BANGKOK).isoformat(timespec='minutes')} (index {i})"


def check_wind_measured(
    ws_ms: ArrayLike,
    wd_deg: ArrayLike,
    *,
    station: str | None = None,
    calm_ms: float = CALM_MS,
    min_constant_hours: int = MIN_CONSTANT_HOURS,
) -> None:
    """Refuse wind data that cannot be measurements.

    Raises :class:`~paknam.environment.errors.WindNotMeasuredError` when, over
    at least ``min_constant_hours`` hours with both values, the wind speed never changes
    (air4thai's constant 0 at stations without a sensor), or the direction never changes
    over the hours that are not calm (a stuck or absent vane). Shorter series are not
    judged: the analyses report them as too few hours.

    Parameters
    ----------
    ws_ms : array_like
        Wind speed [m/s]; NaN = missing.
    wd_deg : array_like
        Wind direction, from [deg]; NaN = missing.
    station : str, optional
        Station id, for the message.
    calm_ms : float
        Calm limit [m/s].
    min_constant_hours : int
        Fewest hours over which a constant value is judged [h].
    """
    ws = np.asarray(ws_ms, dtype=float)
    wd = np.asarray(wd_deg, dtype=float)
    at = f" at station {station}" if station else ""
    both = np.isfinite(ws) & np.isfinite(wd)
    n = int(both.sum())
    if n < min_constant_hours:
        return
    v = ws[both]
    if v.min() == v.max():
        raise WindNotMeasuredError(
            f"wind speed{at} is {v[0]:g} m/s at all {n} hours with wind data: the station "
            "most likely does not measure wind (air4thai writes a constant 0 then); "
            "wind-sector analysis refused",
            station=station,
            field="ws_ms",
        )
    windy = both & (ws >= calm_ms)
    d = np.mod(wd[windy], 360.0)
    if d.size >= min_constant_hours and d.min() == d.max():
        raise WindNotMeasuredError(
            f"wind direction{at} is {d[0]:g}° at all {d.size} hours with wind ≥ {calm_ms:g} "
            "m/s: the wind vane is most likely absent or stuck; wind-sector analysis refused",
            station=station,
            field="wd_deg",
        )
