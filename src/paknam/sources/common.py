"""What the polled connectors share: local-time parsing, station creation, and storing
only what is new since the cursor (with future times refused and noted).

Cursor convention: ``{"newest": {key: epoch_s}}`` where ``key`` is a station id (one
quantity per station, or a feed that delivers all of a station at once) or
``"<station>|<quantity>"``. A row at or before its key's newest time is not sent again;
ingestion is idempotent anyway, so a lost cursor only costs a re-read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from paknam.core import stations as core_stations
from paknam.core.errors import Conflict
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK, to_local_iso
from paknam.sources.base import Harvest

MAX_NOTES = 50
"""Notes kept per harvest (the rest are counted)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One observation as a connector read it (value in the quantity's unit)."""

    station: str
    quantity: str
    time_s: int
    value: float


def zone(name: str | None) -> ZoneInfo:
    """The time zone ``name`` (default Asia/Bangkok); ValueError names a wrong one."""
    if not name:
        return BANGKOK
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Bangkok, UTC)") from None


def local_time(text: str, fmt: str = "%Y-%m-%d %H:%M", tz: ZoneInfo = BANGKOK) -> int:
    """UTC epoch seconds of a local time string (ValueError names the value and format)."""
    try:
        dt = datetime.strptime(text.strip(), fmt)
    except (ValueError, AttributeError):
        raise ValueError(f"time {text!r} does not match format {fmt!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return int(dt.timestamp())


class Notes(list[str]):
    """A bounded list of notes (beyond :data:`MAX_NOTES`, only counted)."""

    dropped = 0

    def add(self, text: str) -> None:
        if len(self) < MAX_NOTES:
            self.append(text)
        else:
            self.dropped += 1

    def final(self) -> list[str]:
        return [*self, f"... and {self.dropped} more note(s)"] if self.dropped else list(self)


def ensure_stations(
    store: Store,
    wanted: Mapping[str, StationCreate],
    series: Mapping[str, Iterable[SeriesSpec]],
    notes: Notes,
) -> list[str]:
    """Create the stations of ``wanted`` that are missing, and the missing series of
    ``series`` on existing ones (one transaction). Returns the ids created."""
    for attempt in range(2):  # a concurrent harvest may have created one meanwhile
        created: list[str] = []
        try:
            with store.write() as conn:
                existing = {
                    s.id: {x.quantity for x in s.series} for s in core_stations.list_stations(conn)
                }
                for sid, new in wanted.items():
                    if sid not in existing:
                        core_stations.add_station(conn, new)
                        created.append(sid)
                        existing[sid] = {q.quantity for q in new.quantities}
                for sid, specs in series.items():
                    for spec in specs:
                        if sid in existing and spec.quantity not in existing[sid]:
                            core_stations.add_series(conn, sid, spec)
                            existing[sid].add(spec.quantity)
                            notes.add(f"{sid}: series {spec.quantity} added")
        except Conflict:
            if attempt:
                raise
            continue
        for sid in created:
            notes.add(f"{sid}: station created")
        return created
    return []


def store_new_rows(
    store: Store,
    rows: Sequence[Row],
    cursor: Mapping[str, Any] | None,
    now: int,
    notes: Notes,
    *,
    key: Callable[[Row], str] = lambda r: r.station,
) -> Harvest:
    """Store the rows newer than the cursor; return the :class:`Harvest` with the new one.

    Rows in the future beyond the store's allowance (``max_future_s``: clock skew at the
    source) are refused with a note and do not move the cursor; rows the store rejects
    (unknown series, out of range) are noted and skipped, the rest stored.
    """
    newest: dict[str, int] = {
        str(k): int(v) for k, v in ((cursor or {}).get("newest") or {}).items()
    }
    limit = now + store.max_future_s
    fresh: list[Row] = []
    skew = 0
    for r in rows:
        k = key(r)
        if k in newest and r.time_s <= newest[k]:
            continue
        if r.time_s > limit:
            skew += 1
            notes.add(
                f"{r.station}/{r.quantity}: time {to_local_iso(r.time_s)} is "
                f"{r.time_s - now} s in the future (clock skew at the source?): not stored"
            )
            continue
        fresh.append(r)
    old_total = len(rows) - len(fresh) - skew
    harvest = Harvest(
        received=len(rows), unchanged=old_total, rejected=skew, cursor={"newest": newest}
    )
    if not fresh:
        harvest.notes = notes.final()
        return harvest
    checked = store.check_columns(
        np.array([r.station for r in fresh], dtype=object),
        np.array([r.quantity for r in fresh], dtype=object),
        np.array([r.time_s for r in fresh], dtype=np.int64),
        np.array([r.value for r in fresh], dtype=np.float64),
        now=now,
    )
    bad = {e.index for e in checked.errors}
    for e in checked.errors:
        r = fresh[e.index]
        notes.add(f"{r.station}/{r.quantity} at {to_local_iso(r.time_s)}: {e.reason}")
    result = store.store_checked(checked, len(fresh), rejected=len(bad))
    for i, r in enumerate(fresh):
        if i in bad:
            continue
        k = key(r)
        newest[k] = max(newest.get(k, r.time_s), r.time_s)
    accepted = [r.time_s for i, r in enumerate(fresh) if i not in bad]
    harvest.stored = result.stored
    harvest.unchanged += result.unchanged + result.duplicates
    harvest.rejected += len(bad)
    harvest.newest_time_s = max(accepted) if accepted else None
    harvest.cursor = {"newest": newest}
    harvest.notes = notes.final()
    return harvest
