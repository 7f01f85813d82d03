"""A real HTTP server (uvicorn in a thread) on an SQLite store, for the security tests."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from PIL import Image

from paknam.api.app import resolve_routes
from paknam.core.store import Store
from tests.api.complaints_app import complaints_app


@dataclass
class LiveServer:
    url: str
    store: Store
    db_file: str
    api_key: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(sqlite_store: Store) -> Iterator[LiveServer]:
    """``paknam serve``'s uvicorn on a free port, serving the app on ``sqlite_store``."""
    port = free_port()
    app = complaints_app(sqlite_store)
    resolve_routes(app)  # as create_app() does for paknam serve: none on the event loop
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    db_file = sqlite_store.engine.url.database
    assert db_file
    yield LiveServer(f"http://127.0.0.1:{port}", sqlite_store, db_file)
    server.should_exit = True
    thread.join(timeout=20)


def jpeg_bytes(
    size: tuple[int, int] = (32, 24), color: tuple[int, int, int] = (20, 120, 200)
) -> bytes:
    """A real JPEG made by Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()
