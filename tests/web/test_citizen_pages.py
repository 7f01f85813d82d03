"""The citizens' pages in headless Chromium on a 390 px phone screen (issue 15):

- ``/report`` files a complaint with a photo from the "camera" (a 3000×2000 JPEG, made
  1600 px wide in the browser before it is sent) and the phone's GPS position (granted to
  the page, a spot in Mueang Samut Prakan), then shows the follow link and its QR code;
- ``/follow/{token}`` shows that complaint — status, Buddhist-era dates, history, before and
  after photos — takes a rating once, and reopens it; no request it makes carries the token
  in its URL or a Referer;
- both fit the screen and axe-core finds nothing serious, in Thai and in English.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from paknam.complaints import service
from tests.web.checks import PHONE, assert_accessible, assert_fits_screen
from tests.web.conftest import Browser, Server

CITY_HALL = {"latitude": 13.5996, "longitude": 100.5969}
"""Mueang Samut Prakan (district 1101): where the phone says it is."""


def _jpeg(width: int, height: int) -> bytes:
    """A camera-sized JPEG with some structure (a gradient), as a phone would take."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92)
    return out.getvalue()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Any]:
    """A phone's browser context: 390 px wide, GPS granted at the city hall."""
    context = chromium.browser.new_context(
        viewport=PHONE,
        geolocation=CITY_HALL,
        permissions=["geolocation"],
        locale="th-TH",
    )
    yield context
    context.close()


