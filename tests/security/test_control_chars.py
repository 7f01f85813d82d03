"""Finding 6: C0 control characters are refused at intake and never emitted into XML.

Measured on 3209bca: a public complaint holding ``\\x0b\\x01`` was stored, and from then
on ``GET /open311/v2/requests.xml`` was ill-formed for every client (for 90 days, the
list's window). Tab, newline and carriage return stay allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from paknam.complaints.schema import complaints as complaints_table
from paknam.core.store import Store
from paknam.governance import atom
from tests.api.complaints_app import complaints_client, new_api_key
from tests.complaints.helpers import CITY_HALL

BAD = "ถนนพัง\x0b\x01 หน้าตลาด"
FORM = {"service_code": "road", "lat": CITY_HALL[0], "lon": CITY_HALL[1]}


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    yield from complaints_client(sqlite_store)


def _field(r) -> str:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    return str(r.json()["error"]["fields"][0]["field"])


def test_web_complaint_with_control_characters_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/complaints", data={**FORM, "description": BAD})
    assert _field(r) == "description" and "U+000B" in r.json()["error"]["message"]
    r = client.post(
        "/api/v1/complaints",
        data={**FORM, "description": "ถนนพังหน้าตลาด", "address": "ซอย\x07 5"},
    )
    assert _field(r) == "address_string"


def test_tab_and_new_lines_are_still_welcome(client: TestClient) -> None:
    r = client.post("/api/v1/complaints", data={**FORM, "description": "ถนนพัง\tหน้าตลาด\r\nลึกมาก"})
    assert r.status_code == 201, r.text


def test_open311_request_with_control_characters_is_refused(
    client: TestClient, sqlite_store: Store
) -> None:
    key = new_api_key(sqlite_store)
    r = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "road",
            "lat": CITY_HALL[0],
            "long": CITY_HALL[1],
            "description": BAD,
        },
    )
    assert r.status_code == 422, r.text
    assert "description" in r.json()[0]["description"]


def test_reopen_reason_with_control_characters_is_refused(client: TestClient) -> None:
    token = client.post("/api/v1/complaints", data={**FORM, "description": "ถนนพังหน้าตลาด"}).json()[
        "token"
    ]
    r = client.post(f"/api/v1/complaints/follow/{token}/reopen", json={"reason": "ยังไม่\x1bซ่อม"})
    assert _field(r) == "reason"


def test_subscription_address_with_control_characters_is_refused(client: TestClient) -> None:
    notice = client.get("/api/v1/subscriptions/notice").json()["version"]
    r = client.post(
        "/api/v1/subscriptions",
        json={
            "channel": "email",
            "address": "somchai\x01@example.com",
            "districts": ["1101"],
            "topics": ["flood"],
            "consent": True,
            "notice_version": notice,
        },
    )
    assert _field(r) == "address"


def test_citizen_report_with_control_characters_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/environment/reports",
        data={
            "topic": "smoke",
            "description": BAD,
            "lon": CITY_HALL[1],
            "lat": CITY_HALL[0],
            "observed_at": "2025-01-01T07:00:00+07:00",
        },
    )
    assert _field(r) == "description"


def test_stored_control_characters_do_not_break_the_open311_xml(
    client: TestClient, sqlite_store: Store
) -> None:
    """A row stored before the check (or by another writer) is stripped on output."""
    cid = client.post("/api/v1/complaints", data={**FORM, "description": "ถนนพังหน้าตลาด"}).json()[
        "id"
    ]
    with sqlite_store.write() as conn:
        conn.execute(
            complaints_table.update()
            .where(complaints_table.c.id == cid)
            .values(description=BAD, address="ซอย\x00 5\ufffe")
        )
    r = client.get("/open311/v2/requests.xml")
    assert r.status_code == 200
    root = ET.fromstring(r.content)  # well-formed
    description = root.find("request/description")
    assert description is not None and description.text == "ถนนพัง หน้าตลาด"
    assert client.get(f"/open311/v2/requests/{cid}.xml").status_code == 200
    ET.fromstring(client.get(f"/open311/v2/requests/{cid}.xml").content)


def test_atom_feed_never_carries_control_characters() -> None:
    alert = {
        "sender": "paknam@samutprakan.example",
        "identifier": "a1",
        "headline_th": "น้ำท่วม\x0b",
        "headline_en": "Flood\x01",
        "description_th": "ระดับน้ำสูง\x1f",
        "description_en": "High water\x08",
        "sent": datetime(2025, 1, 1, tzinfo=UTC),
        "cap_url": "http://127.0.0.1:8000/api/v1/alerts/1.xml",
        "severity": "Severe",
        "topic": "flood",
    }
    xml = atom.alerts_feed([alert], base_url="http://127.0.0.1:8000", updated="2025-01-01")
    root = ET.fromstring(xml)
    title = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert title is not None and title.text == "น้ำท่วม / Flood"
