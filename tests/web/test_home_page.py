"""The home page in a real browser: the map, the six districts in Thai, coloured stations."""

from __future__ import annotations

from pathlib import Path

from paknam.living.forecast.level_rules import LEVELS
from tests.web.conftest import Browser, Server

GREY = "#8a8f98"
"""Colour of a station whose readings are old (no level shown)."""
WATER_COLORS = {"normal": "#00A651", "watch": "#FDC04E", "warning": "#F26522", "danger": "#CD0000"}
"""Colours of the water-level states drawn by static/js/states.js."""


def _water_state(value: float, levels: dict[str, float]) -> str:
    state = "normal"
    for key in LEVELS:
        if key in levels and value >= levels[key]:
            state = key
    return state


def test_home_map_has_six_districts_and_coloured_stations(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/", wait="#map[data-coloured=true]")
    page.wait_for_selector("body[data-loaded=true]")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    districts = demo_server.get("/api/v1/districts")["features"]
    assert len(districts) == 6
    shapes = page.locator("#map path[data-district]")
    assert shapes.count() == 6
    assert sorted(shapes.evaluate_all("els => els.map(e => e.dataset.district)")) == sorted(
        d["properties"]["code"] for d in districts
    )
    labels = page.locator("#map .district-label").all_inner_texts()
    assert sorted(labels) == sorted(d["properties"]["name_th"] for d in districts)

    stations = demo_server.get("/api/v1/stations")["features"]
    markers = page.locator("#map path.station-marker")
    # The 16 environment and water stations of the demo, plus its energy sites.
    assert markers.count() == len(stations)
    assert sum(1 for f in stations if f["properties"]["kind"] != "energy") == 16
    colour = {
        m["station"]: m["color"]
        for m in markers.evaluate_all(
            "els => els.map(e => ({station: e.dataset.station, color: e.getAttribute('fill')}))"
        )
    }
    # A level colour only while the station's readings are fresh; old ones are grey.
    fresh = {
        f["id"]: any(not v["stale"] for v in f["properties"]["latest"].values()) for f in stations
    }
    for row in demo_server.get("/api/v1/environment/aqi"):
        expected = row["color"] if fresh[row["station"]] else GREY
        assert colour[row["station"]] == expected, row["station"]
    for row in demo_server.get("/api/v1/environment/wqi"):
        expected = row["color"] if fresh[row["station"]] else GREY
        assert colour[row["station"]] == expected, row["station"]
    gauge = next(f for f in stations if f["properties"]["kind"] == "water_level")
    assert fresh[gauge["id"]]  # the demo's simulated gauge reports now
    levels = demo_server.get(f"/api/v1/stations/{gauge['id']}/warning-levels")
    value = gauge["properties"]["latest"]["water_level"]["value"]
    assert colour[gauge["id"]] == WATER_COLORS[_water_state(value, levels)]
    # One shape per layer: AQI circle, WQI square, water level triangle (not colour alone).
    shapes = dict(
        markers.evaluate_all("els => els.map(e => [e.dataset.station, e.getAttribute('d')])")
    )
    kinds = {f["id"]: f["properties"]["kind"] for f in stations}
    by_kind = {k: {shapes[i] for i in shapes if kinds[i] == k} for k in set(kinds.values())}
    assert all(len(v) == 1 for v in by_kind.values())
    assert len({next(iter(v)) for v in by_kind.values()}) == len(by_kind)
    # Markers are reachable with the keyboard and named.
    icons = page.locator("#map .point-icon[tabindex='0'][aria-label]")
    assert icons.count() == len(stations)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_home_lists_what_happens_in_each_district(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/")
    items = page.locator("#districts li.district")
    assert items.count() == 6
    names = {d["code"]: d["name_th"] for d in demo_server.store.list_districts()}
    for i in range(6):
        li = items.nth(i)
        code = li.get_attribute("data-district")
        assert li.locator(".name-th").inner_text() == names[code]
    # Worst AQI of Mueang Samut Prakan (1101) is the larger of its stations' AQI.
    aqi = demo_server.get("/api/v1/environment/aqi")
    worst = max((r for r in aqi if r["district_code"] == "1101"), key=lambda r: r["aqi"])
    line = page.locator('li[data-district="1101"] .worst-aqi')
    assert line.get_attribute("data-station") == worst["station"]
    assert f"AQI {worst['aqi']}" in line.inner_text()
    # Each district shows its active warnings (those of its stations or its code).
    stations = demo_server.get("/api/v1/stations")["features"]
    where = {f["id"]: f["properties"]["district_code"] for f in stations}
    warnings = demo_server.get("/api/v1/warnings")
    # Only warnings from live data count (the demo's sample and simulated stations'
    # are grouped apart: tests/web/test_public_pages_locale.py).
    demo = {
        f["id"]
        for f in stations
        if f["properties"]["meta"].get("simulated") or f["properties"]["meta"].get("sample")
    }
    live = [w for w in warnings if w["station_id"] not in demo]
    for code in names:
        n = sum(
            1
            for w in live
            if w["district_code"] == code
            or (w["district_code"] is None and where.get(w["station_id"]) == code)
        )
        box = page.locator(f'li[data-district="{code}"] [data-warnings]')
        assert box.get_attribute("data-warnings") == str(n), code
    assert page.locator("#home-alerts .warning-item").count() == min(len(live), 6)
    assert page.locator("#home-indicators .indicator").count() >= 1
    page.screenshot(path=str(tmp_path / "home_districts.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_language_switch_changes_and_persists(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/")
    assert page.evaluate("document.documentElement.lang") == "th"
    assert page.locator('[data-nav="alerts"]').inner_text() == "การแจ้งเตือน"
    page.click("#lang-switch")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator('[data-nav="alerts"]').inner_text() == "Alerts"
    assert page.locator('li[data-district="1102"] .name-en').inner_text() == "Bang Bo"
    assert page.locator('li[data-district="1102"] .name-th').inner_text() == "บางบ่อ"
    labels = page.locator("#map .district-label").all_inner_texts()
    assert "Bang Bo" in labels
    page.reload()
    page.wait_for_selector("body[data-loaded=true]")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h2[data-i18n='home.districts']").inner_text() == "Districts"
    page.screenshot(path=str(tmp_path / "home_en.png"), full_page=True)
    page.click("#lang-switch")
    assert page.locator("h2[data-i18n='home.districts']").inner_text() == "อำเภอ"
    assert page.console_errors == []  # type: ignore[attr-defined]
