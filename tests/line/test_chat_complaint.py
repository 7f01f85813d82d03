"""The complaint conversation in the LINE chat, end to end through the webhook and the
loopback LINE platform: text + photo + location → category → complaint; its status
changes pushed to the reporter; rating; my complaints; drafts kept and expired."""

from __future__ import annotations

import io
import json
import uuid

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image

from paknam.api.app import create_app
from paknam.complaints import classifier_runtime, service
from paknam.complaints.classifier import ComplaintClassifier
from paknam.complaints.classifier_data import read_traffy_csv
from paknam.complaints.classifier_train import fit_report_refit
from paknam.complaints.line_schema import complaint_line_links, line_conversations
from paknam.complaints.schema import complaint_photos, complaints
from paknam.core.store import Store
from tests.complaints.helpers import CITY_HALL
from tests.complaints.test_classifier import write_synthetic_csv

from .conftest import (
    OTHER,
    USER,
    deliver,
    last_reply,
    message,
    postback,
    quick_data,
    signed,
    text,
)
from .loopback import LinePlatform

LAMP = "ไฟถนนดับทั้งซอย หน้าตลาด มืดมาก"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> ComplaintClassifier:
    path = tmp_path_factory.mktemp("model") / "t.csv.gz"
    write_synthetic_csv(path, months=(1, 2, 3), per_month=200)
    fitted, _ = fit_report_refit(read_traffy_csv(path))
    return fitted


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: stripped by clean_photo
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _file_lamp_complaint(client: TestClient, line: LinePlatform, user: str = USER) -> int:
    """The whole conversation: report, text, photo, location, category → complaint id."""
    deliver(client, text("แจ้งเรื่อง", user))
    deliver(client, text(LAMP, user))
    photo = message("image", user)
    line.contents[photo["message"]["id"]] = _jpeg()
    deliver(client, photo)
    lat, lon = CITY_HALL
    loc = message("location", user, latitude=lat, longitude=lon, address="หน้าศาลากลาง")
    deliver(client, loc)
    proposal = last_reply(line)[-1]
    buttons = quick_data(proposal)
    assert "action=category&code=lighting" in buttons
    deliver(client, postback("action=category&code=lighting", user))
    filed = last_reply(line)[0]["text"]
    assert "#" in filed and "https://paknam.example/follow/pkc_" in filed
    return int(filed.split("#", 1)[1].split()[0])


def test_bad_signature_is_refused_with_json(client: TestClient) -> None:
    body = json.dumps({"events": [text("แจ้งเรื่อง")]}).encode()
    missing = client.post("/api/v1/line/webhook", content=body)
    assert missing.status_code == 401 and "X-Line-Signature" in missing.json()["error"]["message"]
    forged = client.post("/api/v1/line/webhook", content=body, headers=signed(body, "not it"))
    assert forged.status_code == 401 and forged.json()["error"]["message"]
    junk = b"{not json"
    r = client.post("/api/v1/line/webhook", content=junk, headers=signed(junk))
    assert r.status_code == 422 and "JSON" in r.json()["error"]["message"]


