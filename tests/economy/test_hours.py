"""Opening hours: validation and 'open now'."""

from __future__ import annotations

from datetime import datetime

import pytest

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK
from paknam.economy.hours import check_hours, is_open


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def test_hours_weekend_market_open_only_on_weekend_mornings() -> None:
    hours = check_hours({"sat": [["08:00", "14:00"]], "sun": [["08:00", "14:00"]]})
    assert is_open(hours, _at("2026-11-28T09:30")) is True  # a Saturday
    assert is_open(hours, _at("2026-11-28T14:00")) is False  # close time is exclusive
    assert is_open(hours, _at("2026-11-27T09:30")) is False  # a Friday


def test_hours_overnight_interval_runs_into_next_day() -> None:
    hours = check_hours({"fri": [["18:00", "02:00"]]})
    assert is_open(hours, _at("2026-11-27T23:00")) is True  # Friday night
    assert is_open(hours, _at("2026-11-28T01:30")) is True  # early Saturday
    assert is_open(hours, _at("2026-11-28T02:30")) is False
    assert is_open(None, _at("2026-11-28T02:30")) is None


@pytest.mark.parametrize(
    ("hours", "needle"),
    [
        ({"mon": [["25:00", "26:00"]]}, "mon[0][0]"),
        ({"mon": [["08:00"]]}, "[open, close]"),
        ({"monday": []}, "unknown key"),
        ({"tue": [["09:00", "09:00"]]}, "both 09:00"),
        ("daily 9-5", "object"),
    ],
)
def test_hours_bad_input_names_the_problem(hours: object, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle.replace("[", r"\[").replace("]", r"\]")):
        check_hours(hours)
