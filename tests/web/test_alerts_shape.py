"""CAP alerts drawn from the documented ``GET /api/v1/alerts`` shape.

The alert service is built beside the dashboard; these tests answer the browser's request
with alerts of the documented shape (Playwright route), so the dashboard's drawing of them
is checked whatever alerts the demo store holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.conftest import Browser, Server

ALERTS = {
    "alerts": [
        {
            "id": 901,
            "identifier": "paknam-test-901",
            "status": "Actual",
            "msg_type": "Alert",
            "event_th": "น้ำทะเลหนุนสูง",
            "event_en": "High tide",
            "headline_th": "เตือนน้ำทะเลหนุนสูง พระสมุทรเจดีย์",
            "headline_en": "High-tide warning, Phra Samut Chedi",
            "severity": "Severe",
            "urgency": "Expected",
            "certainty": "Likely",
            "sent": "2026-11-29T08:00:00+07:00",
            "expires": "2026-11-30T08:00:00+07:00",
            "districts": ["1105"],
            "state": "active",
            "cap_url": "/api/v1/alerts/901.xml",
            "simulated": True,
        },
        {
            "id": 900,
            "identifier": "paknam-test-900",
            "status": "Exercise",
            "msg_type": "Alert",
            "event_th": "ฝุ่น PM2.5",
            "event_en": "PM2.5",
            "headline_th": "ซ้อมแจ้งเตือนฝุ่น",
            "headline_en": "Dust alert drill",
            "severity": "Moderate",
            "urgency": "Past",
            "certainty": "Observed",
            "sent": "2026-11-01T08:00:00+07:00",
            "expires": "2026-11-02T08:00:00+07:00",
            "districts": ["1101", "1104"],
            "state": "past",
            "cap_url": "/api/v1/alerts/900.xml",
            "simulated": False,
        },
    ]
}


@pytest.fixture
def alerts_served(demo_server: Server) -> None:
    if "/api/v1/alerts" not in demo_server.get("/openapi.json")["paths"]:
        pytest.skip("GET /api/v1/alerts is not registered in this app yet")


def _answer(page) -> None:  # type: ignore[no-untyped-def]
    page.route(
        "**/api/v1/alerts?state=all*",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(ALERTS)
        ),
    )


def test_alerts_page_shows_active_and_past_with_cap_links(
    demo_server: Server, chromium: Browser, tmp_path: Path, alerts_served: None
) -> None:
    page = chromium.open(demo_server.url + "/login", wait="body[data-loaded=true]")
    _answer(page)
    page.goto(demo_server.url + "/alerts")
    page.wait_for_selector("#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "alerts_cap.png"), full_page=True)
    active = page.locator('#alerts-active .alert-item[data-alert="901"]')
    assert "เตือนน้ำทะเลหนุนสูง พระสมุทรเจดีย์" in active.inner_text()
    assert "พระสมุทรเจดีย์" in active.locator(".muted").inner_text()
    assert active.locator(".badge-simulated").count() == 1
    assert active.locator('a[href="/alerts/901/cap"]').count() == 1  # readable CAP view
    assert active.locator('a.alert-link[href="/alerts/901"]').count() == 1
    past = page.locator('#alerts-past .alert-item[data-alert="900"]')
    assert past.locator(".badge-drill").inner_text() == "การฝึกซ้อม / Exercise"
    assert past.locator(".badge-sev-moderate").count() == 0  # a drill wears no severity badge
    assert past.locator(".badge-simulated").count() == 0
    page.click("#lang-switch")
    assert "High-tide warning, Phra Samut Chedi" in active.inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_home_shows_active_alerts_in_their_district(
    demo_server: Server, chromium: Browser, tmp_path: Path, alerts_served: None
) -> None:
    page = chromium.open(demo_server.url + "/login", wait="body[data-loaded=true]")
    _answer(page)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("body[data-loaded=true]")
    page.screenshot(path=str(tmp_path / "home_alerts.png"), full_page=True)
    assert page.locator('#home-alerts .alert-item[data-alert="901"]').count() == 1
    assert page.locator('#home-alerts .alert-item[data-alert="900"]').count() == 0
    box = page.locator('li[data-district="1105"] .district-alerts')
    assert "เตือนน้ำทะเลหนุนสูง" in box.inner_text()
    assert page.locator('li[data-district="1101"] .district-alerts').count() == 0
    assert page.console_errors == []  # type: ignore[attr-defined]