def test_text_photo_location_become_a_complaint_followed_in_line(
    client: TestClient,
    configured: LinePlatform,
    store: Store,
    model: ComplaintClassifier,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = configured
    monkeypatch.setattr(classifier_runtime, "current_model", lambda: model)
    deliver(client, text("แจ้งเรื่อง"))
    start = last_reply(line)[0]
    assert "location" in quick_data(start) and "camera" in quick_data(start)
    deliver(client, text(LAMP))
    assert "ตำแหน่ง" in last_reply(line)[0]["text"]  # asks for the place
    photo = message("image")
    line.contents[photo["message"]["id"]] = _jpeg()
    deliver(client, photo)
    assert line.content_gets == [photo["message"]["id"]]  # downloaded from the content host
    lat, lon = CITY_HALL
    deliver(client, message("location", latitude=lat, longitude=lon, address="หน้าศาลากลาง"))
    proposal = last_reply(line)[-1]
    buttons = quick_data(proposal)
    categories = [b for b in buttons if b.startswith("action=category")]
    assert len(categories) == 3 and categories[0] == "action=category&code=lighting"
    assert "action=other" in buttons
    deliver(client, postback("action=other"))
    others = quick_data(last_reply(line)[0])
    assert "action=category&code=lighting" not in others and len(others) <= 13
    deliver(client, postback("action=category&code=lighting"))
    filed = last_reply(line)[0]["text"]
    assert "รับเรื่องแล้ว" in filed and "/follow/pkc_" in filed
    cid = int(filed.split("#", 1)[1].split()[0])

    with store.read() as conn:
        row = conn.execute(sa.select(complaints).where(complaints.c.id == cid)).one()
        photo_row = conn.execute(
            sa.select(complaint_photos).where(complaint_photos.c.complaint_id == cid)
        ).one()
        link = conn.execute(sa.select(complaint_line_links)).one()
        drafts = conn.execute(sa.select(sa.func.count()).select_from(line_conversations))
        assert drafts.scalar() == 0  # the draft is gone once filed
    assert row.client == "line" and row.service_code == "lighting" and row.status == "new"
    assert LAMP in row.description and row.district_code == "1101"
    assert photo_row.content_type == "image/jpeg" and b"PhoneMaker" not in bytes(photo_row.data)
    # the LINE user id is stored encrypted: neither it nor its hex digits appear in clear
    assert USER.encode() not in bytes(link.user_enc) and USER not in link.user_hash
    # nor in the Open311 view or the open data
    assert USER not in client.get(f"/open311/v2/requests/{cid}.json").text
    assert USER not in json.dumps(service.open311_requests(store), default=str)

    # an officer works on it: each status change reaches the reporter as a push
    service.change_status(store, cid, "assigned", "officer1")
    service.change_status(store, cid, "in_progress", "officer1", note="ช่างออกไปตรวจแล้ว")
    pushed = line.texts_to(USER)
    assert len(pushed) == 2 and "กำลังดำเนินการ" in pushed[1] and "ช่างออกไปตรวจแล้ว" in pushed[1]
    assert all(uuid.UUID(k) for k in line.retry_keys) and len(set(line.retry_keys)) == 2
    service.change_status(store, cid, "resolved", "officer1", note="เปลี่ยนหลอดไฟแล้ว")
    rating = line.pushes[-1]["messages"][-1]
    stars = quick_data(rating)
    assert stars[0] == f"action=rate&id={cid}&stars=5" and len(stars) == 5
    assert line.pushes[-1]["to"] == USER and not line.bad

    deliver(client, postback(f"action=rate&id={cid}&stars=4"))
    assert "★★★★" in last_reply(line)[0]["text"]
    with store.read() as conn:
        assert conn.execute(sa.select(complaints.c.rating)).scalar() == 4
    deliver(client, postback(f"action=rate&id={cid}&stars=5"))  # rated once only
    assert "already rated" in last_reply(line)[0]["text"]
    deliver(client, postback(f"action=rate&id={cid}&stars=1", OTHER))  # not theirs
    assert "ไม่พบเรื่องนี้" in last_reply(line)[0]["text"]

    deliver(client, text("เรื่องของฉัน"))
    mine = last_reply(line)[0]["text"]
    assert f"#{cid}" in mine and "เสร็จสิ้น" in mine
    deliver(client, text("my complaints", OTHER))
    assert "not filed a complaint" in last_reply(line)[0]["text"]


def test_push_retry_key_makes_a_repeat_harmless(
    client: TestClient, configured: LinePlatform, store: Store
) -> None:
    from paknam.complaints.hooks import ComplaintChange
    from paknam.complaints.line_followup import push_change

    cid = _file_lamp_complaint(client, configured)
    change = ComplaintChange(cid, "status", 1_767_300_000, "officer1", "new", "assigned")
    assert push_change(store, change) == "sent"
    assert push_change(store, change) == "sent"  # a retry: LINE answers 409, counted sent
    assert len(configured.pushes) == 1 and len(configured.retry_keys) == 2
    assert configured.retry_keys[0] == configured.retry_keys[1]
    other = ComplaintChange(cid, "note", 1_767_300_001, "officer1", note="internal")
    assert push_change(store, other) is None  # not a status change


def test_one_line_account_files_a_bounded_number_a_day(
    client: TestClient, configured: LinePlatform, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paknam.complaints import line_chat

    monkeypatch.setattr(line_chat, "PER_DAY_MAX", 1)
    _file_lamp_complaint(client, configured)
    deliver(client, text("แจ้งเรื่อง"))
    deliver(client, text("ไฟดับอีกซอยหนึ่ง ซอย 7"))
    lat, lon = CITY_HALL
    deliver(client, message("location", latitude=lat + 0.001, longitude=lon, address=""))
    deliver(client, postback("action=category&code=lighting"))
    assert "at most 1 complaints a day" in last_reply(configured)[0]["text"]
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(complaints)).scalar() == 1


def test_outside_the_province_unknown_photo_and_cancel(
    client: TestClient, configured: LinePlatform, store: Store
) -> None:
    line = configured
    deliver(client, text("report"))
    assert "Tell us" in last_reply(line)[0]["text"]
    deliver(client, message("location", latitude=13.7649, longitude=100.5383, address="BKK"))
    assert "outside Samut Prakan" in last_reply(line)[0]["text"]
    deliver(client, message("image"))  # LINE has no content for it: 404
    assert "could not be used" in last_reply(line)[0]["text"]
    deliver(client, text("cancel"))
    assert "cancelled" in last_reply(line)[0]["text"]
    deliver(client, postback("action=category&code=road"))
    assert "ไม่มีเรื่องที่กำลังแจ้ง" in last_reply(line)[0]["text"]  # no draft: Thai first
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(complaints)).scalar() == 0


def test_a_draft_survives_a_restart_and_expires(store: Store, configured: LinePlatform) -> None:
    line = configured
    with TestClient(create_app(store)) as first:
        deliver(first, text("แจ้งเรื่อง"))
        deliver(first, text("ถนนเป็นหลุมลึก รถล้มบ่อย"))
    with TestClient(create_app(store)) as second:  # a new process on the same store
        lat, lon = CITY_HALL
        deliver(second, message("location", latitude=lat, longitude=lon, address=""))
        assert "action=category&code=road" in quick_data(last_reply(line)[-1])
        with store.write() as conn:  # two hours and more without a word
            conn.execute(line_conversations.update().values(expires_s=1))
        deliver(second, postback("action=category&code=road"))
        assert "ไม่มีเรื่องที่กำลังแจ้ง" in last_reply(line)[0]["text"]
        with store.read() as conn:
            left = conn.execute(sa.select(sa.func.count()).select_from(line_conversations))
            assert left.scalar() == 0
        deliver(second, text("สวัสดี"))  # small talk without a draft: the menu
        assert "action=report" in quick_data(last_reply(line)[0])
