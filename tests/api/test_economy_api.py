"""The /api/v1/economy router: public GeoJSON search, officer writes, figures, indicators."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from paknam.api.app import create_app
from paknam.core.store import Store
from paknam.economy import routes as economy
from paknam.economy.demo import load_demo_economy
from tests.api.conftest import login
from tests.api.test_environment_api import tiny_png


@pytest.fixture
def econ(store: Store) -> Iterator[TestClient]:
    app = create_app(store)
    if not any(getattr(r, "path", "").startswith("/api/v1/economy") for r in app.routes):
        app.include_router(economy.router)
    with TestClient(app) as c:
        yield c


def test_economy_api_places_geojson_search_and_filters(econ: TestClient, store: Store) -> None:
    load_demo_economy(store)
    r = econ.get("/api/v1/economy/places")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    doc = r.json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 11
    assert (doc["limit"], doc["offset"]) == (100, 0)  # core.http.pagination defaults
    ids = [f["id"] for f in doc["features"]]
    page = econ.get("/api/v1/economy/places", params={"limit": 4, "offset": 8}).json()
    assert [f["id"] for f in page["features"]] == ids[8:]
    assert econ.get("/api/v1/economy/places", params={"limit": 1001}).status_code == 422
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert 100.4 < lon < 101 and 13.4 < lat < 13.8  # GeoJSON order: lon, lat
    hits = econ.get("/api/v1/economy/places", params={"q": "พระสมุทรเจดีย์"}).json()
    assert hits["features"][0]["id"] == "phra-samut-chedi"
    market = econ.get(
        "/api/v1/economy/places",
        params={"open_now": "true", "at": "2026-11-28T09:00:00+07:00", "category": "way_of_life"},
    ).json()
    assert [f["id"] for f in market["features"]] == ["bang-nam-phueng-market"]
    closed = econ.get(
        "/api/v1/economy/places",
        params={"open_now": "true", "at": "2026-11-27T09:00:00+07:00", "category": "way_of_life"},
    ).json()
    assert closed["features"] == []
    one = econ.get("/api/v1/economy/places/erawan-museum").json()
    assert one["properties"]["sample"] is True and one["properties"]["district_en"]
    assert econ.get("/api/v1/economy/places/nowhere").status_code == 404
    cats = econ.get("/api/v1/economy/categories").json()
    assert {"kind": "product", "category": "herbal"} in [
        {"kind": c["kind"], "category": c["category"]} for c in cats
    ]


def test_economy_api_writes_need_an_officer(econ: TestClient, store: Store) -> None:
    body = {
        "id": "wat-bang-phli-yai-nai",
        "kind": "attraction",
        "category": "culture",
        "name_th": "วัดบางพลีใหญ่ใน",
        "name_en": "Wat Bang Phli Yai Nai",
        "lon": 100.7230,
        "lat": 13.6090,
        "opening_hours": {"mon": [["08:00", "17:00"]]},
        "photo_urls": ["https://example.org/wat.jpg"],
    }
    assert econ.post("/api/v1/economy/places", json=body).status_code == 401
    officer = login(econ, store, "officer")
    r = econ.post("/api/v1/economy/places", json=body, headers=officer)
    assert r.status_code == 201, r.text
    assert r.json()["properties"]["district_code"] == "1103"
    assert r.json()["properties"]["sample"] is False
    bad = econ.post(
        "/api/v1/economy/places", json={**body, "id": "x", "lat": 13.75}, headers=officer
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "lon"
    r = econ.patch(
        "/api/v1/economy/places/wat-bang-phli-yai-nai",
        json={"category": "history"},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["properties"]["category_en"] == "History"
    up = econ.post(
        "/api/v1/economy/places/wat-bang-phli-yai-nai/photos",
        files={"photo": ("wat.gif", tiny_png(), "image/gif")},
        headers=officer,
    )
    assert up.status_code == 201 and up.json()["type"] == "image/png"  # by content
    photo = econ.get(up.json()["url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(photo.content)).size == (1, 1)  # re-encoded, same pixels
    fake = econ.post(
        "/api/v1/economy/places/wat-bang-phli-yai-nai/photos",
        files={"photo": ("x.jpg", b"<html>", "image/jpeg")},
        headers=officer,
    )
    assert fake.status_code == 422
    assert econ.delete("/api/v1/economy/places/wat-bang-phli-yai-nai").status_code == 401
    assert (
        econ.delete("/api/v1/economy/places/wat-bang-phli-yai-nai", headers=officer).status_code
        == 204
    )


def test_economy_api_import_growth_and_indicators(econ: TestClient, store: Store) -> None:
    officer = login(econ, store, "officer")
    rows = ["month,visitors,revenue_thb"]
    rows += [f"2023-{m:02d},{1000},{1e6}" for m in range(1, 13)]
    rows += [f"2024-{m:02d},{1100},{1.05e6}" for m in range(1, 13)]
    csv_bytes = ("\n".join(rows) + "\n").encode()
    r = econ.post(
        "/api/v1/economy/visits/import",
        files={"file": ("returns.csv", csv_bytes, "text/csv")},
        data={"scope": "province", "source": "test"},
    )
    assert r.status_code == 401
    r = econ.post(
        "/api/v1/economy/visits/import",
        files={"file": ("returns.csv", csv_bytes, "text/csv")},
        data={"scope": "province", "source": "test"},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["stored"] == 24
    bad = econ.post(
        "/api/v1/economy/visits/import",
        files={"file": ("bad.csv", b"month,visitors\n2024-01,lots\n", "text/csv")},
        data={"scope": "province"},
        headers=officer,
    )
    assert bad.status_code == 422
    (item,) = bad.json()["error"]["items"]
    assert item == {"index": 2, "reason": "visitors 'lots' is not a number"}
    growth = econ.get("/api/v1/economy/growth", params={"month": "2024-06"}).json()
    assert growth["figures"]["visitors"]["year_to_date"]["growth"] == pytest.approx(0.1)
    assert econ.get("/api/v1/economy/growth", params={"month": "June"}).status_code == 422
    tourists, revenue = econ.get("/api/v1/economy/indicators").json()
    assert (tourists["value"], tourists["period"]) == (13200, "2024")
    assert tourists["status"] == "on_track"  # +10 % against a +5 % target
    assert revenue["status"] == "off_track"  # +5 % against a +10 % target
    months = econ.get("/api/v1/economy/visits").json()["months"]
    assert len(months) == 24 and months[0]["source"] == "test"
