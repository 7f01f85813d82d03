"""The officer desk's API: inbox search, sort and paging, CSV and Excel exports of the
filtered list, bulk assignment (all or nothing), internal notes, and the audit trail of
complaints, alerts and warning levels (GET /api/v1/audit). Officers only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import Store
from tests.api.complaints_app import complaints_client
from tests.api.conftest import login
from tests.complaints.helpers import PLACES, T0, submit

BASE = "/api/v1/complaints"


@pytest.fixture
def cclient(store: Store) -> Iterator[TestClient]:
    yield from complaints_client(store)


@pytest.fixture
def officer(cclient: TestClient, store: Store) -> dict[str, str]:
    return login(cclient, store, "officer")


def _three(store: Store) -> list[int]:
    """Three complaints in three districts, filed an hour apart (road, cleanliness, road)."""
    a = submit(store, now=T0, description="ถนนเป็นหลุมลึก โทร 081-234-5678", address="ซอย 5")
    b = submit(
        store,
        now=T0 + 3600,
        service_code="cleanliness",
        description="ขยะล้นถังหน้าตลาด =SUM(A1)",
        lat=PLACES["1102"][0],
        lon=PLACES["1102"][1],
    )
    c = submit(
        store,
        now=T0 + 7200,
        description="Street light broken near the pier",
        lat=PLACES["1104"][0],
        lon=PLACES["1104"][1],
    )
    return [a["id"], b["id"], c["id"]]


def _ids(r) -> list[int]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


def test_inbox_search_by_number_text_and_place(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    a, b, c = _three(store)
    assert _ids(cclient.get(BASE, params={"q": f"#{b}"}, headers=officer)) == [b]
    assert _ids(cclient.get(BASE, params={"q": str(c)}, headers=officer)) == [c]
    assert _ids(cclient.get(BASE, params={"q": "ขยะ"}, headers=officer)) == [b]
    assert _ids(cclient.get(BASE, params={"q": "street LIGHT"}, headers=officer)) == [c]
    assert _ids(cclient.get(BASE, params={"q": "ซอย 5"}, headers=officer)) == [a]  # address
    # a district's name, Thai or English (1102 Bang Bo, 1104 Phra Pradaeng)
    assert _ids(cclient.get(BASE, params={"q": "บางบ่อ"}, headers=officer)) == [b]
    assert _ids(cclient.get(BASE, params={"q": "phra pradaeng"}, headers=officer)) == [c]
    # search and filters together; LIKE wildcards are plain characters
    assert _ids(
        cclient.get(BASE, params={"q": "ถนน", "service_code": "road"}, headers=officer)
    ) == [a]
    assert _ids(cclient.get(BASE, params={"q": "%"}, headers=officer)) == []
    assert _ids(cclient.get(BASE, params={"q": "#99999"}, headers=officer)) == []
    r = cclient.get(BASE, params={"q": "x" * 201}, headers=officer)
    assert r.status_code == 422


def test_inbox_sorts_and_pages_without_overlap(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    a, b, c = _three(store)
    created = _ids(cclient.get(BASE, params={"sort": "created"}, headers=officer))
    assert created == [a, b, c]
    assert _ids(cclient.get(BASE, params={"sort": "-created"}, headers=officer)) == [c, b, a]
    cclient.post(f"{BASE}/{a}/notes", json={"note": "ตรวจแล้ว"}, headers=officer)
    assert _ids(cclient.get(BASE, params={"sort": "-updated"}, headers=officer))[0] == a
    due = _ids(cclient.get(BASE, params={"sort": "due"}, headers=officer))
    assert sorted(due) == sorted(created)
    assert _ids(cclient.get(BASE, params={"sort": "priority"}, headers=officer))
    pages = []
    for offset in range(0, 3):
        r = cclient.get(
            BASE, params={"sort": "created", "limit": 1, "offset": offset}, headers=officer
        )
        body = r.json()
        assert (body["total"], body["limit"], body["offset"]) == (3, 1, offset)
        pages += [x["id"] for x in body["items"]]
    assert pages == [a, b, c]
    bad = cclient.get(BASE, params={"sort": "colour"}, headers=officer)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "sort"


def test_export_csv_and_xlsx_read_back_as_the_filtered_inbox(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    a, b, c = _three(store)
    params = {"service_code": "road", "sort": "created"}
    listed = cclient.get(BASE, params=params, headers=officer).json()["items"]
    r = cclient.get(f"{BASE}/export", params={**params, "format": "csv"}, headers=officer)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [int(x["id"]) for x in rows] == [x["id"] for x in listed] == [a, c]
    assert rows[0]["status"] == "new" and rows[0]["district_code"] == "1101"
    assert rows[0]["service_name_th"] == listed[0]["service_name_th"]
    # personal data of the reporter stays out by default: no address, contacts masked
    assert "address" not in rows[0] and "rating_comment" not in rows[0]
    assert "081-234-5678" not in r.text and "[…]" in rows[0]["description"]

    r = cclient.get(f"{BASE}/export", params={"format": "xlsx", "sort": "created"}, headers=officer)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    sheet = book["complaints"]
    values = list(sheet.iter_rows(values_only=True))
    header, body = values[0], values[1:]
    assert header[0] == "id" and "description" in header and "address" not in header
    assert [row[0] for row in body] == [a, b, c]
    text = dict(zip(header, body[1], strict=True))
    assert text["description"] == "ขยะล้นถังหน้าตลาด =SUM(A1)"  # a text cell, not a formula
    assert text["overdue"] is True and text["district_code"] == "1102"

    # a CSV cell never starts a formula
    r = cclient.get(f"{BASE}/export", params={"q": "ขยะ"}, headers=officer)
    (row,) = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert row["description"] == "ขยะล้นถังหน้าตลาด =SUM(A1)"


def test_export_of_personal_data_is_for_administrators_only(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    _three(store)
    r = cclient.get(f"{BASE}/export", params={"personal": "true"}, headers=officer)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    admin = login(cclient, store, "admin")
    r = cclient.get(f"{BASE}/export", params={"personal": "true", "sort": "created"}, headers=admin)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0]["address"] == "ซอย 5" and "081-234-5678" in rows[0]["description"]


@pytest.mark.parametrize(
    "path", [BASE, f"{BASE}/export", "/api/v1/audit"], ids=["inbox", "export", "audit"]
)
def test_officer_only(cclient: TestClient, store: Store, path: str) -> None:
    assert cclient.get(path).status_code == 401
    viewer = login(cclient, store, "viewer")
    assert cclient.get(path, headers=viewer).status_code == 403
    r = cclient.post(f"{BASE}/bulk-assign", json={"ids": [1], "assignee": "x"})
    assert r.status_code == 401
    r = cclient.post(f"{BASE}/bulk-assign", json={"ids": [1], "assignee": "x"}, headers=viewer)
    assert r.status_code == 403


def test_bulk_assign_all_or_nothing(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    a, b, c = _three(store)
    cclient.post(f"{BASE}/{c}/status", json={"status": "resolved"}, headers=officer)
    before = {x["id"]: x for x in cclient.get(BASE, headers=officer).json()["items"]}
    # one closed and one unknown complaint: nothing changes, each is named
    r = cclient.post(
        f"{BASE}/bulk-assign",
        json={"ids": [a, c, b, 99999], "agency_code": "sp-ddpm", "assignee": "สมชาย"},
        headers=officer,
    )
    assert r.status_code == 422, r.text
    items = r.json()["error"]["items"]
    assert [i["index"] for i in items] == [1, 3]
    assert f"complaint {c}" in items[0]["reason"] and "closed" in items[0]["reason"]
    assert "99999" in items[1]["reason"]
    after = {x["id"]: x for x in cclient.get(BASE, headers=officer).json()["items"]}
    assert after == before
    assert (
        cclient.get("/api/v1/audit", params={"action": "assigned"}, headers=officer).json()["total"]
        == 0
    )

    # all assignable: every one gets the agency and the officer
    r = cclient.post(
        f"{BASE}/bulk-assign",
        json={"ids": [a, b, a], "agency_code": "sp-ddpm", "assignee": "สมชาย"},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["assigned"] == 2
    assert [(x["id"], x["agency_code"], x["assignee"]) for x in body["results"]] == [
        (a, "sp-ddpm", "สมชาย"),
        (b, "sp-ddpm", "สมชาย"),
    ]
    for cid in (a, b):
        detail = cclient.get(f"{BASE}/{cid}", headers=officer).json()
        assert detail["agency"]["code"] == "sp-ddpm" and detail["assignee"] == "สมชาย"
        assert detail["events"][-1]["kind"] == "assigned"
    r = cclient.post(f"{BASE}/bulk-assign", json={"ids": [], "assignee": "x"}, headers=officer)
    assert r.status_code == 422


def test_internal_notes_stay_with_officers(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    done = submit(store)
    cid, token = done["id"], done["token"]
    r = cclient.post(f"{BASE}/{cid}/notes", json={"note": "ภายใน: ผู้แจ้งเป็นญาติ"}, headers=officer)
    assert r.status_code == 200
    cclient.post(
        f"{BASE}/{cid}/notes", json={"note": "กำลังตรวจสอบ", "public": True}, headers=officer
    )
    events = cclient.get(f"{BASE}/{cid}", headers=officer).json()["events"]
    assert [(e["note"], e["public"]) for e in events if e["kind"] == "note"] == [
        ("ภายใน: ผู้แจ้งเป็นญาติ", False),
        ("กำลังตรวจสอบ", True),
    ]
    seen = cclient.get(f"{BASE}/follow/{token}").json()
    notes = [e["note"] for e in seen["history"]]
    assert "กำลังตรวจสอบ" in notes and "ภายใน: ผู้แจ้งเป็นญาติ" not in notes
    assert seen["status_notes"] == "กำลังตรวจสอบ"


def _audit(cclient: TestClient, headers: dict[str, str], **params: object) -> dict:
    r = cclient.get("/api/v1/audit", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_audit_records_every_officer_action_on_complaints(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    a, b, _ = _three(store)
    h = officer
    cclient.post(f"{BASE}/{a}/status", json={"status": "assigned"}, headers=h)
    cclient.post(f"{BASE}/{a}/assign", json={"assignee": "สมหญิง"}, headers=h)
    cclient.post(f"{BASE}/{a}/triage", json={"service_code": "cleanliness"}, headers=h)
    cclient.post(f"{BASE}/{a}/notes", json={"note": "โทรหาผู้แจ้งแล้ว"}, headers=h)
    cclient.post(f"{BASE}/bulk-assign", json={"ids": [b], "agency_code": "sp-ddpm"}, headers=h)
    # a refused change leaves no entry
    r = cclient.post(f"{BASE}/{a}/status", json={"status": "rejected"}, headers=h)
    assert r.status_code == 422

    mine = _audit(cclient, h, kind="complaint", object_id=str(a))
    assert [e["action"] for e in mine["items"]] == ["note", "triaged", "assigned", "status"]
    assert {e["actor"] for e in mine["items"]} == {"officer1"}
    status = mine["items"][-1]
    assert (status["details"]["from_status"], status["details"]["to_status"]) == ("new", "assigned")
    assert mine["items"][0]["details"]["note"] == "โทรหาผู้แจ้งแล้ว"
    assert mine["items"][0]["details"]["public"] is False
    assert mine["items"][0]["kind_th"] == "เรื่องร้องเรียน"
    bulk = _audit(cclient, h, object_id=str(b))["items"]
    assert [(e["action"], e["details"]["agency_code"]) for e in bulk] == [("assigned", "sp-ddpm")]

    everything = _audit(cclient, h, actor="officer1", limit=2)
    assert everything["total"] == 5 and len(everything["items"]) == 2
    rest = _audit(cclient, h, actor="officer1", limit=2, offset=2)["items"]
    assert {e["id"] for e in everything["items"]}.isdisjoint(e["id"] for e in rest)
    assert _audit(cclient, h, actor="nobody")["total"] == 0
    assert _audit(cclient, h, since="2100-01-01T00:00:00+07:00")["total"] == 0
    assert _audit(cclient, h, until="2000-01-01T00:00:00+07:00")["total"] == 0
    r = cclient.get("/api/v1/audit", params={"kind": "spaceship"}, headers=h)
    assert r.status_code == 422
    r = cclient.get("/api/v1/audit", params={"since": "yesterday"}, headers=h)
    assert r.status_code == 422


def test_audit_records_warning_levels_and_alerts(
    cclient: TestClient, store: Store, officer: dict[str, str]
) -> None:
    store.add_station(
        StationCreate(
            id="wl1",
            name_th="ท่าน้ำ",
            name_en="Pier",
            kind="water_level",
            lon=100.59,
            lat=13.59,
            quantities=[SeriesSpec(quantity="water_level", datum="MSL")],
        )
    )
    r = cclient.put(
        "/api/v1/stations/wl1/warning-levels", json={"watch": 1.0, "warning": 1.5}, headers=officer
    )
    assert r.status_code == 200, r.text
    r = cclient.put("/api/v1/stations/wl1/warning-levels", json={"danger": 2.0}, headers=officer)
    assert r.status_code == 200
    bad = cclient.put("/api/v1/stations/wl1/warning-levels", json={"danger": 0.5}, headers=officer)
    assert bad.status_code == 422
    levels = _audit(cclient, officer, kind="warning_levels")["items"]
    assert [(e["object_id"], e["actor"], e["action"]) for e in levels] == [
        ("wl1", "officer1", "set"),
        ("wl1", "officer1", "set"),
    ]
    assert levels[0]["details"] == {
        "before": {"watch": 1.0, "warning": 1.5},
        "after": {"watch": 1.0, "warning": 1.5, "danger": 2.0},
    }

    alert = {
        "topic": "flood",
        "severity": "moderate",
        "headline_th": "ทดสอบ",
        "headline_en": "Test",
        "description_th": "ทดสอบระบบ",
        "description_en": "System test",
        "districts": ["1101"],
        "status": "Exercise",
        "urgency": "Expected",
        "certainty": "Likely",
    }
    r = cclient.post("/api/v1/alerts", json=alert, headers=officer)
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    r = cclient.post(f"/api/v1/alerts/{aid}/update", json={"severity": "severe"}, headers=officer)
    assert r.status_code == 201, r.text
    update_id = r.json()["id"]
    r = cclient.post(f"/api/v1/alerts/{aid}/cancel", json={}, headers=officer)
    assert r.status_code == 201, r.text
    cancel_id = r.json()["id"]
    entries = _audit(cclient, officer, kind="alert")["items"]
    assert [(e["action"], e["object_id"], e["actor"]) for e in entries] == [
        ("cancel", str(cancel_id), "officer1"),
        ("update", str(update_id), "officer1"),
        ("alert", str(aid), "officer1"),
    ]
    assert entries[1]["details"]["severity"] == "severe"
    assert entries[1]["details"]["status"] == "Exercise"
    assert entries[0]["details"]["thread_id"] == aid
