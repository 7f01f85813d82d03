"""PCD's period rules for the WQI: a month's WQI is its lowest daily WQI, a year's its
lowest monthly WQI.

Source: environnet local-environment indicator 174, "ค่าดัชนีคุณภาพน้ำ (WQI)"
(http://local.environnet.in.th/explain_detail.php?id=174): "รายเดือน ใช้ค่าต่ำสุดจากค่า
WQI รายวัน เป็นตัวแทนรายเดือน; รายปี ใช้ค่าต่ำสุดจากค่า WQI รายเดือน (ที่รายงานภายในปีนั้น)".

Days are Thai calendar days (Asia/Bangkok, UTC+7): an aware datetime is converted, a naive
one is taken as Thai time. Several values on one day all count, which is the same as taking
the day's lowest first. The rules work on any WQI (the Thai one, partial or not); they do
not mix methods, so give values computed the same way.

Examples
--------
>>> import datetime as dt
>>> m = monthly_wqi([(dt.date(2026, 1, 5), 72), (dt.date(2026, 1, 20), 58),
...                  (dt.date(2026, 2, 3), 65)])
>>> [(p.period, p.wqi) for p in m.values()]
[('2026-01', 58.0), ('2026-02', 65.0)]
>>> yearly_wqi(m)["2026"].wqi
58.0
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from paknam.environment.errors import WQIError

__all__ = ["BANGKOK", "PeriodWQI", "monthly_wqi", "thai_day", "yearly_wqi"]

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")
"""Thai time, UTC+7 all year (no daylight saving)."""


@dataclass(frozen=True, slots=True)
class PeriodWQI:
    """The WQI of a month or a year under PCD's lowest-value rule.

    Attributes
    ----------
    period : str
        ``YYYY-MM`` for a month, ``YYYY`` for a year (Common Era, Thai calendar days).
    wqi : float
        The lowest WQI of the period [0-100].
    day : datetime.date
        Day of that lowest value (the earliest if several share it).
    count : int
        Values the period was built from (days' values for a month, months for a year).
    """

    period: str
    wqi: float
    day: dt.date
    count: int


def thai_day(when: Any) -> dt.date:
    """Return the Thai calendar day of a date or datetime.

    Raises
    ------
    WQIError
        If ``when`` is neither.
    """
    if isinstance(when, dt.datetime):
        return when.astimezone(BANGKOK).date() if when.tzinfo else when.date()
    if isinstance(when, dt.date):
        return when
    raise WQIError(f"date {when!r} is not a datetime.date or datetime.datetime")


def _wqi_value(value: Any, day: dt.date) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    x = float(value) if ok else math.nan
    if not ok or not 0 <= x <= 100:
        raise WQIError(
            f"WQI {value!r} on {day.isoformat()} is not a number from 0 to 100; "
            "leave out days without a WQI"
        )
    return x


def _lowest(groups: dict[str, list[tuple[dt.date, float, int]]]) -> dict[str, PeriodWQI]:
    out: dict[str, PeriodWQI] = {}
    for period in sorted(groups):
        rows = groups[period]
        day, low, _ = min(rows, key=lambda r: (r[1], r[0]))
        out[period] = PeriodWQI(period, low, day, sum(r[2] for r in rows))
    return out


def monthly_wqi(values: Iterable[tuple[Any, Any]]) -> dict[str, PeriodWQI]:
    """Monthly WQI: the lowest daily WQI of each month.

    Parameters
    ----------
    values : iterable of (date or datetime, WQI)
        WQI values [0-100] with their day; None values (no WQI that day) are skipped.

    Returns
    -------
    dict[str, PeriodWQI]
        By ``YYYY-MM``, in time order; months without values are absent.

    Raises
    ------
    WQIError
        For a bad date or a WQI that is NaN, not a number, or outside 0-100.
    """
    groups: dict[str, list[tuple[dt.date, float, int]]] = {}
    for when, value in values:
        day = thai_day(when)
        if value is None:
            continue
        groups.setdefault(f"{day.year:04d}-{day.month:02d}", []).append(
            (day, _wqi_value(value, day), 1)
        )
    return _lowest(groups)


def yearly_wqi(monthly: Mapping[str, PeriodWQI] | Iterable[PeriodWQI]) -> dict[str, PeriodWQI]:
    """Yearly WQI: the lowest monthly WQI reported in each year.

    Parameters
    ----------
    monthly : Mapping[str, PeriodWQI] or iterable of PeriodWQI
        Monthly values, as returned by :func:`monthly_wqi`.

    Returns
    -------
    dict[str, PeriodWQI]
        By ``YYYY``, in time order; ``count`` is the number of months with a value.

    Raises
    ------
    WQIError
        If an item is not a monthly :class:`PeriodWQI`.
    """
    items = monthly.values() if isinstance(monthly, Mapping) else monthly
    groups: dict[str, list[tuple[dt.date, float, int]]] = {}
    for item in items:
        if not isinstance(item, PeriodWQI) or len(item.period) != 7:
            raise WQIError(f"{item!r} is not a monthly PeriodWQI (give monthly_wqi's result)")
        groups.setdefault(item.period[:4], []).append((item.day, item.wqi, 1))
    return _lowest(groups)
