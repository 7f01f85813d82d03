"""Open311 GeoReport v2 endpoints: field names, JSON and XML, errors, submitting."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from paknam.complaints import service
from paknam.complaints.catalogue import SERVICES
from paknam.core.store import Store
from tests.api.complaints_app import complaints_client, new_api_key
from tests.complaints.helpers import CITY_HALL, PNG

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def cclient(store: Store) -> Iterator[TestClient]:
    yield from complaints_client(store)


@pytest.fixture
def api_key(store: Store) -> str:
    return new_api_key(store)


def _form(key: str, **kw: str) -> dict[str, str]:
    data = {
        "api_key": key,
        "service_code": "lighting",
        "lat": str(CITY_HALL[0]),
        "long": str(CITY_HALL[1]),
        "description": "ไฟถนนดับทั้งซอย มืดมาก",
        "address_string": "ซอยสุขุมวิท 115",
    }
    data.update(kw)
    return data


def test_services_json_and_xml(cclient: TestClient) -> None:
    r = cclient.get("/open311/v2/services.json")
    assert r.status_code == 200
    services = r.json()
    assert [s["service_code"] for s in services] == [s.code for s in SERVICES]
    assert set(services[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert services[0]["service_name"] == "ถนน / Road surface"
    r = cclient.get("/open311/v2/services.xml")
    assert r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "services" and len(root.findall("service")) == len(SERVICES)
    assert root.find("service/service_code").text == "road"


def test_service_definition(cclient: TestClient) -> None:
    d = cclient.get("/open311/v2/services/flooding.json").json()
    assert d["service_code"] == "flooding"
    attr = d["attributes"][0]
    assert attr["code"] == "urgent" and attr["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attr["values"]] == ["yes", "no"]
    root = ET.fromstring(cclient.get("/open311/v2/services/flooding.xml").content)
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "yes"
    r = cclient.get("/open311/v2/services/potholes.json")
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "service code 'potholes' does not exist"}]


def test_post_then_get_in_spec_fields(cclient: TestClient, api_key: str) -> None:
    r = cclient.post(
        "/open311/v2/requests.json", data=_form(api_key, **{"attribute[urgent]": "yes"})
    )
    assert r.status_code == 201, r.text
    [answer] = r.json()
    rid, token = answer["service_request_id"], answer["token"]
    got = cclient.get(f"/open311/v2/requests/{rid}.json").json()
    assert len(got) == 1 and set(got[0]) == REQUEST_FIELDS
    req = got[0]
    assert req["status"] == "open" and req["service_code"] == "lighting"
    assert req["service_name"] == "แสงสว่าง / Street lighting"
    assert "(sample)" in req["agency_responsible"]
    assert req["lat"] == CITY_HALL[0] and req["long"] == CITY_HALL[1]
    assert req["address"] == "ซอยสุขุมวิท 115"
    assert req["requested_datetime"].endswith("+07:00")
    assert cclient.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": rid, "token": token}
    ]
    root = ET.fromstring(cclient.get(f"/open311/v2/requests/{rid}.xml").content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == rid
    assert root.find("request/long").text == str(CITY_HALL[1])


def test_post_with_photo_gives_media_url(cclient: TestClient, api_key: str) -> None:
    r = cclient.post(
        "/open311/v2/requests.json",
        data=_form(api_key),
        files={"media": ("p.png", PNG, "image/png")},
    )
    assert r.status_code == 201, r.text
    rid = r.json()[0]["service_request_id"]
    req = cclient.get(f"/open311/v2/requests/{rid}.json").json()[0]
    path = req["media_url"].split("://", 1)[1].split("/", 1)[1]
    photo = cclient.get("/" + path)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.tobytes() == Image.open(io.BytesIO(PNG)).tobytes()


def test_post_errors_store_nothing(cclient: TestClient, store: Store, api_key: str) -> None:
    cases = [
        ({"api_key": ""}, 401, "api_key is required"),
        ({"api_key": "pko_wrong"}, 401, "unknown or revoked"),
        ({"service_code": "potholes"}, 422, "unknown service code"),
        ({"lat": ""}, 422, "lat and long are required"),
        ({"lat": "abc"}, 422, "is not a number"),
        ({"lat": "13.7649", "long": "100.5383"}, 422, "outside Samut Prakan"),
        ({"attribute[urgent]": "maybe"}, 422, "must be one of"),
    ]
    for change, status, words in cases:
        r = cclient.post("/open311/v2/requests.json", data=_form(api_key, **change))
        assert r.status_code == status, (change, r.text)
        [err] = r.json()
        assert err["code"] == status and words in err["description"], err
    r = cclient.post(
        "/open311/v2/requests.json",
        data=_form(api_key),
        files={"media": ("p.gif", b"GIF89a....", "image/png")},
    )
    assert r.status_code == 422 and "not a JPEG, PNG or WebP" in r.json()[0]["description"]
    r = cclient.post("/open311/v2/requests.xml", data=_form(api_key, service_code="x"))
    assert r.status_code == 422
    assert ET.fromstring(r.content).find("error/code").text == "422"
    assert service.inbox(store)["total"] == 0


def test_duplicates_and_idempotency_key(cclient: TestClient, store: Store, api_key: str) -> None:
    first = cclient.post(
        "/open311/v2/requests.json", data=_form(api_key), headers={"Idempotency-Key": "k1"}
    )
    assert first.status_code == 201
    rid = first.json()[0]["service_request_id"]
    again = cclient.post(
        "/open311/v2/requests.json", data=_form(api_key), headers={"Idempotency-Key": "k1"}
    )
    assert again.status_code == 409
    assert f"service request {rid}" in again.json()[0]["description"]
    same_text = cclient.post("/open311/v2/requests.json", data=_form(api_key))
    assert same_text.status_code == 409 and "duplicate submission" in same_text.text
    assert service.inbox(store)["total"] == 1


def test_get_requests_filters(cclient: TestClient, store: Store, api_key: str) -> None:
    ids = []
    for code, text in (("road", "ถนนพัง"), ("lighting", "ไฟดับ"), ("road", "หลุมใหญ่")):
        r = cclient.post(
            "/open311/v2/requests.json", data=_form(api_key, service_code=code, description=text)
        )
        ids.append(int(r.json()[0]["service_request_id"]))
    service.change_status(store, ids[0], "resolved", "o", note="ซ่อมแล้ว")
    everything = cclient.get("/open311/v2/requests.json").json()
    assert sorted(int(x["service_request_id"]) for x in everything) == sorted(ids)
    roads = cclient.get("/open311/v2/requests.json", params={"service_code": "road"}).json()
    assert len(roads) == 2
    closed = cclient.get("/open311/v2/requests.json", params={"status": "closed"}).json()
    assert [int(x["service_request_id"]) for x in closed] == [ids[0]]
    assert closed[0]["status_notes"] == "ซ่อมแล้ว"
    by_id = cclient.get(
        "/open311/v2/requests.json",
        params={"service_request_id": f"{ids[1]},{ids[2]}", "status": "closed"},
    )
    assert len(by_id.json()) == 2  # the spec: other parameters ignored
    past = cclient.get(
        "/open311/v2/requests.json",
        params={"start_date": "2020-01-01T00:00:00+07:00", "end_date": "2020-02-01T00:00:00+07:00"},
    )
    assert past.json() == []
    for params, words in (
        (
            {"start_date": "2020-01-01T00:00:00+07:00", "end_date": "2020-12-01T00:00:00+07:00"},
            "at most 90 days",
        ),
        ({"start_date": "yesterday"}, "not ISO 8601"),
        ({"status": "pending"}, "open and/or closed"),
        ({"service_request_id": "1;DROP"}, "comma-separated"),
    ):
        r = cclient.get("/open311/v2/requests.json", params=params)
        assert r.status_code == 422 and words in r.json()[0]["description"], r.text
    assert cclient.get("/open311/v2/requests/999.json").status_code == 404
    assert cclient.get("/open311/v2/requests/abc.json").status_code == 404
    # non-ASCII digits ('¹'.isdigit() is True) are not ids: found by schema fuzzing
    assert cclient.get("/open311/v2/requests/%C2%B9.json").status_code == 404
    r = cclient.get("/open311/v2/requests.json", params={"service_request_id": "¹"})
    assert r.status_code == 422
    assert cclient.get("/open311/v2/tokens/pkc_nothing.json").status_code == 404
