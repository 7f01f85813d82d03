"""Energy, economy and people pages, the home indicators and the officer's alert desk and
complaints inbox: real values that match the API, no console errors, language switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from paknam.core.notify.subscribers import Subscription, subscribe
from tests.web.conftest import Browser, Server, officer_headers

PASSWORD = "a long password"


@pytest.fixture(scope="module")
def officer(demo_server: Server) -> dict[str, str]:
    """An officer account (created once per module) and its bearer header."""
    return officer_headers(demo_server, "desk-officer", PASSWORD)


def _values(page: Any, selector: str) -> list[float]:
    raw = page.locator(selector).evaluate_all("els => els.map(e => e.dataset.value)")
    return [float(v) for v in raw]


def _switch_to_english(page: Any) -> None:
    page.click("#lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'en'")


def test_energy_page_shows_site_performance_balance_and_statement(
    demo_server: Server, chromium: Browser, officer: dict[str, str], tmp_path: Path
) -> None:
    site = "sim-citylearn-b01"
    # The statement of a community exists once an officer has settled the month.
    r = httpx.post(
        demo_server.url + "/api/v1/energy/communities/sim-community-citylearn/settlements",
        params={"month": "2016-09"},
        headers=officer,
        timeout=60,
    )
    assert r.status_code in (201, 409), r.text
    page = chromium.open(
        f"{demo_server.url}/energy?site={site}", wait="#site-detail[data-ready=true]"
    )
    page.wait_for_selector("#energy-map[data-ready=true]")
    page.screenshot(path=str(tmp_path / "energy.png"), full_page=True)
    sites = demo_server.get("/api/v1/energy/sites")["features"]
    assert page.locator("#sites-table tbody tr").count() == len(sites)
    assert page.locator("#energy-map .site-marker").count() == len(sites)
    simulated = [f["id"] for f in sites if f["properties"]["simulated"]]
    for sid in simulated:
        assert page.locator(f'#sites-table tr[data-site="{sid}"] .badge-simulated').count() == 1
    assert page.locator("#site-name .badge-simulated").count() == 1

    perf = demo_server.get(
        f"/api/v1/energy/sites/{site}/performance", end="2016-11-01T00:00:00+07:00"
    )
    assert page.locator("#energy-chart canvas").count() == 1
    assert int(page.locator("#energy-chart").get_attribute("data-points")) == len(perf["days"])
    kinds = page.locator("#findings li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == [f["kind"] for f in perf["flags"]]
    assert perf["flags"][0]["reason_th"] in page.locator("#findings").inner_text()

    balance = demo_server.get(f"/api/v1/energy/sites/{site}/balance", year=2016)
    periods = [m["period"] for m in balance["months"]]
    shown = page.locator("#balance tbody tr").evaluate_all("els => els.map(e => e.dataset.period)")
    assert shown == [*periods, "total"]
    for m in balance["months"]:
        row = page.locator(f'#balance tr[data-period="{m["period"]}"] td.num')
        assert float(row.nth(2).get_attribute("data-value")) == pytest.approx(m["self_consumption"])
        assert float(row.nth(3).get_attribute("data-value")) == pytest.approx(m["self_sufficiency"])
        assert float(row.nth(4).get_attribute("data-value")) == pytest.approx(m["co2_avoided_kg"])

    statement = demo_server.get(
        "/api/v1/energy/communities/sim-community-citylearn/statements/2016-09"
    )
    assert page.locator("#statement-month").get_attribute("data-month") == "2016-09"
    nets = _values(page, "#statement td.net")
    assert nets == [m["net_thb"] for m in statement["members"]]

    _switch_to_english(page)
    page.wait_for_selector("text=Findings")
    assert perf["flags"][0]["reason_en"] in page.locator("#findings").inner_text()
    assert "SIMULATED" in page.locator("#site-name").inner_text()
    page.screenshot(path=str(tmp_path / "energy_en.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_economy_page_searches_the_catalogue_and_compares_months(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/economy", wait="#app[data-ready=true]")
    page.wait_for_selector("#economy-map[data-ready=true]")
    page.screenshot(path=str(tmp_path / "economy.png"), full_page=True)
    places = demo_server.get("/api/v1/economy/places")["features"]
    assert int(page.locator("#places-count").get_attribute("data-count")) == len(places)
    assert page.locator("#places-table tbody tr").count() == len(places)
    n_sample = sum(1 for f in places if f["properties"]["sample"])
    assert page.locator("#places-table .badge-sample").count() == n_sample
    assert page.locator("#economy-map .place-marker").count() == len(places)

    # Search words, then category and district filters: the list is the API's answer.
    page.fill("#place-filters input[name=q]", "โบราณ")
    page.wait_for_selector("#places[data-ready=true]")
    found = demo_server.get("/api/v1/economy/places", q="โบราณ")["features"]
    page.wait_for_function(
        f"() => document.querySelector('#places-count').dataset.count === '{len(found)}'"
    )
    ids = page.locator("#places-table tbody tr").evaluate_all(
        "els => els.map(e => e.dataset.place)"
    )
    assert ids == [f["id"] for f in found] and ids
    page.fill("#place-filters input[name=q]", "")
    page.select_option("#place-filters select[name=category]", "food")
    page.select_option("#place-filters select[name=district]", "1106")
    expected = demo_server.get("/api/v1/economy/places", category="food", district="1106")
    page.wait_for_function(
        "() => document.querySelector('#places-count').dataset.count === "
        f"'{len(expected['features'])}' && document.querySelector('#places').dataset.ready"
        " === 'true'"
    )
    page.check("#place-filters input[name=open_now]")
    expected = demo_server.get(
        "/api/v1/economy/places", category="food", district="1106", open_now="true"
    )
    page.wait_for_function(
        "() => document.querySelector('#places-count').dataset.count === "
        f"'{len(expected['features'])}'"
    )

    growth = demo_server.get("/api/v1/economy/growth")
    for key, fig in growth["figures"].items():
        row = page.locator(f'#growth-table tr[data-figure="{key}"] td.num')
        assert float(row.nth(0).get_attribute("data-value")) == fig["value"]
        assert float(row.nth(1).get_attribute("data-value")) == pytest.approx(
            fig["same_month_last_year"]["growth"]
        )
        assert float(row.nth(2).get_attribute("data-value")) == pytest.approx(
            fig["vs_reference"]["same_month"]["growth"]
        )
    months = demo_server.get("/api/v1/economy/visits")["months"]
    assert int(page.locator("#visitors-chart").get_attribute("data-points")) == len(months)
    assert page.locator("#revenue-chart canvas").count() == 1
    indicators = demo_server.get("/api/v1/economy/indicators")
    for ind in indicators:
        card = page.locator(f'#economy-indicators [data-indicator="{ind["id"]}"]')
        assert float(card.locator(".ind-value").get_attribute("data-value")) == ind["value"]
        assert card.locator(f".badge-status-{ind['status']}").count() == 1

    _switch_to_english(page)
    page.wait_for_selector("text=Visitors and revenue by month")
    assert "Visitors to the province per year" in page.locator("#economy-indicators").inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_people_page_shows_indicators_and_schools(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/people", wait="#app[data-ready=true]")
    page.screenshot(path=str(tmp_path / "people.png"), full_page=True)
    body = demo_server.get("/api/v1/people/schools")
    schools = body["schools"]
    assert page.locator("#term").get_attribute("data-term") == body["term"]["id"]
    assert page.locator("#schools tbody tr[data-school]").count() == len(schools) + 1
    for s in schools[:5]:
        row = page.locator(f'#schools tr[data-school="{s["school"]}"]')
        for cell, key in (
            ("teachers", "teachers_trained"),
            ("students", "students_active"),
            ("enrolment", "enrolment"),
        ):
            assert float(row.locator(f"td.{cell}").get_attribute("data-value")) == s[key]
        assert row.locator(".badge-sample").count() == (1 if s["sample"] else 0)
    indicators = {i["id"]: i for i in demo_server.get("/api/v1/people/indicators")}
    for ind in indicators.values():
        card = page.locator(f'#people-indicators [data-indicator="{ind["id"]}"]')
        assert float(card.locator(".ind-value").get_attribute("data-value")) == pytest.approx(
            ind["value"]
        )
        assert card.locator(f".badge-status-{ind['status']}").count() == 1
    # The province row adds up the schools; the share is the province indicator.
    total = page.locator('#schools tr[data-school="total"]')
    students = indicators["people_students_pbl_devices"]
    assert (
        float(total.locator("td.students").get_attribute("data-value"))
        == students["details"]["students_active"]
    )
    assert (
        float(total.locator("td.enrolment").get_attribute("data-value"))
        == students["details"]["enrolment"]
    )
    assert float(total.locator("td.share").get_attribute("data-value")) == pytest.approx(
        students["value"]
    )
    _switch_to_english(page)
    page.wait_for_selector("text=Per school")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_home_indicators_come_from_the_board_with_status_colours(
    demo_server: Server, chromium: Browser, tmp_path: Path
) -> None:
    page = chromium.open(demo_server.url + "/", wait="#ind-summary")
    page.screenshot(path=str(tmp_path / "home_indicators.png"), full_page=True)
    board = demo_server.get("/api/v1/indicators")
    summary = page.locator("#ind-summary")
    assert summary.get_attribute("data-source") == "board"
    assert int(summary.get_attribute("data-count")) == len(board)
    for status in {i["status"] for i in board}:
        n = sum(1 for i in board if i["status"] == status)
        assert int(summary.locator(f'[data-status="{status}"]').get_attribute("data-count")) == n
    cards = page.locator("#home-indicators [data-indicator]")
    assert cards.count() == len(board)
    first = board[0]
    card = page.locator(f'#home-indicators [data-indicator="{first["id"]}"]')
    assert "status-" + first["status"] in card.get_attribute("class")
    colour = card.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert colour != "rgba(0, 0, 0, 0)"
    assert page.console_errors == []  # type: ignore[attr-defined]


def _subscribe(server: Server, address: str, district: str) -> None:
    """A verified subscriber (the web flow, with its SMS code: test_subscribe_page.py)."""
    with server.store.write() as conn:
        subscribe(conn, Subscription("sms", address, [district], ["flood"], "th"))


def test_officer_issues_previews_sends_and_cancels_an_alert(
    demo_server: Server, chromium: Browser, officer: dict[str, str], tmp_path: Path
) -> None:
    _subscribe(demo_server, "0812345601", "1104")
    _subscribe(demo_server, "0812345602", "1104")
    page = chromium.log_in(demo_server.url, "desk-officer", PASSWORD)
    page.wait_for_selector("#app[data-ready=true] #alert-form")
    # The complaints inbox is on the desk only when its API is on this server.
    api = demo_server.get("/openapi.json")["paths"]
    inbox = page.locator("#complaints-inbox")
    if "/api/v1/complaints" in api:
        assert inbox.locator("#inbox-total").count() == 1
    else:
        assert inbox.locator('[data-state="not-available"]').count() == 1

    form = page.locator("#alert-form")
    form.locator("select[name=topic]").select_option("flood")
    form.locator("select[name=severity]").select_option("severe")
    form.locator("select[name=status]").select_option("Exercise")
    form.locator("input[name=headline_th]").fill("ทดสอบ น้ำขึ้นสูงที่พระสมุทรเจดีย์")
    form.locator("input[name=headline_en]").fill("Test: high water at Phra Samut Chedi")
    form.locator("textarea[name=description_th]").fill("ระดับน้ำสูงกว่าปกติ")
    form.locator("textarea[name=description_en]").fill("The water is higher than usual")
    form.locator("textarea[name=instruction_en]").fill("Move valuables up")
    form.locator("input[name=districts][value='1104']").check()
    page.click("#alert-create")
    page.wait_for_selector("#alert-current")
    alert_id = int(page.locator("#alert-current").get_attribute("data-alert"))
    alert = demo_server.get(f"/api/v1/alerts/{alert_id}")
    assert alert["headline_en"] == "Test: high water at Phra Samut Chedi"
    assert alert["districts"] == ["1104"] and alert["status"] == "Exercise"
    assert page.locator("#alert-cap").get_attribute("href") == alert["cap_url"]

    page.click("#alert-preview-btn")
    page.wait_for_selector("#alert-preview")
    preview = httpx.post(
        f"{demo_server.url}/api/v1/alerts/{alert_id}/preview",
        json={},
        headers=officer,
        timeout=30,
    ).json()
    assert preview["recipients"]["sms"] == 2
    shown = page.locator("#alert-preview .recipients").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.channel, Number(e.dataset.value)]))"
    )
    assert shown == preview["recipients"]
    for lang in ("th", "en"):
        sms = preview["messages"][lang]["sms"]
        row = page.locator(f'#preview-messages tr[data-lang="{lang}"][data-channel="sms"]')
        assert row.locator(".encoding").inner_text() == sms["encoding"]
        assert int(row.locator(".segments").get_attribute("data-value")) == sms["segments"]
        assert row.locator("pre").inner_text() == sms["text"]
    page.screenshot(path=str(tmp_path / "alert_preview.png"), full_page=True)

    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))  # Send, Cancel confirm
    page.click("#alert-send")
    page.wait_for_selector("#progress-counts")
    counts = page.locator("#progress-counts")
    message_id = int(page.locator("#alert-progress").get_attribute("data-message"))
    progress = httpx.get(
        f"{demo_server.url}/api/v1/messages/{message_id}", headers=officer, timeout=30
    ).json()
    assert progress["alert_id"] == alert_id
    assert int(counts.get_attribute("data-recipients")) == progress["recipients"] == 2
    # No worker runs in the test: the message stays queued.
    assert int(counts.get_attribute("data-sent")) == 0
    assert counts.locator(".badge-queued").count() == 1
    page.screenshot(path=str(tmp_path / "alert_sent.png"), full_page=True)

    assert "2 คน" in asked[0]  # the officer confirmed with the recipient count
    page.click("#alert-cancel")
    page.wait_for_selector('#alert-current[data-msg-type="Cancel"]')
    cancel_id = int(page.locator("#alert-current").get_attribute("data-alert"))
    assert demo_server.get(f"/api/v1/alerts/{cancel_id}")["msg_type"] == "Cancel"
    _switch_to_english(page)
    page.wait_for_selector("text=Issue an alert (CAP)")
    assert page.console_errors == []  # type: ignore[attr-defined]
