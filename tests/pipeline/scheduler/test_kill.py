"""``kill -9`` of a scheduler process in the middle of a job, then a restart: the run is
marked interrupted, the lease expires and is taken over, and the job's effects (a warning,
a CAP alert, one queued message) are neither lost nor doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from paknam.core.notify.schema import messages
from paknam.core.store import Store
from paknam.governance.alerts import list_alerts
from paknam.pipeline.scheduler.jobs import Job
from paknam.pipeline.scheduler.loop import Scheduler
from paknam.pipeline.scheduler.schema import job_runs
from tests.conftest import REPO, add_air_station
from tests.pipeline.scheduler._killjob import JOB, warn_and_alert
from tests.pipeline.test_pipeline import _subscriber


def _rows(store: Store) -> list[tuple[str, str, str | None]]:
    with store.read() as conn:
        return [
            (r.holder, r.status, r.error)
            for r in conn.execute(sa.select(job_runs).order_by(job_runs.c.id)).all()
        ]


def test_kill_9_mid_job_then_restart_loses_and_doubles_nothing(store: Store) -> None:
    add_air_station(store)
    _subscriber(store)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.pipeline.scheduler._killjob", store.url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(20, proc.kill)  # bounded, whatever happens
    watchdog.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "HANGING", proc.stderr.read() if proc.stderr else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for f in (proc.stdout, proc.stderr):
            if f:
                f.close()
    assert _rows(store) == [("victim:1", "running", None)]

    restarted = Scheduler(store, [Job(JOB, 3600, warn_and_alert)], "restarted:2", lease_s=2)
    now = restarted.clock()
    first = restarted.run_once(now)[0]
    # the dead holder's lease (10 s, long enough for the job's first steps on a loaded
    # machine) has not run out yet
    assert first.outcome == "held"
    later = restarted.run_once(now + timedelta(seconds=11))[0]
    assert later.outcome == "ran" and later.status == "ok", later
    assert later.result == {"alerts": 0, "queued": 0}  # already done before the kill
    rows = _rows(store)
    assert [(h, s) for h, s, _ in rows] == [("victim:1", "error"), ("restarted:2", "ok")]
    assert rows[0][2] is not None and rows[0][2].startswith("interrupted")
    with store.read() as conn:
        alerts = list_alerts(conn)
        n_messages = conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar()
    assert len(alerts) == 1 and n_messages == 1
    # and the next time is an hour after the restart's run, not at once again
    assert restarted.run_once(now + timedelta(seconds=70))[0].outcome == "not_due"


CLI = """
import typer
from paknam.pipeline.scheduler.cli import install
app = typer.Typer()
app.command("version")(lambda: None)
install(app)
app()
"""


def test_paknam_run_stops_cleanly_on_sigterm(store: Store) -> None:
    """A real ``paknam run`` process: runs the registry's jobs, then SIGTERM ends it with
    status 0, every run finished and every lease released."""
    from paknam.pipeline.scheduler.schema import job_leases

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "PAKNAM_DATABASE_URL": store.url,
        "PAKNAM_JOB_ENERGY_CHECKS_EVERY_S": "0",
        "PAKNAM_JOB_DB_PARTITIONS_EVERY_S": "0",  # PostgreSQL only; not what this test checks
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "run", "--holder", "cli:1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(30, proc.kill)
    watchdog.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            with store.read() as conn:
                names = {r.job for r in conn.execute(sa.select(job_runs.c.job)).all()}
            if {"alerts.issue", "environment.checks", "living.forecasts"} <= names:
                break  # each has started (some may still run: SIGTERM waits for them)
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, stderr
    with store.read() as conn:
        rows = conn.execute(sa.select(job_runs.c.job, job_runs.c.status)).all()
        left = conn.execute(sa.select(sa.func.count()).select_from(job_leases)).scalar()
    assert {r.job for r in rows} == {"alerts.issue", "environment.checks", "living.forecasts"}
    assert all(r.status == "ok" for r in rows), rows
    assert left == 0
