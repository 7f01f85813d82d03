"""The alert page in Chromium (phone and desktop, Thai and English), drills marked on the
page, the public list and the home district panel, and the officer's Preview → Send flow.

Set ``PAKNAM_DOCS_SCREENSHOTS=1`` to write the documentation's pictures to ``docs/img``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paknam.core.models import UserCreate
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.governance import service
from paknam.governance.alerts import AlertSpec
from tests.conftest import demo_store
from tests.web.checks import DESKTOP, PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server, serve

OFFICER, PASSWORD = "alert-desk-officer", "a long password for tests"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
INSTRUCTION_TH = "ยกของขึ้นที่สูงและเลี่ยงถนนริมแม่น้ำ"
INSTRUCTION_EN = "Move belongings up high and keep off the riverside road"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Iterator[Server]:
    """A demo server of this module's own: the alerts, subscribers and officer it adds
    must not change what the other pages' tests count on the shared one."""
    store = demo_store(_demo_template, tmp_path_factory.mktemp("alerts"))
    for url in serve(store):
        yield Server(url, store)
    store.close()


def _shot(page: Any, tmp_path: Path, name: str, docs: bool = True) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if docs and os.environ.get("PAKNAM_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(DOCS_IMG / name), full_page=False)


def _spec(status: str, district: str, headline_th: str, headline_en: str) -> AlertSpec:
    return AlertSpec(
        topic="flood",
        severity="severe",
        headline_th=headline_th,
        headline_en=headline_en,
        description_th="ระดับน้ำคาดว่าจะสูงสุด 1.4 ม. เวลา 18:00 น.",
        description_en="The water is expected to peak at 1.4 m at 18:00.",
        districts=[district],
        instruction_th=INSTRUCTION_TH,
        instruction_en=INSTRUCTION_EN,
        status=status,
    )


@pytest.fixture(scope="module")
def issued(demo_server: Server) -> dict[str, int]:
    """A real alert (district 1105) and a drill (1103), issued as an officer would."""
    real = service.create_alert(
        demo_server.store,
        _spec("Actual", "1105", "น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์", "High tide, Phra Samut Chedi"),
        "t",
    )
    drill = service.create_alert(
        demo_server.store,
        _spec("Exercise", "1103", "ซ้อมแผนน้ำทะเลหนุนสูง อำเภอบางพลี", "High tide drill, Bang Phli"),
        "t",
    )
    return {"real": real["id"], "drill": drill["id"]}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1400px"])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_alert_page_fits_reads_and_maps(
    demo_server: Server,
    chromium: Browser,
    issued: dict[str, int],
    viewport: dict[str, int],
    lang: str,
    tmp_path: Path,
) -> None:
    aid = issued["real"]
    query = "?lang=en" if lang == "en" else ""
    page = chromium.open(
        f"{demo_server.url}/alerts/{aid}{query}", wait="#app[data-ready=true]", viewport=viewport
    )
    page.wait_for_selector("#alert-map[data-ready=true]")
    todo = page.locator("#alert-instruction")
    shown, hidden = (
        (INSTRUCTION_TH, INSTRUCTION_EN) if lang == "th" else (INSTRUCTION_EN, INSTRUCTION_TH)
    )
    assert shown in todo.inner_text() and hidden not in todo.inner_text()
    assert page.locator("#alert-map path.leaflet-interactive").count() >= 1  # the area drawn
    assert page.locator("#drill-banner").count() == 0
    assert page.locator("h1").count() == 1
    if viewport is PHONE and lang == "th":
        _shot(page, tmp_path, "alert_page.png")
    assert_fits_screen(page)
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_drill_is_marked_on_its_page_the_list_and_home(
    demo_server: Server, chromium: Browser, issued: dict[str, int], tmp_path: Path
) -> None:
    drill, real = issued["drill"], issued["real"]
    page = chromium.open(
        f"{demo_server.url}/alerts/{drill}", wait="#app[data-ready=true]", viewport=PHONE
    )
    banner = page.locator("#drill-banner")
    assert banner.is_visible() and "การฝึกซ้อม / Exercise" in banner.inner_text()
    assert page.locator(".badge-sev-severe").count() == 0
    _shot(page, tmp_path, "alert_drill.png")
    assert_fits_screen(page)
    assert_accessible(page)

    page = chromium.open(f"{demo_server.url}/alerts", wait="#app[data-ready=true]")
    item = page.locator(f'#alerts-active .alert-item[data-alert="{drill}"]')
    assert "drill" in str(item.get_attribute("class"))
    assert item.locator(".badge-drill").inner_text() == "การฝึกซ้อม / Exercise"
    assert item.locator("[class*=badge-sev-]").count() == 0
    assert INSTRUCTION_TH in item.inner_text()  # what to do, in the list too
    items = page.locator("#alerts-active .alert-item")
    statuses = [items.nth(i).get_attribute("data-status") for i in range(items.count())]
    assert statuses.index("Actual") < statuses.index("Exercise")  # a drill never heads it
    real_item = page.locator(f'#alerts-active .alert-item[data-alert="{real}"]')
    assert real_item.locator(".badge-sev-severe").count() == 1

    page = chromium.open(demo_server.url + "/", wait="body[data-loaded=true]")
    page.wait_for_selector('li[data-district="1103"] .district-alerts')
    box = page.locator('li[data-district="1103"] .district-alerts')
    assert "การฝึกซ้อม / Exercise" in box.inner_text()
    assert box.locator(f'a[href="/alerts/{drill}"]').count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/alerts", "/alerts/{drill}/cap", "/alerts/99999"])
