"""The officer desk in Chromium at 390 px (a phone) and 1400 px, on the demo store: search
finds what the API finds, bulk assignment in the page assigns every ticked complaint or,
when one cannot be, none (with the reason in Thai next to the form, styled as an error),
exports download the filtered list, and the audit tab lists what the API's trail holds.
Each view fits the screen (no sideways scrolling) and axe-core finds nothing serious."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.complaints.helpers import PNG
from tests.web.checks import DESKTOP, PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server, officer_headers

OFFICER = "desk-helper-officer"
PASSWORD = "a long password"
VIEWPORTS = [pytest.param(PHONE, id="390px"), pytest.param(DESKTOP, id="1400px")]


@pytest.fixture(scope="module")
def officer(demo_server: Server) -> dict[str, str]:
    return officer_headers(demo_server, OFFICER, PASSWORD)


def _api(server: Server, path: str, headers: dict[str, str], **params: Any) -> Any:
    r = httpx.get(server.url + path, params=params, headers=headers, timeout=30)
    r.raise_for_status()
    return r.json()


def _desk(server: Server, chromium: Browser, viewport: dict[str, int], lang: str = "th") -> Any:
    page = chromium.log_in(server.url, OFFICER, PASSWORD, viewport=viewport, lang=lang)
    page.wait_for_selector("#app[data-ready=true] #complaints-inbox[data-ready=true]")
    page.wait_for_selector("#app[data-ready=true] #audit[data-ready=true]")
    return page


def _filters(page: Any) -> Any:
    """The inbox's filter form, unfolded (it starts folded on a phone)."""
    box = page.locator("#inbox-filter-box")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return page.locator("#inbox-filters")


def _shown_ids(page: Any) -> list[int]:
    return page.locator("#inbox tbody tr[data-complaint]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.complaint))"
    )


