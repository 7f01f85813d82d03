"""Retention of raw observations: the policy, and the work on one connection.

Raw observations of a series are kept ``keep_days`` (the policy: per station, source,
quantity, or the default; none = for ever). Older ones are removed by
:func:`paknam.core.retention_run.run_retention` after their hours have been rolled up into
``observations_hourly``, which is kept for ever. ``observation_retention`` records, per
series, the time before which raw data was removed, so that reads can say so instead of
answering an empty series (see ``GET /api/v1/stations/{id}/series``).

The cut-off of a series is ``now - keep_days`` rounded down to the hour: an hour is
removed whole, never in part, so the roll-up of an expired hour stays what it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.schema import quantities, series, stations

SELECTORS = ("station", "source", "quantity")
"""Policy keys, strongest first: ``station:ID``, ``source:TEXT`` (the station's
``meta.source``), ``quantity:CODE``."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Days raw observations are kept: ``default`` and per-selector overrides."""

    default: int | None = None
    by: Mapping[str, int | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, default: int | None, by: Mapping[str, int | None]) -> Policy:
        """Check the settings' values; bad ones raise :class:`InvalidInput` naming them."""
        if default is not None and (isinstance(default, bool) or int(default) < 1):
            raise InvalidInput(f"retention days must be ≥ 1, got {default!r}", field="days")
        clean: dict[str, int | None] = {}
        for key, days in dict(by).items():
            kind, sep, value = str(key).partition(":")
            if not sep or kind not in SELECTORS or not value:
                raise InvalidInput(
                    f"retention key {key!r}: use quantity:CODE, station:ID or source:TEXT",
                    field="retention_raw_days_by",
                )
            if days is not None and (
                isinstance(days, bool) or not isinstance(days, int) or days < 1
            ):
                raise InvalidInput(
                    f"retention of {key!r}: days must be a whole number ≥ 1 or null "
                    f"(kept for ever), got {days!r}",
                    field="retention_raw_days_by",
                )
            clean[f"{kind}:{value}"] = days
        return cls(default, clean)

    @property
    def active(self) -> bool:
        """True when some raw data may expire."""
        return self.default is not None or any(d is not None for d in self.by.values())

    def keep_days(self, station: str, source: str | None, quantity: str) -> int | None:
        """Days the raw data of one series is kept (None: for ever)."""
        by = self.by
        for key in (
            f"station:{station}",
            f"source:{source}" if source else None,
            f"quantity:{quantity}",
        ):
            if key is not None and key in by:
                return by[key]
        return self.default


def policy_from_settings() -> Policy:
    """The policy of ``PAKNAM_RETENTION_RAW_DAYS`` / ``PAKNAM_RETENTION_RAW_DAYS_BY``."""
    from paknam.core.config import get_settings

    s = get_settings()
    return Policy.parse(s.retention_raw_days, s.retention_raw_days_by)


def cutoff_of(now_s: int, keep_days: int) -> int:
    """The time before which raw data of a series kept ``keep_days`` has expired (whole
    hours)."""
    t = now_s - keep_days * 86_400
    return t - t % 3600


@dataclass(frozen=True, slots=True)
class SeriesRef:
    """A series with what the policy needs: its station, source and quantity."""

    id: int
    station: str
    source: str | None
    quantity: str


def all_series(conn: Connection) -> list[SeriesRef]:
    """Every series with its station id, the station's ``meta.source`` and quantity."""
    rows = conn.execute(
        sa.select(series.c.id, stations.c.id, stations.c.meta, series.c.quantity_code)
        .join(stations, stations.c.pk == series.c.station_pk)
        .order_by(series.c.id)
    )
    out = []
    for sid, station, meta, quantity in rows:
        source = meta.get("source") if isinstance(meta, dict) else None
        out.append(SeriesRef(int(sid), str(station), str(source) if source else None, quantity))
    return out


def check_quantities(conn: Connection, codes: list[str]) -> None:
    """Raise :class:`InvalidInput` naming any code that is not a registered quantity."""
    known = {str(c) for (c,) in conn.execute(sa.select(quantities.c.code))}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise InvalidInput(f"unknown quantity {', '.join(unknown)}", field="quantity")


