"""A citizen's walk through the demo: every alert page and every station page of a store
loaded like ``paknam demo`` opens without a page error, a console error, a failed request or
a "could not load" banner. Fixtures shaped by hand missed what the real data makes: the
rules' alerts (a station's reading) showed "could not load" for weeks while the officers'
district alerts were tested.

Also what a walk through the demo found: in English the indicator cards' badges pushed the
home page and the indicator board past the screen's edge; rule alerts from replayed (real,
time-shifted) canal samples were labelled "simulated"; the complaints list and the follow
page showed the Open311 texts in both languages whatever the reader's; and on a phone the
officer's warning-level form put each level's name beside the next level's box.

The store is loaded as ``paknam demo`` and ``paknam demo --no-serve`` load it: the recorded
samples replayed up to now (:func:`paknam.pipeline.live_demo.load_live`), so the rules raise
the alerts citizens see. (The shared ``_demo_template`` of ``tests/conftest.py`` loads them at
their recorded times, years old: its store has no rule alert at all.)

One browser page per language moves from URL to URL (cheap: no new context per page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from paknam.core.store import Store
from tests.web.checks import DESKTOP, PHONE, overflow
from tests.web.conftest import Browser, Server, officer_headers, serve

ERROR_TEXT = re.compile(r"โหลดข้อมูลไม่สำเร็จ|Could not load|undefined|\bNaN\b|\[object Object\]")
THAI = re.compile(r"[\u0e00-\u0e7f]")


class Walker:
    """A page that records, per visit, page errors, console errors and failed requests."""

    def __init__(self, chromium: Browser, viewport: dict[str, int], lang: str) -> None:
        self.context = chromium.browser.new_context(viewport=viewport)
        self.context.add_init_script(f"localStorage.setItem('paknam.lang', '{lang}')")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "response",
            lambda r: self.problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )

    def visit(self, url: str) -> list[str]:
        """Open ``url``, wait for the page module, and say what went wrong (nothing: [])."""
        self.problems = []
        self.page.goto(url)
        self.page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
        found = list(self.problems)
        text = self.page.locator("#app").inner_text()
        if self.page.locator("#app .notice.error, #app [data-state=error]").count():
            found.append("error banner")
        found += [f"text {m.group(0)!r}" for m in ERROR_TEXT.finditer(text)]
        return found


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own server on a store loaded as ``paknam demo --no-serve`` loads it."""
    from paknam.pipeline.live_demo import load_live

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('walk') / 'demo.sqlite3'}")
    load_live(store, window_s=0)
    for url in serve(store):
        yield Server(url, store)
    store.close()


@pytest.fixture(scope="module")
def thai_phone(chromium: Browser) -> Iterator[Walker]:
    walker = Walker(chromium, PHONE, "th")
    yield walker
    walker.context.close()


@pytest.fixture(scope="module")
def english_desktop(chromium: Browser) -> Iterator[Walker]:
    walker = Walker(chromium, DESKTOP, "en")
    yield walker
    walker.context.close()


def _alert_ids(server: Server) -> list[int]:
    ids: list[int] = []
    for a in server.get("/api/v1/alerts", state="all", limit=500)["alerts"]:
        thread = server.get(f"/api/v1/alerts/{a['id']}")["thread"]
        ids += [m["id"] for m in thread]  # every message: the Alert, its Updates, a Cancel
    return sorted(set(ids))


def test_every_alert_page_shows_its_alert_and_area(
    demo_server: Server, thai_phone: Walker, english_desktop: Walker
) -> None:
    ids = _alert_ids(demo_server)
    assert len(ids) >= 10  # the rules' alerts on the demo's canal samples
    bad = {}
    for walker in (thai_phone, english_desktop):
        for aid in ids:
            found = walker.visit(f"{demo_server.url}/alerts/{aid}")
            page = walker.page
            if page.locator("#app[data-ready=true]").count() == 0:
                found.append("the page module did not finish")
            if page.locator("#alert-instruction, #alert-page h1").count() == 0:
                found.append("no alert shown")
            if page.locator("#alert-map").is_visible():
                page.wait_for_selector("#alert-map[data-ready=true]", timeout=10_000)
                if page.locator("#alert-map path.leaflet-interactive").count() == 0:
                    found.append("the area is not drawn")
            if found:
                bad[f"{walker.page.viewport_size['width']}px /alerts/{aid}"] = found
    assert not bad, bad


