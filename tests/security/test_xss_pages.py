"""Stored XSS (issue 14, finding 5): names from the data are shown as text on every map.

A place, an energy site, a station and two districts are stored (through the services the
API uses) with names that are HTML: an ``<img onerror>`` and a ``<script>``. The public
pages are loaded in headless Chromium (Debian ``chromium``); their popups are opened by
clicking the markers. No script may run (``window.__xss`` stays undefined), no CSP
violation may be reported (a blocked inline handler would mean HTML was parsed), no
``img``/``script`` element may appear in the map, and each name must be shown as the
literal text it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paknam.core.models import StationCreate
from paknam.core.stations import list_districts, load_districts
from paknam.core.store import Store
from paknam.economy.models import PlaceCreate
from paknam.economy.service import add_place
from paknam.energy.service import add_site
from paknam.energy.sites import ArrayIn, SiteCreate
from tests.web import conftest as web

chromium = web.chromium
"""Headless Debian Chromium (the fixture of the browser tests)."""

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
ATTR = '"><svg onload=window.__xss=3>'
"""Names that are HTML: an image whose error handler runs script, a script element, and
one that breaks out of an attribute."""

LON, LAT = 100.597345, 13.599149  # the city hall, in Mueang Samut Prakan


def _store_html_names(store: Store) -> None:
    for i, name in enumerate((IMG, SCRIPT)):
        add_place(
            store,
            PlaceCreate(
                id=f"xss-place-{i}",
                kind="attraction",
                category="history",
                name_th=name,
                name_en=name,
                description_th=ATTR,
                description_en=ATTR,
                lon=LON + 0.02 * i,
                lat=LAT + 0.01,
            ),
        )
        add_site(
            store,
            SiteCreate(
                id=f"xss-site-{i}",
                name_th=name,
                name_en=name,
                lon=LON - 0.02 * i,
                lat=LAT,
                arrays=[ArrayIn(kwp=5.0, tilt_deg=10, azimuth_deg=180)],
            ),
        )
    store.add_station(
        StationCreate(
            id="xss-air",
            name_th=ATTR,
            name_en=ATTR,
            kind="air",
            lon=LON + 0.01,
            lat=LAT - 0.02,
            quantities=["pm25"],
        )
    )
    with store.read() as conn:
        districts = list_districts(conn, geometry=True)
    features = [
        {
            "type": "Feature",
            "properties": {
                "amphoe_code": d["code"],
                "amphoe_th": name,
                "amphoe_en": name,
                "province_code": d["province_code"],
            },
            "geometry": json.loads(d["geojson"]),
        }
        for d, name in zip(districts[:2], (IMG, SCRIPT), strict=True)
    ]
    with store.write() as conn:
        load_districts(conn, {"type": "FeatureCollection", "features": features})


@pytest.fixture(scope="module")
def html_names_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('xss') / 'xss.sqlite3'}")
    _store_html_names(store)
    yield from web.serve(store)
    store.close()


# Under the CSP, Playwright can poll only predicates written as functions ("() => ..."):
# a bare expression is polled with eval, which script-src 'self' refuses.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
"""Records every CSP violation of the page (an inline handler blocked = HTML was parsed)."""


def _open(chromium: web.Browser, url: str, wait: str) -> Any:
    context = chromium.browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(wait, timeout=30_000)
    return page


def _settle(page: Any) -> None:
    """Let any injected image fail and its handler run before looking."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => Array.from(document.images).every((i) => i.complete)")
    page.wait_for_timeout(200)


def _assert_no_script_ran(page: Any, map_selector: str) -> None:
    _settle(page)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
    assert (
        page.locator(f"{map_selector} img, {map_selector} script, {map_selector} svg svg").count()
        == 0
    )


def _district_labels(page: Any, map_selector: str) -> list[str]:
    labels = page.locator(f"{map_selector} .district-label").all_inner_texts()
    assert IMG in labels and SCRIPT in labels
    return labels


def _popup_texts(page: Any, marker_selector: str) -> list[str]:
    """Click each marker; the text of the popup each one opens."""
    markers = page.locator(marker_selector)
    texts = []
    for i in range(markers.count()):
        markers.nth(i).dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        texts.append(popup.inner_text())
        page.click(".leaflet-popup-close-button")
        page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    return texts


def test_economy_page_shows_html_place_names_as_text(
    html_names_server: str, chromium: web.Browser, tmp_path: Path
) -> None:
    page = _open(chromium, html_names_server + "/economy", "#economy-map path.place-marker")
    assert sorted(_popup_texts(page, "#economy-map path.place-marker")) == sorted([IMG, SCRIPT])
    _district_labels(page, "#economy-map")
    listed = page.locator("#places tr[data-place]").all_inner_texts()
    assert any(IMG in row for row in listed) and any(SCRIPT in row for row in listed)
    page.screenshot(path=str(tmp_path / "economy.png"), full_page=True)
    _assert_no_script_ran(page, "#economy-map")


def test_energy_page_shows_html_site_names_as_text(
    html_names_server: str, chromium: web.Browser, tmp_path: Path
) -> None:
    page = _open(chromium, html_names_server + "/energy", "#app[data-ready=true]")
    page.wait_for_selector("[data-markers='2']")
    map_selector = "[data-markers='2']"
    assert sorted(_popup_texts(page, f"{map_selector} path.site-marker")) == sorted([IMG, SCRIPT])
    _district_labels(page, map_selector)
    page.screenshot(path=str(tmp_path / "energy.png"), full_page=True)
    _assert_no_script_ran(page, map_selector)


def test_home_map_shows_html_station_and_district_names_as_text(
    html_names_server: str, chromium: web.Browser, tmp_path: Path
) -> None:
    page = _open(chromium, html_names_server + "/", "#map[data-ready=true]")
    (text,) = _popup_texts(page, '#map path[data-station="xss-air"]')
    assert text.startswith(ATTR)
    assert "Bang Phli" not in _district_labels(page, "#map")
    page.click("#lang-switch")  # the labels are made again, in English
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "Bang Phli" in _district_labels(page, "#map")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    _assert_no_script_ran(page, "#map")


def test_complaints_map_shows_html_district_names_as_text(
    html_names_server: str, chromium: web.Browser
) -> None:
    page = _open(chromium, html_names_server + "/complaints", "#complaints-map[data-ready=true]")
    _district_labels(page, "#complaints-map")
    _assert_no_script_ran(page, "#complaints-map")
