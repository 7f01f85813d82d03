from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from paknam.core.config import get_settings
from paknam.core.notify.subscribers import NOTICE_VERSION, reachable
from paknam.core.store import Store
from paknam.governance.cap import CAP_NS, validate
from tests.api.conftest import login
from tests.governance.loopback import SmsServer
from tests.governance.subscribe_helpers import code_sent_to, form, smtp_inbox, use_sms

ATOM = "{http://www.w3.org/2005/Atom}"
ALERT = {
    "topic": "flood",
    "severity": "severe",
    "urgency": "Expected",
    "certainty": "Likely",
    "headline_th": "น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
    "headline_en": "High tide flooding, Phra Samut Chedi",
    "description_th": "คาดว่าระดับน้ำสูงสุด 1.3 ม. เวลา 18:00 น.",
    "description_en": "Water expected to peak at 1.3 m at 18:00.",
    "districts": ["1105"],
    "status": "Actual",
}


_LOOPBACK: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _gateways(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Codes and links go to the loopback SMS gateway and SMTP server."""
    sms = SmsServer()
    sms.start()
    use_sms(monkeypatch, sms)
    try:
        with smtp_inbox(monkeypatch) as inbox:
            _LOOPBACK.update(sms=sms, inbox=inbox)
            yield
    finally:
        _LOOPBACK.clear()
        sms.stop()


def _subscribe(client: TestClient, address: str, channel: str = "sms", **kw: object) -> dict:
    """Subscribe as a citizen does: the form (202 pending), then the code or the link."""
    r = client.post("/api/v1/subscriptions", json=form(address, channel, **{
        "districts": ["1105"], **kw}))  # fmt: skip
    assert r.status_code == 202, r.text
    if channel == "sms":
        number = "+66" + "".join(c for c in address if c.isdigit())[-9:]
        proof = {"request": r.json()["request"], "code": code_sent_to(_LOOPBACK["sms"], number)}
    else:
        proof = {"token": _LOOPBACK["inbox"].link_to(address)[1]}
    v = client.post("/api/v1/subscriptions/verify", json=proof)
    assert v.status_code == 200, v.text
    return {**v.json()["subscription"], "manage_token": v.json()["manage_token"]}


def test_officer_alert_feed_cap_preview_send(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    assert client.post("/api/v1/alerts", json=ALERT).status_code == 401
    r = client.post("/api/v1/alerts", json=ALERT, headers=officer)
    assert r.status_code == 201, r.text
    alert = r.json()
    assert alert["msg_type"] == "Alert" and alert["state"] == "active"

    cap = client.get(f"/api/v1/alerts/{alert['id']}.xml")
    assert cap.headers["content-type"].startswith("application/cap+xml")
    validate(cap.content)
    root = ET.fromstring(cap.content)
    assert root.findtext(f"{{{CAP_NS}}}identifier") == alert["identifier"]

    feed = ET.fromstring(client.get("/api/v1/alerts.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link")
    assert link.get("type") == "application/cap+xml"
    assert link.get("href").endswith(f"/api/v1/alerts/{alert['id']}.xml")
    assert "น้ำทะเลหนุนสูง" in entries[0].findtext(f"{ATOM}title")

    _subscribe(client, "081-234-5678")
    _subscribe(client, "somchai@example.th", channel="email", language="en")
    _subscribe(client, "0899999999", districts=["1101"])  # elsewhere: not in the audience
    p = client.post(f"/api/v1/alerts/{alert['id']}/preview", json={}, headers=officer)
    assert p.status_code == 200, p.text
    preview = p.json()
    assert preview["recipients"] == {"line": 0, "sms": 1, "email": 1}
    sms = preview["messages"]["th"]["sms"]
    assert sms["encoding"] == "UCS-2" and sms["segments"] == 2
    assert preview["messages"]["en"]["email"]["subject"] == "[Severe] " + ALERT["headline_en"]

    s = client.post(f"/api/v1/alerts/{alert['id']}/send", json={}, headers=officer)
    assert s.status_code == 202 and s.json()["recipients"] == 2
    stats = client.get(f"/api/v1/messages/{s.json()['message_id']}", headers=officer).json()
    assert stats["by_channel"] == {"sms": {"queued": 1}, "email": {"queued": 1}}

    u = client.post(
        f"/api/v1/alerts/{alert['id']}/update", json={"severity": "extreme"}, headers=officer
    )
    assert u.status_code == 201 and u.json()["msg_type"] == "Update"
    assert u.json()["references"][0].split(",")[1] == alert["identifier"]
    c = client.post(f"/api/v1/alerts/{u.json()['id']}/cancel", json={}, headers=officer)
    assert c.status_code == 201 and c.json()["msg_type"] == "Cancel"
    assert len(c.json()["references"]) == 2
    feed = ET.fromstring(client.get("/api/v1/alerts.atom").content)
    (entry,) = feed.findall(f"{ATOM}entry")  # the Cancel, so pollers see the end
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/api/v1/alerts/{c.json()['id']}.xml")
    past = client.get("/api/v1/alerts", params={"state": "past"}).json()["alerts"]
    assert [a["msg_type"] for a in past] == ["Cancel"]


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"districts": ["9999"]}, "district"),
        ({"districts": []}, "districts, a polygon or a circle"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"topic": "weather"}, "topic"),
        ({"expires": "2020-01-01T00:00:00+07:00"}, "expires"),
        ({"expires": "2030-01-01T00:00:00"}, "offset"),
        ({"polygon": {"type": "Point", "coordinates": [100.6, 13.6]}}, "polygon"),
        ({"circle": {"lat": 13.6, "lon": 100.6, "radius_km": -1}}, "radius_km"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_alerts_are_422_and_nothing_stored(
    client: TestClient, store: Store, change: dict, word: str
) -> None:
    officer = login(client, store, "officer")
    r = client.post("/api/v1/alerts", json={**ALERT, **change}, headers=officer)
    assert r.status_code == 422, r.text
    assert word in json.dumps(r.json(), ensure_ascii=False)
    assert client.get("/api/v1/alerts", params={"state": "all"}).json()["alerts"] == []


def test_unknown_alert_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/alerts/999.xml").status_code == 404
    assert client.get("/api/v1/alerts/999").json()["error"]["code"] == "not_found"


def test_subscription_consent_token_and_withdrawal(client: TestClient, store: Store) -> None:
    body = {"channel": "sms", "address": "0812345678", "districts": ["1101"],
            "topics": ["air"], "notice_version": NOTICE_VERSION}  # fmt: skip
    r = client.post("/api/v1/subscriptions", json={**body, "consent": False})
    assert r.status_code == 422 and "consent" in r.json()["error"]["message"]
    r = client.post("/api/v1/subscriptions", json={**body, "consent": True, "notice_version": "1"})
    assert r.status_code == 422 and "notice" in r.json()["error"]["message"]
    r = client.post("/api/v1/subscriptions", json={**body, "consent": True, "address": "12345"})
    assert r.status_code == 422 and "phone" in r.json()["error"]["message"]
    sub = _subscribe(client, "0812345678", districts=["1101"], topics=["air"])
    assert sub["address"] == "+668*****678" and "0812345678" not in json.dumps(sub)
    token = {"X-Manage-Token": sub["manage_token"]}
    me = client.get("/api/v1/subscriptions/me", headers=token).json()
    assert me["topics"] == ["air"] and me["consents"][0]["withdrawn_at"] is None
    gone = client.delete("/api/v1/subscriptions/me", headers=token).json()
    assert gone["status"] == "withdrawn" and gone["consents"][0]["withdrawn_at"]
    assert client.get("/api/v1/subscriptions/me", headers=token).status_code == 404
    with store.read() as conn:
        assert reachable(conn)["total"] == 0


def _signed(body: bytes, secret: str) -> dict[str, str]:
    sig = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-Line-Signature": sig, "Content-Type": "application/json"}


def test_line_webhook_signature_follow_consent_redelivery(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "0123456789abcdef0123456789abcdef"
    monkeypatch.setattr(get_settings(), "line_channel_secret", secret)
    monkeypatch.setattr(get_settings(), "line_channel_access_token", None)
    user = "U" + "0" * 31 + "7"

    def event(kind: str, eid: str, **extra: object) -> dict:
        return {"type": kind, "webhookEventId": eid, "replyToken": "r" + eid,
                "source": {"type": "user", "userId": user}, "mode": "active",
                "timestamp": 1767225600000, "follow": {"isUnblocked": False},
                "deliveryContext": {"isRedelivery": False}, **extra}  # fmt: skip

    follow = json.dumps({"destination": "x", "events": [event("follow", "E1")]}).encode()
    assert client.post("/api/v1/line/webhook", content=follow).status_code == 401
    bad = _signed(follow, "another secret")
    assert client.post("/api/v1/line/webhook", content=follow, headers=bad).status_code == 401
    r = client.post("/api/v1/line/webhook", content=follow, headers=_signed(follow, secret))
    assert r.status_code == 200, r.text
    with store.read() as conn:
        assert reachable(conn)["total"] == 0  # following is not consent
    said = {"type": "text", "text": "ยินยอม", "id": "1", "quoteToken": "q"}
    agree = json.dumps({"events": [event("message", "E2", message=said)]}).encode()
    for _ in range(2):  # LINE redelivers: handled once
        r = client.post("/api/v1/line/webhook", content=agree, headers=_signed(agree, secret))
        assert r.status_code == 200
    with store.read() as conn:
        r = reachable(conn)
    assert r["by_channel"]["line"] == 1 and r["by_district"]["1105"] == 1
    unfollow = json.dumps({"events": [event("unfollow", "E3")]}).encode()
    client.post("/api/v1/line/webhook", content=unfollow, headers=_signed(unfollow, secret))
    with store.read() as conn:
        assert reachable(conn)["total"] == 0
    junk = b"not json"
    r = client.post("/api/v1/line/webhook", content=junk, headers=_signed(junk, secret))
    assert r.status_code == 422


def test_governance_indicators(client: TestClient) -> None:
    _subscribe(client, "0812345678")
    board = client.get("/api/v1/governance/indicators").json()
    reach = next(i for i in board if i["id"] == "gov_people_reachable")
    assert reach["value"] == 1 and reach["target"] == 50_000 and reach["status"] == "off_track"
    delivery = next(i for i in board if i["id"] == "gov_alert_delivery_time")
    assert delivery["value"] is None and delivery["status"] == "no_data"


def test_groups_make_an_audience(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    a = _subscribe(client, "0811111111")
    _subscribe(client, "0822222222")
    r = client.put(
        f"/api/v1/subscribers/{a['id']}/groups", json={"groups": ["village-heads"]}, headers=officer
    )
    assert r.status_code == 200 and r.json()["groups"] == ["village-heads"]
    bad = client.put(f"/api/v1/subscribers/{a['id']}/groups", json={"groups": ["Bad Group"]},
                     headers=officer)  # fmt: skip
    assert bad.status_code == 422
    assert client.put("/api/v1/subscribers/999/groups", json={"groups": []},
                      headers=officer).status_code == 404  # fmt: skip
    alert = client.post("/api/v1/alerts", json=ALERT, headers=officer).json()
    p = client.post(
        f"/api/v1/alerts/{alert['id']}/preview",
        json={"audience": {"groups": ["village-heads"]}},
        headers=officer,
    ).json()
    assert p["recipients"]["sms"] == 1
    stats = client.get("/api/v1/subscribers/stats", headers=officer).json()
    assert stats["total"] == 2 and stats["by_district"] == {"1105": 2}
    assert client.get("/api/v1/subscribers/stats").status_code == 401


def test_review_fixes_send_once_audience_nulls_takeover(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    victim = _subscribe(client, "0812345678")  # district 1105, flood
    again = client.post(
        "/api/v1/subscriptions",
        json={"channel": "sms", "address": "081-234-5678", "districts": ["1101"],
              "topics": ["air"], "consent": True, "notice_version": NOTICE_VERSION},
    )  # fmt: skip
    assert again.status_code == 202 and "manage_token" not in again.json()  # pending only
    me = client.get("/api/v1/subscriptions/me", headers={"X-Manage-Token": victim["manage_token"]})
    assert me.status_code == 200 and me.json()["districts"] == ["1105"]  # untouched

    alert = client.post("/api/v1/alerts", json=ALERT, headers=officer).json()
    url = f"/api/v1/alerts/{alert['id']}"
    bad = client.post(f"{url}/send", json={"audience": {"districts": ["9999"]}}, headers=officer)
    assert bad.status_code == 422 and "9999" in bad.json()["error"]["message"]
    assert client.post(f"{url}/send", json={}, headers=officer).status_code == 202
    twice = client.post(f"{url}/send", json={}, headers=officer)
    assert twice.status_code == 409 and "already sent" in twice.json()["error"]["message"]
    preview = client.post(f"{url}/preview", json={}, headers=officer).json()
    assert len(preview["already_sent"]) == 1
    assert client.post(f"{url}/send", json={"force": True}, headers=officer).status_code == 202
    null = client.post(f"{url}/update", json={"districts": None}, headers=officer)
    assert null.status_code == 422 and "districts" in null.json()["error"]["message"]


def test_webhook_bad_event_does_not_undo_the_others(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret"
    monkeypatch.setattr(get_settings(), "line_channel_secret", secret)
    monkeypatch.setattr(get_settings(), "line_channel_access_token", None)
    a, b = "U" + "a" * 32, "U" + "b" * 32

    def ev(user: str, eid: str, **kw: object) -> dict:
        return {"webhookEventId": eid, "source": {"type": "user", "userId": user},
                "mode": "active", "timestamp": 1767225600000,
                "deliveryContext": {"isRedelivery": False}, **kw}  # fmt: skip

    agree = {"type": "message", "message": {"type": "text", "text": "agree", "id": "1",
                                            "quoteToken": "q"}}  # fmt: skip
    body = json.dumps({"events": [ev(a, "A1", **agree)]}).encode()
    client.post("/api/v1/line/webhook", content=body, headers=_signed(body, secret))
    with store.read() as conn:
        assert reachable(conn)["total"] == 1
    mixed = {"events": [
        ev(a, "A2", type="unfollow"),
        ev(b, "B1", type="postback", postback={"data": "action=subscribe&lang=fr&districts=9999"}),
        {"type": "follow", "source": "not an object"},
        "not an event",
    ]}  # fmt: skip
    body = json.dumps(mixed).encode()
    r = client.post("/api/v1/line/webhook", content=body, headers=_signed(body, secret))
    assert r.status_code == 200
    with store.read() as conn:
        assert reachable(conn)["total"] == 0  # A's unfollow stood; B's bad postback skipped
    odd = {"X-Line-Signature": "ไม่ใช่ลายเซ็น".encode(), "Content-Type": b"application/json"}
    assert client.post("/api/v1/line/webhook", content=body, headers=odd).status_code == 401


def test_alert_list_pages_with_limit_and_offset(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    ids = [
        client.post(
            "/api/v1/alerts", json={**ALERT, "headline_en": f"Tide {i}"}, headers=officer
        ).json()["id"]
        for i in range(3)
    ]
    body = client.get("/api/v1/alerts").json()
    assert (body["limit"], body["offset"]) == (100, 0)
    assert [a["id"] for a in body["alerts"]] == ids[::-1]
    page = client.get("/api/v1/alerts", params={"limit": 2, "offset": 1}).json()
    assert [a["id"] for a in page["alerts"]] == [ids[1], ids[0]]
    assert (page["limit"], page["offset"]) == (2, 1)
    assert client.get("/api/v1/alerts", params={"limit": 1001}).status_code == 422
    one = client.get(f"/api/v1/alerts/{ids[0]}").json()
    for value in (one["sent"], one["expires"], one["raised_at"], one["thread"][0]["sent"]):
        assert value.endswith("+07:00") and len(value) == 25  # Thai time, whole seconds