def _open(context: Any, url: str, *, lang: str | None = None) -> Any:
    if lang:
        context.add_init_script(f"localStorage.setItem('paknam.lang', '{lang}')")
    page = context.new_page()
    page.console_errors = []
    page.requests = []
    page.on(
        "console",
        lambda m: page.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("request", lambda r: page.requests.append((r.url, r.headers.get("referer"))))
    page.failed = []
    page.on("response", lambda r: page.failed.append(r.url) if r.status >= 400 else None)
    page.goto(url)
    page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
    return page


def _no_errors(page: Any) -> None:
    """No console error, except the browser's line for the one expected 404: the demo
    server has no trained classifier, so POST /classify answers 404 (and the page then
    stops asking)."""
    classify = [u for u in page.failed if u.endswith("/api/v1/complaints/classify")]
    assert len(classify) <= 1 and len(page.failed) == len(classify), page.failed
    assert len(page.console_errors) == len(classify), page.console_errors


def _follow(server: Server, token: str) -> dict[str, Any]:
    r = httpx.get(
        f"{server.url}/api/v1/complaints/follow",
        headers={"X-Complaint-Token": token},
        timeout=30,
    )
    r.raise_for_status()
    return dict(r.json())


def test_report_files_a_complaint_with_a_photo_and_the_gps_position(
    demo_server: Server, phone: Any, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(_jpeg(3000, 2000))
    text = f"ไฟส่องสว่างในซอยดับทั้งซอย กลางคืนมืดมาก ({uuid.uuid4().hex[:6]})"

    page = _open(phone, demo_server.url + "/report")
    page.wait_for_selector("#app[data-ready=true]")
    assert page.locator("h1").inner_text() == "แจ้งเรื่องร้องเรียน"
    assert page.locator("#report-photo").get_attribute("capture") == "environment"
    assert page.locator("#report-photo").get_attribute("accept") == "image/*"
    assert_fits_screen(page)
    assert_accessible(page)

    page.fill("#report-description", text)
    page.select_option("#report-service", "lighting")
    page.set_input_files("#report-photo", str(photo))
    page.wait_for_selector("#report-photo[data-bytes]")
    sizes = page.locator("#report-photo").evaluate(
        "el => [Number(el.dataset.width), Number(el.dataset.height), Number(el.dataset.bytes)]"
    )
    assert sizes[:2] == [1600, 1067]  # the long side made 1600 px, on the phone
    assert 0 < sizes[2] < photo.stat().st_size
    assert page.locator("#report-preview").is_visible()

    page.click("#report-gps")
    page.wait_for_selector("#report-map[data-lat]")
    where = page.locator("#report-where")
    assert where.get_attribute("data-source") == "gps"
    lat = float(page.locator("#report-map").get_attribute("data-lat") or "nan")
    lon = float(page.locator("#report-map").get_attribute("data-lon") or "nan")
    assert abs(lat - CITY_HALL["latitude"]) < 1e-6 and abs(lon - CITY_HALL["longitude"]) < 1e-6
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    page.fill("#report-contact", "081-234-5678")
    assert_fits_screen(page)

    page.click("#report-submit")
    link = page.wait_for_selector("#report-follow-link", timeout=30_000)
    href = link.get_attribute("href") or ""
    assert href.startswith("/follow/pkc_")
    token = href.removeprefix("/follow/")
    assert link.inner_text() == demo_server.url + href  # the full address, to keep
    qr = page.locator("#report-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 100
    assert page.locator("#report-done").is_visible()
    assert_fits_screen(page)
    assert_accessible(page)
    _no_errors(page)

    # what was stored: the complaint, where the phone was, with the shrunken photo
    seen = _follow(demo_server, token)
    assert seen["description"] == text and seen["service_code"] == "lighting"
    assert (seen["lat"], seen["lon"]) == (CITY_HALL["latitude"], CITY_HALL["longitude"])
    assert seen["district_code"] == "1101" and seen["status"] == "new"
    assert [p["stage"] for p in seen["photos"]] == ["before"]
    stored = httpx.get(
        f"{demo_server.url}/api/v1/complaints/{seen['id']}/photos/{seen['photos'][0]['id']}"
    )
    assert Image.open(io.BytesIO(stored.content)).size == (1600, 1067)
    assert str(page.locator("#report-done").get_attribute("data-complaint")) == str(seen["id"])
    assert "contact" not in seen
    with demo_server.store.write() as conn:
        from paknam.complaints import contact

        got = contact.read(conn, seen["id"], "test", int(datetime.now().timestamp()))
    assert got == {"channel": "sms", "address": "+66812345678"}  # kept for the officers


def test_report_shows_nearby_duplicates_and_takes_a_plus_one(
    demo_server: Server, phone: Any
) -> None:
    r = httpx.post(
        f"{demo_server.url}/api/v1/complaints",
        data={
            "service_code": "drain",
            "description": f"ท่อระบายน้ำอุดตัน น้ำเน่าขังหน้าบ้าน ({uuid.uuid4().hex[:6]})",
            "lat": "13.5999",
            "lon": "100.5969",
        },
        timeout=30,
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    page = _open(phone, demo_server.url + "/report")
    page.wait_for_selector("#app[data-ready=true]")
    page.select_option("#report-service", "drain")
    page.fill("#report-description", "ท่อระบายน้ำอุดตัน น้ำขัง")
    page.click("#report-gps")
    item = page.wait_for_selector(f"#report-duplicates li[data-request='{cid}']")
    assert page.locator("#report-duplicates").is_visible()
    item.query_selector("button.plus-one").click()  # type: ignore[union-attr]
    said = page.locator(f"#report-duplicates li[data-request='{cid}'] [role=status]")
    said.filter(has_text="ขอบคุณ").wait_for()
    assert "(1 คน)" in said.inner_text()
    assert_fits_screen(page)
    assert_accessible(page)
    with demo_server.store.read() as conn:
        from paknam.complaints.records import fetch_row

        assert fetch_row(conn, cid).supporters == 1
    _no_errors(page)


@pytest.fixture
def resolved(demo_server: Server) -> dict[str, Any]:
    """A complaint filed on the web form with a photo, then resolved with an after photo."""
    r = httpx.post(
        f"{demo_server.url}/api/v1/complaints",
        data={
            "service_code": "road",
            "description": f"ถนนหน้าวัดเป็นหลุม <b>ลึก</b> ({uuid.uuid4().hex[:6]})",
            "lat": "13.6010",
            "lon": "100.5975",
            "address": "หน้าวัด ซอย 3",
        },
        files={"photo": ("before.jpg", _jpeg(800, 600), "image/jpeg")},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    done = dict(r.json())
    cid = done["id"]
    service.change_status(demo_server.store, cid, "in_progress", "officer-a")
    service.add_photo(demo_server.store, cid, "after", _jpeg(640, 480), "officer-a")
    service.change_status(demo_server.store, cid, "resolved", "officer-a", note="ซ่อมถนนเรียบร้อยแล้ว")
    return done


def test_follow_shows_status_history_photos_then_rating_and_reopening(
    demo_server: Server, phone: Any, resolved: dict[str, Any]
) -> None:
    token, cid = resolved["token"], resolved["id"]
    page = _open(phone, demo_server.url + resolved["follow_path"])
    page.wait_for_selector("#follow-summary")
    summary = page.locator("#follow-summary")
    assert summary.get_attribute("data-complaint") == str(cid)
    assert summary.get_attribute("data-status") == "resolved"
    assert page.locator("#follow-status").inner_text() == "เสร็จสิ้น"
    # typed text shown as text: the <b> stays literal
    assert "<b>ลึก</b>" in page.locator("#follow-description").inner_text()
    assert page.locator("#follow-description b").count() == 0
    # Thai dates in the Buddhist era
    requested = page.locator("#follow-requested")
    year = datetime.fromisoformat(requested.get_attribute("data-time") or "").year
    assert str(year + 543) in requested.inner_text()
    kinds = page.locator("#follow-history li").evaluate_all("li => li.map(x => x.dataset.kind)")
    assert kinds[0] == "created" and "photo" in kinds and kinds[-1] == "status"
    assert "ซ่อมถนนเรียบร้อยแล้ว" in page.locator("#follow-history").inner_text()
    stages = page.locator("#follow-photos figure").evaluate_all(
        "fs => fs.map(f => f.dataset.stage)"
    )
    assert stages == ["before", "after"]
    page.wait_for_function(
        "() => [...document.querySelectorAll('#follow-photos img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert_fits_screen(page)
    assert_accessible(page)

    # English, complete
    page.click("#lang-switch")
    assert page.locator("#follow-status").inner_text() == "Resolved"
    assert page.locator("h1").inner_text() == "Follow a complaint"
    assert str(year) in requested.inner_text()
    assert_accessible(page)
    page.click("#lang-switch")

    # rate once
    page.check("#follow-star-4")
    page.fill("#follow-comment", "เร็วดี ขอบคุณครับ")
    page.click("#follow-rate button[type=submit]")
    page.wait_for_selector("#follow-rated[data-stars='4']")
    assert page.locator("#follow-rate").count() == 0
    seen = _follow(demo_server, token)
    assert seen["rating"] == 4
    assert [e["kind"] for e in seen["history"]][-1] == "rated"

    # reopen: not fixed after all
    page.fill("#follow-reason", "ฝนตกแล้วหลุมกลับมาอีก")
    page.click("#follow-reopen button[type=submit]")
    page.wait_for_selector("#follow-summary[data-status='reopened']")
    assert page.locator("#follow-reopen").count() == 0
    assert _follow(demo_server, token)["reopen_count"] == 1
    assert_fits_screen(page)
    _no_errors(page)

    # the token: in the page's own address only; never in another URL or in a Referer
    assert page.evaluate("document.querySelector('meta[name=referrer]').content") == ("no-referrer")
    page_url = demo_server.url + resolved["follow_path"]
    others = [(u, ref) for u, ref in page.requests if u != page_url]
    assert any("/api/v1/complaints/follow" in u for u, _ in others)
    assert any("/photos/" in u for u, _ in others)
    leaks = [(u, ref) for u, ref in others if token in u or (ref and token in ref)]
    assert leaks == []


def test_follow_with_an_unknown_token_says_so(demo_server: Server, phone: Any) -> None:
    page = _open(phone, demo_server.url + "/follow/pkc_not-a-real-token-000")
    page.wait_for_selector("#follow-unknown")
    assert "ไม่พบเรื่องร้องเรียน" in page.locator("#follow-unknown").inner_text()
    assert_fits_screen(page)
    assert_accessible(page)


def test_the_complaints_page_links_to_report(demo_server: Server, phone: Any) -> None:
    page = _open(phone, demo_server.url + "/complaints")
    page.wait_for_selector("#complaints-report")
    page.click("#complaints-report")
    page.wait_for_selector("#report-form")
    assert page.url == demo_server.url + "/report"


@pytest.fixture(scope="module")
def classifying_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """A server with a trained complaint classifier (synthetic Traffy tickets), on an
    empty store: the /report page then proposes a category from the description."""
    from paknam.complaints.classifier import ComplaintClassifier
    from paknam.complaints.classifier_data import read_traffy_csv
    from paknam.core.config import get_settings
    from paknam.core.store import Store
    from tests.complaints.test_classifier import write_synthetic_csv
    from tests.web.conftest import serve

    folder = tmp_path_factory.mktemp("classifier")
    write_synthetic_csv(folder / "t.csv.gz")
    ComplaintClassifier.fit(read_traffy_csv(folder / "t.csv.gz")).save(folder / "models")
    mp = pytest.MonkeyPatch()
    mp.setenv("PAKNAM_MODEL_DIR", str(folder / "models"))
    get_settings.cache_clear()
    store = Store.open(f"sqlite:///{folder / 'c.sqlite3'}")
    try:
        for url in serve(store):
            yield Server(url, store)
    finally:
        store.close()
        mp.undo()
        get_settings.cache_clear()


def test_report_proposes_the_category_the_classifier_reads_in_the_text(
    classifying_server: Server, phone: Any
) -> None:
    page = _open(phone, classifying_server.url + "/report")
    page.wait_for_selector("#app[data-ready=true]")
    page.fill("#report-description", "ไฟถนนดับทั้งซอย มืดมาก หน้าตลาด")
    page.wait_for_selector("#report-suggestion[data-service=lighting]:not([hidden])")
    assert page.locator("#report-service").input_value() == "lighting"  # proposed
    assert "แสงสว่าง" in page.locator("#report-suggestion").inner_text()
    # the citizen's own choice wins over later suggestions
    page.select_option("#report-service", "road")
    page.fill("#report-description", "ไฟถนนดับทั้งซอย มืดมาก ปากซอย")
    page.wait_for_timeout(1500)
    assert page.locator("#report-service").input_value() == "road"
    page.click("#report-use-suggestion")
    assert page.locator("#report-service").input_value() == "lighting"
    assert_fits_screen(page)
    assert_accessible(page)
    assert page.console_errors == []


def test_report_in_english_is_complete(demo_server: Server, phone: Any) -> None:
    page = _open(phone, demo_server.url + "/report", lang="en")
    page.wait_for_selector("#app[data-ready=true]")
    assert page.locator("h1").inner_text() == "Report a problem"
    labels = page.locator("#report-form label").all_inner_texts()
    assert "What is the problem?" in labels and "Category" in labels
    assert not any(any("\u0e00" <= ch <= "\u0e7f" for ch in text) for text in labels)
    options = page.locator("#report-service option").all_inner_texts()
    assert "Street lighting" in options
    page.click("#lang-switch")  # and back to Thai, with what was typed kept
    page.fill("#report-description", "ถนนเป็นหลุม")
    page.click("#lang-switch")
    assert page.locator("#report-description").input_value() == "ถนนเป็นหลุม"
    assert page.locator("label[for=report-service]").inner_text() == "Category"
    assert_fits_screen(page)
    assert_accessible(page)
