"""Time conventions: store UTC as integer epoch seconds, show Asia/Bangkok (UTC+7).

Observation times have a resolution of one second. Every time that enters the platform
must carry a UTC offset; a naive time is rejected (we cannot guess whether a logger
meant Thai time or UTC).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
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


_clock: Callable[[], float] = time.time


def set_clock(clock: Callable[[], float] | None) -> None:
    """Make ``clock`` (epoch seconds) the platform's "now" in this process; ``None``: the
    system clock again.

    Only the live demo does this (its catch-up clock, :class:`CatchUpClock`): rules, the
    freshness of evidence, warnings, alerts, the outbox and the stations' ``stale`` flags
    read the time through :func:`now_s` / :func:`utcnow`. Stamps taken with ``datetime.now``
    (``created_at`` of stations, users, sessions) keep the system clock; everything else
    that calls :func:`now_s` in the process follows the demo clock while it catches up —
    complaints filed then are stamped in demo time, and ingest judges "in the future"
    against it (a real-time reading from another device is refused until it has caught
    up). Never call it in a production process.
    """
    global _clock
    _clock = time.time if clock is None else clock


def now_s() -> int:
    """Current epoch seconds (the platform clock, see :func:`set_clock`)."""
    return int(_clock())


def now_float() -> float:
    """Current epoch seconds with a fraction (the platform clock)."""
    return _clock()


def utcnow() -> datetime:
    """The platform clock as an aware UTC datetime."""
    return datetime.fromtimestamp(_clock(), UTC)


class CatchUpClock:
    """A clock that starts ``behind_s`` seconds in the past and runs ``speed`` times
    faster than the system clock until it has caught up; from then on it is the system
    clock. It never runs ahead of the system clock, so nothing it stamps is in the future.
    """

    def __init__(self, behind_s: float, speed: float, start: float | None = None) -> None:
        if speed < 1:
            raise ValueError(f"speed must be ≥ 1, got {speed}")
        if behind_s < 0:
            raise ValueError(f"behind_s must be ≥ 0, got {behind_s}")
        self.real_start = time.time() if start is None else start
        self.demo_start = self.real_start - behind_s
        self.speed = speed

    def __call__(self) -> float:
        real = time.time()
        return min(real, self.demo_start + (real - self.real_start) * self.speed)

    def caught_up_at(self) -> float:
        """System time at which the clock meets the system clock."""
        behind = self.real_start - self.demo_start
        return self.real_start + behind / (self.speed - 1) if self.speed > 1 else float("inf")


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


def thai_time_s(epoch_s: int) -> str:
    """:func:`thai_datetime` of an epoch second: how Thai text gives a time."""
    return thai_datetime(to_utc(epoch_s))


def english_time_s(epoch_s: int) -> str:
    """:func:`english_datetime` of an epoch second, with its zone: ``4 Dec 2026 14:00 (UTC+7)``."""
    return f"{english_datetime(to_utc(epoch_s))} (UTC+7)"


def thai_date(day: object) -> str:
    """A calendar day (``date`` or ``YYYY-MM-DD``) in Thai, Buddhist year: ``5 ธ.ค. 2569``."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"


def english_date(day: object) -> str:
    """A calendar day (``date`` or ``YYYY-MM-DD``) in English: ``5 Dec 2026``."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return f"{d.day} {d:%b %Y}"
