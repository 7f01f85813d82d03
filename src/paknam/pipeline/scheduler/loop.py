"""The scheduler loop: runs each due job under its lease and records the run.

A job is due ``every_s`` after its last start, whoever started it (the start is read from
``job_runs``, so two ``paknam run`` processes on one database share one schedule). For a
due job the scheduler, in one write transaction, claims the job's lease
(:func:`paknam.pipeline.scheduler.leases.acquire`), marks runs left ``running`` by a dead holder as
interrupted (the job is then due at once), checks again that the job is due (another
process may just have run it) and records the start. Then it runs the job, renewing the
lease every third of its lifetime, and in one transaction records the end and releases
the lease. A failing job is recorded as an error and never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from paknam.core.store import Store
from paknam.pipeline.scheduler import leases, runs
from paknam.pipeline.scheduler.config import DEFAULT_KEEP_RUNS, DEFAULT_LEASE_S
from paknam.pipeline.scheduler.jobs import Job

log = logging.getLogger(__name__)

RECHECK_S = 30.0
"""Longest wait before looking again at a job whose lease another holder has [s]."""
PRUNE_EVERY = 50
"""Old runs of a job are pruned once every this many of its runs."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What happened when the scheduler looked at a due job.

    outcome : ``ran`` (recorded in ``job_runs``, see ``status``), ``held`` (another holder
        has the lease: nothing recorded), ``not_due`` (another holder ran it meanwhile),
        ``unavailable`` (the store could not be reached to claim it).
    """

    job: str
    outcome: str
    next_due: datetime
    run_id: int | None = None
    status: str | None = None
    result: Mapping[str, Any] | None = None
    error: str | None = None
    interrupted: tuple[int, ...] = ()


class _Heartbeat:
    """Renews a lease every ``ttl_s / 3`` while a job runs (on its own thread)."""

    def __init__(
        self, store: Store, job: str, holder: str, ttl_s: float, clock: Callable[[], datetime]
    ) -> None:
        self.store, self.job, self.holder, self.ttl_s, self.clock = (
            store,
            job,
            holder,
            ttl_s,
            clock,
        )
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"lease:{job}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            try:
                if not leases.renew(self.store, self.job, self.holder, self.ttl_s, self.clock()):
                    self.lost = True
                    log.error(
                        "job %s: %s lost its lease while the job runs (another holder took "
                        "it after it expired)",
                        self.job,
                        self.holder,
                    )
            except Exception:  # the store may come back before the lease runs out
                log.exception("job %s: renewing the lease of %s failed", self.job, self.holder)


def _log_crash(fut: Future[None]) -> None:
    if not fut.cancelled() and (exc := fut.exception()) is not None:
        log.error("scheduler task crashed: %r", exc)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Runs ``jobs`` on ``store`` as ``holder`` (default ``host:pid``).

    lease_s : lease lifetime [s] (renewed every third of it while a job runs).
    threads : jobs that may run at once in this process; one job never runs twice at once.
    keep_runs : runs kept per job in ``job_runs``.
    clock : the time now (UTC), replaceable in tests.
    """

    def __init__(
        self,
        store: Store,
        jobs: Iterable[Job],
        holder: str | None = None,
        *,
        lease_s: float = DEFAULT_LEASE_S,
        threads: int = 4,
        keep_runs: int = DEFAULT_KEEP_RUNS,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.jobs = {j.name: j for j in jobs}
        self.holder = holder or leases.default_holder()
        self.lease_s = lease_s
        self.threads = threads
        self.keep_runs = keep_runs
        self.clock = clock
        self._in_flight: set[str] = set()
        self._next_check: dict[str, datetime] = {}
        self._lock = threading.Lock()

    # ---- one job ------------------------------------------------------------------------

    def _claim(self, job: Job, now: datetime) -> tuple[int | None, datetime, str, list[int]]:
        """(run id or None, next due, outcome, interrupted run ids) in one transaction."""
        every = timedelta(seconds=job.every_s)
        # leases and job_runs are in no cached public answer: claiming a job must not make
        # every API worker recompute its answers (the job's own writes still do)
        with self.store.write(changes_answers=False) as conn:
            if not leases.acquire(conn, job.name, self.holder, self.lease_s, now):
                return None, now + min(every, timedelta(seconds=RECHECK_S)), "held", []
            interrupted = runs.mark_interrupted(conn, job.name, self.holder)
            last = runs.last_started(conn, job.name)
            # a run cut short by a dead holder is done again at once
            if not interrupted and last is not None and last + every > now:
                leases.release(conn, job.name, self.holder)
                return None, last + every, "not_due", interrupted
            run_id = runs.start_run(conn, job.name, self.holder, now)
        return run_id, now + every, "ran", interrupted

    def attempt(self, job: Job, now: datetime | None = None) -> Attempt:
        """Run ``job`` if it is due and its lease is free (time ``now``, default the clock)."""
        start = now or self.clock()
        try:
            run_id, next_due, outcome, interrupted = self._claim(job, start)
        except Exception as exc:
            log.warning("job %s: could not claim it: %s", job.name, exc)
            retry = start + timedelta(seconds=min(job.every_s, RECHECK_S))
            return Attempt(job.name, "unavailable", retry, error=str(exc))
        if interrupted:
            log.warning("job %s: runs %s were interrupted (holder gone)", job.name, interrupted)
        if run_id is None:
            return Attempt(job.name, outcome, next_due, interrupted=tuple(interrupted))

        t0 = time.monotonic()

        def run_clock() -> datetime:  # the claim's time, advanced by the time spent
            return start + timedelta(seconds=time.monotonic() - t0)

        result: Mapping[str, Any] | None = None
        error: str | None = None
        with _Heartbeat(self.store, job.name, self.holder, self.lease_s, run_clock) as beat:
            try:
                result = runs.json_safe(job.run(self.store))
                status = "ok"
            except Exception as exc:
                status = "error"
                error = f"{type(exc).__name__}: {exc}"
                log.error("job %s failed:\n%s", job.name, traceback.format_exc())
        if beat.lost:
            error = (error + "; " if error else "") + "the lease was lost during the run"
        self._finish(job, run_id, status, run_clock(), result, error)
        took = time.monotonic() - t0
        log.info("job %s %s in %.1f s: %s", job.name, status, took, error or result)
        return Attempt(job.name, "ran", next_due, run_id, status, result, error, tuple(interrupted))

    def _finish(
        self,
        job: Job,
        run_id: int,
        status: str,
        at: datetime,
        result: Mapping[str, Any] | None,
        error: str | None,
    ) -> None:
        for attempt in range(3):  # the run's record matters: retry a busy store briefly
            try:
                with self.store.write(changes_answers=False) as conn:
                    runs.finish_run(conn, run_id, status, at, result, error)
                    leases.release(conn, job.name, self.holder)
                    if run_id % PRUNE_EVERY == 0:
                        runs.prune(conn, job.name, self.keep_runs)
                return
            except Exception:
                log.exception("job %s: recording the end of run %s failed", job.name, run_id)
                time.sleep(0.5 * (attempt + 1))

    # ---- all jobs -----------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> list[Attempt]:
        """Look at every enabled job once, in order, and run those that are due (in this
        thread); for tests and ``paknam run --once``."""
        out = []
        for job in self.jobs.values():
            if job.enabled:
                a = self.attempt(job, now)  # None: the clock when the job's turn comes
                self._next_check[job.name] = a.next_due
                out.append(a)
        return out

    def _submit(self, pool: ThreadPoolExecutor, job: Job) -> None:
        with self._lock:
            self._in_flight.add(job.name)

        def task() -> None:
            try:
                a = self.attempt(job)  # the time when a thread is free for it
                self._next_check[job.name] = a.next_due
            finally:
                with self._lock:
                    self._in_flight.discard(job.name)

        fut: Future[None] = pool.submit(task)
        fut.add_done_callback(_log_crash)

    def run(self, stop: threading.Event, tick_s: float = 1.0) -> None:
        """Run due jobs until ``stop`` is set, then wait for the jobs running now to end
        (none is started after ``stop``)."""
        log.info(
            "scheduler %s: %s",
            self.holder,
            ", ".join(f"{j.name} every {j.every_s:g} s" for j in self.jobs.values() if j.enabled),
        )
        pool = ThreadPoolExecutor(self.threads, thread_name_prefix="job")
        try:
            while not stop.is_set():
                now = self.clock()
                for job in self.jobs.values():
                    if stop.is_set():
                        break
                    if not job.enabled or job.name in self._in_flight:
                        continue
                    if self._next_check.get(job.name, now) > now:
                        continue
                    self._submit(pool, job)
                stop.wait(tick_s)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            log.info("scheduler %s stopped", self.holder)


__all__ = ["Attempt", "Scheduler"]