def test_every_station_page_opens(demo_server: Server, thai_phone: Walker) -> None:
    stations = [f["id"] for f in demo_server.get("/api/v1/stations")["features"]]
    assert len(stations) >= 15
    bad = {}
    for sid in stations:
        found = thai_phone.visit(f"{demo_server.url}/station/{sid}")
        if thai_phone.page.locator("h1").count() != 1:
            found.append("no title")
        if found:
            bad[sid] = found
    assert not bad, bad


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1400px"])
@pytest.mark.parametrize("path", ["/", "/indicators"])
def test_indicator_cards_fit_in_english(
    demo_server: Server, chromium: Browser, path: str, viewport: dict[str, int]
) -> None:
    """A card's title and its two badges ("insufficient data", "REPLAYED (demo)") did not
    wrap: the home page was 1434 px wide on a 1400 px screen, 407 px on a phone."""
    page = chromium.open(f"{demo_server.url}{path}", lang="en", viewport=viewport)
    page.wait_for_selector(".indicator header .badge")
    o = overflow(page)
    assert o["scroll"] <= o["viewport"], o
    assert page.console_errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_replayed_alerts_are_not_called_simulated(
    demo_server: Server, english_desktop: Walker
) -> None:
    """The demo's canal stations replay real samples: their alerts say so, in the headline
    and in the list's badge, as the map and the station pages do."""
    alerts = demo_server.get("/api/v1/alerts", state="active", limit=500)["alerts"]
    replayed = [a for a in alerts if a["replayed"]]
    assert replayed and all(a["headline_en"].startswith("(REPLAYED) ") for a in replayed)
    assert all("SIMULATED" not in a["headline_en"] for a in replayed)
    assert english_desktop.visit(f"{demo_server.url}/alerts") == []
    item = english_desktop.page.locator(f'.alert-item[data-alert="{replayed[0]["id"]}"]')
    assert item.locator(".badge-replayed").count() == 1
    assert item.locator(".badge-simulated").count() == 0


def test_complaints_speak_the_readers_language(
    demo_server: Server, english_desktop: Walker, thai_phone: Walker
) -> None:
    """Open311 gives "ถนน / Road surface": each reader sees their own half; a citizen's
    own words stay as written."""
    assert english_desktop.visit(f"{demo_server.url}/complaints") == []
    rows = english_desktop.page.locator("#complaints-list tbody tr")
    assert rows.count() >= 10
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        service, status, agency = (cells.nth(k).inner_text() for k in (1, 2, 3))
        assert not THAI.search(service + status + agency), (service, status, agency)
    assert thai_phone.visit(f"{demo_server.url}/complaints") == []
    first = thai_phone.page.locator("#complaints-list tbody tr").first.locator("td")
    assert THAI.search(first.nth(1).inner_text()) and " / " not in first.nth(1).inner_text()


def test_warning_level_names_stay_beside_their_boxes_on_a_phone(
    demo_server: Server, chromium: Browser
) -> None:
    """Wrapped, "เฝ้าระวัง" ended a line and the next began "[1] เตือนภัย [1.1] อันตราย":
    1 read as the warning level and 1.1 as the danger level."""
    officer_headers(demo_server, "walk-officer", "a long password for the walk")
    page = chromium.log_in(
        demo_server.url, "walk-officer", "a long password for the walk", viewport=PHONE
    )
    page.wait_for_selector("form.levels label input")
    labels: list[dict[str, Any]] = page.locator("form.levels label").evaluate_all(
        """ls => ls.map(l => {
             const box = l.querySelector('input').getBoundingClientRect();
             const r = document.createRange();
             r.selectNodeContents(l.firstChild);  // the level's name
             const name = r.getBoundingClientRect();
             return {name: l.firstChild.textContent, lines: l.getClientRects().length,
                     sameLine: Math.abs((name.top + name.bottom) - (box.top + box.bottom)) / 2
                               < box.height / 2};
           })"""
    )
    assert len(labels) >= 3
    assert all(x["lines"] == 1 and x["sameLine"] for x in labels), labels
    page.context.close()


def test_a_broken_confirmation_link_says_so_in_the_readers_language(
    demo_server: Server, thai_phone: Walker
) -> None:
    """A link cut short by a mail client (?token=xyz) answered 422 and the page showed the
    validator's English ("token: String should have at least 8 characters") in Thai."""
    thai_phone.visit(f"{demo_server.url}/subscribe/confirm?token=xyz")
    thai_phone.page.click("#sub-confirm")
    thai_phone.page.wait_for_selector("#app [role=status]")
    said = thai_phone.page.locator("#app [role=status]").inner_text()
    assert said == "ลิงก์นี้ใช้ไม่ได้หรือหมดอายุแล้ว โปรดสมัครใหม่", said


def test_the_atom_feed_opens_in_a_browser_without_a_failed_request(
    demo_server: Server, chromium: Browser
) -> None:
    """The alerts list links the Atom feed: opened in a browser, the browser's own request
    for /favicon.ico answered 404 (so it did on every JSON or XML answer opened by a link)."""
    import httpx

    icon = httpx.get(demo_server.url + "/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    context = chromium.browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(demo_server.url + "/api/v1/alerts.atom")
    page.wait_for_timeout(1500)  # the icon is asked for after the load, by the browser
    context.close()
    assert errors == []


def test_the_tide_page_shows_a_gauge_that_has_a_forecast(
    demo_server: Server, thai_phone: Walker
) -> None:
    """/tide took the first gauge by id: a gauge added today (no reading, no forecast yet)
    put "no forecast for this gauge" on the citizens' tide page in place of the gauge that
    has one. (Last in this module: it adds a station.)"""
    from paknam.core.models import SeriesSpec, StationCreate

    demo_server.store.add_station(
        StationCreate(
            id="a-new-gauge",
            name_th="สถานีวัดระดับน้ำใหม่",
            name_en="A new gauge",
            kind="water_level",
            lon=100.58,
            lat=13.55,
            quantities=[SeriesSpec(quantity="water_level", datum="MSL")],
        )
    )
    assert thai_phone.visit(f"{demo_server.url}/tide") == []
    thai_phone.page.wait_for_selector("#tide-chart")
    assert "ป้อมพระจุลจอมเกล้า" in thai_phone.page.locator("h1").inner_text()