def _wait_inbox(page: Any, total: int) -> None:
    try:
        page.wait_for_selector(
            f'#complaints-inbox[data-ready=true] #inbox-total[data-total="{total}"]',
            timeout=15_000,
        )
    except Exception as exc:  # say what the page shows instead, and what it asked for
        shown = page.evaluate(
            """() => ({ready: document.querySelector('#complaints-inbox')?.dataset.ready,
                total: document.querySelector('#inbox-total')?.dataset.total,
                error: document.querySelector('#complaints-inbox [role=alert]')?.innerText,
                q: document.querySelector('#inbox-q')?.value})"""
        )
        raise AssertionError(f"the inbox shows {shown}, expected total {total}") from exc


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_finds_what_the_api_finds_and_the_desk_fits_the_screen(
    demo_server: Server,
    chromium: Browser,
    officer: dict[str, str],
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    page = _desk(demo_server, chromium, viewport)
    everything = _api(demo_server, "/api/v1/complaints", officer, limit=1000)["items"]
    target = everything[-1]

    # by number
    page.fill("#inbox-q", f"#{target['id']}")
    page.click("#inbox-search button[type=submit]")
    _wait_inbox(page, 1)
    found = _api(demo_server, "/api/v1/complaints", officer, q=f"#{target['id']}", status="open")
    assert _shown_ids(page) == [c["id"] for c in found["items"]]

    # by words, all statuses, newest first
    _filters(page).locator("select[name=status]").select_option("")
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    _filters(page).locator("select[name=sort]").select_option("-created")
    # the list is drawn again when that answer arrives: a click on the search button in
    # that moment may find the form being put back in place (seen once in CI)
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    page.fill("#inbox-q", "ตัวอย่าง")
    page.click("#inbox-search button[type=submit]")
    found = _api(demo_server, "/api/v1/complaints", officer, q="ตัวอย่าง", sort="-created", limit=50)
    _wait_inbox(page, found["total"])
    assert found["total"] > 1
    assert _shown_ids(page) == [c["id"] for c in found["items"]]

    # by a district's name
    page.fill("#inbox-q", "บางบ่อ")
    page.click("#inbox-search button[type=submit]")
    found = _api(demo_server, "/api/v1/complaints", officer, q="บางบ่อ", sort="-created", limit=50)
    _wait_inbox(page, found["total"])
    assert _shown_ids(page) == [c["id"] for c in found["items"]]
    assert {c["district_code"] for c in found["items"]} <= {"1102"}

    # the complaint's details open with its photos and the note form
    page.fill("#inbox-q", "")
    page.click("#inbox-search button[type=submit]")
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    first = _shown_ids(page)[0]
    page.locator(f'#inbox tr[data-complaint="{first}"] button.log-toggle').click()
    page.wait_for_selector(f'#inbox tr[data-log="{first}"] form.note-form')
    assert_fits_screen(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "officer_desk.png"), full_page=False)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_internal_note_made_in_the_page_stays_with_officers(
    demo_server: Server, chromium: Browser, officer: dict[str, str]
) -> None:
    page = _desk(demo_server, chromium, PHONE)
    cid = _shown_ids(page)[0]
    page.locator(f'#inbox tr[data-complaint="{cid}"] button.log-toggle').click()
    form = page.locator(f'#inbox tr[data-log="{cid}"] form.note-form')
    # an empty note: refused, in Thai, next to the note field, in the error style
    form.locator("button[type=submit]").click()
    error = form.locator(".desk-msg.desk-error")
    error.wait_for()
    assert "กรุณาเขียนบันทึก" in error.inner_text()
    assert form.locator("textarea").get_attribute("aria-invalid") == "true"
    note = "ภายใน: โทรยืนยันกับผู้แจ้งแล้ว (ทดสอบ)"
    form.locator("textarea").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f'#inbox tr[data-log="{cid}"] li[data-kind=note][data-public=false]')
    events = _api(demo_server, f"/api/v1/complaints/{cid}", officer)["events"]
    assert (events[-1]["note"], events[-1]["public"], events[-1]["actor"]) == (
        note,
        False,
        OFFICER,
    )
    # a photo uploaded in the page is shown in the details (served by this server)
    photo = page.locator(f'#inbox tr[data-log="{cid}"] form.photo-form')
    photo.locator("input[type=file]").set_input_files(
        {"name": "after.png", "mimeType": "image/png", "buffer": PNG}
    )
    photo.locator("button[type=submit]").click()
    img = page.locator(f'#inbox tr[data-log="{cid}"] .desk-photos li[data-photo] img')
    img.first.wait_for()
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=img.first.element_handle()
    )
    shown = _api(demo_server, f"/api/v1/complaints/{cid}", officer)["photos"]
    assert [p["stage"] for p in shown][-1] == "after"
    assert_fits_screen(page)
    # the browser logs the refused empty note (422) itself; nothing else may fail
    others = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert others == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_bulk_assign_all_or_nothing_in_the_page(
    demo_server: Server, chromium: Browser, officer: dict[str, str], viewport: dict[str, int]
) -> None:
    page = _desk(demo_server, chromium, viewport)
    assignee = f"ทีม {viewport['width']}"
    open_ = _api(demo_server, "/api/v1/complaints", officer, status="open", limit=50)["items"]
    closed = _api(demo_server, "/api/v1/complaints", officer, status="closed")["items"]
    assert len(open_) >= 2 and closed
    picked = [c["id"] for c in open_[:2]]

    # with a closed complaint among the ticked: nothing changes, the reason is shown
    _filters(page).locator("select[name=status]").select_option("")
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    for cid in [*picked, closed[0]["id"]]:
        page.locator(f'#inbox tr[data-complaint="{cid}"] input[name=pick]').check()
    assert page.locator("#bulk-count").get_attribute("data-count") == "3"
    page.fill("#bulk-assignee", assignee)
    page.click("#bulk-assign")
    error = page.locator("#bulk-msg.desk-error")
    error.wait_for()
    text = error.inner_text()
    assert "ยังไม่มีเรื่องใดถูกเปลี่ยน" in text
    assert f"#{closed[0]['id']}" in text and "ปิดแล้ว" in text
    assert page.locator("#bulk-msg").get_attribute("data-state") == "error"
    for cid in picked:
        assert _api(demo_server, f"/api/v1/complaints/{cid}", officer)["assignee"] != assignee

    # only the open ones: both assigned, said in the success style
    page.locator(f'#inbox tr[data-complaint="{closed[0]["id"]}"] input[name=pick]').uncheck()
    page.click("#bulk-assign")
    page.wait_for_selector("#bulk-msg.desk-ok")
    assert page.locator("#bulk-msg").get_attribute("data-state") == "ok"
    for cid in picked:
        assert _api(demo_server, f"/api/v1/complaints/{cid}", officer)["assignee"] == assignee
    trail = _api(demo_server, "/api/v1/audit", officer, actor=OFFICER, action="assigned")
    assert {e["object_id"] for e in trail["items"]} >= {str(c) for c in picked}
    assert_fits_screen(page)
    assert_accessible(page)
    others = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert others == []


