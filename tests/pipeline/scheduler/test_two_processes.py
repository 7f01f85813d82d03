"""Two real scheduler processes on one PostgreSQL store (issue 20): they share one schedule, never
run the job twice at once nor twice for one due time, and claiming jobs does not change
the store's generation (which would make every API worker recompute its cached answers)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from paknam.core.store import Store
from paknam.pipeline.scheduler.schema import job_runs
from tests.conftest import REPO, _reset
from tests.pipeline.scheduler._twoschedulers import EVERY_S, JOB, WORK_S, run

SECONDS = 3.0


@pytest.mark.postgres
def test_two_scheduler_processes_run_each_due_time_once(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """This process and a child, each with a scheduler and a store of its own, on
    PostgreSQL as on several hosts (a child is seconds of CPU: one engine is enough here;
    the lease race on both engines is test_scheduler's)."""
    store: Store = request.getfixturevalue("_pg_store")
    _reset(store)
    log = tmp_path / "runs.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    generation = store.generation()
    command = [sys.executable, "-m", "tests.pipeline.scheduler._twoschedulers"]
    proc = subprocess.Popen(
        [*command, store.url, str(log), "host-b:2", str(SECONDS)],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:  # the other process is this one (a scheduler of its own, with its own store)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
        run(store.url, str(log), "host-a:1", SECONDS)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    done = sorted(
        (float(start), float(end), holder)
        for holder, start, end in (line.split() for line in log.read_text().splitlines())
    )
    # SECONDS / EVERY_S due times; a loaded machine may run fewer, never more
    assert 3 <= len(done) <= SECONDS / EVERY_S + 1
    for (_, end, _), (start, _, _) in itertools.pairwise(done):
        assert start >= end, "the job ran twice at once"
    with store.read() as conn:
        rows = conn.execute(
            sa.select(job_runs.c.holder, job_runs.c.started_at, job_runs.c.status)
            .where(job_runs.c.job == JOB)
            .order_by(job_runs.c.started_at)
        ).all()
    assert [r.status for r in rows] == ["ok"] * len(done)  # one recorded run per run
    assert sorted(r.holder for r in rows) == sorted(h for _, _, h in done)
    starts = [r.started_at for r in rows]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= EVERY_S - 1e-3  # due every_s after the last start, whoever ran it
    assert WORK_S < EVERY_S
    assert store.generation() == generation  # leases and runs change no public answer
