"""Finding 1: request bodies are capped by route *before* they are read.

Measured on 3209bca: a 50 MB body to the public ``POST /api/v1/subscriptions`` was read
whole (422 after it); ingest read the body before checking its 16 MB cap; multipart files
were spooled whole. The tests drive the ASGI app with a ``receive`` that counts what the
app pulls, so "before reading" and "without buffering the rest" are measured, not assumed,
and one test talks to a real uvicorn over a socket.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from paknam.api.app import create_app
from paknam.core.store import Store
from tests.conftest import add_air_station

MiB = 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    yield s
    s.close()


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(store)


@pytest.fixture
def device(store: Store) -> dict[str, str]:
    add_air_station(store)
    _, key, _ = store.create_device_key(["18t"])
    return {"authorization": f"Bearer {key}", "content-type": "application/json"}


class Body:
    """An ASGI ``receive`` that streams ``total`` bytes in 64 KiB chunks and counts what
    the app pulled; with ``forbid`` it fails the test at the first pull."""

    def __init__(self, total: int, *, forbid: bool = False, prefix: bytes = b"") -> None:
        self.total = total
        self.forbid = forbid
        self.prefix = prefix
        self.pulled = 0

    async def __call__(self) -> dict[str, Any]:
        assert not self.forbid, "the app read a body it should have refused unread"
        if self.pulled >= self.total:
            await asyncio.sleep(3600)  # a client that sends nothing more
        first = self.prefix if self.pulled == 0 and self.prefix else b""
        size = min(CHUNK, self.total - self.pulled) - len(first)
        chunk = first + b"x" * max(size, 0)
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.pulled < self.total}


def call(
    app: FastAPI, method: str, path: str, body: Body, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """One request straight through the ASGI interface: (status, headers, body)."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("192.0.2.10", 50000),
        "server": ("testserver", 80),
    }
    # on a thread of its own: a browser test in the same process may leave an event loop
    # running on this one (Playwright's sync API)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(app(scope, body, send), timeout=60)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], hdrs, content


def _is_413(status: int, content: bytes) -> bool:
    return status == 413 and b'"code":"body_too_large"' in content


def test_declared_length_over_cap_is_refused_before_a_byte_is_read(app: FastAPI) -> None:
    body = Body(50 * MiB, forbid=True)
    status, headers, content = call(
        app,
        "POST",
        "/api/v1/subscriptions",
        body,
        {"content-type": "application/json", "content-length": str(50 * MiB)},
    )
    assert _is_413(status, content), (status, content)
    assert headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert body.pulled == 0


def test_chunked_body_is_cut_at_the_cap_without_reading_the_rest(app: FastAPI) -> None:
    body = Body(12 * MiB)  # no Content-Length: counted as it streams
    status, _, content = call(
        app, "POST", "/api/v1/subscriptions", body, {"content-type": "application/json"}
    )
    assert _is_413(status, content), (status, content)
    assert body.pulled <= 1 * MiB + CHUNK  # the default cap, and not a chunk more


def test_ingest_cap_is_checked_before_reading(app: FastAPI, device: dict[str, str]) -> None:
    auth = device
    declared = Body(17 * MiB, forbid=True)
    status, _, content = call(
        app,
        "POST",
        "/api/v1/observations",
        declared,
        {**auth, "content-length": str(17 * MiB)},
    )
    assert _is_413(status, content) and declared.pulled == 0
    streamed = Body(40 * MiB)
    status, _, content = call(app, "POST", "/api/v1/observations", streamed, auth)
    assert _is_413(status, content)
    assert streamed.pulled <= 16 * MiB + CHUNK


def test_ingest_may_send_more_than_the_default_cap(app: FastAPI, device: dict[str, str]) -> None:
    body = Body(2 * MiB)  # above 1 MiB, below ingest's 16 MiB: read whole, then judged
    status, _, content = call(
        app, "POST", "/api/v1/observations", body, {**device, "content-length": str(2 * MiB)}
    )
    assert status == 422 and b"not valid JSON" in content, content
    assert body.pulled == 2 * MiB


def test_multipart_photo_is_not_spooled_beyond_the_form_cap(app: FastAPI) -> None:
    boundary = "paknamboundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="service_code"\r\n\r\ncleanliness\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body = Body(30 * MiB, prefix=head)
    status, _, content = call(
        app,
        "POST",
        "/api/v1/complaints",
        body,
        {"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert _is_413(status, content), (status, content)
    assert body.pulled <= 6 * MiB + CHUNK  # a 5 MB photo and its form, no more


def test_open311_form_is_capped_too(app: FastAPI) -> None:
    head = (
        b"--b\r\n"
        b'Content-Disposition: form-data; name="media"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )
    body = Body(20 * MiB, prefix=head)
    status, _, content = call(
        app,
        "POST",
        "/open311/v2/requests.json",
        body,
        {"content-type": "multipart/form-data; boundary=b"},
    )
    assert _is_413(status, content) and body.pulled <= 6 * MiB + CHUNK


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_server_answers_413_at_once_to_a_huge_declared_body(app: FastAPI) -> None:
    """Over a socket: the server answers as soon as the headers arrive, without waiting
    for (or reading) the 50 MB the client announced."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(
                b"POST /api/v1/subscriptions HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\n"
                + f"Content-Length: {50 * MiB}\r\n\r\n".encode()
                + b'{"channel": "'
            )
            answer = b""
            try:
                while b"\r\n\r\n" not in answer:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            except TimeoutError:
                pytest.fail("no answer within 5 s: the server is waiting for the 50 MB body")
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    finally:
        server.should_exit = True
        thread.join(10)