def test_alert_list_cap_view_and_not_found_fit_a_phone(
    demo_server: Server, chromium: Browser, issued: dict[str, int], path: str
) -> None:
    url = demo_server.url + path.format(drill=issued["drill"])
    page = chromium.open(url, wait="body[data-loaded=true]", viewport=PHONE)
    if path == "/alerts/99999":
        assert "ไม่พบการแจ้งเตือนนี้" in page.locator("h1").inner_text()
    if path.endswith("/cap"):
        assert "<alert" in page.locator("pre.cap-xml").inner_text()  # shown, not downloaded
    assert_fits_screen(page)
    assert_accessible(page)


def _subscribe(server: Server, district: str) -> None:
    """A subscriber with live consent (stored directly: verification is tested elsewhere)."""
    with server.store.write() as conn:
        subscribe(conn, Subscription("sms", "0812345670", [district], ["flood"], "th", (), "web"))


@pytest.fixture(scope="module")
def officer(demo_server: Server) -> None:
    demo_server.store.add_user(UserCreate(username=OFFICER, password=PASSWORD, role="officer"))


def _log_in(server: Server, chromium: Browser) -> Any:
    page = chromium.log_in(server.url, OFFICER, PASSWORD)
    page.wait_for_selector("#alert-desk #alert-form")
    return page


def _fill(page: Any, headline: str, district: str) -> None:
    form = page.locator("#alert-form")
    form.locator("select[name=topic]").select_option("flood")
    for lang in ("th", "en"):
        form.locator(f"input[name=headline_{lang}]").fill(f"{headline} {lang}")
        form.locator(f"textarea[name=description_{lang}]").fill(f"{headline} — {lang}")
    form.locator(f'input[name=districts][value="{district}"]').check()


def test_officer_form_requires_choices_preview_then_confirms_send(
    demo_server: Server, chromium: Browser, officer: None, tmp_path: Path
) -> None:
    _subscribe(demo_server, "1104")
    page = _log_in(demo_server, chromium)
    form = page.locator("#alert-form")
    assert form.locator("select[name=status]").input_value() == ""  # no silent default
    assert form.locator("select[name=severity]").input_value() == ""
    assert "รุนแรง (Severe)" in form.locator("select[name=severity]").inner_text()
    assert "การฝึกซ้อม (Exercise)" in form.locator("select[name=status]").inner_text()
    _fill(page, "ซ้อมแผนน้ำท่วม", "1104")
    page.click("#alert-create")
    assert page.locator("#alert-current").count() == 0  # not created without the choices
    form.locator("select[name=status]").select_option("Exercise")
    form.locator("select[name=severity]").select_option("severe")
    page.click("#alert-create")
    page.wait_for_selector("#alert-current")
    send = page.locator("#alert-send")
    assert send.is_disabled()  # Send waits for the preview
    assert "ดูตัวอย่าง" in page.locator("#send-hint").inner_text()
    page.click("#alert-preview-btn")
    page.wait_for_selector("#alert-preview")
    texts = page.locator("#preview-messages pre.msg-text").all_inner_texts()
    assert texts and all(x.startswith("[การฝึกซ้อม / EXERCISE]") for x in texts)
    assert send.is_enabled()
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    send.click()  # first asked: dismissed, nothing sent
    assert page.locator("#alert-progress").count() == 0
    assert "1 คน" in questions[0] and "การฝึกซ้อม" in questions[0]
    send.click()  # accepted
    page.wait_for_selector("#alert-progress #progress-counts")
    assert page.locator("#progress-counts").get_attribute("data-recipients") == "1"
    _shot(page, tmp_path, "officer_alert_form.png", docs=False)

    # cancel asks too, with the count; dismissed: the alert stays
    page.click("#alert-cancel")
    page.wait_for_timeout(500)
    assert "ยกเลิกการแจ้งเตือน" in questions[2] and "1 คน" in questions[2]


def test_officer_form_refuses_an_audience_of_nobody(
    demo_server: Server, chromium: Browser, officer: None
) -> None:
    page = _log_in(demo_server, chromium)
    form = page.locator("#alert-form")
    _fill(page, "ประกาศทดสอบ", "1106")  # nobody subscribed there
    form.locator("select[name=status]").select_option("Test")
    form.locator("select[name=severity]").select_option("minor")
    page.click("#alert-create")
    page.wait_for_selector("#alert-current")
    page.click("#alert-preview-btn")
    page.wait_for_selector("#alert-preview")
    assert page.locator("#alert-send").is_disabled()
    assert "ไม่มีผู้รับ" in page.locator("#send-hint").inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_an_alert_about_a_point_draws_its_circle_and_district(
    demo_server: Server, chromium: Browser
) -> None:
    """The rules' alerts (a station's reading) carry a circle around the station beside its
    district: the map draws both (a circle's bounds used to be read before the map had a
    view, and the page showed "could not load" instead of the alert)."""
    spec = _spec("Actual", "1101", "คุณภาพน้ำเสื่อมโทรมมาก", "Very poor water quality")
    spec.topic, spec.circle = "water", (13.60, 100.60, 1.0)
    aid = service.create_alert(demo_server.store, spec, "t")["id"]
    page = chromium.open(
        f"{demo_server.url}/alerts/{aid}", wait="#app[data-ready=true]", viewport=PHONE
    )
    page.wait_for_selector("#alert-map[data-ready=true]")
    assert INSTRUCTION_TH in page.locator("#alert-instruction").inner_text()
    assert page.locator("#alert-map path.leaflet-interactive").count() >= 2  # district, circle
    assert page.console_errors == []  # type: ignore[attr-defined]
