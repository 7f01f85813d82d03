"""Streaming sources under ``paknam run``: the ChirpStack subscriber in a supervised,
leased background thread, restarted with backoff when it dies, watched for ``data_gap``;
and a real ``paknam run`` process that stores LoRaWAN uplinks from the real Mosquitto."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa

from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.pipeline.scheduler.jobs import source_jobs, stream_sources
from paknam.pipeline.scheduler.schema import job_leases
from paknam.pipeline.scheduler.streams import StreamSupervisor, lease_name
from paknam.sources.chirpstack_ingest import ChirpstackIngestor
from paknam.sources.chirpstack_source import ChirpstackSource
from paknam.sources.health import list_health
from paknam.sources.runner import NEVER_DELIVERED, watch_stream
from tests.conftest import REPO
from tests.sources.test_chirpstack import (
    EUI_LPP,
    EUI_UNKNOWN,
    add_stations,
    lpp_payload,
    topic,
    uplink,
)


def entry(app: str, broker: tuple[str, int], **kw: Any) -> dict[str, Any]:
    return {
        "id": f"lora-{app[:8]}",
        "kind": "chirpstack",
        "application_id": app,
        "host": broker[0],
        "port": broker[1],
        "client_id": f"paknam-test-{app[:8]}",
        "every_s": 60,
        "stale_after_s": 600,
        "devices": {
            EUI_LPP: {
                "station": "canal_sp01",
                "codec": "lpp",
                "channels": {"3/temperature": "water_temperature", "4/analog_input": "do"},
            }
        },
        **kw,
    }


class Publisher:
    def __init__(self, broker: tuple[str, int]) -> None:
        self.app = str(uuid.uuid4())
        self.broker = broker
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"ns-{self.app[:8]}"
        )
        self.client.connect(*broker)
        self.client.loop_start()

    def send(self, eui: str, **kw: Any) -> None:
        body = orjson.dumps(uplink(eui, app=self.app, **kw))
        self.client.publish(topic(eui, self.app), body, qos=1).wait_for_publish(10)

    def close(self, client_id: str) -> None:
        self.client.disconnect()
        self.client.loop_stop()
        cleaner = mqtt.Client(  # drop the persistent session of the subscriber
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=True,
        )
        cleaner.connect(*self.broker)
        cleaner.disconnect()


@pytest.fixture
def publisher(mqtt_broker: tuple[str, int]) -> Iterator[Publisher]:
    pub = Publisher(mqtt_broker)
    yield pub
    pub.close(f"paknam-test-{pub.app[:8]}")


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def health_of(store: Store, source_id: str) -> dict[str, Any] | None:
    with store.read() as conn:
        return next((r for r in list_health(conn, 0) if r["source_id"] == source_id), None)


class CrashingFirst(ChirpstackSource):
    """A ChirpStack source whose first subscriber dies after connecting (a bug, a lost
    thread): the supervisor must record it and start another."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.made: list[ChirpstackIngestor] = []

    def subscriber(self, store: Store) -> ChirpstackIngestor:
        sub = super().subscriber(store)
        if not self.made:
            real_run = sub.run

            def run(**kw: Any) -> None:
                threading.Timer(0.3, sub.stop).start()
                real_run(**kw)
                raise RuntimeError("subscriber thread crashed")

            sub.run = run  # type: ignore[method-assign]
        self.made.append(sub)
        return sub


