"""``kill -9`` of ``paknam run`` in the middle of a source harvest (rows committed, the
source's health and cursor not yet), then a restart: the harvest is done again from the
old cursor, the rows already stored are not doubled, rows that arrived meanwhile are not
lost, and the interrupted run is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from paknam.core.store import Store
from paknam.pipeline.scheduler.jobs import source_jobs
from paknam.pipeline.scheduler.loop import Scheduler
from paknam.pipeline.scheduler.schema import job_runs
from paknam.sources.health import list_health
from tests.conftest import REPO
from tests.pipeline.scheduler._killharvest import env
from tests.sources.loopback import Answer, loopback
from tests.sources.test_polled_and_config import add_canal

PATH = "/api/quality"


def rows(n: int) -> dict[str, Any]:
    return {
        "rows": [
            {
                "site": "sp-canal-01",
                "param": "do",
                "obs_time": f"2026-12-04T{8 + h:02d}:00:00+07:00",
                "reading": 4.0 + h / 10,
            }
            for h in range(n)
        ]
    }


def test_kill_9_mid_harvest_then_restart_loses_and_doubles_nothing(store: Store) -> None:
    add_canal(store)
    with loopback() as lb:
        url = lb.base + PATH
        lb.play(PATH, Answer.json(rows(3)))
        penv = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.pipeline.scheduler._killharvest", store.url, url],
            cwd=REPO,
            env=penv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        watchdog = threading.Timer(30, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.split() == ["HARVESTED", "3"], proc.stderr.read() if proc.stderr else line
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
        assert store.count_observations() == 3
        with store.read() as conn:
            assert list_health(conn, 0) == []  # killed before its health was recorded
            runs = conn.execute(sa.select(job_runs.c.holder, job_runs.c.status)).all()
        assert [tuple(r) for r in runs] == [("victim:1", "running")]

        lb.play(PATH, Answer.json(rows(5)))  # two more hours at the agency meanwhile
        restarted = Scheduler(store, source_jobs(env(url)), "restarted:2", lease_s=2)
        now = restarted.clock()
        assert restarted.run_once(now)[0].outcome == "held"  # the dead holder's lease
        later = restarted.run_once(now + timedelta(seconds=3))[0]
    assert later.outcome == "ran" and later.status == "ok", later
    assert later.result is not None and later.result["received"] == 5
    assert later.result["stored"] == 2  # the 3 committed before the kill: not again
    assert store.count_observations() == 5
    values = [p.value for p in store.read_series("sp-canal-01", "do", 0, 2**40)]
    assert values == [4.0, 4.1, 4.2, 4.3, 4.4]
    with store.read() as conn:
        (h,) = list_health(conn, 0)
        runs = conn.execute(
            sa.select(job_runs.c.holder, job_runs.c.status, job_runs.c.error).order_by(
                job_runs.c.id
            )
        ).all()
    assert h["rows_total"] == 2 and h["failures"] == 0
    assert [(r.holder, r.status) for r in runs] == [("victim:1", "error"), ("restarted:2", "ok")]
    assert runs[0].error.startswith("interrupted")
