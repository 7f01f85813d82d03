"""Domain pages (a clean pattern until their APIs land) and the officer login.

The complaints page has its own view now: see ``test_complaints_pages.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from paknam.core.models import UserCreate
from tests.web.conftest import Browser, Server

DOMAIN_PREFIXES = {
    "energy": ("/api/v1/energy",),
    "economy": ("/api/v1/economy",),
    "people": ("/api/v1/people",),
}


@pytest.mark.parametrize("name", sorted(DOMAIN_PREFIXES))
def test_domain_page_loads_and_lists_its_api_or_says_not_available(
    name: str, demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(f"{demo_server.url}/{name}", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    paths = [
        p
        for p, ops in demo_server.get("/openapi.json")["paths"].items()
        if "get" in ops and p.startswith(DOMAIN_PREFIXES[name])
    ]
    assert page.locator(f'[data-nav="{name}"][aria-current="page"]').count() == 1
    if paths:
        # Only the paths a citizen can open from a link (no parameter, no login).
        config = page.evaluate("JSON.parse(document.getElementById('paknam-config').textContent)")
        links = [p for p in config["open_data"] if p.startswith(DOMAIN_PREFIXES[name])]
        assert 0 < len(links) <= len(paths)
        assert page.locator(".api-list li").count() == len(links)
    else:
        assert page.locator('[data-state="not-available"]').count() == 1
        assert "ยังไม่มีข้อมูล" in page.locator("#app").inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_officer_logs_in_and_sees_warning_levels(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    demo_server.store.add_user(
        UserCreate(username="web-officer", password="a long password", role="officer")
    )
    page = chromium.open(demo_server.url + "/officer", wait="#app[data-ready=true]")
    assert page.locator("#login-link").count() == 1
    page.click("#login-link")
    page.wait_for_selector("#login-form")
    page.fill("input[name=username]", "web-officer")
    page.fill("input[name=password]", "a long password")
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/officer")
    page.wait_for_selector("#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "officer.png"), full_page=True)
    assert "web-officer" in page.locator("#officer-who").inner_text()
    levels = demo_server.get("/api/v1/stations/sim-pomphrachun/warning-levels")
    form = page.locator('form.levels[data-station="sim-pomphrachun"]')
    for key, value in levels.items():
        assert float(form.locator(f"input[name={key}]").input_value()) == value
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_login_page_reports_a_wrong_password(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/login", wait="#login-form")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    assert "เข้าสู่ระบบไม่สำเร็จ" in page.locator("#login-error").inner_text()
    page.screenshot(path=str(tmp_path / "login_failed.png"))
    # The browser logs the 401 answer itself; nothing else may fail.
    others = [e for e in page.console_errors if "401" not in e]  # type: ignore[attr-defined]
    assert others == []
