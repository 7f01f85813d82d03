"""PCD's period rules: monthly WQI = lowest daily, yearly WQI = lowest monthly (environnet
indicator 174)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from paknam.environment.errors import WQIError
from paknam.environment.wqi.period import BANGKOK, PeriodWQI, monthly_wqi, thai_day, yearly_wqi

D = dt.date


def test_monthly_wqi_is_lowest_daily_value():
    m = monthly_wqi(
        [
            (D(2026, 1, 5), 72),
            (D(2026, 1, 20), 58),
            (D(2026, 1, 28), 61),
            (D(2026, 2, 3), 65),
        ]
    )
    assert list(m) == ["2026-01", "2026-02"]
    assert m["2026-01"] == PeriodWQI("2026-01", 58.0, D(2026, 1, 20), 3)
    assert m["2026-02"] == PeriodWQI("2026-02", 65.0, D(2026, 2, 3), 1)


def test_monthly_wqi_sorted_and_ties_name_earliest_day():
    m = monthly_wqi([(D(2025, 12, 9), 40), (D(2025, 3, 2), 50), (D(2025, 12, 1), 40)])
    assert list(m) == ["2025-03", "2025-12"]
    assert m["2025-12"].day == D(2025, 12, 1)


def test_monthly_wqi_several_values_a_day_count_like_the_days_lowest():
    m = monthly_wqi([(D(2026, 5, 1), 80), (D(2026, 5, 1), 44), (D(2026, 5, 2), 60)])
    assert m["2026-05"].wqi == 44 and m["2026-05"].count == 3


def test_monthly_wqi_uses_thai_calendar_days():
    # 2026-01-31 18:00 UTC is 2026-02-01 01:00 in Bangkok: it belongs to February
    late = dt.datetime(2026, 1, 31, 18, 0, tzinfo=dt.UTC)
    m = monthly_wqi([(late, 30), (D(2026, 1, 10), 70)])
    assert m["2026-02"].wqi == 30 and m["2026-02"].day == D(2026, 2, 1)
    assert m["2026-01"].wqi == 70
    naive = dt.datetime(2026, 1, 31, 23, 30)  # taken as Thai time
    assert thai_day(naive) == D(2026, 1, 31)
    assert thai_day(late.astimezone(BANGKOK)) == D(2026, 2, 1)


def test_monthly_wqi_skips_days_without_value():
    m = monthly_wqi([(D(2026, 3, 1), None), (D(2026, 3, 2), 66)])
    assert m["2026-03"].wqi == 66 and m["2026-03"].count == 1
    assert monthly_wqi([(D(2026, 3, 1), None)]) == {}


def test_yearly_wqi_is_lowest_monthly_value():
    daily = [
        (D(2025, 11, 3), 62),
        (D(2025, 12, 8), 55),
        (D(2026, 1, 5), 72),
        (D(2026, 1, 20), 58),
        (D(2026, 6, 2), 49),
        (D(2026, 6, 30), 81),
    ]
    y = yearly_wqi(monthly_wqi(daily))
    assert list(y) == ["2025", "2026"]
    assert y["2025"] == PeriodWQI("2025", 55.0, D(2025, 12, 8), 2)
    assert y["2026"] == PeriodWQI("2026", 49.0, D(2026, 6, 2), 2)


def test_yearly_wqi_accepts_an_iterable_of_months():
    m = monthly_wqi([(D(2026, 1, 5), 72), (D(2026, 2, 5), 68)])
    assert yearly_wqi(m.values())["2026"].wqi == 68


@pytest.mark.parametrize("value", [-1, 100.5, math.nan, "70", True])
def test_monthly_wqi_rejects_bad_values(value):
    with pytest.raises(WQIError, match="2026-01-05"):
        monthly_wqi([(D(2026, 1, 5), value)])


def test_monthly_wqi_rejects_bad_dates():
    with pytest.raises(WQIError, match=r"not a datetime\.date"):
        monthly_wqi([("2026-01-05", 50)])


def test_yearly_wqi_refuses_non_monthly_items():
    with pytest.raises(WQIError, match="not a monthly PeriodWQI"):
        yearly_wqi([PeriodWQI("2026", 50.0, D(2026, 1, 1), 1)])
    with pytest.raises(WQIError, match="not a monthly PeriodWQI"):
        yearly_wqi([(D(2026, 1, 1), 50)])