def _t(conn: Connection) -> tuple[str, str]:
    """(epoch-seconds expression of ``time``, placeholder turning seconds into a time)."""
    if conn.dialect.name == "postgresql":
        return "extract(epoch FROM time)::bigint", "to_timestamp({})"
    return "time", "{}"


def first_before(conn: Connection, sid: int, cutoff: int) -> int | None:
    """The oldest raw time of a series before ``cutoff`` (None: nothing left to remove)."""
    t, p = _t(conn)
    v = conn.execute(
        sa.text(
            f"SELECT {t} FROM observations WHERE series_id = :s AND time < {p.format(':c')} "
            "ORDER BY time LIMIT 1"
        ),
        {"s": sid, "c": cutoff},
    ).scalar()
    return None if v is None else int(v)


def batch_end(conn: Connection, sid: int, lo: int, cutoff: int, rows: int) -> int:
    """End of the next batch from ``lo`` (an hour start): the hour of the ``rows``-th row,
    at least one hour on, at most ``cutoff``. Batches hold whole hours."""
    t, p = _t(conn)
    v = conn.execute(
        sa.text(
            f"SELECT {t} FROM observations WHERE series_id = :s AND time >= {p.format(':lo')} "
            f"AND time < {p.format(':c')} ORDER BY time LIMIT 1 OFFSET :k"
        ),
        {"s": sid, "lo": lo, "c": cutoff, "k": rows - 1},
    ).scalar()
    if v is None:
        return cutoff
    hi = int(v) - int(v) % 3600
    return min(max(hi, lo + 3600), cutoff)


def delete_range(conn: Connection, sid: int, lo: int, hi: int) -> int:
    """Delete raw rows of a series in ``[lo, hi)``; returns how many."""
    _, p = _t(conn)
    return int(
        conn.execute(
            sa.text(
                f"DELETE FROM observations WHERE series_id = :s AND time >= {p.format(':lo')} "
                f"AND time < {p.format(':hi')}"
            ),
            {"s": sid, "lo": lo, "hi": hi},
        ).rowcount
    )


def count_before(conn: Connection, sid: int, cutoff: int) -> int:
    """Raw rows of a series before ``cutoff``."""
    _, p = _t(conn)
    return int(
        conn.execute(
            sa.text(
                "SELECT count(*) FROM observations "
                f"WHERE series_id = :s AND time < {p.format(':c')}"
            ),
            {"s": sid, "c": cutoff},
        ).scalar()
        or 0
    )


def dirty_series(conn: Connection, lo: int, hi: int) -> list[int]:
    """Series whose roll-up is stale somewhere in ``[lo, hi)``."""
    rows = conn.execute(
        sa.text(
            "SELECT DISTINCT series_id FROM hourly_dirty WHERE hour >= :lo AND hour < :hi "
            "ORDER BY series_id"
        ),
        {"lo": lo, "hi": hi},
    )
    return [int(r[0]) for r in rows]


def mark_expired(conn: Connection, sid: int, before: int, keep_days: int, now_s: int) -> None:
    """Record that raw data of ``sid`` before ``before`` is gone (never moves back)."""
    conn.execute(
        sa.text(
            "INSERT INTO observation_retention (series_id, expired_before, keep_days, updated_s) "
            "VALUES (:s, :b, :k, :n) ON CONFLICT (series_id) DO UPDATE SET "
            "expired_before = CASE WHEN excluded.expired_before > "
            "observation_retention.expired_before THEN excluded.expired_before "
            "ELSE observation_retention.expired_before END, "
            "keep_days = excluded.keep_days, updated_s = excluded.updated_s"
        ),
        {"s": sid, "b": before, "k": keep_days, "n": now_s},
    )


@dataclass(frozen=True, slots=True)
class Expiry:
    """Raw data of a series before ``before`` (UTC epoch s) was removed; it was kept
    ``keep_days`` when that was done."""

    before: int
    keep_days: int


def expiry_of(conn: Connection, sid: int) -> Expiry | None:
    """Where raw data of a series has expired (None: all raw data is kept)."""
    row = conn.execute(
        sa.text("SELECT expired_before, keep_days FROM observation_retention WHERE series_id = :s"),
        {"s": sid},
    ).first()
    return None if row is None else Expiry(int(row[0]), int(row[1]))
