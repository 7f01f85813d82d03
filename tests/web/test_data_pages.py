"""Station, tide, alerts and indicator pages show the API's numbers, without console errors."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import Browser, Server


def _api_paths(server: Server) -> set[str]:
    return set(server.get("/openapi.json")["paths"])


def test_station_page_air_shows_latest_values_and_aqi(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/station/18t", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "station_18t.png"), full_page=True)
    station = demo_server.get("/api/v1/stations/18t")["properties"]
    latest = station["latest"]["pm25_24h"]
    cell = page.locator('#latest tr[data-quantity="pm25_24h"] td.num')
    assert float(cell.get_attribute("data-value")) == latest["value"]
    assert cell.inner_text().startswith(f"{latest['value']:g}")
    assert station["name_th"] in page.locator("#station-name").inner_text()
    assert page.locator("#station-name .badge-sample").count() == 1
    # The page asks for the 31 days before the latest value; the newest hour is the same.
    aqi = demo_server.get("/api/v1/environment/aqi")
    now = next(r for r in aqi if r["station"] == "18t")
    assert page.locator("#aqi-now").inner_text() == str(now["aqi"])
    assert page.locator("#aqi-chart canvas").count() == 1
    assert page.locator('.chart[data-quantity="pm25_24h"] canvas').count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_station_page_water_quality_shows_wqi_history(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/station/bma-1201", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "station_bma-1201.png"), full_page=True)
    days = demo_server.get("/api/v1/stations/bma-1201/wqi")["days"]
    assert len(days) >= 2
    shown = page.locator("#wqi-days td.num").evaluate_all("els => els.map(e => e.dataset.value)")
    assert [float(v) for v in shown] == [float(d["wqi"]) for d in days]
    assert page.locator("#wqi-panel .badge-provisional").count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_tide_page_shows_forecast_bands_and_levels(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/tide", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "tide.png"), full_page=True)
    fc = demo_server.get("/api/v1/stations/sim-pomphrachun/forecast")
    assert fc["simulated"] is True
    assert page.locator("#simulated-banner").is_visible()
    assert len(fc["points"]) == 72
    peak = max(p["value"] for p in fc["points"])
    assert float(page.locator("#tide-peak").get_attribute("data-value")) == peak
    assert page.locator("#tide-peak").inner_text() == f"{peak:.2f} ม."  # Thai unit
    for key, value in fc["warning_levels"].items():
        cell = page.locator(f'#tide-levels tr[data-level="{key}"] td[data-value]')
        assert cell.inner_text() == f"{value:.2f}"
    # uPlot: one canvas, and a legend entry per series (observed, forecast, tide, 4 band
    # edges, 3 warning levels).
    assert page.locator("#tide-chart canvas").count() == 1
    assert page.locator("#tide-chart .u-legend .u-series").count() == 1 + 7 + 3
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_alerts_page_lists_cap_alerts_or_says_not_available(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/alerts", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "alerts.png"), full_page=True)
    if "/api/v1/alerts" in _api_paths(demo_server):
        alerts = demo_server.get("/api/v1/alerts", state="all")["alerts"]
        active = [a for a in alerts if a["state"] != "past"]
        assert page.locator("#alerts-active .alert-item").count() == len(active)
        assert page.locator("#alerts-past .alert-item").count() == len(alerts) - len(active)
    else:
        assert page.locator('#cap-alerts [data-state="not-available"]').count() == 1
    warnings = demo_server.get("/api/v1/warnings", status="all")
    assert page.locator("#rule-warnings .warning-item").count() == len(warnings)
    headline = warnings[0]["headline_th"]
    assert headline in page.locator("#rule-warnings").inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_indicator_page_shows_values_targets_and_status(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/indicators", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "indicators.png"), full_page=True)
    if "/api/v1/indicators" in _api_paths(demo_server):
        body = demo_server.get("/api/v1/indicators")
        items = body if isinstance(body, list) else body["indicators"]
    else:
        year = page.evaluate(
            "Number(new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Bangkok', year: "
            "'numeric'}).format(new Date()))"
        )
        items = demo_server.get("/api/v1/environment/indicators", year=year)
        assert page.locator('[data-state="not-available"]').count() == 1
    assert page.locator(".indicator").count() == len(items)
    for ind in items:
        card = page.locator(f'.indicator[data-indicator="{ind["id"]}"]')
        assert card.locator(f".badge-status-{ind['status']}").count() == 1
        shown = card.locator(".ind-value")
        if ind["value"] is None:
            assert shown.inner_text() == "ไม่มีข้อมูล"
        else:
            assert float(shown.get_attribute("data-value")) == ind["value"]
            if str(ind.get("unit", "")).startswith("share"):
                assert shown.inner_text() == f"{ind['value'] * 100:.1f} %"
        # what the value stands on: a badge unless it is measured
        basis = ind.get("basis", "measured")
        badge = {"replayed": "replayed", "simulated": "simulated"}.get(basis, "sample")
        want = 0 if basis == "measured" else 1
        assert card.locator(f"header .badge-{badge}").count() == want, (ind["id"], basis)
    assert any(i.get("basis", "measured") != "measured" for i in items)
    assert page.console_errors == []  # type: ignore[attr-defined]
