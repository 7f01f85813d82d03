"""Thai Air Quality Index (PCD) for one set of concentrations, in exact decimal arithmetic.

A pure module: no I/O, no database, no settings. The tables are in
:mod:`paknam.environment.aqi.tables`, the levels and advice in
:mod:`paknam.environment.aqi.levels`, arrays in :mod:`paknam.environment.aqi.array`,
rolling means from hourly data in :mod:`paknam.environment.aqi.rolling`, the command line
in :mod:`paknam.environment.aqi.cli`, errors in :mod:`paknam.environment.errors`.

How PCD's numbers are reproduced (100 % of 1,172,393 published sub-indices):

1. The concentration, already averaged over the pollutant's period (PM2.5, PM10 24 h;
   O3, CO 8 h; NO2, SO2 1 h), is rounded half up to the table's precision: one decimal for
   PM2.5 and CO, whole numbers for the others (and for PM2.5 in the pre-2023 table). The
   feed publishes every value at that precision already, so its data cannot tell rounding
   from truncation; paknam rounds half up, like the index itself.
2. In the band ``Xi..Xj`` holding X, ``I = (Ij − Ii)/(Xj − Xi) × (X − Xi) + Ii`` is
   evaluated in :class:`decimal.Decimal`, multiplying before dividing, and rounded half
   up. Floats and Python's ``round()`` (half to even) do not reproduce PCD:
   PM2.5 39.3 µg/m³ is exactly 105.5 and PCD shows 106.
3. Above the table the feed's own rules apply (see :mod:`~paknam.environment.aqi.tables`).
4. The AQI is the highest sub-index; ties name a pollutant by a fixed order
   (:data:`~paknam.environment.aqi.tables.TIE_ORDER_PCD` by default).

Examples
--------
>>> sub_index("pm25", 39.3)
106
>>> r = compute_aqi({"pm25": 20, "pm10": 100})
>>> (r.aqi, r.pollutant, r.level, r.level_name_en)
(75, 'pm10', 3, 'moderate')
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from paknam.environment.aqi.levels import LEVELS, AQILevel, level_for
from paknam.environment.aqi.tables import (
    AQI_MAX,
    POLLUTANT_KEYS,
    POLLUTANTS,
    TABLE_CURRENT,
    TIE_ORDER_PCD,
    AQITable,
    PollutantScale,
    table_for_date,
)
from paknam.environment.errors import (
    AQIError,
    InvalidConcentrationError,
    UnknownPollutantError,
)

__all__ = [
    "AQIResult",
    "compute_aqi",
    "concentration_at_precision",
    "normalize_pollutant",
    "sub_index",
    "sub_indices",
    "table_on",
]

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")
"""Thai time, UTC+7 all year (no daylight saving)."""

CONCENTRATION_CLAMP = Decimal(1_000_000)
"""Concentrations are clamped to this before use [pollutant unit]: every rule above the
tables is constant or at :data:`AQI_MAX` long before it, so results do not change."""

_ALIASES = {"pm2.5": "pm25", "pm_25": "pm25", "pm_10": "pm10"}


def normalize_pollutant(name: str, table: AQITable = TABLE_CURRENT) -> str:
    """Return the paknam key of a pollutant name.

    Parameters
    ----------
    name : str
        ``pm25``, ``PM2.5``, ``PM25`` (feed code), ``pm10``, ``O3``, ``co``, ``NO2``, ``so2``;
        case and surrounding blanks are ignored.
    table : AQITable
        Table whose keys are valid (for the error message).

    Returns
    -------
    str
        One of :data:`~paknam.environment.aqi.tables.POLLUTANT_KEYS`.

    Raises
    ------
    UnknownPollutantError
        If the name is not a known pollutant; the message lists the valid keys.
    """
    if not isinstance(name, str):
        raise UnknownPollutantError(name, POLLUTANT_KEYS, table.key)
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in table.scales:
        raise UnknownPollutantError(name, POLLUTANT_KEYS, table.key)
    return key


def table_on(date: dt.date | None = None) -> AQITable:
    """Return the AQI table in force on a day.

    Parameters
    ----------
    date : datetime.date or datetime.datetime, optional
        The day [Asia/Bangkok]; an aware datetime is converted to Thai time, a naive one is
        taken as Thai time. Default: today in Thailand.

    Returns
    -------
    AQITable
        The pre-2023 table before 2023-06-01, else the current one.
    """
    if date is None:
        date = dt.datetime.now(BANGKOK).date()
    elif isinstance(date, dt.datetime):
        date = date.astimezone(BANGKOK).date() if date.tzinfo else date.date()
    elif not isinstance(date, dt.date):
        raise AQIError(f"date {date!r} is not a datetime.date; give e.g. date(2026, 1, 31)")
    return table_for_date(date)


def _to_decimal(pollutant: str, value: Any) -> Decimal:
    """Convert a concentration to Decimal, rejecting what the AQI cannot use."""
    p = POLLUTANTS[pollutant]
    if isinstance(value, Decimal):
        x = value
    elif isinstance(value, bool) or value is None:
        x = None
    elif isinstance(value, numbers.Integral):
        x = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        f = float(value)
        # repr() is the shortest string that round-trips: 39.3 stays "39.3", not 39.2999…
        x = Decimal(repr(f))
    elif isinstance(value, str):
        try:
            x = Decimal(value.strip())
        except InvalidOperation:
            x = None
    else:
        x = None
    if x is None:
        raise InvalidConcentrationError(
            pollutant,
            value,
            f"{p.label} value {value!r} is not a number; give a concentration in {p.unit} "
            "(0 or more)",
        )
    if x.is_nan():
        raise InvalidConcentrationError(
            pollutant,
            value,
            f"{p.label} value {value!r} is NaN; give a concentration in {p.unit} (0 or more), "
            "or None for a pollutant that was not measured",
        )
    if not x.is_finite():
        raise InvalidConcentrationError(
            pollutant,
            value,
            f"{p.label} value {value!r} {p.unit} is not finite; valid range is 0 ≤ value",
        )
    if x < 0:
        raise InvalidConcentrationError(
            pollutant,
            value,
            f"{p.label} value {value!r} {p.unit} is below 0; valid range is 0 ≤ value",
        )
    return x


def concentration_at_precision(
    pollutant: str, value: Any, *, date: dt.date | None = None
) -> Decimal:
    """Round a concentration half up to the table's precision.

    Parameters
    ----------
    pollutant : str
        Pollutant key or name (see :func:`normalize_pollutant`).
    value : int, float, str or Decimal
        Concentration over the pollutant's averaging period [µg/m³, ppb or ppm].
        A float is read through its shortest ``repr`` (``39.3`` is 39.3, not 39.2999…).
    date : datetime.date, optional
        Day of the measurement (selects the table) [Asia/Bangkok]; default today.

    Returns
    -------
    Decimal
        The concentration at the table's precision [pollutant unit].

    Raises
    ------
    UnknownPollutantError, InvalidConcentrationError
        For an unknown pollutant or a negative, NaN, infinite or non-numeric value.
    """
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    return _quantize(table.scales[key], _to_decimal(key, value))


def _quantize(scale: PollutantScale, x: Decimal) -> Decimal:
    return min(x, CONCENTRATION_CLAMP).quantize(scale.quantum, rounding=ROUND_HALF_UP)


def _sub_index_exact(scale: PollutantScale, x: Decimal) -> int:
    """Sub-index of a concentration already at the table's precision."""
    with localcontext() as ctx:
        ctx.prec = 50
        for band in scale.bands:
            if x <= band.conc_hi:
                # Multiply first: the only inexact step is the final division, and a true
                # .5 is a terminating decimal, so rounding half up is exact.
                num = (band.aqi_hi - band.aqi_lo) * (x - band.conc_lo)
                value = num / (band.conc_hi - band.conc_lo) + band.aqi_lo
                return int(value.to_integral_value(rounding=ROUND_HALF_UP))
        rule = scale.above
        value = rule.aqi_start + rule.slope * (x - rule.conc_start)
        rounding = ROUND_FLOOR if rule.rounding == "floor" else ROUND_HALF_UP
        return min(int(value.to_integral_value(rounding=rounding)), AQI_MAX)


