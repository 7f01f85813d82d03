"""What the citizens' /report and /follow/{token} pages rely on in the API (issue 15):
the filing answer carries the follow link and a QR code of it; the web form with a photo
is size-limited (413), refuses what is not a photo (422, nothing stored) and is rate
limited (429); the follow page's address, which holds the token, is sent with
``Referrer-Policy: no-referrer`` and is redacted from the access log."""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Iterator

import pytest
import segno
from fastapi.testclient import TestClient
from PIL import Image

from paknam.api.access_log import redact
from paknam.api.app import create_app
from paknam.api.limits import PHOTO_FORM_BYTES, Limits
from paknam.core.config import Settings, get_settings
from paknam.core.store import Store
from tests.complaints.helpers import CITY_HALL, JPEG

BASE = "/api/v1/complaints"
FORM = {
    "service_code": "road",
    "description": "ถนนหน้าโรงเรียนเป็นหลุมลึก รถจักรยานยนต์ล้ม",
    "lat": str(CITY_HALL[0]),
    "lon": str(CITY_HALL[1]),
}


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store), client=("192.0.2.7", 50000)) as c:
        yield c


def _photo(width: int = 1600, height: int = 1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 160)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def _count(client: TestClient) -> int:
    return len(client.get("/open311/v2/requests.json").json())


def test_filing_answers_the_follow_link_and_its_qr_code(client: TestClient) -> None:
    r = client.post(BASE, data=FORM, files={"photo": ("p.jpg", _photo(), "image/jpeg")})
    assert r.status_code == 201, r.text
    done = r.json()
    token = done["token"]
    assert done["follow_path"] == f"/follow/{token}"
    base = get_settings().public_base_url.rstrip("/")
    assert done["follow_url"] == f"{base}/follow/{token}"
    # the QR code is an SVG data: URI for an <img>, and it encodes exactly that URL
    prefix = "data:image/svg+xml;charset=utf-8,"
    assert done["follow_qr_svg"].startswith(prefix)
    svg = urllib.parse.unquote(done["follow_qr_svg"][len(prefix) :])
    assert svg.startswith("<svg") and "<script" not in svg and token not in svg
    same = segno.make(done["follow_url"], error="m", micro=False)
    assert done["follow_qr_svg"] == same.svg_data_uri(
        scale=4, border=4, dark="#000", light="#fff", title="QR"
    )
    assert len(done["follow_qr_svg"]) < 8000  # a few kB, in the same answer
    # the photo came with the complaint, as a "before" photo, re-encoded
    seen = client.get(f"{BASE}/follow", headers={"X-Complaint-Token": token}).json()
    assert [p["stage"] for p in seen["photos"]] == ["before"]
    photo = client.get(f"{BASE}/{done['id']}/photos/{seen['photos'][0]['id']}")
    assert photo.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(photo.content)).size == (1600, 1200)


