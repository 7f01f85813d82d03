"""A real paknam server on the demo data, and headless Chromium (Debian ``chromium``).

The server runs in a thread (uvicorn) on an SQLite store loaded like ``paknam demo`` (a
copy of the ``_demo_template`` of tests/conftest.py, loaded once per test process): the
real sample, the SIMULATED water-level station, forecasts, the environment rules and the
SAMPLE complaints. The browser is the system Chromium at :data:`CHROMIUM`; Playwright never
downloads one. Without it the browser tests skip (fail in CI, like the other services).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from paknam.api.app import create_app
from paknam.core.store import Store
from tests.conftest import _skip_or_fail, demo_store

CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    store: Store

    def get(self, path: str, **params: Any) -> Any:
        r = httpx.get(self.url + path, params=params, timeout=30)
        r.raise_for_status()
        return r.json()


def serve(store: Store) -> Iterator[str]:
    """Serve the paknam app on ``store`` in a thread; yields the base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(store),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Iterator[Server]:
    store = demo_store(_demo_template, tmp_path_factory.mktemp("web"))
    for url in serve(store):
        yield Server(url, store)
    store.close()


@dataclass
class Browser:
    """A headless Chromium; :meth:`open` gives a fresh page that records console errors."""

    browser: Any
    pages: list[Any] = field(default_factory=list)

    def open(  # type: ignore[no-untyped-def]
        self,
        url: str,
        *,
        lang: str | None = None,
        wait: str = "body[data-loaded=true]",
        viewport: dict[str, int] | None = None,
    ):
        context = self.browser.new_context(viewport=viewport or {"width": 1400, "height": 1000})
        if lang:
            context.add_init_script(f"localStorage.setItem('paknam.lang', '{lang}')")
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m: (
                page.console_errors.append(f"console {m.type}: {m.text}")  # type: ignore[attr-defined]
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))  # type: ignore[attr-defined]
        page.goto(url)
        page.wait_for_selector(wait, timeout=30_000)
        return page

    def log_in(  # type: ignore[no-untyped-def]
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        viewport: dict[str, int] | None = None,
        lang: str | None = None,
    ):
        """A fresh page logged in through ``/login`` as an officer, on ``/officer``."""
        page = self.open(base_url + "/login", wait="#login-form", viewport=viewport, lang=lang)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/officer")
        return page


def officer_headers(
    server: Server, username: str, password: str = "a long password", role: str = "officer"
) -> dict[str, str]:
    """A new account of ``role`` on ``server``'s store, and its bearer header."""
    from paknam.core.auth import UserCreate

    server.store.add_user(UserCreate(username=username, password=password, role=role))
    r = httpx.post(
        server.url + "/api/v1/auth/login",
        data={"username": username, "password": password},
        timeout=30,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


_SHARED: dict[str, Any] = {}


@contextmanager
def shared_chromium() -> Iterator[Any]:
    """One Playwright and one Chromium per process, however many fixtures ask for it.

    Playwright's sync API cannot run twice at once in a process, and test modules outside
    tests/web (tests/security) define the ``chromium`` fixture again (``chromium =
    web.chromium``), which makes another session-scoped instance: they all share this one,
    closed when the last of them is torn down.
    """
    if not _SHARED:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        _SHARED.update(playwright=playwright, browser=browser, users=0)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            _SHARED["browser"].close()
            _SHARED["playwright"].stop()
            _SHARED.clear()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is absent (apt-get install chromium): browser tests skipped")
    with shared_chromium() as browser:
        yield Browser(browser)
