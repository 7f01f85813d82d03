"""Growth arithmetic on synthetic series (hand-computed expectations)."""

from __future__ import annotations

import pytest

from paknam.economy import tourism


def _flat(year: int, value: float) -> dict[tuple[int, int], float | None]:
    return {(year, m): value for m in range(1, 13)}


def test_tourism_yearly_counts_missing_months() -> None:
    s = {**_flat(2019, 10.0), **_flat(2020, 5.0)}
    s[(2020, 4)] = None
    del s[(2020, 5)]
    years = tourism.yearly(s)
    assert years[2019] == {"total": 120.0, "months": 12, "complete": True, "missing_months": []}
    assert years[2020]["total"] == 50.0 and years[2020]["missing_months"] == [4, 5]


def test_tourism_full_year_growth_only_when_both_complete() -> None:
    s = {**_flat(2021, 100.0), **_flat(2022, 105.0)}
    assert tourism.full_year(s, 2022)["growth"] == pytest.approx(0.05)
    s[(2021, 4)] = None
    fy = tourism.full_year(s, 2022)
    assert fy["growth"] is None and not fy["complete"] and fy["previous_months"] == 11


def test_tourism_ytd_compares_matched_months_only() -> None:
    s = {**_flat(2020, 10.0), **_flat(2021, 20.0)}
    s[(2020, 2)] = None  # missing last year: month 2 left out of both sums
    ytd = tourism.year_to_date(s, (2021, 3))
    assert (ytd["value"], ytd["previous"]) == (40.0, 20.0)
    assert ytd["growth"] == pytest.approx(1.0)
    assert ytd["months_left_out"] == ["2021-02"] and ytd["months_compared"] == 2


def test_tourism_same_month_and_trailing_12_across_year_boundary() -> None:
    s = {**_flat(2021, 10.0), **_flat(2022, 12.0), (2023, 1): 15.0, (2023, 2): 18.0}
    sm = tourism.same_month(s, (2023, 2))
    assert sm["growth"] == pytest.approx(18 / 12 - 1)
    t12 = tourism.trailing_12(s, (2023, 2))
    # Mar 2022..Feb 2023 = 10 × 12 + 15 + 18; Mar 2021..Feb 2022 = 10 × 10 + 2 × 12
    assert t12["value"] == 153.0 and t12["previous"] == 124.0
    assert t12["growth"] == pytest.approx(153 / 124 - 1)


def test_tourism_trailing_12_needs_all_months() -> None:
    s = {**_flat(2021, 10.0), **_flat(2022, 12.0)}
    s[(2021, 6)] = None
    t12 = tourism.trailing_12(s, (2022, 12))
    assert t12["growth"] is None and t12["months_compared"] == 11


def test_tourism_vs_reference_year_uses_same_months_of_2019() -> None:
    s = {**_flat(2019, 30.0), **_flat(2022, 12.0), (2023, 1): 15.0}
    out = tourism.summary(s, (2023, 1))
    assert out["vs_reference"]["same_month"]["previous"] == 30.0
    assert out["vs_reference"]["trailing_12_months"]["previous"] == 360.0
    assert out["vs_reference"]["trailing_12_months"]["value"] == 11 * 12.0 + 15.0
    assert tourism.summary(s, (2019, 5))["vs_reference"]["same_month"] is None


def test_tourism_growth_of_zero_or_missing_is_none() -> None:
    assert tourism.growth(5.0, 0.0) is None
    assert tourism.growth(None, 3.0) is None
    assert tourism.shift((2023, 1), -1) == (2022, 12)
