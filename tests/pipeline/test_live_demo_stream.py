"""The live demo streaming: the readings held back by :func:`load_live` reach the store on
a catch-up clock through the real ingest path (directly or through Mosquitto), with the
scheduler running (issue 13, item 4); loading and the clock: test_live_demo.py."""

from __future__ import annotations

import time
import uuid

import numpy as np
import pytest
import sqlalchemy as sa

from paknam.core import timeutil
from paknam.core.store import Store
from paknam.governance.schema import alerts
from paknam.pipeline.live_demo import load_live, start_live
from paknam.pipeline.scheduler.schema import job_runs

H = 3600


def _statuses(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(sa.select(alerts.c.status).distinct()).scalars())


def _count(store: Store) -> int:
    return store.count_observations()


# ---- streaming -------------------------------------------------------------------------


def _stream_and_check(store: Store, **kw: object) -> None:
    now = int(time.time())
    plan, _ = load_live(store, window_s=3 * H, now=now)
    before = _count(store)
    due = sum(int((np.asarray(h.times) <= now).sum()) for h in plan.held)
    assert due > 0
    live = start_live(store, plan, speed=3 * H / 2.0, tick_s=0.2, **kw)  # 3 h in ~2 s
    try:
        deadline = time.time() + 30
        while time.time() < deadline and live.sent < due:
            time.sleep(0.2)
        assert live.sent >= due, live.status()
        assert timeutil.now_s() <= time.time()
        deadline = time.time() + 30
        while time.time() < deadline and _count(store) < before + due:
            time.sleep(0.2)
    finally:
        live.stop()
    assert _count(store) >= before + due
    assert live.errors == 0
    with store.read() as conn:
        ran = set(
            conn.execute(
                sa.select(job_runs.c.job).where(job_runs.c.holder == "paknam-demo")
            ).scalars()
        )
    assert "environment.checks" in ran and "alerts.issue" in ran
    assert _statuses(store) <= {"Exercise"}
    assert abs(timeutil.now_s() - time.time()) < 2  # the system clock is back


def test_live_demo_streams_through_the_store_with_the_scheduler(sqlite_store: Store) -> None:
    _stream_and_check(sqlite_store, use_mqtt=False)


@pytest.mark.mqtt
def test_live_demo_streams_through_mosquitto(store: Store, mqtt_broker: tuple[str, int]) -> None:
    _stream_and_check(store, use_mqtt=True, mqtt_prefix=f"demo-{uuid.uuid4().hex[:8]}")
