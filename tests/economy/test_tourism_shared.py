"""The real Samut Prakan MOTS file against the published yearly figures (REFERENCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paknam.core.store import Store
from paknam.core.tabular import read_table
from paknam.economy import tourism
from paknam.economy.imports import import_visits
from paknam.economy.service import indicator_records
from paknam.economy.visits import PROVINCE, monthly_table, series

pytestmark = pytest.mark.shared_data
FILE = "tourism/samut_prakan_tourism_monthly_2019_2023.csv"


@pytest.fixture
def loaded(sqlite_store: Store, shared_data: Path) -> Store:
    table = read_table(shared_data / FILE)
    with sqlite_store.write() as conn:
        report = import_visits(conn, table, scope=PROVINCE, source="MOTS")
    assert report.received == 50 and report.rejected == 0
    assert report.zero_as_missing == [17, 18]  # April and May 2020
    return sqlite_store


def test_mots_yearly_totals_match_reference(loaded: Store) -> None:
    with loaded.read() as conn:
        table = monthly_table(conn, PROVINCE)
    visitors = tourism.yearly(series(table, "visitors"))
    revenue = tourism.yearly(series(table, "revenue_thb"))
    # REFERENCE.md: 2019 3.48 M, 7.01 bn THB; 2020 1.26 M; 2021 0.46 M; 2022 2.36 M, 3.41 bn
    assert round(visitors[2019]["total"] / 1e6, 2) == 3.48
    assert round(revenue[2019]["total"] / 1e9, 2) == 7.01
    assert round(visitors[2020]["total"] / 1e6, 2) == 1.26
    assert round(visitors[2021]["total"] / 1e6, 2) == 0.46
    assert round(visitors[2022]["total"] / 1e6, 2) == 2.36
    assert round(revenue[2022]["total"] / 1e9, 2) == 3.41
    # SOURCES.md's exact sums
    assert visitors[2019]["total"] == 3_480_752 and visitors[2022]["total"] == 2_359_964
    assert visitors[2020]["missing_months"] == [4, 5] and not visitors[2020]["complete"]


def test_mots_growth_jan_feb_2023_matches_sources(loaded: Store) -> None:
    with loaded.read() as conn:
        s = series(monthly_table(conn, PROVINCE), "visitors")
        r = series(monthly_table(conn, PROVINCE), "revenue_thb")
    # SOURCES.md: Jan–Feb 2023 against Jan–Feb 2022: visitors +94.5 %, revenue +83.4 %
    assert round(tourism.year_to_date(s, (2023, 2))["growth"] * 100, 1) == 94.5
    assert round(tourism.year_to_date(r, (2023, 2))["growth"] * 100, 1) == 83.4
    # 2021 against 2020: the full-year growth is refused (2020 lacks two months); the
    # matched-month comparison leaves April and May out of both years
    assert tourism.full_year(s, 2021)["growth"] is None
    ytd = tourism.year_to_date(s, (2021, 12))
    assert ytd["months_left_out"] == ["2021-04", "2021-05"] and ytd["months_compared"] == 10


def test_mots_indicators_default_to_newest_complete_year(loaded: Store) -> None:
    tourists, revenue = indicator_records(loaded)
    assert tourists["id"] == "economy_tourists" and revenue["id"] == "economy_tourism_revenue"
    assert (tourists["period"], tourists["baseline_period"]) == ("2022", "2021")
    assert tourists["value"] == 2_359_964 and tourists["baseline"] == 458_101
    assert tourists["target"] == pytest.approx(458_101 * 1.05)
    assert tourists["status"] == "on_track"
    assert revenue["target"] == pytest.approx(689_510_000 * 1.10)
    assert tourists["details"]["vs_2019"]["growth"] == pytest.approx(2_359_964 / 3_480_752 - 1)
    (t2021, _) = indicator_records(loaded, 2021)
    assert t2021["status"] == "insufficient_data"  # baseline 2020 lacks April and May
    assert t2021["details"]["matched_months"]["months_compared"] == 10
