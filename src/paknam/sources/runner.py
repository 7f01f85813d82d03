"""Run one harvest of a source: cursor in, rows stored, health and ``data_gap`` kept.

:func:`harvest_source` is what the scheduler calls every ``source.every_s``:

1. load the cursor the source's last success left (``source_health.cursor``);
2. call ``source.harvest(store, cursor, now)`` (which stores through the store's ingest
   methods and commits before it returns);
3. record the outcome: :func:`~paknam.sources.health.record_success` with the new cursor,
   or :func:`~paknam.sources.health.record_failure` with the error text;
4. keep the officer-only ``data_gap`` warning in step: raised while the source is
   *stale*, cleared when data flows again.

A source is stale (:func:`is_stale`) when its newest observation is older than
``stale_after_s``; a source that never delivered anything is stale once it has been
failing for that long (consecutive failures × ``every_s``). The warning belongs to the
platform (domain ``sources``, kind ``data_gap``, registered with ``public=False`` in
:data:`paknam.core.registry.PLATFORM_KINDS`), so it never becomes a citizen alert. Its
``station_id`` is ``source:<source id>`` (one warning per source; the warnings table keeps
one active warning per domain, kind and station).

A *streaming* source (``streaming = True``: a subscriber such as a ChirpStack MQTT
integration, kept running by ``paknam run``) is not harvested: :func:`watch_stream` only
checks the health its subscriber records, counts a failure while it has never delivered
anything, and keeps its ``data_gap`` warning in step; :func:`harvest_source` hands such
a source to it.

The runner never raises because a source failed: it returns a :class:`HarvestOutcome`, so
a scheduler job never dies of a vendor's trouble. Only a store that is down propagates
(:class:`~paknam.core.errors.StoreUnavailable`): then nothing can be recorded anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from paknam.core.errors import StoreUnavailable
from paknam.core.store import Store
from paknam.core.timeutil import english_time_s, now_s, thai_time_s, to_local_iso, to_utc
from paknam.core.warnings import Signal
from paknam.sources import health
from paknam.sources.base import Harvest, Source, SourceError

log = logging.getLogger("paknam.sources")

WARNING_DOMAIN = "sources"
GAP_KIND = "data_gap"


def gap_key(source_id: str) -> str:
    """The ``station_id`` of a source's ``data_gap`` warning."""
    return f"source:{source_id}"


@dataclass
class HarvestOutcome:
    """What one run of :func:`harvest_source` did.

    ok : the harvest succeeded (possibly with 0 new rows).
    harvest : the source's :class:`Harvest` (None on failure).
    error : the error text on failure; ``retryable`` whether a later try may help.
    stale : the source is stale after this run; ``gap`` what happened to its warning
        (``raised``, ``updated``, ``cleared`` or None).
    """

    source_id: str
    ok: bool
    harvest: Harvest | None = None
    error: str | None = None
    retryable: bool | None = None
    stale: bool = False
    gap: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        h = self.harvest
        return {
            "source_id": self.source_id,
            "ok": self.ok,
            "error": self.error,
            "retryable": self.retryable,
            "stale": self.stale,
            "data_gap": self.gap,
            "received": h.received if h else 0,
            "stored": h.stored if h else 0,
            "unchanged": h.unchanged if h else 0,
            "rejected": h.rejected if h else 0,
            "newest_time": to_local_iso(h.newest_time_s) if h and h.newest_time_s else None,
            "notes": list(h.notes) if h else [],
        }


def is_stale(
    row: Mapping[str, Any] | None, *, every_s: int, stale_after_s: int, now: int
) -> tuple[bool, int | None]:
    """Whether a source is stale, and since when [UTC epoch s] (None if not known).

    ``row`` is the source's :func:`~paknam.sources.health.list_health` record (None if it
    never ran: not stale, nothing is known yet).
    """
    if row is None:
        return False, None
    newest = row.get("newest_time_s")
    if newest is not None:
        return now - int(newest) > stale_after_s, int(newest)
    success = row.get("last_success_at")
    if success is not None:  # ran fine but delivered nothing yet
        t = int(success.timestamp())
        return now - t > stale_after_s, t
    failing_s = int(row.get("failures") or 0) * every_s
    return failing_s >= stale_after_s and failing_s > 0, None


def _health_row(store: Store, source_id: str, now: int) -> dict[str, Any] | None:
    with store.read() as conn:
        rows = health.list_health(conn, now)
    return next((r for r in rows if r["source_id"] == source_id), None)


