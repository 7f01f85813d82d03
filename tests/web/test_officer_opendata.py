"""The officer desk's open-dataset form in Chromium at phone width: an officer uploads a
Windows-874 CSV through the form, the dataset is listed (text only, never markup) and
served by the CKAN API; a ragged file is refused next to the file field; the desk still
fits the screen and axe-core finds nothing serious."""

from __future__ import annotations

import httpx

from tests.web.checks import PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server, officer_headers

OFFICER = "opendata-form-officer"
PASSWORD = "a long password"


def test_an_officer_uploads_a_dataset_through_the_desk_form(
    demo_server: Server, chromium: Browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    officer_headers(demo_server, OFFICER, PASSWORD)
    good = tmp_path / "markets.csv"
    good.write_bytes("ตลาด,อำเภอ\nตลาดบางพลี,บางพลี\n<b>ตลาดปากน้ำ</b>,เมือง\n".encode("cp874"))
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"a,b\n1,2,3\n")
    page = chromium.log_in(demo_server.url, OFFICER, PASSWORD, viewport=PHONE)
    page.wait_for_selector("#app[data-ready=true] #opendata-form")
    form = page.locator("#opendata-form")
    for name, value in {
        "name": "community-markets",
        "title_th": "ตลาด<i>ชุมชน</i>",
        "title_en": "Community markets",
        "notes_th": "รายชื่อตลาดชุมชน",
        "notes_en": "Community markets of the province",
        "keywords": "ตลาด, markets",
    }.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=file]").set_input_files(str(ragged))
    form.locator("button[type=submit]").click()
    form.locator(".desk-msg.desk-error").wait_for()
    assert "line 2 has 3 cells" in form.locator(".desk-msg").inner_text()
    assert form.locator("[name=file]").get_attribute("aria-invalid") == "true"

    form.locator("[name=file]").set_input_files(str(good))
    form.locator("button[type=submit]").click()
    page.locator("#opendata .od-list td:has-text('community-markets')").wait_for()
    # the title is shown as the officer typed it: text, never markup
    assert page.locator("#opendata .od-list i").count() == 0
    assert "ตลาด<i>ชุมชน</i>" in page.locator("#opendata .od-list").inner_text()
    rows = httpx.get(
        demo_server.url + "/api/3/action/datastore_search",
        params={"resource_id": "community-markets/table"},
        timeout=30,
    ).json()["result"]["records"]
    assert [r["ตลาด"] for r in rows] == ["ตลาดบางพลี", "<b>ตลาดปากน้ำ</b>"]
    assert_fits_screen(page)
    assert_accessible(page)
    # the refused upload's 422 is the only thing the browser logs
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e for e in errors if "422" not in e] == [], errors
