from __future__ import annotations

import struct
import zlib

from fastapi.testclient import TestClient

from paknam.core.models import StationCreate
from paknam.core.store import Store
from tests.api.conftest import login


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _seed(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="18t",
            name_th="ศาลากลาง",
            name_en="City Hall",
            kind="air",
            lon=100.597345,
            lat=13.599149,
            quantities=["pm25_24h"],
        )
    )
    store.ingest_items(
        [
            {
                "station": "18t",
                "quantity": "pm25_24h",
                "time": "2026-01-01T00:00:00+07:00",
                "value": 50.8,
            },
            {
                "station": "18t",
                "quantity": "pm25_24h",
                "time": "2026-01-01T01:00:00+07:00",
                "value": 160.0,
            },
        ]
    )


def test_environment_api_aqi_latest_and_history(client: TestClient, store: Store) -> None:
    _seed(store)
    (row,) = client.get("/api/v1/environment/aqi").json()
    assert (row["station"], row["aqi"], row["level"]) == ("18t", 286, 5)  # 201 + ⌊160 − 75⌋
    r = client.get(
        "/api/v1/stations/18t/aqi",
        params={"start": "2026-01-01T00:00:00+07:00", "end": "2026-01-01T02:00:00+07:00"},
    )
    assert r.status_code == 200
    assert [p["aqi"] for p in r.json()["points"]] == [136, 286]
    r = client.get("/api/v1/stations/18t/aqi", params={"start": "yesterday"})
    assert r.status_code == 422


def test_environment_api_checks_need_officer_and_raise(client: TestClient, store: Store) -> None:
    _seed(store)
    assert client.post("/api/v1/environment/checks").status_code == 401
    officer = login(client, store, "officer")
    r = client.post("/api/v1/environment/checks", headers=officer)
    assert r.status_code == 200 and len(r.json()["raised"]) == 1
    (w,) = client.get("/api/v1/warnings", params={"domain": "environment"}).json()
    assert w["kind"] == "aqi" and w["severity"] == "severe"
    assert w["observed_at"] == "2026-01-01T01:00:00+07:00"


