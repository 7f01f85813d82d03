"""The alert page (``GET /alerts/{id}``, HTML), one notion of time across the page, the JSON
and CAP, drills marked in every message, and the officer's send that refuses nobody."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.config import get_settings
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.store import Store
from paknam.governance.cap import CAP_NS
from tests.api.conftest import login
from tests.api.test_alerts_api import ALERT

BASE = "http://testserver"
C = f"{{{CAP_NS}}}"


@pytest.fixture
def client(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app with ``public_base_url`` = the test client's own address, so that the links
    in messages can be followed."""
    monkeypatch.setenv("PAKNAM_PUBLIC_BASE_URL", BASE)
    get_settings.cache_clear()
    try:
        with TestClient(create_app(store)) as c:
            yield c
    finally:
        get_settings.cache_clear()


def _issue(client: TestClient, officer: dict[str, str], **kw: object) -> dict:
    r = client.post("/api/v1/alerts", json={**ALERT, "status": "Actual", **kw}, headers=officer)
    assert r.status_code == 201, r.text
    return r.json()


def _subscribe(store: Store, address: str = "081-234-5678") -> None:
    """A subscriber with live consent in Phra Samut Chedi for floods (stored directly: the
    verification flow is tested with the subscriptions)."""
    with store.write() as conn:
        subscribe(conn, Subscription("sms", address, ["1105"], ["flood"], "th", (), "web"))


class _Times(HTMLParser):
    """``data-time`` keys of the page's "When" list and the ``datetime`` of their <time>."""

    def __init__(self) -> None:
        super().__init__()
        self.key: str | None = None
        self.times: dict[str, str] = {}
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("data-time"):
            self.key = a["data-time"]
        if tag == "time" and self.key and self.key not in self.times:
            self.times[self.key] = str(a["datetime"])
        if tag == "meta" and a.get("property"):
            self.meta[str(a["property"])] = str(a.get("content"))


def _page(client: TestClient, path: str) -> _Times:
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    parsed = _Times()
    parsed.feed(r.text)
    return parsed


def _cap_times(client: TestClient, alert_id: int) -> dict[str, object]:
    root = ET.fromstring(client.get(f"/api/v1/alerts/{alert_id}.xml").content)
    infos = root.findall(f"{C}info")
    expires = {i.findtext(f"{C}expires") for i in infos}
    assert len(expires) == 1, "both languages expire at the same time"
    refs = (root.findtext(f"{C}references") or "").split()
    return {
        "sent": root.findtext(f"{C}sent"),
        "expires": expires.pop(),
        "effective": {i.findtext(f"{C}effective") for i in infos} - {None},
        "onset": {i.findtext(f"{C}onset") for i in infos} - {None},
        "references": [r.split(",")[2] for r in refs],
    }


