"""Finding 4: a public write waiting for SQLite's write lock must not stall the server.

The routes read the upload on the event loop but run the store (and classifier, photo)
work in a thread; before, ``service.submit`` ran on the loop and one complaint waiting for
the lock froze every other request until the lock was freed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paknam.core.store import Store
from tests.api.complaints_app import new_api_key
from tests.complaints.helpers import CITY_HALL
from tests.security.conftest import LiveServer, jpeg_bytes

ANSWER_WITHIN_S = 1.0
"""An unrelated read must answer this fast while the write waits (it takes ~10 ms)."""


def _web_complaint(server: LiveServer) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/complaints",
        data={
            "service_code": "cleanliness",
            "description": "ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็น",
            "lat": str(CITY_HALL[0]),
            "lon": str(CITY_HALL[1]),
        },
        files={"photo": ("a.jpg", jpeg_bytes(), "image/jpeg")},
        timeout=60,
    )


def _open311_request(server: LiveServer) -> httpx.Response:
    return httpx.post(
        f"{server.url}/open311/v2/requests.json",
        data={
            "api_key": server.api_key,
            "service_code": "lighting",
            "lat": str(CITY_HALL[0]),
            "long": str(CITY_HALL[1]),
            "description": "ไฟถนนดับทั้งซอย มืดมาก",
        },
        timeout=60,
    )


def _pollution_report(server: LiveServer) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/environment/reports",
        data={
            "topic": "smoke",
            "description": "ควันดำจากโรงงาน",
            "lon": str(CITY_HALL[1]),
            "lat": str(CITY_HALL[0]),
            "observed_at": "2026-01-01T07:00:00+07:00",
        },
        files={"photo": ("a.jpg", jpeg_bytes(), "image/jpeg")},
        timeout=60,
    )


@pytest.mark.parametrize(
    "write", [_web_complaint, _open311_request, _pollution_report], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("read", ["/api/v1/health", "/api/v1/stations"])
def test_held_write_lock_does_not_delay_unrelated_reads(
    live_server: LiveServer,
    sqlite_store: Store,
    write: Callable[[LiveServer], httpx.Response],
    read: str,
) -> None:
    live_server.api_key = new_api_key(sqlite_store)
    assert httpx.get(f"{live_server.url}{read}", timeout=10).status_code == 200  # warm up
    holder = sqlite3.connect(live_server.db_file, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
    answers: dict[str, Any] = {}
    writer = threading.Thread(target=lambda: answers.update(write=write(live_server)))
    try:
        writer.start()
        time.sleep(0.5)  # the write is now in flight, waiting for the lock
        assert writer.is_alive(), f"the write did not wait for the lock: {answers}"
        start = time.monotonic()
        try:
            r = httpx.get(f"{live_server.url}{read}", timeout=ANSWER_WITHIN_S + 1)
            status = r.status_code
        except httpx.TimeoutException:
            status = None
        waited = time.monotonic() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        writer.join(timeout=60)
    assert status == 200 and waited < ANSWER_WITHIN_S, (
        f"GET {read} took {waited:.2f} s (status {status}) while a write waited for the lock"
    )
    assert answers["write"].status_code == 201, answers["write"].text  # then stored


def test_a_slow_ckan_action_does_not_stall_other_requests(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CKAN actions read the store (series, complaints, the indicator board): that work
    runs in a thread, so one slow anonymous catalogue request leaves the rest answering
    (the review found it ran on the event loop)."""
    from paknam.api.opendata import catalogue

    real = catalogue.all_datasets
    running = threading.Event()

    def slow(*args: Any, **kw: Any) -> Any:
        running.set()
        time.sleep(2.0)  # standing in for a cold indicator board or a large table
        return real(*args, **kw)

    monkeypatch.setattr(catalogue, "all_datasets", slow)
    done: dict[str, httpx.Response] = {}
    t = threading.Thread(
        target=lambda: done.setdefault(
            "ckan", httpx.get(f"{live_server.url}/api/3/action/package_list", timeout=60)
        )
    )
    t.start()
    assert running.wait(30), "the CKAN action never started"
    t0 = time.monotonic()
    r = httpx.get(f"{live_server.url}/api/v1/health", timeout=30)
    took = time.monotonic() - t0
    t.join(30)
    assert r.status_code == 200
    assert took < ANSWER_WITHIN_S, f"/api/v1/health took {took:.2f} s behind a CKAN action"
    assert done["ckan"].status_code == 200 and done["ckan"].json()["success"] is True


def test_a_new_server_resolves_no_route_while_answering(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI resolves an included router's routes (signatures, dependencies) on the first
    request that reaches it, on the event loop: ~0.25 s of CPU (seconds under load) during
    which a new server answered nothing else. ``create_app`` for ``paknam serve`` (with
    ``warm_up``) resolves them all beforehand, so the first requests resolve none."""
    import fastapi.routing
    from fastapi.testclient import TestClient

    from paknam.api.app import create_app

    app = create_app(sqlite_store, warm_up=True)
    resolved: list[str] = []
    real = fastapi.routing.get_dependant

    def counting(*args: Any, **kw: Any) -> Any:
        resolved.append(kw.get("path", "?"))
        return real(*args, **kw)

    monkeypatch.setattr(fastapi.routing, "get_dependant", counting)
    c = TestClient(app)  # no lifespan: the warm-up thread of the board is not started
    for path in ("/api/3/action/package_list", "/api/v1/health", "/sta/v1.1/Things"):
        assert c.get(path).status_code == 200, path
    assert resolved == [], f"{len(resolved)} route(s) resolved while answering: {resolved[:5]}"