def test_environment_api_citizen_report_with_photo(client: TestClient, store: Store) -> None:
    _seed(store)
    form = {
        "topic": "smoke",
        "description": "ควันดำจากปล่องโรงงาน / black smoke from a chimney",
        "lon": "100.60",
        "lat": "13.60",
        "observed_at": "2026-01-01T08:00:00+07:00",
    }
    r = client.post(
        "/api/v1/environment/reports", data=form, files={"photo": ("a.png", tiny_png())}
    )
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["district_code"] == "1101" and report["topic_th"] == "ควัน"
    photo = client.get(report["photo_url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    near = client.get("/api/v1/stations/18t/reports", params={"radius_km": 2}).json()
    assert [x["id"] for x in near] == [report["id"]]
    far = client.get(
        "/api/v1/environment/reports", params={"lon": 100.9, "lat": 13.5, "radius_km": 1}
    ).json()
    assert far == []


def test_environment_api_citizen_report_bad_input(client: TestClient, store: Store) -> None:
    base = {
        "topic": "smoke",
        "description": "smoke",
        "lon": "100.60",
        "lat": "13.60",
        "observed_at": "2026-01-01T08:00:00+07:00",
    }
    cases = [
        ({"topic": "ufo"}, None, "unknown topic 'ufo'"),
        ({"lon": "99.0"}, None, "outside Samut Prakan"),
        ({"observed_at": "2026-01-01 08:00"}, None, "no UTC offset"),
        ({}, ("a.png", b"GIF89a not allowed"), "not a JPEG, PNG or WebP"),
    ]
    for change, photo, reason in cases:
        files = {"photo": photo} if photo else None
        r = client.post("/api/v1/environment/reports", data={**base, **change}, files=files)
        assert r.status_code == 422, (change, r.text)
        assert reason in r.json()["error"]["message"]
    assert client.get("/api/v1/environment/reports").json() == []


def test_environment_api_ngsi_ld_air_quality_observed(client: TestClient, store: Store) -> None:
    _seed(store)
    r = client.get(
        "/api/v1/environment/ngsi-ld",
        params={
            "station": "18t",
            "start": "2026-01-01T00:00:00+07:00",
            "end": "2026-01-01T02:00:00+07:00",
        },
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    first, second = r.json()
    assert first["type"] == "AirQualityObserved"
    assert first["id"] == "urn:ngsi-ld:AirQualityObserved:paknam:18t:2026-01-01T00:00:00+07:00"
    assert first["location"]["value"]["coordinates"] == [100.597345, 13.599149]
    assert first["pm25"] == {
        "type": "Property",
        "value": 50.8,
        "unitCode": "GQ",
        "averagingPeriod": {"type": "Property", "value": "PT24H"},
    }
    assert first["airQualityIndex"]["value"] == 136
    assert second["airQualityLevel"]["value"] == "affects_health"
    assert "@context" in first


def test_environment_api_ngsi_ld_water_quality_measurand(client: TestClient, store: Store) -> None:
    store.add_station(
        StationCreate(
            id="k1",
            name_th="คลอง",
            name_en="Canal",
            kind="water_quality",
            lon=100.6,
            lat=13.6,
            quantities=["do", "bod", "tcb"],
        )
    )
    t = "2025-07-01T00:00:00+07:00"
    store.ingest_items(
        [
            {"station": "k1", "quantity": "do", "time": t, "value": 1.5},
            {"station": "k1", "quantity": "bod", "time": t, "value": 12.0},
            {"station": "k1", "quantity": "tcb", "time": t, "value": 93000.0},
        ]
    )
    (e,) = client.get(
        "/api/v1/environment/ngsi-ld",
        params={
            "station": "k1",
            "start": "2025-06-01T00:00:00+07:00",
            "end": "2025-08-01T00:00:00+07:00",
        },
    ).json()
    assert e["type"] == "WaterQualityObserved"
    assert e["O2"]["value"] == 1.5 and e["O2"]["unitCode"] == "M1"
    assert e["bod"]["value"] == 12.0
    assert e["measurand"]["value"] == ["TCB, 93000, MPN/100mL, Total coliform bacteria"]


def test_environment_api_indicators(client: TestClient, store: Store) -> None:
    _seed(store)
    ind, wqi = client.get("/api/v1/environment/indicators", params={"year": 2026}).json()
    assert wqi["id"] == "env_wqi" and wqi["status"] == "no_data"
    assert ind["id"] == "env_good_air_time" and ind["baseline_period"] == "2025"
    assert ind["value"] == 0.0  # both hours are level 4 and 5
    assert ind["status"] == "insufficient_data"
    assert client.get("/api/v1/environment/indicators").status_code == 422


def test_environment_api_wqi(client: TestClient, store: Store) -> None:
    store.add_station(
        StationCreate(
            id="k1",
            name_th="คลอง",
            name_en="Canal",
            kind="water_quality",
            lon=100.6,
            lat=13.6,
            quantities=["do", "bod", "nh3n"],
        )
    )
    t = "2025-07-01T00:00:00+07:00"
    store.ingest_items(
        [
            {"station": "k1", "quantity": q, "time": t, "value": v}
            for q, v in (("do", 1.5), ("bod", 12.0), ("nh3n", 4.0))
        ]
    )
    (latest,) = client.get("/api/v1/environment/wqi").json()
    assert latest["band"] == "very_poor" and latest["complete"] is False
    body = client.get("/api/v1/stations/k1/wqi").json()
    assert body["yearly"]["2025"]["wqi"] == latest["wqi"]
    inds = {
        i["id"]: i
        for i in client.get("/api/v1/environment/indicators", params={"year": 2025}).json()
    }
    assert inds["env_wqi"]["status"] == "insufficient_data"  # no 2024 samples
