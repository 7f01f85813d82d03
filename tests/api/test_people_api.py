"""The /api/v1/people router: imports, statements (device key or officer), indicators."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from paknam.api.app import create_app
from paknam.core import stations
from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.people import routes as people
from tests.api.conftest import login
from tests.people.fixtures import seed, statement, uid

IN_TERM = "2025-06-02T09:15:00+07:00"


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    app = create_app(store)
    if not any(getattr(r, "path", "").startswith("/api/v1/people") for r in app.routes):
        app.include_router(people.router)
    with TestClient(app) as c:
        yield c


def _xlsx(header: list[str], *lines: list[object]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(header)
    for line in lines:
        ws.append(line)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_people_api_import_excel_and_rows(api: TestClient, store: Store) -> None:
    officer = login(api, store, "officer")
    data = _xlsx(
        ["ID", "Name TH", "Name EN", "District Code"],
        [1011100001, "โรงเรียนหนึ่ง", "School One", "1101"],
        ["S2", "โรงเรียนสอง", "School Two", "7777"],
    )
    files = {"file": ("schools.xlsx", data, "application/octet-stream")}
    assert api.post("/api/v1/people/import/schools", files=files).status_code == 401
    r = api.post("/api/v1/people/import/schools", files=files, headers=officer)
    assert r.status_code == 422
    assert r.json()["error"]["items"] == [
        {
            "index": 3,
            "reason": "unknown district_code '7777'; known: 1101, 1102, 1103, 1104, 1105, 1106",
            "field": "district_code",
        }
    ]
    r = api.post(
        "/api/v1/people/import/schools", files=files, data={"skip_invalid": "true"}, headers=officer
    )
    assert r.status_code == 200 and (r.json()["stored"], r.json()["rejected"]) == (1, 1)
    r = api.post(
        "/api/v1/people/rows/enrolments",
        json={"rows": [{"school_id": "1011100001", "term": "2568-1", "students": 640}]},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["stored"] == 1
    schools = api.get("/api/v1/people/schools", params={"term": "2568-1"}).json()["schools"]
    assert schools[0]["school"] == "1011100001" and schools[0]["enrolment"] == 640
    page = api.get("/api/v1/people/schools", params={"term": "2568-1", "offset": 1}).json()
    assert page["schools"] == schools[1:] and (page["limit"], page["offset"]) == (100, 1)
    assert (
        api.post("/api/v1/people/rows/pupils", json={"rows": []}, headers=officer).status_code
        == 422
    )
    cols = api.get("/api/v1/people/import-columns").json()
    assert {"column": "completed_on", "required": True} in cols["completions"]


def test_people_api_statements_with_device_key(api: TestClient, store: Store) -> None:
    seed(store)
    with store.write() as conn:
        stations.add_station(
            conn,
            StationCreate(
                id="pbl-A", name_th="เกตเวย์ A", name_en="Gateway A", lon=100.72, lat=13.609
            ),
        )
    _, key, _ = store.create_device_key(["pbl-A"])
    device = {"Authorization": f"Bearer {key}"}
    one = statement(uid(1), "st-1", "A-1", IN_TERM)
    assert api.post("/api/v1/people/statements", json=[one]).status_code == 401
    r = api.post("/api/v1/people/statements", json={"statements": [one]}, headers=device)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "received": 1,
        "stored": 1,
        "unchanged": 0,
        "duplicates": 0,
        "ids": [uid(1)],
    }
    again = api.post("/api/v1/people/statements", json=one, headers=device).json()
    assert again["unchanged"] == 1
    other_school = statement(uid(2), "st-2", "B-1", IN_TERM)
    assert (
        api.post("/api/v1/people/statements", json=[other_school], headers=device).status_code
        == 403
    )
    officer = login(api, store, "officer")
    broken = statement(uid(3), "st-3", "A-1", "yesterday")
    r = api.post("/api/v1/people/statements", json=[other_school, broken], headers=officer)
    assert r.status_code == 422
    assert r.json()["error"]["items"][0]["index"] == 1
    assert r.json()["error"]["items"][0]["field"] == "timestamp"
    r = api.post("/api/v1/people/statements", json=[other_school], headers=officer)
    assert r.status_code == 200 and r.json()["stored"] == 1
    assert api.post("/api/v1/people/statements", content=b"{", headers=officer).status_code == 422


def test_people_api_indicators_terms_and_school(api: TestClient, store: Store) -> None:
    seed(store)
    officer = login(api, store, "officer")
    api.post(
        "/api/v1/people/statements",
        json=[statement(uid(1), "st-1", "A-1", IN_TERM)],
        headers=officer,
    )
    records = api.get("/api/v1/people/indicators", params={"term": "2568-1"}).json()
    assert [r["id"] for r in records] == [
        "people_teachers_trained",
        "people_schools_covered",
        "people_students_pbl_devices",
    ]
    assert records[2]["value"] == pytest.approx(1 / 30)
    assert api.get("/api/v1/people/indicators", params={"term": "2590-1"}).status_code == 404
    school = api.get("/api/v1/people/schools/A", params={"term": "2568-1"}).json()
    assert school["students_active"] == 1 and school["share"] == pytest.approx(0.1)
    assert (
        api.put(
            "/api/v1/people/terms/2568-1", json={"start": "2025-05-19", "end": "2025-10-03"}
        ).status_code
        == 401
    )
    r = api.put(
        "/api/v1/people/terms/2568-1",
        json={"start": "2025-05-19", "end": "2025-10-03"},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["start"] == "2025-05-19"
    terms = {t["id"]: t for t in api.get("/api/v1/people/terms").json()}
    assert terms["2568-1"]["end"] == "2025-10-03"
    assert "http://adlnet.gov/expapi/verbs/completed" in api.get("/api/v1/people/verbs").json()