def test_a_photo_form_above_the_cap_is_413_and_stores_nothing(client: TestClient) -> None:
    big = b"\xff\xd8\xff" + b"\0" * PHOTO_FORM_BYTES
    r = client.post(BASE, data=FORM, files={"photo": ("big.jpg", big, "image/jpeg")})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    assert _count(client) == 0


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("x.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("x.gif", b"GIF89a" + b"\0" * 64, "image/gif"),
        ("cut.jpg", JPEG[: len(JPEG) // 2], "image/jpeg"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_stored(
    client: TestClient, name: str, data: bytes, kind: str
) -> None:
    r = client.post(BASE, data=FORM, files={"photo": (name, data, kind)})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["field"] == "photo"
    assert _count(client) == 0


def test_web_filing_is_rate_limited_per_address(client: TestClient) -> None:
    client.app.state.limits = Limits(Settings(rate_limit_complaints="2/hour"))  # type: ignore[attr-defined]
    for i in range(2):
        form = {**FORM, "description": f"{FORM['description']} ({i})"}
        r = client.post(BASE, data=form, files={"photo": ("p.jpg", JPEG, "image/jpeg")})
        assert r.status_code == 201, r.text
    r = client.post(BASE, data={**FORM, "description": "อีกเรื่องหนึ่ง ถนนพัง"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["code"] == "rate_limited"
    assert _count(client) == 2


def test_follow_page_sends_no_referrer_and_report_page_keeps_the_default(
    client: TestClient,
) -> None:
    page = client.get("/follow/pkc_abcdefghijklmnop")
    assert page.status_code == 200 and "/static/js/pages/follow.js" in page.text
    assert "pkc_abcdefghijklmnop" not in page.text  # the shell never echoes the token
    assert page.headers["Referrer-Policy"] == "no-referrer"
    report = client.get("/report")
    assert report.status_code == 200 and "/static/js/pages/report.js" in report.text
    assert report.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_follow_page_path_is_redacted_from_access_logs() -> None:
    line = '192.0.2.7:5000 - "GET /follow/pkc_Zx-9abcdefghijklmn HTTP/1.1" 200'
    assert redact(line) == '192.0.2.7:5000 - "GET /follow/*** HTTP/1.1" 200'
    assert redact("/api/v1/complaints/follow/pkc_Zx-9abcdefgh/rate") == (
        "/api/v1/complaints/follow/***/rate"
    )


def test_the_optional_contact_is_stored_encrypted_and_shown_to_officers_only(
    client: TestClient, store: Store
) -> None:
    import sqlalchemy as sa

    from paknam.complaints.contact import complaint_contacts
    from paknam.complaints.schema import complaint_events
    from tests.api.conftest import login

    r = client.post(BASE, data={**FORM, "contact": "081-234-5678"})
    assert r.status_code == 201, r.text
    cid, token = r.json()["id"], r.json()["token"]
    assert "081" not in r.text and "+6681" not in r.text
    with store.read() as conn:
        row = conn.execute(sa.select(complaint_contacts)).one()
    assert row.complaint_id == cid and row.channel == "sms"
    assert b"812345678" not in bytes(row.address_enc)  # encrypted at rest
    # nowhere public: the citizen's view, Open311, the open-data list
    seen = client.get(f"{BASE}/follow", headers={"X-Complaint-Token": token})
    public = client.get("/open311/v2/requests.json")
    for answer in (seen, public):
        assert "812345678" not in answer.text and "contact" not in answer.json()
    # officers: one complaint at a time, each reading logged (privately)
    assert client.get(f"{BASE}/{cid}/contact").status_code == 401
    officer = login(client, store, "officer")
    got = client.get(f"{BASE}/{cid}/contact", headers=officer)
    assert got.status_code == 200 and got.json() == {"channel": "sms", "address": "+66812345678"}
    with store.read() as conn:
        reads = conn.execute(
            sa.select(complaint_events.c.actor, complaint_events.c.public).where(
                complaint_events.c.kind == "contact_read"
            )
        ).all()
    assert [(a, p) for a, p in reads] == [("officer1", False)]
    history = client.get(f"{BASE}/follow", headers={"X-Complaint-Token": token}).json()
    assert "contact_read" not in [e["kind"] for e in history["history"]]
    # an e-mail works too; none given: 404
    mail = client.post(BASE, data={**FORM, "description": "ทางเท้าพัง", "contact": "A@Mail.CO.TH"})
    assert client.get(f"{BASE}/{mail.json()['id']}/contact", headers=officer).json() == {
        "channel": "email",
        "address": "A@mail.co.th",
    }
    none = client.post(BASE, data={**FORM, "description": "ป้ายล้ม"})
    assert client.get(f"{BASE}/{none.json()['id']}/contact", headers=officer).status_code == 404


@pytest.mark.parametrize("bad", ["12345", "02-123-4567", "not an address", "a@b"])
def test_a_bad_contact_is_422_and_nothing_is_stored(client: TestClient, bad: str) -> None:
    r = client.post(BASE, data={**FORM, "contact": bad})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["field"] == "contact"
    assert bad not in r.text
    assert _count(client) == 0


def test_contacts_are_erased_30_days_after_closing(client: TestClient, store: Store) -> None:
    import sqlalchemy as sa

    from paknam.complaints import contact, service
    from paknam.complaints.contact import complaint_contacts
    from paknam.core.timeutil import now_s

    r = client.post(BASE, data={**FORM, "contact": "0812345678"})
    cid = r.json()["id"]
    service.change_status(store, cid, "resolved", "officer")
    with store.write() as conn:
        assert contact.purge(conn, now_s() + 29 * 86400) == 0
        assert contact.purge(conn, now_s() + 31 * 86400) == 1
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(complaint_contacts)).scalar() == 0
        )
