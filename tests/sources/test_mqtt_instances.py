"""Several `paknam mqtt` on one store: a shared subscription splits the work, the same
client id twice is refused, a killed member loses nothing (real Mosquitto)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import pytest

from paknam.core.store import Store
from paknam.sources.mqtt import MqttIngestor
from tests.conftest import add_air_station
from tests.sources.test_mqtt import wait_for

pytestmark = pytest.mark.mqtt


def _device(broker: tuple[str, int], name: str) -> mqtt.Client:
    device = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=name)
    device.max_inflight_messages_set(500)
    device.connect(*broker)
    device.loop_start()
    return device


def _forget(broker: tuple[str, int], client_id: str) -> None:
    cleaner = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=True,
    )
    cleaner.connect(*broker)
    cleaner.disconnect()


def test_a_shared_group_splits_the_messages_and_stores_each_once(
    store: Store, mqtt_broker: tuple[str, int]
) -> None:
    add_air_station(store)
    prefix = f"pkgrp{uuid.uuid4().hex[:6]}"
    ingestors = [
        MqttIngestor(
            store,
            host=mqtt_broker[0],
            port=mqtt_broker[1],
            prefix=prefix,
            client_id=f"{prefix}-{n}",
            group="ingest",
        )
        for n in range(2)
    ]
    threads = []
    for ing in ingestors:
        ready = threading.Event()
        t = threading.Thread(target=ing.run, kwargs={"ready": ready}, daemon=True)
        t.start()
        threads.append(t)
        assert ready.wait(15) and ing.connected.is_set()
    assert ingestors[0].topics() == [f"$share/ingest/{prefix}/+", f"$share/ingest/{prefix}/+/+"]
    device = _device(mqtt_broker, f"dev-{prefix}")
    try:
        infos = [
            device.publish(
                f"{prefix}/18t/pm25",
                orjson.dumps(
                    {"time": f"2025-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00+07:00", "value": i}
                ),
                qos=1,
            )
            for i in range(1000)
        ]
        for info in infos:
            info.wait_for_publish(10)
        assert wait_for(lambda: store.count_observations() == 1000, timeout=30)
        time.sleep(0.5)
        assert store.count_observations() == 1000
        shares = [ing.stored for ing in ingestors]
        assert sum(shares) == 1000, shares  # each message handled by exactly one member
        assert min(shares) > 0, f"one member got nothing: {shares}"
    finally:
        for ing in ingestors:
            ing.stop()
        for t in threads:
            t.join(15)
        device.loop_stop()
        device.disconnect()
        for n in range(2):
            _forget(mqtt_broker, f"{prefix}-{n}")


def test_bad_group_names_are_refused(store: Store) -> None:
    for bad in ("", "a/b", "x+", "#"):
        with pytest.raises(ValueError, match="plain name"):
            MqttIngestor(store, group=bad)


def _paknam_mqtt(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "paknam.cli", "mqtt", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_paknam_mqtt_refuses_a_second_instance_with_the_same_client_id(
    tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    db = tmp_path / "paknam.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    env = {
        **os.environ,
        "PAKNAM_DATABASE_URL": f"sqlite:///{db}",
        "PAKNAM_MQTT_HOST": mqtt_broker[0],
        "PAKNAM_MQTT_PORT": str(mqtt_broker[1]),
    }
    prefix = f"pkinst{uuid.uuid4().hex[:6]}"
    first = _paknam_mqtt(env, "--prefix", prefix, "--client-id", f"{prefix}-a")
    try:
        # wait for its banner (the lease is taken before it)
        deadline = time.monotonic() + 30
        banner = ""
        while time.monotonic() < deadline and "paknam mqtt:" not in banner:
            line = first.stdout.readline() if first.stdout else ""
            if not line and first.poll() is not None:
                break
            banner += line
        assert "paknam mqtt:" in banner, (banner, first.stderr.read() if first.stderr else "")
        second = _paknam_mqtt(env, "--prefix", prefix, "--client-id", f"{prefix}-a")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2, (out, err)
        assert "already running" in err and f"{prefix}-a" in err
        # another id (a member of a group) starts
        third = _paknam_mqtt(env, "--prefix", prefix, "--client-id", f"{prefix}-b", "--group", "g1")
        try:
            line = third.stdout.readline() if third.stdout else ""
            assert "paknam mqtt:" in line and f"$share/g1/{prefix}/+" in line, line
        finally:
            third.send_signal(signal.SIGTERM)
            third.communicate(timeout=30)
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
        for suffix in ("a", "b"):
            _forget(mqtt_broker, f"{prefix}-{suffix}")


def test_kill_9_of_a_group_member_loses_nothing_and_stores_nothing_twice(
    tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    """Two members of a group (one a `paknam mqtt` process); the process is killed with
    SIGKILL mid-stream and started again with its client id: every reading the broker
    acknowledged is stored, once (what the dead member held unacknowledged is redelivered
    to its session)."""
    db = tmp_path / "paknam.sqlite3"
    store = Store.open(f"sqlite:///{db}")
    add_air_station(store)
    env = {
        **os.environ,
        "PAKNAM_DATABASE_URL": f"sqlite:///{db}",
        "PAKNAM_MQTT_HOST": mqtt_broker[0],
        "PAKNAM_MQTT_PORT": str(mqtt_broker[1]),
    }
    prefix = f"pkkill{uuid.uuid4().hex[:6]}"
    args = ("--prefix", prefix, "--client-id", f"{prefix}-proc", "--group", "g")
    args += ("--lease-seconds", "5")  # a killed member blocks its restart for at most 5 s

    def start_process() -> subprocess.Popen[str]:
        proc = _paknam_mqtt(env, *args)
        line = proc.stdout.readline() if proc.stdout else ""
        assert "paknam mqtt:" in line, (line, proc.stderr.read() if proc.stderr else "")
        return proc

    member = MqttIngestor(
        store,
        host=mqtt_broker[0],
        port=mqtt_broker[1],
        prefix=prefix,
        client_id=f"{prefix}-thread",
        group="g",
    )
    ready = threading.Event()
    thread = threading.Thread(target=member.run, kwargs={"ready": ready}, daemon=True)
    thread.start()
    assert ready.wait(15)
    proc = start_process()
    device = _device(mqtt_broker, f"dev-{prefix}")
    total = 2000
    try:
        infos = []
        for i in range(total):
            infos.append(
                device.publish(
                    f"{prefix}/18t/pm25",
                    orjson.dumps(
                        {
                            "time": f"2025-02-{1 + i // 1440:02d}T{i // 60 % 24:02d}:"
                            f"{i % 60:02d}:00+07:00",
                            "value": i % 500,  # pm25 above 1,000 would be refused
                        }
                    ),
                    qos=1,
                )
            )
            if i == total // 2:
                proc.send_signal(signal.SIGKILL)  # kill -9, mid-stream
                proc.communicate(timeout=30)
            time.sleep(1 / 400)
        for info in infos:
            info.wait_for_publish(10)  # the broker acknowledged every one
        # the lease of the killed process expires (5 s) before it may start again
        deadline = time.monotonic() + 60
        while True:
            proc = _paknam_mqtt(env, *args)
            line = proc.stdout.readline() if proc.stdout else ""
            if "paknam mqtt:" in line:
                break
            proc.communicate(timeout=30)
            assert time.monotonic() < deadline, "the killed member's lease never expired"
            time.sleep(2)
        ok = wait_for(lambda: store.count_observations() == total, timeout=60)
        if not ok:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            raise AssertionError((store.count_observations(), member.stored, out, err[-3000:]))
        points = store.read_series("18t", "pm25", 0, 2**33)
        assert len({p.time for p in points}) == total
        assert sorted(p.value for p in points) == sorted(float(i % 500) for i in range(total))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        member.stop()
        thread.join(15)
        device.loop_stop()
        device.disconnect()
        store.close()
        for suffix in ("proc", "thread"):
            _forget(mqtt_broker, f"{prefix}-{suffix}")
