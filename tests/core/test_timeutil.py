from datetime import UTC, datetime

import pytest

from paknam.core.timeutil import TimeParseError, parse_time, to_local_iso


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
