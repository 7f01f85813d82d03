"""Finding 9: Atom, CAP and message links come from ``public_base_url``, never from the
request's ``Host`` header (a forged Host must not put another site's address in a feed that
proxies and aggregators cache)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.config import get_settings
from paknam.core.store import Store
from tests.api.conftest import login
from tests.api.test_alerts_api import ALERT, ATOM

PUBLIC = "https://alerts.samutprakan.example"
FORGED = {"Host": "evil.example"}


@pytest.fixture
def client(sqlite_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("PAKNAM_PUBLIC_BASE_URL", PUBLIC + "/")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(sqlite_store)) as c:
            yield c
    finally:
        get_settings.cache_clear()


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[A-Za-z0-9.:_-]+", text)


def test_alert_links_come_from_public_base_url(client: TestClient, sqlite_store: Store) -> None:
    officer = login(client, sqlite_store, "officer")
    r = client.post("/api/v1/alerts", json=ALERT, headers={**officer, **FORGED})
    assert r.status_code == 201, r.text
    alert = r.json()
    assert alert["cap_url"] == f"{PUBLIC}/api/v1/alerts/{alert['id']}.xml"

    feed = client.get("/api/v1/alerts.atom", headers=FORGED)
    assert feed.status_code == 200 and b"evil.example" not in feed.content
    root = ET.fromstring(feed.content)
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(PUBLIC + "/") for h in hrefs), hrefs
    assert root.findtext(f"{ATOM}id", "").startswith(PUBLIC + "/")

    listed = client.get("/api/v1/alerts", headers=FORGED).json()
    assert [a["cap_url"] for a in listed["alerts"]] == [alert["cap_url"]]
    one = client.get(f"/api/v1/alerts/{alert['id']}", headers=FORGED).json()
    assert one["cap_url"] == alert["cap_url"]
    cap = client.get(f"/api/v1/alerts/{alert['id']}.xml", headers=FORGED)
    assert b"evil.example" not in cap.content

    preview = client.post(
        f"/api/v1/alerts/{alert['id']}/preview", json={}, headers={**officer, **FORGED}
    ).json()
    texts = str(preview["messages"])
    assert "evil.example" not in texts
    links = _links(texts)
    assert links and set(links) == {PUBLIC}, links