@pytest.mark.mqtt
def test_supervisor_restarts_a_dead_subscriber_and_uplinks_are_stored(
    store: Store, publisher: Publisher, mqtt_broker: tuple[str, int]
) -> None:
    add_stations(store)
    cfg = entry(publisher.app, mqtt_broker)
    src = CrashingFirst.from_params(cfg.pop("id"), {k: v for k, v in cfg.items() if k != "kind"})
    delays: list[float] = []

    def rand() -> float:
        delays.append(1.0)
        return 0.2  # 0.2 x the capped backoff

    sup = StreamSupervisor(store, src, "test:1", lease_s=3, backoff_s=1, random=rand).start()
    try:
        assert wait_for(lambda: sup.deaths == 1 and sup.starts == 2), (sup.deaths, sup.starts)
        row = health_of(store, src.id)
        assert row is not None and "subscriber thread crashed" in (row["last_error"] or "")
        assert row["failures"] == 1 and delays == [1.0]
        second = src.made[1]
        assert wait_for(second.connected.is_set)
        publisher.send(EUI_LPP, data=lpp_payload(temp=28.0))
        assert wait_for(lambda: store.count_observations() == 2)

        def recovered() -> bool:  # health is recorded just after the rows are committed
            r = health_of(store, src.id)
            return r is not None and r["failures"] == 0 and r["last_error"] is None

        assert wait_for(recovered), health_of(store, src.id)
        row = health_of(store, src.id)
        assert row is not None
        assert row["newest_time_s"] == parse_time("2026-12-04T03:15:02Z")
        with store.read() as conn:
            (lease,) = conn.execute(sa.select(job_leases)).all()
        assert lease.job == lease_name(src.id) and lease.holder == "test:1"
    finally:
        sup.stop()
    assert not sup.alive
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(job_leases)).scalar() == 0


@pytest.mark.mqtt
def test_only_the_lease_holder_subscribes(
    store: Store, publisher: Publisher, mqtt_broker: tuple[str, int]
) -> None:
    cfg = entry(publisher.app, mqtt_broker)
    sid = cfg.pop("id")
    params = {k: v for k, v in cfg.items() if k != "kind"}
    a = StreamSupervisor(store, ChirpstackSource.from_params(sid, params), "a:1", lease_s=3)
    b = StreamSupervisor(store, ChirpstackSource.from_params(sid, params), "b:2", lease_s=3)
    a.start()
    try:
        assert wait_for(a.holding.is_set)
        b.start()
        time.sleep(1.5)
        assert not b.holding.is_set() and b.starts == 0
        a.stop()  # releases the lease: b takes over
        assert wait_for(b.holding.is_set) and wait_for(lambda: b.starts == 1)
    finally:
        a.stop()
        b.stop()


def test_watch_counts_a_stream_that_never_delivered_then_raises_data_gap(store: Store) -> None:
    src = ChirpstackSource.from_params("lora-quiet", {"every_s": 300, "stale_after_s": 900})
    t0 = parse_time("2026-12-04T10:00:00+07:00")
    for i in range(3):
        o = watch_stream(store, src, now=t0 + i * 300)
        assert not o.ok and o.error == NEVER_DELIVERED
    assert o.stale and o.gap == "raised"  # 3 failures x 300 s >= 900 s
    (w,) = store.list_warnings(domain="sources")
    assert w["kind"] == "data_gap" and w["station_id"] == "source:lora-quiet"
    # the job of a streaming source watches it (a failed watch is an error run)
    env = {"PAKNAM_SOURCES": json.dumps([{"id": "lora-quiet", "kind": "chirpstack"}])}
    (job,) = source_jobs(env)
    assert job.name == "source.lora-quiet" and job.summary.startswith("Watch streaming")
    assert [s.id for s in stream_sources(env)] == ["lora-quiet"]
    with pytest.raises(RuntimeError, match="no observation received yet"):
        job.run(store)


def test_chirpstack_entries_are_checked_like_the_others() -> None:
    from paknam.sources.config import SourceConfigError, build_sources

    with pytest.raises(SourceConfigError, match="needs default_location"):
        build_sources([{"id": "l", "kind": "chirpstack", "create_stations": True}])
    with pytest.raises(SourceConfigError, match="is not a TCP port"):
        build_sources([{"id": "l", "kind": "chirpstack", "port": 0}])
    with pytest.raises(SourceConfigError, match="unknown setting"):
        build_sources([{"id": "l", "kind": "chirpstack", "broker": "x"}])


CLI = """
import typer
from paknam.pipeline.scheduler.cli import install
app = typer.Typer()
app.command("version")(lambda: None)
install(app)
app()
"""


