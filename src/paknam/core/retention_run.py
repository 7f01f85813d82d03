"""One retention run: roll up, then remove expired raw observations (``paknam db retention``
and the scheduler's ``db.retention`` job).

For every series whose policy keeps raw data ``keep_days`` (see
:mod:`paknam.core.retention`), with ``cutoff`` = now - keep_days rounded down to the hour:

1. PostgreSQL (partitioned, migration 0017): a monthly partition that ends at or before
   the cutoff of every series with rows in it is dropped whole (``DETACH`` + ``DROP``,
   under a short ``ACCESS EXCLUSIVE`` lock, after the stale hours of its range have been
   rolled up). A partition that also holds kept data stays.
2. Both engines: the remaining expired rows of each series are deleted in batches of about
   ``batch_rows`` rows (whole hours), one transaction each; each batch first rolls up the
   stale hours of its range. On SQLite a batch holds the write lock for milliseconds, so
   ingestion waits at most that long and reads are never blocked (WAL).
3. ``observation_retention`` records the cutoff of the series (what reads report).

``dry_run`` counts what would go and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paknam.core import observations, partitions, retention
from paknam.core.timeutil import now_s as _now_s
from paknam.core.timeutil import to_local_iso

if TYPE_CHECKING:
    from paknam.core.store import Store

Progress = Callable[[str], None]


@dataclass(slots=True)
class SeriesOutcome:
    """Raw rows of one series removed (or, in a dry run, that would be)."""

    series_id: int
    station: str
    quantity: str
    keep_days: int
    expired_before: int
    rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "series_id": self.series_id,
            "station": self.station,
            "quantity": self.quantity,
            "keep_days": self.keep_days,
            "expired_before": to_local_iso(self.expired_before),
            "rows": self.rows,
        }


@dataclass(slots=True)
class RetentionReport:
    """What a run removed or would remove."""

    dry_run: bool
    now: int
    series: list[SeriesOutcome] = field(default_factory=list)
    partitions: list[dict[str, Any]] = field(default_factory=list)
    """PostgreSQL partitions dropped whole (or that would be): name, rows."""

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.series)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "now": to_local_iso(self.now),
            "rows": self.rows,
            "partitions_dropped": self.partitions,
            "series": [s.as_dict() for s in self.series if s.rows],
            "series_with_policy": len(self.series),
        }


def _plan(
    store: Store, policy: retention.Policy, now: int, only: Sequence[str] | None
) -> tuple[list[SeriesOutcome], list[int]]:
    """(the series whose raw data expires, every series id)."""
    with store.read() as conn:
        if only:
            retention.check_quantities(conn, list(only))
        refs = retention.all_series(conn)
    plan = []
    for ref in refs:
        if only and ref.quantity not in only:
            continue
        days = policy.keep_days(ref.station, ref.source, ref.quantity)
        if days is not None:
            plan.append(
                SeriesOutcome(
                    ref.id, ref.station, ref.quantity, days, retention.cutoff_of(now, days)
                )
            )
    return plan, [r.id for r in refs]


def _drop_partitions(
    store: Store,
    plan: list[SeriesOutcome],
    all_ids: list[int],
    report: RetentionReport,
    progress: Progress,
) -> None:
    by_id = {s.series_id: s for s in plan}
    with store.read() as conn:
        if not partitions.is_partitioned(conn):
            return
        months = partitions.monthly_partitions(conn)
    latest_cutoff = max(s.expired_before for s in plan)
    for month in months:
        if month.hi > latest_cutoff:
            break
        expired = {s.series_id for s in plan if s.expired_before >= month.hi}
        kept = [i for i in all_ids if i not in expired]
        if report.dry_run:
            with store.read() as conn:
                if partitions.holds_any(conn, month, kept):
                    continue
                rows = partitions.partition_rows(conn, month.name)
            report.partitions.append({"name": month.name, "rows": rows})
            progress(f"would drop partition {month.name} ({rows:,} rows)")
            continue
        with store.read() as conn:  # cheap test first, without the lock
            if partitions.holds_any(conn, month, kept):
                continue
        with store.write() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{partitions.LOCK_TIMEOUT}'")
            conn.exec_driver_sql("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE")
            if conn.exec_driver_sql(f"SELECT to_regclass('{month.name}')").scalar() is None:
                continue  # another run dropped it
            if partitions.holds_any(conn, month, kept):
                continue  # a kept series wrote meanwhile
            for sid in retention.dirty_series(conn, month.lo, month.hi):
                observations.refresh_rollup(conn, sid, month.lo, month.hi)
            counts = conn.execute(
                sa.text(f"SELECT series_id, count(*) FROM {month.name} GROUP BY series_id")
            ).all()
            partitions.drop_month(conn, month)
        rows = 0
        for sid, n in counts:
            rows += int(n)
            if int(sid) in by_id:
                by_id[int(sid)].rows += int(n)
        report.partitions.append({"name": month.name, "rows": rows})
        progress(f"dropped partition {month.name} ({rows:,} rows)")


def _delete_series(
    store: Store, s: SeriesOutcome, batch_rows: int, now: int, progress: Progress
) -> None:
    pg = store.dialect == "postgresql"
    batches = 0
    while True:
        with store.write() as conn:
            if pg:  # writers of observations queue on this lock (observations.write_rows)
                conn.exec_driver_sql("LOCK TABLE observations IN SHARE ROW EXCLUSIVE MODE")
            first = retention.first_before(conn, s.series_id, s.expired_before)
            if first is None:
                retention.mark_expired(conn, s.series_id, s.expired_before, s.keep_days, now)
                break
            lo = first - first % 3600
            hi = retention.batch_end(conn, s.series_id, lo, s.expired_before, batch_rows)
            observations.refresh_rollup(conn, s.series_id, lo, hi)
            s.rows += retention.delete_range(conn, s.series_id, lo, hi)
        batches += 1
        if batches % 20 == 0:
            progress(f"{s.station} {s.quantity}: {s.rows:,} rows removed so far")


def run_retention(
    store: Store,
    *,
    policy: retention.Policy | None = None,
    now_s: int | None = None,
    only_quantities: Sequence[str] | None = None,
    dry_run: bool = False,
    batch_rows: int | None = None,
    progress: Progress | None = None,
) -> RetentionReport:
    """Remove (or count, with ``dry_run``) the expired raw observations; see the module.

    ``policy`` defaults to the settings'; ``only_quantities`` limits the run to those
    quantities (an unknown code raises :class:`~paknam.core.errors.InvalidInput`).
    """
    from paknam.core.config import get_settings

    policy = policy if policy is not None else retention.policy_from_settings()
    batch = batch_rows if batch_rows is not None else get_settings().retention_batch_rows
    if batch < 1:
        raise ValueError(f"batch_rows must be ≥ 1, got {batch}")
    now = _now_s() if now_s is None else int(now_s)
    say: Progress = progress or (lambda _m: None)
    report = RetentionReport(dry_run=dry_run, now=now)
    plan, all_ids = _plan(store, policy, now, only_quantities)
    report.series = plan
    if not plan:
        return report
    if store.dialect == "postgresql":
        _drop_partitions(store, plan, all_ids, report, say)
    for s in plan:
        if dry_run:
            with store.read() as conn:
                s.rows = retention.count_before(conn, s.series_id, s.expired_before)
        else:
            _delete_series(store, s, batch, now, say)
        if s.rows:
            verb = "would remove" if dry_run else "removed"
            say(
                f"{s.station} {s.quantity}: {verb} {s.rows:,} raw rows before "
                f"{to_local_iso(s.expired_before)} (kept {s.keep_days} days)"
            )
    return report
