"""Every page of the dashboard — every row of ``PAGES``, the citizens' and the officers'
pages included — fits a 390 px phone and a 1400 px screen and passes axe-core, in Thai
(here) and in English (test_every_page_en.py) (issue 19, "done when"); and in each of
these views the Content Security Policy is in force and nothing on the page breaks it
(issue 14, finding 5: the headers themselves are checked in tests/security/test_headers.py).

The other modules test what each page does; this one only checks that no page escapes the
screen, accessibility and policy checks. A page added to ``PAGES`` without a URL here fails
:func:`test_every_registered_page_has_a_url_here`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paknam.api.web_pages import PAGES
from paknam.core.auth import UserCreate
from paknam.governance import service
from paknam.governance.alerts import AlertSpec
from paknam.living.demo import SIMULATED_ID
from tests.conftest import demo_store
from tests.web.checks import DESKTOP, PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server, serve

pytestmark = pytest.mark.slow

OFFICER, PASSWORD = "every-page-officer", "a long password for the test"
WIDTHS = {"390px": PHONE, "1400px": DESKTOP}

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
"""Runs before the page's own scripts on every navigation: records each CSP violation."""

INLINE_SCRIPT_RUNS = """() => {
  const s = document.createElement("script");
  s.textContent = "window.__inline = 1";
  document.head.append(s);
  return window.__inline === 1;
}"""


def _urls(server: Server) -> dict[str, str]:
    """A URL for every page path of ``PAGES`` (concrete values for the path parameters)."""
    r = httpx.post(
        f"{server.url}/api/v1/complaints",
        data={
            "service_code": "drain",
            "description": f"ท่อระบายน้ำอุดตัน หน้าโรงเรียน ({uuid.uuid4().hex[:6]})",
            "lat": "13.5999",
            "lon": "100.5969",
        },
        timeout=30,
    )
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    alert = service.create_alert(
        server.store,
        AlertSpec(
            topic="flood",
            severity="moderate",
            headline_th="ซ้อมแผนน้ำทะเลหนุนสูง อำเภอเมืองสมุทรปราการ",
            headline_en="High tide drill, Mueang Samut Prakan",
            description_th="การฝึกซ้อม: ระดับน้ำคาดว่าจะสูงสุด 1.3 ม.",
            description_en="A drill: the water is expected to peak at 1.3 m.",
            districts=["1101"],
            status="Exercise",
        ),
        "every-page-test",
    )
    return {
        "/": "/",
        "/alerts": "/alerts",
        "/alerts/{alert_id}": f"/alerts/{alert['id']}",
        "/indicators": "/indicators",
        "/tide": "/tide",
        "/tide/{station_id}": f"/tide/{SIMULATED_ID}",
        "/complaints": "/complaints",
        "/energy": "/energy",
        "/economy": "/economy",
        "/people": "/people",
        "/station/{station_id}": "/station/18t",
        "/login": "/login",
        "/officer": "/officer",
        "/officer/backtest-report": "/officer/backtest-report",
        "/report": "/report",
        "/follow/{token}": f"/follow/{token}",
        "/subscribe": "/subscribe",
        "/subscribe/confirm": "/subscribe/confirm",
    }


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Iterator[Server]:
    """A demo server of this module's own: the alert and complaint it adds must not change
    what other modules count on the shared one."""
    store = demo_store(_demo_template, tmp_path_factory.mktemp("every"))
    for url in serve(store):
        yield Server(url, store)
    store.close()


@pytest.fixture(scope="module")
def urls(demo_server: Server) -> dict[str, str]:
    demo_server.store.add_user(UserCreate(username=OFFICER, password=PASSWORD, role="officer"))
    return _urls(demo_server)


class Views:
    """One browser page per (language, width), moved from URL to URL; the officer is
    logged in once per page (the desk keeps its session in the browser)."""

    def __init__(self, chromium: Browser, base: str) -> None:
        self.chromium, self.base = chromium, base
        self.pages: dict[tuple[str, str], Any] = {}

    def open(self, path: str, lang: str, width: str) -> Any:
        page = self.pages.get((lang, width))
        if page is None:
            page = self.chromium.log_in(
                self.base, OFFICER, PASSWORD, viewport=WIDTHS[width], lang=lang
            )
            page.add_init_script(WATCH_CSP)
            page.broken = []  # what the policy blocked (Chromium says so on the console
            page.on(  # too) and the page's uncaught errors
                "console",
                lambda m, e=page.broken: (
                    e.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            page.on("pageerror", lambda x, e=page.broken: e.append(f"page error: {x}"))
            self.pages[(lang, width)] = page
        page.broken.clear()
        url = (
            self.base + path + ("?lang=en" if lang == "en" and path.startswith("/alerts/") else "")
        )
        page.goto(url)
        page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-ready=false]')", timeout=30_000
        )
        page.wait_for_timeout(300)  # maps and charts draw in the next frames
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def views(demo_server: Server, chromium: Browser, urls: dict[str, str]) -> Iterator[Views]:
    v = Views(chromium, demo_server.url)
    yield v
    v.close()


def test_every_registered_page_has_a_url_here(demo_server: Server) -> None:
    assert {p.path for p in PAGES} <= set(_urls(demo_server)), "a page without a URL here"


EVERY_PATH = sorted({p.path for p in PAGES})


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("path", EVERY_PATH)
def test_every_page_fits_and_is_accessible(
    views: Views, urls: dict[str, str], path: str, width: str
) -> None:
    """In Thai; in English: test_every_page_en.py (the two halves run side by side)."""
    check_view(views, urls, path, "th", width)


def check_view(views: Views, urls: dict[str, str], path: str, lang: str, width: str) -> None:
    """Every check of one page in one language and width."""
    page = views.open(urls[path], lang, width)
    assert page.url.split("?")[0].endswith(urls[path]), (urls[path], page.url)  # not redirected
    if path == "/officer":
        assert page.locator("#complaints-inbox").count() == 1  # the desk, logged in
    assert page.evaluate("document.documentElement.lang") == lang, urls[path]
    assert page.locator("h1").count() == 1, (urls[path], page.locator("h1").all_inner_texts())
    assert_fits_screen(page)
    assert_accessible(page)
    # the policy is in force: nothing on the page broke it (and no script failed), and an
    # inline script added to the page (as an injection would) does not run
    violations = page.evaluate("() => window.__csp")
    assert violations == [] and page.broken == [], (urls[path], violations, page.broken)
    assert not page.evaluate(INLINE_SCRIPT_RUNS), f"{urls[path]}: an inline script ran"