def sub_index(pollutant: str, value: Any, *, date: dt.date | None = None) -> int:
    """Thai AQI sub-index of one pollutant.

    Parameters
    ----------
    pollutant : str
        ``pm25``, ``pm10``, ``o3``, ``co``, ``no2`` or ``so2`` (or ``PM2.5``, ``PM25`` …).
    value : int, float, str or Decimal
        Concentration over the averaging period: PM2.5, PM10 24 h mean [µg/m³];
        O3 8 h mean [ppb]; CO 8 h mean [ppm]; NO2, SO2 1 h mean [ppb].
    date : datetime.date, optional
        Day of the measurement, selects the table [Asia/Bangkok]; default today.

    Returns
    -------
    int
        Sub-index [-], 0 to :data:`~paknam.environment.aqi.tables.AQI_MAX`.

    Raises
    ------
    UnknownPollutantError, InvalidConcentrationError
        (both ``ValueError``) for an unknown pollutant or a negative, NaN, infinite or
        non-numeric value.

    Examples
    --------
    >>> sub_index("pm25", "39.3")
    106
    >>> sub_index("pm25", 30, date=dt.date(2023, 5, 31))  # pre-2023 table
    35
    """
    table = table_on(date)
    key = normalize_pollutant(pollutant, table)
    scale = table.scales[key]
    return _sub_index_exact(scale, _quantize(scale, _to_decimal(key, value)))


