"""The validation rules of every ingest path (pure: no database)."""

import numpy as np

from paknam.core.ingest import check_columns, check_items

CATALOG = {("18t", "pm25"): 1, ("18t", "pm10"): 2, ("16t", "pm25"): 3}
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z


def item(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "station": "18t",
        "quantity": "pm25",
        "time": "2025-12-31T07:00:00+07:00",
        "value": 12.5,
    }
    base.update(kw)
    return base


def reasons(items: list[object]) -> dict[int, str]:
    checked = check_items(items, CATALOG, now=NOW)
    return {e.index: e.reason for e in checked.errors}


def test_check_items_valid_batch_gives_rows() -> None:
    checked = check_items([item(), item(quantity="pm10", value=40)], CATALOG, now=NOW)
    assert checked.ok
    assert checked.rows() == [(1, 1767139200, 12.5), (2, 1767139200, 40.0)]


def test_check_items_each_rule_named_by_index() -> None:
    got = reasons(
        [
            item(),  # 0 ok
            item(station="99t"),  # 1
            item(quantity="pm2.5"),  # 2
            item(station="16t", quantity="pm10"),  # 3 station lacks series
            item(time="2025-12-31T07:00:00"),  # 4 naive
            item(value=-1),  # 5 below range
            item(value="12"),  # 6 not a number
            item(value=True),  # 7 bool is not a number
            item(time="2026-01-01T00:11:00Z"),  # 8 11 min in future
            {"station": "18t"},  # 9 missing fields
            "x",  # 10 not an object
            item(valeu=1),  # 11 unknown field
            item(value=1e400),  # 12 inf (JSON would give inf via float overflow)
        ]
    )
    assert set(got) == set(range(1, 13))
    assert got[1] == "unknown station '99t'"
    assert got[2] == "unknown quantity 'pm2.5'"
    assert got[3] == "station '16t' has no 'pm10' series"
    assert "no UTC offset" in got[4]
    assert got[5] == "station '18t': pm25 value -1 µg/m³ is below 0 µg/m³"
    assert "not a number" in got[6] and "not a number" in got[7]
    assert got[8] == "time is 660 s in the future (limit 600 s)"
    assert got[9] == "missing field(s): quantity, time, value"
    assert "not an object" in got[10]
    assert "unknown field(s): valeu" in got[11]
    assert "not a finite number" in got[12]


def test_check_items_unknown_quantity_named() -> None:
    got = reasons([item(quantity="pm2.5")])
    assert got == {0: "unknown quantity 'pm2.5'"}


def test_check_items_future_within_limit_accepted() -> None:
    assert check_items([item(time="2026-01-01T00:10:00Z")], CATALOG, now=NOW).ok


def test_check_items_duplicate_same_value_counted_once() -> None:
    checked = check_items([item(), item(), item(time="2025-12-31T00:00:00Z")], CATALOG, now=NOW)
    assert checked.ok
    assert len(checked) == 1
    assert checked.duplicates == 2


def test_check_items_duplicate_other_value_rejected() -> None:
    got = reasons([item(), item(value=13.0)])
    assert got == {1: "same station, quantity and time as item 0 but another value (13 vs 12.5)"}


def test_check_columns_vectorised_matches_items() -> None:
    n = 1000
    stations = np.array(["18t"] * n, dtype=object)
    quantities = np.array(["pm25"] * n, dtype=object)
    times = NOW - 60 * np.arange(n, dtype=np.int64)
    values = np.linspace(-5, 1005, n)
    checked = check_columns(stations, quantities, times, values, CATALOG, now=NOW)
    expected_bad = {i for i in range(n) if values[i] < 0 or values[i] > 1000}
    assert {e.index for e in checked.errors} == expected_bad
    assert len(checked) == n - len(expected_bad)


def test_check_columns_index_base_reports_file_lines() -> None:
    checked = check_columns(
        np.array(["18t", "18t"], dtype=object),
        np.array(["pm25", "pm25"], dtype=object),
        np.array([NOW - 60, NOW - 120]),
        np.array([1.0, -1.0]),
        CATALOG,
        now=NOW,
        index_base=[2, 3],
    )
    assert [e.index for e in checked.errors] == [3]
