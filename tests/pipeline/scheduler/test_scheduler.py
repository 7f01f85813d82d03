"""The scheduler on SQLite and PostgreSQL: due times, recorded runs, failures that stop
nothing, leases held elsewhere, interrupted runs, two schedulers racing, clean stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from paknam.core.store import Store
from paknam.pipeline.scheduler import leases, runs
from paknam.pipeline.scheduler.jobs import Job
from paknam.pipeline.scheduler.loop import Scheduler
from paknam.pipeline.scheduler.schema import job_leases, job_runs

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def _s(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def _runs(store: Store, job: str | None = None) -> list[dict[str, Any]]:
    with store.read() as conn:
        q = sa.select(job_runs).order_by(job_runs.c.id)
        if job:
            q = q.where(job_runs.c.job == job)
        return [runs.as_dict(r) for r in conn.execute(q).all()]


def _ok(_: Store) -> Mapping[str, Any]:
    return {"rows": 3, "when": T0}


def _boom(_: Store) -> Mapping[str, Any]:
    raise RuntimeError("the partner API answered 503")


def test_runs_are_recorded_and_a_failing_job_stops_nothing(store: Store) -> None:
    jobs = [Job("a.boom", 60, _boom), Job("b.ok", 60, _ok), Job("c.off", 0, _ok)]
    sched = Scheduler(store, jobs, "me:1")
    done = sched.run_once(_s(0))
    assert [(a.job, a.outcome, a.status) for a in done] == [
        ("a.boom", "ran", "error"),
        ("b.ok", "ran", "ok"),
    ]  # c.off is switched off
    rows = _runs(store)
    assert [(r["job"], r["status"], r["holder"]) for r in rows] == [
        ("a.boom", "error", "me:1"),
        ("b.ok", "ok", "me:1"),
    ]
    assert rows[0]["error"] == "RuntimeError: the partner API answered 503"
    assert rows[0]["result"] is None
    assert rows[1]["result"] == {"rows": 3, "when": "2026-01-01 00:00:00+00:00"}
    assert rows[1]["started_at"] == _s(0) and rows[1]["finished_at"] >= _s(0)
    with store.read() as conn:  # every lease released
        assert conn.execute(sa.select(sa.func.count()).select_from(job_leases)).scalar() == 0


def test_due_every_s_after_the_last_start(store: Store) -> None:
    sched = Scheduler(store, [Job("j", 60, _ok)], "me:1")
    assert sched.run_once(_s(0))[0].outcome == "ran"
    a = sched.run_once(_s(59))[0]
    assert a.outcome == "not_due" and a.next_due == _s(60)
    assert sched.run_once(_s(60))[0].outcome == "ran"
    assert [r["started_at"] for r in _runs(store)] == [_s(0), _s(60)]
    # another process shares the schedule: it does not run the job again before it is due
    other = Scheduler(store, [Job("j", 60, _ok)], "other:2")
    assert other.run_once(_s(90))[0].outcome == "not_due"
    assert len(_runs(store)) == 2


def test_lease_held_elsewhere_skips_without_recording(store: Store) -> None:
    assert leases.acquire(store, "j", "busy:9", 30, _s(0))
    sched = Scheduler(store, [Job("j", 60, _ok)], "me:1")
    a = sched.run_once(_s(1))[0]
    assert a.outcome == "held" and a.run_id is None
    assert _runs(store) == []  # skipped runs are not recorded


def test_interrupted_run_is_marked_and_done_again(store: Store) -> None:
    """A holder died mid-run: its row says running and its lease runs out."""
    with store.write() as conn:
        assert leases.acquire(conn, "j", "dead:7", 30, _s(0))
        dead = runs.start_run(conn, "j", "dead:7", _s(0))
    sched = Scheduler(store, [Job("j", 3600, _ok)], "me:1")
    assert sched.run_once(_s(10))[0].outcome == "held"  # lease still valid
    a = sched.run_once(_s(31))[0]
    assert a.outcome == "ran" and a.status == "ok" and a.interrupted == (dead,)
    rows = _runs(store)
    assert [(r["holder"], r["status"]) for r in rows] == [("dead:7", "error"), ("me:1", "ok")]
    assert rows[0]["error"].startswith("interrupted: holder dead:7 stopped")


def test_two_schedulers_racing_run_each_due_time_once(store: Store) -> None:
    """Two schedulers (own connections, like two processes) tick at the same times."""
    calls = 0
    inside = 0
    most = 0
    lock = threading.Lock()

    def work(_: Store) -> Mapping[str, Any]:
        nonlocal calls, inside, most
        with lock:
            calls += 1
            inside += 1
            most = max(most, inside)
        time.sleep(0.01)
        with lock:
            inside -= 1
        return {}

    steps = 6
    barrier = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []

    def tick(holder: str) -> None:
        sched = Scheduler(store, [Job("shared", 10, work)], holder)
        try:
            for k in range(steps):
                barrier.wait()
                sched.run_once(_s(10 * k))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(h,)) for h in ("p1:1", "p2:2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert most == 1
    assert calls == steps
    assert [r["started_at"] for r in _runs(store)] == [_s(10 * k) for k in range(steps)]


def test_long_job_keeps_its_lease(store: Store) -> None:
    """The lease (1.5 s) is renewed every 0.5 s while a 3 s job runs: nobody else can take
    it, though the job outlives the lease twice over (slack for a loaded machine)."""
    started = threading.Event()

    def slow(_: Store) -> Mapping[str, Any]:
        started.set()
        time.sleep(3.0)
        return {}

    sched = Scheduler(store, [Job("slow", 60, slow)], "me:1", lease_s=1.5)
    t = threading.Thread(target=sched.run_once)
    t.start()
    assert started.wait(10)
    seen = []
    for _ in range(5):
        time.sleep(0.5)
        seen.append(leases.acquire(store, "slow", "thief:2", 1.5))
    t.join(10)
    assert seen == [False] * 5
    assert [r["status"] for r in _runs(store)] == ["ok"]


def test_run_loop_stops_after_the_running_job(store: Store) -> None:
    release_job = threading.Event()
    started = threading.Event()

    def blocking(_: Store) -> Mapping[str, Any]:
        started.set()
        release_job.wait(10)
        return {"finished": True}

    stop = threading.Event()
    sched = Scheduler(
        store, [Job("blocking", 3600, blocking), Job("quick", 0.2, _ok)], "me:1", threads=2
    )
    t = threading.Thread(target=sched.run, args=(stop, 0.05))
    t.start()
    assert started.wait(10)
    deadline = time.monotonic() + 10
    while len(_runs(store, "quick")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the quick job keeps running beside the blocking one
    assert len(_runs(store, "quick")) >= 3
    stop.set()
    time.sleep(0.2)
    assert t.is_alive()  # waits for the running job
    release_job.set()
    t.join(10)
    assert not t.is_alive()
    [b] = _runs(store, "blocking")
    assert b["status"] == "ok" and b["result"] == {"finished": True}
    assert all(r["status"] == "ok" for r in _runs(store, "quick"))


def test_old_runs_are_pruned(store: Store) -> None:
    with store.write() as conn:
        for i in range(10):
            runs.start_run(conn, "j", "me:1", _s(i))
        assert runs.prune(conn, "j", 4) == 6
        left, total = runs.list_runs(conn, "j")
    assert total == 4 and [r["started_at"] for r in left] == [_s(i) for i in (9, 8, 7, 6)]


@pytest.mark.parametrize("bad", ["", "Bad Name", "x" * 65])
def test_job_names_are_checked(bad: str) -> None:
    with pytest.raises(ValueError, match="job name"):
        Job(bad, 60, _ok)