def sub_indices(values: Mapping[str, Any], *, date: dt.date | None = None) -> dict[str, int]:
    """Sub-indices of several pollutants; None values (not measured) are left out.

    Parameters
    ----------
    values : Mapping[str, value or None]
        Concentration per pollutant key or name, units as in :func:`sub_index`.
    date : datetime.date, optional
        Day of the measurement [Asia/Bangkok]; default today.

    Returns
    -------
    dict[str, int]
        Sub-index per pollutant key, in the table's pollutant order.

    Raises
    ------
    UnknownPollutantError, InvalidConcentrationError, AQIError
        Bad key or value, or the same pollutant given twice under two names.
    """
    table = table_on(date)
    given: dict[str, Any] = {}
    for name, value in values.items():
        key = normalize_pollutant(name, table)
        if key in given:
            raise AQIError(f"pollutant {key!r} given twice (as {name!r} and another name)")
        given[key] = value
    return {
        key: sub_index(key, given[key], date=date)
        for key in table.scales
        if given.get(key) is not None
    }


@dataclass(frozen=True, slots=True)
class AQIResult:
    """Overall Thai AQI of one set of concentrations.

    Attributes
    ----------
    aqi : int
        The AQI, the highest sub-index [-].
    pollutant : str
        Key of the pollutant that sets it.
    level : int
        Level 1 (very good) to 5 (affects health).
    level_key : str
        ``very_good``, ``good``, ``moderate``, ``starting_to_affect_health``,
        ``affects_health``.
    level_name_th, level_name_en : str
        Level name.
    color : str
        PCD colour of the level, ``#RRGGBB``.
    advice_th, advice_en : str
        Advice for the general public.
    advice_at_risk_th, advice_at_risk_en : str
        Advice for at-risk groups.
    sub_indices : dict[str, int]
        Sub-index of every pollutant given.
    table : str
        Key of the breakpoint table used.
    """

    aqi: int
    pollutant: str
    level: int
    level_key: str
    level_name_th: str
    level_name_en: str
    color: str
    advice_th: str
    advice_en: str
    advice_at_risk_th: str
    advice_at_risk_en: str
    sub_indices: dict[str, int]
    table: str

    @property
    def level_info(self) -> AQILevel:
        """The full level description."""
        return LEVELS[self.level - 1]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict (same field names)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {
            "sub_indices": dict(self.sub_indices)
        }


def _check_tie_order(tie_order: Sequence[str]) -> tuple[str, ...]:
    order = tuple(tie_order)
    if sorted(order) != sorted(POLLUTANT_KEYS):
        raise AQIError(
            f"tie_order {order!r} must list each of {', '.join(POLLUTANT_KEYS)} exactly once"
        )
    return order


def compute_aqi(
    values: Mapping[str, Any],
    *,
    date: dt.date | None = None,
    tie_order: Sequence[str] = TIE_ORDER_PCD,
) -> AQIResult:
    """Overall Thai AQI: the highest sub-index, its pollutant, level and advice.

    Parameters
    ----------
    values : Mapping[str, value or None]
        Concentration per pollutant over its averaging period: ``pm25``, ``pm10``
        [µg/m³, 24 h]; ``o3`` [ppb, 8 h]; ``co`` [ppm, 8 h]; ``no2``, ``so2`` [ppb, 1 h].
        None means not measured. At least one value is needed.
    date : datetime.date, optional
        Day of the measurement, selects the table [Asia/Bangkok]; default today.
    tie_order : sequence of str
        Which pollutant to name when sub-indices tie, first wins; default PCD's
        (:func:`~paknam.environment.aqi.tables.tie_order_for_station` gives the BMA one).

    Returns
    -------
    AQIResult

    Raises
    ------
    UnknownPollutantError, InvalidConcentrationError, AQIError
        Bad key or value, no value at all, or a bad ``tie_order``.
    """
    order = _check_tie_order(tie_order)
    table = table_on(date)
    subs = sub_indices(values, date=date)
    if not subs:
        raise AQIError("no concentrations given; need at least one of " + ", ".join(POLLUTANT_KEYS))
    top = max(subs.values())
    pollutant = next(k for k in order if subs.get(k) == top)
    level = level_for(top)
    return AQIResult(
        aqi=top,
        pollutant=pollutant,
        level=level.number,
        level_key=level.key,
        level_name_th=level.name_th,
        level_name_en=level.name_en,
        color=level.color,
        advice_th=level.advice_general_th,
        advice_en=level.advice_general_en,
        advice_at_risk_th=level.advice_at_risk_th,
        advice_at_risk_en=level.advice_at_risk_en,
        sub_indices=subs,
        table=table.key,
    )