@pytest.mark.mqtt
def test_paknam_run_starts_the_stream_and_stops_cleanly(
    store: Store, publisher: Publisher, mqtt_broker: tuple[str, int]
) -> None:
    add_stations(store)
    cfg = entry(publisher.app, mqtt_broker)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "PAKNAM_DATABASE_URL": store.url,
        "PAKNAM_SOURCES": json.dumps([cfg]),
    }
    only = ["--job", f"source.{cfg['id']}"]
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "run", "--holder", "cli:1", *only],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:

        def subscribed() -> bool:
            with store.read() as conn:
                return (
                    conn.execute(
                        sa.select(job_leases).where(job_leases.c.job == lease_name(cfg["id"]))
                    ).first()
                    is not None
                )

        assert wait_for(subscribed, 20), "paknam run took no stream lease"
        # the subscriber's persistent session exists once it subscribed: poll until stored
        deadline = time.monotonic() + 20
        while store.count_observations() < 2 and time.monotonic() < deadline:
            publisher.send(EUI_LPP, data=lpp_payload(), dedup=str(uuid.uuid4()))
            time.sleep(0.5)
        publisher.send(EUI_UNKNOWN, obj={"do": 1.0})
        assert wait_for(
            lambda: (
                (h := health_of(store, cfg["id"])) is not None and (h.get("rows_total") or 0) >= 2
            )
        )
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, stderr
    assert "streams: " + cfg["id"] in stderr
    assert store.count_observations() == 2  # one time, two quantities, however often sent
    assert {s.id for s in store.list_stations()} == {"canal_sp01", "gauge_khlong_sanphasamit"}
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(job_leases)).scalar() == 0


def _paknam_run(store: Store, cfg: dict[str, Any], holder: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "PAKNAM_DATABASE_URL": store.url,
        "PAKNAM_SOURCES": json.dumps([cfg]),
        "PAKNAM_JOB_LEASE_S": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "run", "--holder", holder, "--job", f"source.{cfg['id']}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.mqtt
def test_kill_9_paknam_run_with_a_stream_then_restart_loses_and_doubles_nothing(
    store: Store, publisher: Publisher, mqtt_broker: tuple[str, int]
) -> None:
    add_stations(store)
    cfg = entry(publisher.app, mqtt_broker)
    times = [f"2026-12-04T03:{m:02d}:00Z" for m in range(0, 50, 10)]
    first = _paknam_run(store, cfg, "victim:1")
    second: subprocess.Popen[str] | None = None
    watchdog = threading.Timer(90, lambda: [p.kill() for p in (first, second) if p])
    watchdog.start()
    try:
        # the first uplink is re-sent until the subscriber's session exists and stores it
        deadline = time.monotonic() + 20
        while store.count_observations() < 2 and time.monotonic() < deadline:
            publisher.send(EUI_LPP, data=lpp_payload(), time_=times[0], dedup=str(uuid.uuid4()))
            time.sleep(0.5)
        for t in times[1:3]:
            publisher.send(EUI_LPP, data=lpp_payload(), time_=t)
        assert wait_for(lambda: store.count_observations() == 6), store.count_observations()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        for t in times[3:]:  # while no paknam run is up: the broker keeps them
            publisher.send(EUI_LPP, data=lpp_payload(), time_=t)
        second = _paknam_run(store, cfg, "restarted:2")
        assert wait_for(lambda: store.count_observations() == 10, 30), store.count_observations()
        time.sleep(1.0)  # anything redelivered twice would land now
        second.send_signal(signal.SIGTERM)
        _, stderr = second.communicate(timeout=30)
        assert second.returncode == 0, stderr
    finally:
        watchdog.cancel()
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(10)
            if p is not None and p.stderr:
                p.stderr.close()
    got = [(p.time, p.value) for p in store.read_series("canal_sp01", "do", 0, 2**40)]
    assert [t for t, _ in got] == [parse_time(t) for t in times]  # each once, none lost
    assert store.count_observations() == 10
