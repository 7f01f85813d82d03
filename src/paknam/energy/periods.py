"""Thai calendar periods as UTC epoch seconds ``[start, end)`` (pure)."""

from __future__ import annotations

import datetime as dt
import re

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_SPAN_S = 3 * 366 * 86400
"""The longest period read at once (three years)."""


def year_bounds(year: int) -> tuple[int, int]:
    """UTC epoch seconds of a Thai calendar year [start, end)."""
    if not 1990 <= year <= 2100:
        raise InvalidInput(f"year {year} must be 1990 to 2100", field="year")
    a = dt.datetime(year, 1, 1, tzinfo=BANGKOK)
    b = dt.datetime(year + 1, 1, 1, tzinfo=BANGKOK)
    return int(a.timestamp()), int(b.timestamp())


def month_bounds(month: str) -> tuple[int, int]:
    """UTC epoch seconds [start, end) of a Thai calendar month ``YYYY-MM``."""
    m = MONTH_RE.match(month or "")
    if not m:
        raise InvalidInput(f"month {month!r} is not YYYY-MM", field="month")
    y, mo = int(m.group(1)), int(m.group(2))
    a = dt.datetime(y, mo, 1, tzinfo=BANGKOK)
    b = dt.datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=BANGKOK)
    return int(a.timestamp()), int(b.timestamp())


def check_span(start: int, end: int) -> None:
    """:class:`InvalidInput` unless ``start`` is before ``end`` and at most 3 years earlier."""
    if not 0 < end - start <= MAX_SPAN_S:
        raise InvalidInput("start must be before end and at most 3 years earlier", field="start")
