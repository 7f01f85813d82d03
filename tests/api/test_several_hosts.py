"""Two real ``paknam serve`` processes on one PostgreSQL store, as two hosts behind a
proxy (issue 20): a change made through one shows through the other within the stated
bound, and then both answer the same bytes (same ETag).

The bounds (docs/scale.md, "Caches and several hosts"): live answers within the
generation check (1 s) plus the recomputation; the indicator board within a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paknam.core.auth import UserCreate
from paknam.core.http.cache import ResponseCache
from paknam.core.store import Store
from paknam.core.timeutil import to_local_iso
from tests.conftest import _reset, add_air_station, obs
from tests.test_crash import free_port

LIVE_BOUND_S = ResponseCache(lambda: 0).check_every + 2.0
"""The generation check (1 s) plus room for the recomputation on a loaded machine."""


def _start(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``paknam serve`` on ``url`` and a free port (up to 3 minutes on a loaded machine)."""
    port = free_port()
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "paknam.cli", "serve", "--port", str(port)],
            env={**os.environ, "PAKNAM_DATABASE_URL": url},
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    proc.wait(10)
    pytest.fail(f"paknam serve did not start: {log.read_text(errors='replace')[-2000:]}")


def _iso(hours_ago: float) -> str:
    return to_local_iso(int(time.time() - hours_ago * 3600))


@pytest.fixture
def hosts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, str, str]]:
    store: Store = request.getfixturevalue("_pg_store")
    _reset(store)
    add_air_station(store)
    store.ingest_items([obs("18t", "pm25", _iso(1), 21.0)])
    store.add_user(UserCreate(username="somchai", password="a long password", role="officer"))
    procs: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for name in ("a", "b"):
            proc, url = _start(store.url, tmp_path / f"{name}.log")
            procs.append(proc)
            urls.append(url)
        yield store, urls[0], urls[1]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)


def _until(check: Callable[[], bool], bound: float) -> float:
    """Seconds until ``check()`` holds; fails after ``bound``."""
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > bound:
            pytest.fail(f"not the same after {bound:.1f} s")
        time.sleep(0.05)
    return time.monotonic() - t0


def _pm25(c: httpx.Client, url: str) -> Any:
    (feature,) = c.get(f"{url}/api/v1/stations").json()["features"]
    return feature["properties"]["latest"]["pm25"]["value"]


@pytest.mark.postgres
def test_a_change_through_one_host_shows_through_the_other(
    hosts: tuple[Store, str, str],
) -> None:
    store, a, b = hosts
    _, key, _ = store.create_device_key(["18t"])
    public = ("/api/v1/stations", "/api/v1/stations/18t", "/api/v1/alerts?state=active")
    with httpx.Client(timeout=30) as c:
        for url in (a, b):  # both hosts hold every answer in memory
            assert _pm25(c, url) == 21.0
            for path in public:
                assert c.get(url + path).status_code == 200
        board = [c.get(url + "/api/v1/indicators") for url in (a, b)]
        assert board[0].headers["etag"] == board[1].headers["etag"]  # same bytes, any host

        r = c.post(
            f"{a}/api/v1/observations",
            json={"observations": [obs("18t", "pm25", _iso(0.5), 35.0)]},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert r.status_code in (200, 201), r.text
        assert _pm25(c, a) == 35.0  # the host that wrote: at once
        took = _until(lambda: _pm25(c, b) == 35.0, LIVE_BOUND_S)
        assert took <= LIVE_BOUND_S

        token = c.post(
            f"{a}/api/v1/auth/login", data={"username": "somchai", "password": "a long password"}
        ).json()["access_token"]
        alert = c.post(
            f"{a}/api/v1/alerts",
            json={
                "topic": "flood", "severity": "severe", "status": "Actual",
                "headline_th": "น้ำทะเลหนุนสูง", "headline_en": "High tide flooding",
                "description_th": "คาดว่าระดับน้ำสูงสุด 1.3 ม.",
                "description_en": "Water expected to peak at 1.3 m.", "districts": ["1105"],
            },
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert alert.status_code == 201, alert.text
        wanted = alert.json()["id"]
        _until(
            lambda: (
                [x["id"] for x in c.get(f"{b}/api/v1/alerts?state=active").json()["alerts"]]
                == [wanted]
            ),
            LIVE_BOUND_S,
        )
        for path in public:  # and then both answer the same bytes
            tags = [c.get(url + path).headers["etag"] for url in (a, b)]
            assert tags[0] == tags[1], path


def test_serve_with_several_workers_says_rate_limits_need_redis(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``paknam serve --workers 2`` with in-process rate-limit counters says that each
    worker counts alone; with Redis named it says nothing (uvicorn itself is not started)."""
    import uvicorn

    from tests.test_cli import paknam

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_a, **kw: started.append(kw))
    ran = paknam(sqlite_store, "serve", "--workers", "2")
    assert ran.returncode == 0, ran.stderr
    assert "PAKNAM_RATE_LIMIT_STORAGE=redis://" in ran.stderr
    assert started[0]["workers"] == 2
    ran = paknam(sqlite_store, "serve")  # one worker: its counters are all there are
    assert "PAKNAM_RATE_LIMIT_STORAGE" not in ran.stderr
    monkeypatch.setenv("PAKNAM_RATE_LIMIT_STORAGE", "redis://127.0.0.1:6379")
    ran = paknam(sqlite_store, "serve", "--workers", "2")
    assert "PAKNAM_RATE_LIMIT_STORAGE" not in ran.stderr
    assert len(started) == 3
