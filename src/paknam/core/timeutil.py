"""Time conventions: store UTC as integer epoch seconds, show Asia/Bangkok (UTC+7).

Observation times have a resolution of one second. Every time that enters the platform
must carry a UTC offset; a naive time is rejected (we cannot guess whether a logger
meant Thai time or UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

BANGKOK = ZoneInfo("Asia/Bangkok")
BANGKOK_OFFSET_S = 7 * 3600
"""Thailand has no daylight saving time: UTC+7 all year."""

_FIXED_BKK = timezone(timedelta(hours=7))


class TimeParseError(ValueError):
    """A time string that is not ISO 8601 with a UTC offset."""


def parse_time(value: object) -> int:
    """Epoch seconds (UTC) of an ISO 8601 time with offset, or of an aware datetime.

    Raises
    ------
    TimeParseError
        With a message naming the value: not a string, not ISO 8601, no UTC offset, or a
        fraction of a second (the store's resolution is one second).
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            raise TimeParseError(f"time {value!r} is not ISO 8601") from None
    else:
        raise TimeParseError(f"time {value!r} is not a string")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise TimeParseError(f"time {value!r} has no UTC offset (e.g. +07:00 or Z)")
    if dt.microsecond:
        raise TimeParseError(f"time {value!r} has a fraction of a second (resolution is 1 s)")
    return int(dt.timestamp())


def to_local_iso(epoch_s: int) -> str:
    """ISO 8601 in Thai time with its offset, e.g. ``2025-01-01T07:00:00+07:00``."""
    return datetime.fromtimestamp(epoch_s, _FIXED_BKK).isoformat()


def to_local_iso_many(epoch_s: Sequence[int]) -> list[str]:
    """:func:`to_local_iso` for many times at once (vectorised, for long series)."""
    local = np.asarray(epoch_s, dtype=np.int64) + BANGKOK_OFFSET_S
    text = np.datetime_as_string(local.astype("datetime64[s]"), unit="s")
    return [t + "+07:00" for t in text.tolist()]


def to_utc(epoch_s: int) -> datetime:
    """Aware UTC datetime of epoch seconds."""
    return datetime.fromtimestamp(epoch_s, UTC)


def as_utc(dt: datetime) -> datetime:
    """A stored time as an aware datetime (SQLite hands back naive ones, kept in UTC)."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def local_iso(dt: datetime) -> str:
    """Thai-time ISO 8601 (+07:00) of a stored datetime."""
    return to_local_iso(int(as_utc(dt).timestamp()))


def now_s() -> int:
    """Current epoch seconds."""
    return int(datetime.now(UTC).timestamp())


THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
               "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")  # fmt: skip
"""Thai abbreviated month names, January first."""


def thai_datetime(dt: datetime) -> str:
    """Thai time in Thai, Buddhist year: ``4 ธ.ค. 2569 14:00 น.``."""
    local = as_utc(dt).astimezone(_FIXED_BKK)
    month = THAI_MONTHS[local.month - 1]
    return f"{local.day} {month} {local.year + 543} {local:%H:%M} น."


def english_datetime(dt: datetime) -> str:
    """Thai time in English: ``4 Dec 2026 14:00``."""
    local = as_utc(dt).astimezone(_FIXED_BKK)
    return f"{local.day} {local:%b %Y %H:%M}"
