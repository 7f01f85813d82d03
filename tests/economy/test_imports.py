"""Imports of monthly returns and daily counters (CSV and Excel) with per-row errors."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from paknam.core.errors import BatchRejected, InvalidInput
from paknam.core.store import Store
from paknam.core.tabular import parse_csv, parse_excel, parse_table
from paknam.economy.catalogue import add_place
from paknam.economy.demo import sample_places
from paknam.economy.imports import import_visits
from paknam.economy.visits import growth_report, monthly_table


def _csv(text: str):  # type: ignore[no-untyped-def]
    return parse_csv(text.encode())


def test_import_bad_rows_are_named_and_nothing_is_stored(store: Store) -> None:
    table = _csv(
        "scope,period,visitors,visitors_thai,visitors_foreign,revenue_thb\n"
        "province,2024-01,100,60,40,5000\n"
        "province,2024-13,100,,,\n"
        "nowhere,2024-02,100,,,\n"
        "province,2024-03,-5,,,\n"
        "province,2024-04,10,3,3,\n"
        "province,2024-01,100,60,40,5000\n"
        "province,2024-05,1.5,,,\n"
    )
    with pytest.raises(BatchRejected) as caught, store.write() as conn:
        import_visits(conn, table)
    lines = {e.index: e.reason for e in caught.value.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "month must be in 1..12" in lines[3]
    assert "'nowhere'" in lines[4]
    assert "≥ 0" in lines[5]
    assert "≠ visitors_thai 3 + visitors_foreign 3" in lines[6]
    assert "repeats line 2" in lines[7]
    assert "whole number" in lines[8]
    with store.read() as conn:
        assert monthly_table(conn, "province") == []
    with store.write() as conn:
        report = import_visits(conn, table, skip_invalid=True)
    assert (report.stored, report.rejected) == (1, 6)


def test_import_all_zero_month_is_missing_and_reimport_is_unchanged(store: Store) -> None:
    table = _csv("month,visitors,revenue_thb\n2020-04,0,0\n2020-05,120,3.5e6\n")
    with store.write() as conn:
        first = import_visits(conn, table, scope="province")
    with store.write() as conn:
        again = import_visits(conn, table, scope="province")
    assert first.zero_as_missing == [2] and first.stored == 2
    assert (again.stored, again.unchanged) == (0, 2)
    with store.read() as conn:
        months = monthly_table(conn, "province")
    assert months[0]["visitors"] is None and months[0]["revenue_thb"] is None
    assert months[1]["visitors"] == 120


def test_import_daily_counters_make_a_month_only_when_complete(store: Store) -> None:
    with store.write() as conn:
        add_place(conn, sample_places()[3])  # bang-pu
    days = ["scope,date,visitors"]
    days += [f"bang-pu,2025-02-{d:02d},{100 + d}" for d in range(1, 29)]  # all of February
    days += [f"bang-pu,2025-03-{d:02d},50" for d in range(1, 11)]  # 10 days of March
    days += [f"bang-pu,2026-02-{d:02d},{110 + d}" for d in range(1, 29)]
    with store.write() as conn:
        report = import_visits(conn, _csv("\n".join(days)), granularity="day", definition="entries")
    assert report.stored == 66
    with store.read() as conn:
        months = {m["month"]: m for m in monthly_table(conn, "bang-pu")}
        growth = growth_report(conn, "bang-pu", (2026, 2))
    feb = months["2025-02"]
    assert feb["visitors"] == sum(100 + d for d in range(1, 29)) and feb["days_counted"] == 28
    assert months["2025-03"]["visitors"] is None  # incomplete month: not a month figure
    assert months["2025-03"]["partial"]["visitors"] == 500
    same = growth["figures"]["visitors"]["same_month_last_year"]
    feb_2025 = 28 * 100 + 406  # 100 + d for d = 1..28
    assert same["growth"] == pytest.approx((feb_2025 + 28 * 10) / feb_2025 - 1)


def test_import_month_file_rejects_days_and_day_file_rejects_months(store: Store) -> None:
    with pytest.raises(BatchRejected, match="monthly returns need"), store.write() as conn:
        import_visits(conn, _csv("period,visitors\n2024-01-15,5\n"), scope="province")
    with pytest.raises(BatchRejected, match="daily counters need"), store.write() as conn:
        import_visits(
            conn, _csv("period,visitors\n2024-01,5\n"), scope="province", granularity="day"
        )
    with pytest.raises(InvalidInput, match="no period column"), store.write() as conn:
        import_visits(conn, _csv("when,visitors\n2024-01,5\n"), scope="province")


def test_import_excel_with_dates_and_numbers(sqlite_store: Store) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Travel Date", "No Tourist All", "Revenue All", "Comment"])
    ws.append([date(2022, 1, 1), 137207, 211800000.0, "from MOTS"])
    ws.append([None, None, None, None])
    ws.append([date(2022, 2, 1), 146520, 222910000.0, ""])
    buf = io.BytesIO()
    book.save(buf)
    table = parse_table(buf.getvalue(), "returns.xlsx")
    assert table.columns == ["travel_date", "no_tourist_all", "revenue_all", "comment"]
    assert [n for n, _ in table.rows] == [2, 4]
    with sqlite_store.write() as conn:
        report = import_visits(conn, table, scope="province")
    assert report.stored == 2 and report.ignored_columns == ["comment"]
    with pytest.raises(InvalidInput, match="cannot read the Excel file"):
        parse_excel(b"not a zip")
    with pytest.raises(InvalidInput, match=r"use a \.csv or \.xlsx"):
        parse_table(b"", "figures.pdf")
