"""Thai AQI breakpoint tables (Pollution Control Department, PCD), as data.

Source: กรมควบคุมมลพิษ (Pollution Control Department, PCD), ดัชนีคุณภาพอากาศ (Air Quality
Index), as published on air4thai (http://air4thai.pcd.go.th/). Two tables:

- ``current_2023``: the table in force from 1 June 2023. It changed only the PM2.5 rows
  (the PM2.5 24 h standard went from 50 to 37.5 µg/m³).
- ``pre_2023``: the table in force before 1 June 2023. It differs from the current one only
  in PM2.5, whose breakpoints were whole numbers (0-25, 26-37, 38-50, 51-90, 91-).

Transcribed from ``shared/data/air/thai_aqi_breakpoints.csv`` (itself transcribed from PCD,
see ``shared/data/air/SOURCES.md``), and checked against 1,172,393 sub-indices published in
the air4thai ``AQILast`` feed from December 2025 to August 2026 (100 % reproduced, see
``tests/environment/aqi/test_pcd_feed.py``).

Above 200 (the open-ended level 5 band) PCD publishes no formula. The rules in
:data:`ABOVE_TOP_CURRENT` are those that reproduce every value the feed shows:

=========  =====================================  =================================
pollutant  rule (X at table precision)            evidence in the 2025-26 feed
=========  =====================================  =================================
PM2.5      I = 201 + floor(X − 75), capped at 501  10,949 rows, 75.1 … 790.0 µg/m³
PM10       I = 201 + 0.5 × (X − 181), half up      1,550 rows, 181 … 414 µg/m³
O3         I = X + 81 (so 121 ppb gives 202)       121 rows, 121 … 290 ppb
NO2        I = 201                                 3 rows, 458 … 586 ppb
CO, SO2    I = 201 (assumed, like NO2)             never above the table
=========  =====================================  =================================

Every sub-index is capped at :data:`AQI_MAX` (501); the cap is seen only for PM2.5 (from
375 µg/m³). The pre-2023 PM2.5 rule above 90 µg/m³ is unknown and taken as 201.

Ties: when two pollutants share the highest sub-index, the feed names one by a fixed
priority that differs by network. PCD stations (``NNt``, ``oNN``, ``mNN``) follow
:data:`TIE_ORDER_PCD`; the Bangkok Metropolitan Administration stations (``bkp…``) put
PM2.5 before PM10 (:data:`TIE_ORDER_BMA`). Observed over 3,574 tied rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

__all__ = [
    "ABOVE_TOP_CURRENT",
    "AQI_MAX",
    "POLLUTANTS",
    "POLLUTANT_KEYS",
    "TABLES",
    "TABLE_CHANGE_DATE",
    "TABLE_CURRENT",
    "TABLE_PRE_2023",
    "TIE_ORDER_BMA",
    "TIE_ORDER_PCD",
    "AQITable",
    "AboveTopRule",
    "Band",
    "Pollutant",
    "PollutantScale",
    "table_for_date",
    "tie_order_for_station",
]

AQI_MAX = 501
"""Highest sub-index or AQI the feed shows [-]."""

TABLE_CHANGE_DATE = dt.date(2023, 6, 1)
"""First day of the current table (PCD's PM2.5 revision) [Asia/Bangkok date]."""


@dataclass(frozen=True, slots=True)
class Pollutant:
    """What a pollutant is, independent of the table.

    Attributes
    ----------
    key : str
        Identifier used everywhere in paknam (``pm25``, ``pm10``, ``o3``, ``co``, ``no2``,
        ``so2``).
    label : str
        Short display label (``PM2.5``).
    feed_code : str
        Name in the air4thai feed (``PM25``).
    name_th, name_en : str
        Names for people, Thai and English.
    unit : str
        Concentration unit of the AQI input (``µg/m³``, ``ppb``, ``ppm``).
    averaging_h : int
        Averaging period of the AQI input [h].
    """

    key: str
    label: str
    feed_code: str
    name_th: str
    name_en: str
    unit: str
    averaging_h: int


POLLUTANTS: MappingProxyType[str, Pollutant] = MappingProxyType(
    {
        "pm25": Pollutant(
            "pm25",
            "PM2.5",
            "PM25",
            "ฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน",
            "fine particulate matter (≤ 2.5 µm)",
            "µg/m³",
            24,
        ),
        "pm10": Pollutant(
            "pm10",
            "PM10",
            "PM10",
            "ฝุ่นละอองขนาดไม่เกิน 10 ไมครอน",
            "particulate matter (≤ 10 µm)",
            "µg/m³",
            24,
        ),
        "o3": Pollutant("o3", "O3", "O3", "ก๊าซโอโซน", "ozone", "ppb", 8),
        "co": Pollutant("co", "CO", "CO", "ก๊าซคาร์บอนมอนอกไซด์", "carbon monoxide", "ppm", 8),
        "no2": Pollutant("no2", "NO2", "NO2", "ก๊าซไนโตรเจนไดออกไซด์", "nitrogen dioxide", "ppb", 1),
        "so2": Pollutant("so2", "SO2", "SO2", "ก๊าซซัลเฟอร์ไดออกไซด์", "sulphur dioxide", "ppb", 1),
    }
)
"""The six AQI pollutants by key, in the feed's order."""

POLLUTANT_KEYS: tuple[str, ...] = tuple(POLLUTANTS)
"""Valid pollutant keys, in the feed's order."""

TIE_ORDER_PCD: tuple[str, ...] = ("pm10", "pm25", "co", "o3", "no2", "so2")
"""Which pollutant PCD stations name when sub-indices tie (first wins)."""

TIE_ORDER_BMA: tuple[str, ...] = ("pm25", "pm10", "co", "o3", "no2", "so2")
"""Tie order of Bangkok (BMA, ``bkp…``) stations; only PM2.5/PM10 ties were observed."""


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a breakpoint table: concentrations ``conc_lo..conc_hi`` map linearly
    onto ``aqi_lo..aqi_hi``.

    Attributes
    ----------
    aqi_lo, aqi_hi : int
        Sub-index at the band's ends (Ii, Ij) [-].
    conc_lo, conc_hi : Decimal
        Concentrations at the band's ends (Xi, Xj) [pollutant unit].
    """

    aqi_lo: int
    aqi_hi: int
    conc_lo: Decimal
    conc_hi: Decimal


@dataclass(frozen=True, slots=True)
class AboveTopRule:
    """Sub-index above the table: ``I = aqi_start + slope × (X − conc_start)``, rounded.

    Attributes
    ----------
    aqi_start : int
        Sub-index at ``conc_start`` [-].
    conc_start : Decimal
        Reference concentration [pollutant unit].
    slope : Decimal
        Sub-index per concentration unit [-/unit]; 0 gives a constant.
    rounding : {"half_up", "floor"}
        How the result is made whole.
    observed : bool
        True when the rule was seen in PCD's published data, False when assumed.
    """

    aqi_start: int
    conc_start: Decimal
    slope: Decimal
    rounding: Literal["half_up", "floor"]
    observed: bool


@dataclass(frozen=True, slots=True)
class PollutantScale:
    """A pollutant's part of one table.

    Attributes
    ----------
    key : str
        Pollutant key.
    decimals : int
        Precision of the table's concentrations [decimal places]; inputs are rounded
        half up to it.
    bands : tuple of Band
        The four bands of levels 1-4 (sub-index 0-200), contiguous at ``decimals``.
    top_start : Decimal
        Lowest concentration of level 5 [pollutant unit].
    above : AboveTopRule
        Sub-index from ``top_start`` up.
    """

    key: str
    decimals: int
    bands: tuple[Band, ...]
    top_start: Decimal
    above: AboveTopRule

    @property
    def quantum(self) -> Decimal:
        """Smallest step of the table [pollutant unit]."""
        return Decimal(1).scaleb(-self.decimals)


@dataclass(frozen=True, slots=True)
class AQITable:
    """A complete Thai AQI table.

    Attributes
    ----------
    key : str
        ``current_2023`` or ``pre_2023``.
    valid_from, valid_until : datetime.date or None
        First and last day in force (None: open) [Asia/Bangkok date].
    scales : Mapping[str, PollutantScale]
        Per pollutant key.
    source : str
        Where the table comes from.
    """

    key: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    scales: MappingProxyType[str, PollutantScale]
    source: str


def _bands(*rows: tuple[int, int, str, str]) -> tuple[Band, ...]:
    return tuple(Band(ilo, ihi, Decimal(xlo), Decimal(xhi)) for ilo, ihi, xlo, xhi in rows)


_ASSUMED_201 = AboveTopRule(201, Decimal(0), Decimal(0), "half_up", observed=False)

ABOVE_TOP_CURRENT: MappingProxyType[str, AboveTopRule] = MappingProxyType(
    {
        "pm25": AboveTopRule(201, Decimal("75"), Decimal(1), "floor", observed=True),
        "pm10": AboveTopRule(201, Decimal("181"), Decimal("0.5"), "half_up", observed=True),
        "o3": AboveTopRule(202, Decimal("121"), Decimal(1), "half_up", observed=True),
        "co": _ASSUMED_201,
        "no2": AboveTopRule(201, Decimal(0), Decimal(0), "half_up", observed=True),
        "so2": _ASSUMED_201,
    }
)
"""Rules above 200 in the current table (see the module docstring)."""

_SCALES_COMMON = {
    "pm10": PollutantScale(
        "pm10",
        0,
        _bands(
            (0, 25, "0", "50"),
            (26, 50, "51", "80"),
            (51, 100, "81", "120"),
            (101, 200, "121", "180"),
        ),
        Decimal("181"),
        ABOVE_TOP_CURRENT["pm10"],
    ),
    "o3": PollutantScale(
        "o3",
        0,
        _bands(
            (0, 25, "0", "35"),
            (26, 50, "36", "50"),
            (51, 100, "51", "70"),
            (101, 200, "71", "120"),
        ),
        Decimal("121"),
        ABOVE_TOP_CURRENT["o3"],
    ),
    "co": PollutantScale(
        "co",
        1,
        _bands(
            (0, 25, "0.0", "4.4"),
            (26, 50, "4.5", "6.4"),
            (51, 100, "6.5", "9.0"),
            (101, 200, "9.1", "30.0"),
        ),
        Decimal("30.1"),
        ABOVE_TOP_CURRENT["co"],
    ),
    "no2": PollutantScale(
        "no2",
        0,
        _bands(
            (0, 25, "0", "60"),
            (26, 50, "61", "106"),
            (51, 100, "107", "170"),
            (101, 200, "171", "340"),
        ),
        Decimal("341"),
        ABOVE_TOP_CURRENT["no2"],
    ),
    "so2": PollutantScale(
        "so2",
        0,
        _bands(
            (0, 25, "0", "100"),
            (26, 50, "101", "200"),
            (51, 100, "201", "300"),
            (101, 200, "301", "400"),
        ),
        Decimal("401"),
        ABOVE_TOP_CURRENT["so2"],
    ),
}

_PM25_CURRENT = PollutantScale(
    "pm25",
    1,
    _bands(
        (0, 25, "0.0", "15.0"),
        (26, 50, "15.1", "25.0"),
        (51, 100, "25.1", "37.5"),
        (101, 200, "37.6", "75.0"),
    ),
    Decimal("75.1"),
    ABOVE_TOP_CURRENT["pm25"],
)

_PM25_PRE_2023 = PollutantScale(
    "pm25",
    0,
    _bands((0, 25, "0", "25"), (26, 50, "26", "37"), (51, 100, "38", "50"), (101, 200, "51", "90")),
    Decimal("91"),
    _ASSUMED_201,
)

_SOURCE = (
    "Pollution Control Department (PCD, กรมควบคุมมลพิษ), Thai Air Quality Index, "
    "air4thai.pcd.go.th; transcribed in shared/data/air/thai_aqi_breakpoints.csv"
)

TABLE_CURRENT = AQITable(
    "current_2023",
    TABLE_CHANGE_DATE,
    None,
    MappingProxyType({"pm25": _PM25_CURRENT, **_SCALES_COMMON}),
    _SOURCE + " (in force from 2023-06-01)",
)
"""The table in force from 1 June 2023."""

TABLE_PRE_2023 = AQITable(
    "pre_2023",
    None,
    TABLE_CHANGE_DATE - dt.timedelta(days=1),
    MappingProxyType({"pm25": _PM25_PRE_2023, **_SCALES_COMMON}),
    _SOURCE + " (in force until 2023-05-31)",
)
"""The table in force until 31 May 2023 (whole-number PM2.5 breakpoints)."""

TABLES: MappingProxyType[str, AQITable] = MappingProxyType(
    {TABLE_CURRENT.key: TABLE_CURRENT, TABLE_PRE_2023.key: TABLE_PRE_2023}
)
"""Both tables by key."""


def table_for_date(date: dt.date) -> AQITable:
    """Return the table in force on a day.

    Parameters
    ----------
    date : datetime.date
        The day [Asia/Bangkok date].

    Returns
    -------
    AQITable
        :data:`TABLE_PRE_2023` before 2023-06-01, else :data:`TABLE_CURRENT`.
    """
    return TABLE_PRE_2023 if date < TABLE_CHANGE_DATE else TABLE_CURRENT


def tie_order_for_station(station_id: str) -> tuple[str, ...]:
    """Return the tie order the air4thai feed uses for a station.

    Parameters
    ----------
    station_id : str
        air4thai station id (``18t``, ``bkp102t``, ``o65``).

    Returns
    -------
    tuple of str
        :data:`TIE_ORDER_BMA` for Bangkok ``bkp…`` stations, else :data:`TIE_ORDER_PCD`.
    """
    return TIE_ORDER_BMA if station_id.lower().startswith("bkp") else TIE_ORDER_PCD