def test_export_downloads_the_filtered_list(
    demo_server: Server, chromium: Browser, officer: dict[str, str]
) -> None:
    page = _desk(demo_server, chromium, DESKTOP)
    _filters(page).locator("select[name=status]").select_option("closed")
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    with page.expect_download() as got:
        page.click("#export-csv")
    path = got.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_bytes().decode("utf-8-sig"))))
    closed = _api(demo_server, "/api/v1/complaints", officer, status="closed")["items"]
    assert [int(r["id"]) for r in rows] == [c["id"] for c in closed]
    assert "address" not in rows[0]
    page.wait_for_selector("#export-msg.desk-ok")

    # the print view: the inbox without its controls and without the other desk parts
    page.emulate_media(media="print")
    assert page.locator("#inbox").is_visible()
    for hidden in ("#inbox-filters", "#inbox-search", "#bulk-bar", "#levels", "#ops"):
        assert not page.locator(hidden).is_visible(), hidden
    assert not page.locator("#inbox td.actions").first.is_visible()
    page.emulate_media(media="screen")
    assert page.locator("#inbox-filters").is_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_audit_tab_lists_the_trail_as_the_api_does(
    demo_server: Server, chromium: Browser, officer: dict[str, str], viewport: dict[str, int]
) -> None:
    cid = _api(demo_server, "/api/v1/complaints", officer, status="open")["items"][0]["id"]
    r = httpx.post(
        f"{demo_server.url}/api/v1/complaints/{cid}/notes",
        json={"note": "ตรวจสอบประวัติ (ทดสอบ)"},
        headers=officer,
        timeout=30,
    )
    r.raise_for_status()
    page = _desk(demo_server, chromium, viewport)
    # saving a gauge's warning levels (unchanged) on the desk: "saved" in the success style,
    # and the audit tab shows who set them without reloading the page
    levels = page.locator("form.levels").first
    station = levels.get_attribute("data-station")
    levels.locator("button[type=submit]").click()
    levels.locator(".desk-msg.desk-ok").wait_for()
    assert levels.locator(".desk-msg").get_attribute("data-state") == "ok"
    row = page.locator(f'#audit-list tr[data-kind=warning_levels][data-object="{station}"]')
    row.first.wait_for()
    assert OFFICER in row.first.inner_text() and "ตั้งระดับเตือนภัย" in row.first.inner_text()
    page.wait_for_selector("#audit[data-ready=true]")
    page.click('.desk-menu a[href="#audit"]')
    trail = _api(demo_server, "/api/v1/audit", officer, limit=50)
    assert trail["total"] >= 1
    shown = page.locator("#audit-list tbody tr").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.audit))"
    )
    assert shown == [e["id"] for e in trail["items"]]
    # the rules' alerts of the demo are there too, with who issued them
    kinds = {e["kind"] for e in trail["items"]}
    assert "complaint" in kinds

    # filter by the complaint's number
    page.select_option("#audit-kind", "complaint")
    page.fill("#audit-object_id", f"#{cid}")
    page.click("#audit-filters button[type=submit]")
    mine = _api(demo_server, "/api/v1/audit", officer, kind="complaint", object_id=str(cid))
    page.wait_for_selector(f'#audit[data-ready=true] #audit-total[data-total="{mine["total"]}"]')
    first = page.locator("#audit-list tbody tr").first
    assert first.get_attribute("data-audit") == str(mine["items"][0]["id"])
    assert OFFICER in first.inner_text() and "ตรวจสอบประวัติ" in first.inner_text()
    assert "เพิ่มบันทึก" in first.inner_text()
    assert_fits_screen(page)
    assert_accessible(page)

    page.click("#lang-switch")
    page.wait_for_selector("#audit h2:text-is('Audit trail (who did what, when)')")
    assert "added a note" in page.locator("#audit-list tbody tr").first.inner_text()
    assert page.console_errors == []  # type: ignore[attr-defined]
