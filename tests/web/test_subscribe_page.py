"""Issue 15, done when: in Chromium at 390 px, ``/subscribe`` → the code from the loopback
SMS gateway → active; the e-mail link lands on ``/subscribe/confirm``; the pages fit the
phone's screen and axe-core finds nothing serious."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from paknam.core.config import get_settings
from paknam.core.notify.verify import active_subscriber
from tests.governance.loopback import SmsServer
from tests.governance.subscribe_helpers import CODE, form, smtp_inbox, texts_to, use_sms
from tests.web.checks import PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsServer]:
    server = SmsServer()
    server.start()
    use_sms(monkeypatch, server)  # the test server runs in this process: same settings
    yield server
    server.stop()


def _wait_for_code(sms: SmsServer, number: str, n: int = 1) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        texts = texts_to(sms, number)
        if len(texts) >= n:
            found = CODE.search(texts[-1])
            assert found, texts[-1]
            return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no SMS reached {number}")


def _active(server: Server, channel: str, address: str) -> bool:
    with server.store.read() as conn:
        return active_subscriber(conn, channel, address)


def test_subscribe_by_sms_on_a_phone(
    demo_server: Server, chromium: Browser, sms: SmsServer
) -> None:
    page = chromium.open(demo_server.url + "/subscribe", wait="#subscribe-form", viewport=PHONE)
    assert page.evaluate("document.documentElement.lang") == "th"
    assert page.locator("h1").inner_text() == "รับแจ้งเตือนภัยทาง SMS หรืออีเมล"
    assert_fits_screen(page)
    assert_accessible(page)
    page.get_by_label("บางพลี").check()
    page.get_by_label("คุณภาพอากาศ").check()
    page.get_by_label("หมายเลขโทรศัพท์มือถือ (ไทย)").fill("081-234-5690")
    page.click("#subscribe-form button[type=submit]")
    assert page.locator("#sub-error").is_visible()  # consent not given yet
    page.locator("input[name=consent]").check()
    page.click("#subscribe-form button[type=submit]")
    page.wait_for_selector("#code-form")
    assert "+668*****690" in page.locator("#code-form").inner_text()
    assert not _active(demo_server, "sms", "+66812345690")
    code = _wait_for_code(sms, "+66812345690")
    assert_fits_screen(page)
    assert_accessible(page)

    page.fill("#sub-code", f"{(int(code) + 1) % 1_000_000:06d}")
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#sub-error:not([hidden])")
    assert "เหลืออีก 4 ครั้ง" in page.locator("#sub-error").inner_text()
    page.fill("#sub-code", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#subscribe-done")
    token = page.input_value("#manage-token")
    assert token.startswith("pkm_")
    assert _active(demo_server, "sms", "+66812345690")
    done = page.locator("#subscribe-done").inner_text()
    assert "บางพลี" in done and "คุณภาพอากาศ" in done
    assert_fits_screen(page)
    assert_accessible(page)

    # English is complete, and the manage code withdraws
    page.click("#lang-switch")
    assert page.locator("#subscribe-done h2").inner_text() == "You are subscribed"
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_selector("#withdraw-result:has-text('nothing more')")
    assert not _active(demo_server, "sms", "+66812345690")
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e for e in errors if "status of 422" not in e] == []  # (the wrong code's answer)


def test_the_form_in_english_refuses_a_foreign_number(
    demo_server: Server, chromium: Browser, sms: SmsServer
) -> None:
    page = chromium.open(
        demo_server.url + "/subscribe", wait="#subscribe-form", viewport=PHONE, lang="en"
    )
    assert page.locator("h1").inner_text() == "Get alerts by SMS or e-mail"
    page.get_by_label("Bang Phli").check()
    page.get_by_label("Mobile number (Thai)").fill("+44 7700 900123")
    page.get_by_label("I agree to the privacy notice above", exact=False).check()
    page.click("#subscribe-form button[type=submit]")
    page.wait_for_selector("#sub-error:not([hidden])")
    assert "Thai mobile" in page.locator("#sub-error").inner_text()
    assert sms.requests == 0
    assert_fits_screen(page)


def test_the_email_link_lands_on_the_confirm_page(
    demo_server: Server, chromium: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "public_base_url", demo_server.url)
    with smtp_inbox(monkeypatch) as inbox:
        r = httpx.post(
            demo_server.url + "/api/v1/subscriptions",
            json=form("malee@example.th", "email", districts=["1104"]),
            timeout=30,
        )
        assert r.status_code == 202, r.text
        link, _ = inbox.link_to("malee@example.th")
    assert link.startswith(demo_server.url + "/subscribe/confirm#token=")
    page = chromium.open(link, wait="#sub-confirm", viewport=PHONE)
    assert not _active(demo_server, "email", "malee@example.th")  # opening is not confirming
    assert_fits_screen(page)
    assert_accessible(page)
    page.click("#sub-confirm")
    page.wait_for_selector("#subscribe-done")
    assert _active(demo_server, "email", "malee@example.th")
    assert "#token" not in page.url  # the spent token is not left in the address bar
    assert page.console_errors == []  # type: ignore[attr-defined]
