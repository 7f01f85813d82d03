"""kill -9 of the server during a stream of batches loses no acknowledged observation."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from paknam.core.store import Store
from paknam.core.timeutil import parse_time, to_local_iso
from tests.conftest import add_air_station

BATCH = 500
T0 = parse_time("2025-01-01T00:00:00+07:00")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PAKNAM_DATABASE_URL": url}
    with log.open("wb") as fh:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "paknam.cli", "serve", "--port", str(port)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"server did not start: {log.read_text(errors='replace')[-2000:]}")


def batch(n: int) -> dict[str, list[dict[str, object]]]:
    base = T0 + n * BATCH * 60
    return {
        "observations": [
            {
                "station": "18t",
                "quantity": "pm25",
                "time": to_local_iso(base + 60 * i),
                "value": float(n),
            }
            for i in range(BATCH)
        ]
    }


@pytest.mark.slow
def test_crash_kill9_loses_no_acknowledged_batch(store: Store, tmp_path: Path) -> None:
    add_air_station(store)
    _, key, _ = store.create_device_key(["18t"])
    port = free_port()
    proc = start_server(store.url, port, tmp_path / "server.log")
    acked: list[int] = []
    sent: list[int] = []
    stop = threading.Event()

    def stream() -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        ) as client:
            n = 0
            while not stop.is_set():
                sent.append(n)
                try:
                    r = client.post("/api/v1/observations", json=batch(n))
                except httpx.HTTPError:
                    return  # the server died under us: this batch is not acknowledged
                assert r.status_code == 200, r.text
                acked.append(n)
                n += 1

    thread = threading.Thread(target=stream)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(acked) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(acked) >= 20, "stream too slow to test"
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream, no warning
        proc.wait(10)
    finally:
        stop.set()
        thread.join(30)
        if proc.poll() is None:
            proc.kill()

    # a fresh connection sees every acknowledged batch whole, and no batch in part
    with Store.open(store.url) as after:
        t_end = T0 + (max(sent) + 1) * BATCH * 60
        points = after.read_series("18t", "pm25", T0, t_end, limit=None)
    per_batch: dict[int, int] = {}
    for p in points:
        per_batch[int(p.value)] = per_batch.get(int(p.value), 0) + 1
    missing = [n for n in acked if per_batch.get(n) != BATCH]
    assert missing == [], f"acknowledged batches lost: {missing}"
    assert all(c == BATCH for c in per_batch.values()), "a batch was stored in part"
    assert set(per_batch) - set(acked) <= {max(sent)}  # at most the one in flight