def test_alert_page_says_what_to_do_with_open_graph(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    alert = _issue(client, officer)
    r = client.get(f"/alerts/{alert['id']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert ALERT["headline_th"] in html and ALERT["headline_en"] in html
    assert 'id="alert-instruction"' in html  # officer left it blank: the topic's instruction
    assert "1784" in html  # DDPM's hotline is in the flood instruction
    assert alert["instruction_th"] and alert["instruction_en"]
    page = _page(client, f"/alerts/{alert['id']}")
    assert page.meta["og:title"] == ALERT["headline_th"]
    assert page.meta["og:url"] == f"{BASE}/alerts/{alert['id']}"
    assert page.meta["og:type"] == "article" and page.meta["og:description"]
    english = _page(client, f"/alerts/{alert['id']}?lang=en")
    assert english.meta["og:title"] == ALERT["headline_en"]
    assert english.meta["og:url"].endswith("?lang=en")
    assert 'id="drill-banner"' not in html and "badge-sev-severe" in html
    cap = client.get(f"/alerts/{alert['id']}/cap")  # readable in the browser, not a download
    assert cap.status_code == 200 and cap.headers["content-type"].startswith("text/html")
    assert "&lt;alert" in cap.text and alert["identifier"] in cap.text
    for missing in ("/alerts/999999", "/alerts/abc", "/alerts/999999/cap", "/alerts/0"):
        nf = client.get(missing)
        assert nf.status_code == 404 and nf.headers["content-type"].startswith("text/html")
        assert "ไม่พบการแจ้งเตือนนี้" in nf.text


def test_alert_page_follows_its_thread(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    first = _issue(client, officer)
    upd = client.post(
        f"/api/v1/alerts/{first['id']}/update", json={"severity": "extreme"}, headers=officer
    ).json()
    html = client.get(f"/alerts/{first['id']}").text
    assert 'class="thread-state state-updated"' in html
    assert f'href="/alerts/{upd["id"]}" id="newest-link"' in html
    cancel = client.post(f"/api/v1/alerts/{upd['id']}/cancel", json={}, headers=officer).json()
    html = client.get(f"/alerts/{first['id']}").text
    assert "state-cancelled" in html and f'href="/alerts/{cancel["id"]}"' in html
    assert 'data-msg-type="Cancel"' in client.get(f"/alerts/{cancel['id']}").text


def test_times_agree_across_page_json_and_cap(client: TestClient, store: Store) -> None:
    """Every time of every message: the page's <time datetime>, the JSON and CAP agree
    (the expiry once differed by 7 h: a +07:00 time stored in SQLite read back as UTC)."""
    officer = login(client, store, "officer")
    a = _issue(client, officer)
    expires = (datetime.fromisoformat(a["sent"]) + timedelta(hours=5)).isoformat()
    u = client.post(
        f"/api/v1/alerts/{a['id']}/update", json={"expires": expires}, headers=officer
    ).json()
    x = client.post(f"/api/v1/alerts/{u['id']}/cancel", json={}, headers=officer).json()
    e = _issue(client, officer, status="Exercise")
    for m in (a, u, x, e):
        data = client.get(f"/api/v1/alerts/{m['id']}").json()
        cap = _cap_times(client, m["id"])
        page = _page(client, f"/alerts/{m['id']}").times
        assert data["sent"] == cap["sent"] == page["sent"], m["id"]
        assert data["expires"] == cap["expires"], m["id"]
        if data["msg_type"] != "Cancel":
            assert page["expires"] == data["expires"], m["id"]
        assert cap["effective"] == cap["onset"] == set()  # neither is stated: both = sent
        assert "effective" not in data and "onset" not in data
        thread = [t["sent"] for t in data["thread"]]
        at = [t["id"] for t in data["thread"]].index(m["id"])
        assert cap["references"] == thread[:at]
        if data["thread"][-1]["id"] != m["id"]:
            assert page["updated"] == data["thread"][-1]["sent"]
    first = client.get(f"/api/v1/alerts/{a['id']}").json()
    sent = datetime.fromisoformat(first["sent"])
    assert datetime.fromisoformat(first["expires"]) - sent == timedelta(hours=24)
    assert client.get(f"/api/v1/alerts/{u['id']}").json()["expires"] == expires
    listed = {x["id"]: x for x in client.get("/api/v1/alerts?state=all").json()["alerts"]}
    assert listed[e["id"]]["expires"] == _cap_times(client, e["id"])["expires"]


def test_status_is_required_and_drills_are_marked_everywhere(
    client: TestClient, store: Store
) -> None:
    officer = login(client, store, "officer")
    no_status = {k: v for k, v in ALERT.items() if k != "status"}
    r = client.post("/api/v1/alerts", json=no_status, headers=officer)
    assert r.status_code == 422 and "status" in r.text
    no_severity = {k: v for k, v in ALERT.items() if k != "severity"}
    r = client.post("/api/v1/alerts", json={**no_severity, "status": "Actual"}, headers=officer)
    assert r.status_code == 422 and "severity" in r.text
    _subscribe(store)
    for status, mark in (("Exercise", "[การฝึกซ้อม / EXERCISE]"), ("Test", "[ทดสอบ / TEST]")):
        drill = _issue(client, officer, status=status)
        p = client.post(f"/api/v1/alerts/{drill['id']}/preview", json={}, headers=officer)
        for lang, m in p.json()["messages"].items():
            for text in (m["line"]["text"], m["sms"]["text"], m["email"]["subject"]):
                assert text.startswith(mark + " "), (lang, text)
        html = client.get(f"/alerts/{drill['id']}").text
        assert 'id="drill-banner"' in html and "badge-drill" in html
        assert "badge-sev-" not in html  # never styled as a live severe alert


def test_severity_words_are_the_badges(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    _subscribe(store)
    alert = _issue(client, officer)
    p = client.post(f"/api/v1/alerts/{alert['id']}/preview", json={}, headers=officer).json()
    assert p["messages"]["th"]["sms"]["text"].startswith("[รุนแรง] ")  # badge: รุนแรง
    assert p["messages"]["en"]["email"]["subject"].startswith("[Severe] ")


def test_send_to_nobody_is_refused(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    alert = _issue(client, officer)
    r = client.post(f"/api/v1/alerts/{alert['id']}/send", json={}, headers=officer)
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["fields"][0]["field"] == "audience" and "no recipients" in body["message"]
    news = {"text_th": "ข่าว", "text_en": "News", "audience": {"districts": ["1105"]}}
    assert client.post("/api/v1/news", json=news, headers=officer).status_code == 422
    _subscribe(store)
    r = client.post(f"/api/v1/alerts/{alert['id']}/send", json={}, headers=officer)
    assert r.status_code == 202 and r.json()["recipients"] == 1


def test_every_link_in_messages_opens_the_alert_page(client: TestClient, store: Store) -> None:
    """Render each channel's texts, follow every link: 200 HTML with the instruction."""
    officer = login(client, store, "officer")
    _subscribe(store)
    alert = _issue(
        client, officer, instruction_th="ปิดประตูกันน้ำ", instruction_en="Shut the flood gate"
    )
    p = client.post(f"/api/v1/alerts/{alert['id']}/preview", json={}, headers=officer).json()
    news = client.post(
        "/api/v1/news/preview",
        json={"text_th": "ข่าว", "text_en": "News", "audience": {"districts": ["1105"]}},
        headers=officer,
    ).json()
    links: set[str] = set()
    for preview in (p, news):
        for m in preview["messages"].values():
            for text in (m["line"]["text"], m["sms"]["text"], m["email"]["body"]):
                found = re.findall(r"https?://\S+", text)
                assert found, text
                links.update(found)
    assert f"{BASE}/alerts/{alert['id']}" in links
    assert f"{BASE}/alerts/{alert['id']}?lang=en" in links
    for link in links:
        assert link.startswith(BASE + "/") or link == BASE, link
        r = client.get(link.removeprefix(BASE) or "/")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), link
        if "/alerts/" in link:
            assert "ปิดประตูกันน้ำ" in r.text and "Shut the flood gate" in r.text


def test_atom_entries_link_the_page_and_mark_drills(client: TestClient, store: Store) -> None:
    officer = login(client, store, "officer")
    real = _issue(client, officer)
    drill = _issue(client, officer, status="Exercise")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(client.get("/api/v1/alerts.atom").content)
    by_id = {e.findtext(f"{atom}id"): e for e in feed.findall(f"{atom}entry")}
    for alert, drilled in ((real, False), (drill, True)):
        entry = by_id[f"urn:cap:{alert['sender']}:{alert['identifier']}"]
        links = {x.get("type"): x.get("href") for x in entry.findall(f"{atom}link")}
        assert links["text/html"] == f"{BASE}/alerts/{alert['id']}"
        title = entry.findtext(f"{atom}title") or ""
        assert title.startswith("[การฝึกซ้อม / EXERCISE] ") == drilled
