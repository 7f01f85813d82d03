"""Opening hours as data: per weekday a list of ``[open, close]`` times, checked and queried.

Layout (every key optional; a weekday that is absent or empty is closed)::

    {"mon": [["09:00", "19:00"]], "sat": [["08:00", "12:00"], ["13:00", "17:00"]],
     "note_th": "...", "note_en": "..."}

Times are local (Asia/Bangkok) ``HH:MM`` from ``00:00`` to ``24:00``. An interval whose close
is earlier than its open runs past midnight into the next day (``["18:00", "02:00"]``).
Pure functions: no I/O.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from paknam.core.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: dict[str, tuple[str, str]] = {
    "mon": ("จันทร์", "Monday"),
    "tue": ("อังคาร", "Tuesday"),
    "wed": ("พุธ", "Wednesday"),
    "thu": ("พฤหัสบดี", "Thursday"),
    "fri": ("ศุกร์", "Friday"),
    "sat": ("เสาร์", "Saturday"),
    "sun": ("อาทิตย์", "Sunday"),
}
_NOTES = ("note_th", "note_en")
_TIME_RE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _minutes(text: object, where: str) -> int:
    match = _TIME_RE.match(text) if isinstance(text, str) else None
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise InvalidInput(
            f"opening_hours.{where}: {text!r} is not a time HH:MM from 00:00 to 24:00",
            field="opening_hours",
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def check_hours(hours: object) -> dict[str, Any]:
    """The opening hours, validated; :class:`InvalidInput` naming the bad day and interval."""
    if not isinstance(hours, dict):
        raise InvalidInput(
            "opening_hours must be an object keyed by weekday", field="opening_hours"
        )
    unknown = sorted(set(hours) - set(WEEKDAYS) - set(_NOTES))
    if unknown:
        raise InvalidInput(
            f"opening_hours: unknown key(s) {unknown}; use {', '.join(WEEKDAYS + _NOTES)}",
            field="opening_hours",
        )
    out: dict[str, Any] = {}
    for day in WEEKDAYS:
        intervals = hours.get(day) or []
        if not isinstance(intervals, list):
            raise InvalidInput(
                f"opening_hours.{day} must be a list of [open, close] pairs", field="opening_hours"
            )
        clean = []
        for i, pair in enumerate(intervals):
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                raise InvalidInput(
                    f"opening_hours.{day}[{i}] must be [open, close]", field="opening_hours"
                )
            start = _minutes(pair[0], f"{day}[{i}][0]")
            end = _minutes(pair[1], f"{day}[{i}][1]")
            if start == end:
                raise InvalidInput(
                    f"opening_hours.{day}[{i}]: open and close are both {pair[0]}",
                    field="opening_hours",
                )
            clean.append([pair[0], pair[1]])
        if clean:
            out[day] = clean
    for note in _NOTES:
        if hours.get(note):
            out[note] = str(hours[note])[:500]
    return out


def is_open(hours: dict[str, Any] | None, local: datetime) -> bool | None:
    """Whether the place is open at ``local`` (a Bangkok time); None when hours are unknown."""
    if hours is None:
        return None
    now = local.hour * 60 + local.minute
    day = WEEKDAYS[local.weekday()]
    previous = WEEKDAYS[(local.weekday() - 1) % 7]
    for start_s, end_s in hours.get(day, []):
        start, end = _minutes(start_s, day), _minutes(end_s, day)
        if (start < end and start <= now < end) or (end < start and now >= start):
            return True
    for start_s, end_s in hours.get(previous, []):
        start, end = _minutes(start_s, previous), _minutes(end_s, previous)
        if end < start and now < end:  # the tail of last night's interval
            return True
    return False
