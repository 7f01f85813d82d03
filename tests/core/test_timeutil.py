from datetime import UTC, date, datetime

import pytest

from paknam.core.timeutil import (
    TimeParseError,
    english_date,
    english_time_s,
    parse_time,
    thai_date,
    thai_time_s,
    to_local_iso,
)


def test_parse_time_offset_and_z_agree() -> None:
    assert parse_time("2025-01-01T07:00:00+07:00") == parse_time("2025-01-01T00:00:00Z")
    assert parse_time("2025-01-01T00:00:00Z") == 1735689600


def test_parse_time_aware_datetime() -> None:
    assert parse_time(datetime(2025, 1, 1, tzinfo=UTC)) == 1735689600


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2025-01-01T07:00:00", "no UTC offset"),
        ("2025-01-01", "no UTC offset"),
        ("yesterday", "not ISO 8601"),
        ("2025-01-01T07:00:00.5+07:00", "fraction of a second"),
        (1735689600, "not a string"),
    ],
)
def test_parse_time_rejects_with_reason(raw: object, reason: str) -> None:
    with pytest.raises(TimeParseError, match=reason):
        parse_time(raw)


def test_to_local_iso_is_bangkok_time() -> None:
    assert to_local_iso(1735689600) == "2025-01-01T07:00:00+07:00"


def test_times_and_days_in_text_are_thai_time_and_buddhist_years_in_thai() -> None:
    t = parse_time("2026-12-31T20:30:00Z")  # already 1 January 2027 in Thailand
    assert thai_time_s(t) == "1 ม.ค. 2570 03:30 น."
    assert english_time_s(t) == "1 Jan 2027 03:30 (UTC+7)"
    assert thai_date("2026-12-05") == thai_date(date(2026, 12, 5)) == "5 ธ.ค. 2569"
    assert english_date("2026-12-05") == "5 Dec 2026"
    with pytest.raises(ValueError):
        thai_date("05/12/2026")