def _gap_signal(source: Source, row: Mapping[str, Any], since: int | None, now: int) -> Signal:
    since_th = thai_time_s(since) if since is not None else "ยังไม่เคยได้รับข้อมูล"
    since_en = english_time_s(since) if since is not None else "never received any"
    error = row.get("last_error")
    hours = source.stale_after_s / 3600
    return Signal(
        domain=WARNING_DOMAIN,
        kind=GAP_KIND,
        station_id=gap_key(source.id),
        severity="moderate",
        headline_th=f"ข้อมูลจากแหล่ง {source.id} ขาดหาย",
        headline_en=f"No new data from source {source.id}",
        description_th=(
            f"แหล่งข้อมูล {source.id} ({source.kind}) ไม่มีข้อมูลใหม่เกิน {hours:g} ชั่วโมง; "
            f"ข้อมูลล่าสุด: {since_th}; ล้มเหลวติดต่อกัน {row.get('failures', 0)} ครั้ง"
            + (f"; ข้อผิดพลาดล่าสุด: {error}" if error else "")
        ),
        description_en=(
            f"Source {source.id} ({source.kind}) has had no new data for more than "
            f"{hours:g} h; newest data: {since_en}; consecutive failures: "
            f"{row.get('failures', 0)}" + (f"; last error: {error}" if error else "")
        ),
        observed_at=since if since is not None else now,
        value=None if since is None else float(now - since),
        threshold=float(source.stale_after_s),
        details={
            "source_id": source.id,
            "source_kind": source.kind,
            "lag_s": None if since is None else now - since,
            "failures": row.get("failures", 0),
            "last_error": error,
        },
    )


def sync_gap(store: Store, source: Source, now: int) -> tuple[bool, str | None]:
    """Raise, update or clear the source's ``data_gap`` warning; (stale, what happened)."""
    row = _health_row(store, source.id, now)
    stale, since = is_stale(
        row, every_s=source.every_s, stale_after_s=source.stale_after_s, now=now
    )
    signals = [_gap_signal(source, row, since, now)] if stale and row is not None else []
    res = store.sync_warnings(
        WARNING_DOMAIN, signals, evaluated=[gap_key(source.id)], kinds=[GAP_KIND]
    )
    what = (
        "raised" if res.raised else "cleared" if res.cleared else "updated" if res.updated else None
    )
    if what in ("raised", "cleared"):
        log.warning("source %s: data_gap warning %s", source.id, what)
    return stale, what


NEVER_DELIVERED = (
    "no observation received yet from this streaming source: check that `paknam run` is "
    "running and can reach the broker, the application id and the device mapping"
)


def watch_stream(store: Store, source: Source, now: int | None = None) -> HarvestOutcome:
    """The periodic check of a streaming source: a failure is recorded while it has never
    delivered anything (so it becomes stale after ``stale_after_s`` like a polled source
    that keeps failing), then its ``data_gap`` warning is raised, updated or cleared.
    ``ok`` is False while it has never delivered."""
    now = now_s() if now is None else int(now)
    row = _health_row(store, source.id, now)
    outcome = HarvestOutcome(source_id=source.id, ok=True, harvest=Harvest())
    if row is None or (row["newest_time_s"] is None and row["last_success_at"] is None):
        with store.write() as conn:
            health.record_failure(conn, source.id, source.kind, NEVER_DELIVERED, at=to_utc(now))
        outcome.ok, outcome.harvest = False, None
        outcome.error, outcome.retryable = NEVER_DELIVERED, True
    outcome.stale, outcome.gap = sync_gap(store, source, now)
    return outcome


def harvest_source(store: Store, source: Source, now: int | None = None) -> HarvestOutcome:
    """Harvest ``source`` once, record its health and keep its ``data_gap`` warning
    (a streaming source is watched instead: :func:`watch_stream`).

    Parameters
    ----------
    store : paknam.core.store.Store
    source : Source
    now : int, optional
        Current UTC epoch seconds (tests and replays pass their clock).

    Returns
    -------
    HarvestOutcome
        Never raises for a failing source; :class:`StoreUnavailable` passes through.
    """
    if getattr(source, "streaming", False):
        return watch_stream(store, source, now)
    now = now_s() if now is None else int(now)
    at = to_utc(now)
    with store.read() as conn:
        cursor = health.get_cursor(conn, source.id)
    outcome = HarvestOutcome(source_id=source.id, ok=False)
    try:
        result = source.harvest(store, cursor, now)
    except StoreUnavailable:
        raise
    except SourceError as exc:
        outcome.error, outcome.retryable = str(exc), exc.retryable
    except Exception as exc:  # a bug or an unexpected answer: record it, keep running
        log.exception("source %s: harvest failed unexpectedly", source.id)
        outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.retryable = True
    else:
        outcome.ok, outcome.harvest = True, result
    with store.write() as conn:
        if outcome.ok and outcome.harvest is not None:
            h = outcome.harvest
            health.record_success(
                conn,
                source.id,
                source.kind,
                rows=h.stored,
                newest_time_s=h.newest_time_s,
                cursor=h.cursor,
                at=at,
            )
        else:
            health.record_failure(conn, source.id, source.kind, outcome.error or "?", at=at)
    if not outcome.ok:
        log.warning("source %s: %s", source.id, outcome.error)
    outcome.stale, outcome.gap = sync_gap(store, source, now)
    return outcome
