from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from paknam.core.store import Store
from tests.api.conftest import login
from tests.conftest import add_air_station, obs


def _seed(store: Store) -> None:
    add_air_station(store)
    store.ingest_items(
        [obs("18t", "pm25", f"2025-01-01T{h:02d}:30:00+07:00", float(h)) for h in range(24)]
        + [obs("18t", "pm25", "2025-01-02T00:30:00+07:00", 100.0)]
    )


def test_stations_geojson_lon_lat_and_latest(client: TestClient, store: Store) -> None:
    _seed(store)
    r = client.get("/api/v1/stations")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    (f,) = fc["features"]
    assert f["geometry"] == {"type": "Point", "coordinates": [100.597345, 13.599149]}
    props = f["properties"]
    assert props["district_code"] == "1101"
    assert props["latest"]["pm25"] == {
        "time": "2025-01-02T00:30:00+07:00",
        "value": 100.0,
        "stale": True,  # older than the 3 h validity of hourly telemetry
        "stale_since": "2025-01-02T03:30:00+07:00",
    }
    assert client.get("/api/v1/stations", params={"kind": "water_level"}).json()["features"] == []


def test_stations_series_day_bucket_points(client: TestClient, store: Store) -> None:
    _seed(store)
    r = client.get(
        "/api/v1/stations/18t/series",
        params={
            "quantity": "pm25",
            "start": "2025-01-01T00:00:00+07:00",
            "end": "2025-01-03T00:00:00+07:00",
            "bucket": "day",
            "agg": "mean",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"] == "µg/m³"
    assert body["points"] == [
        {"time": "2025-01-01T00:00:00+07:00", "value": 11.5, "count": 24},
        {"time": "2025-01-02T00:00:00+07:00", "value": 100.0, "count": 1},
    ]


def test_stations_series_csv_download(client: TestClient, store: Store) -> None:
    _seed(store)
    r = client.get(
        "/api/v1/stations/18t/series",
        params={
            "quantity": "pm25",
            "start": "2025-01-01T00:00:00+07:00",
            "end": "2025-01-01T03:00:00+07:00",
            "format": "csv",
        },
    )
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        ["time", "pm25_µg/m³", "count"],
        ["2025-01-01T00:30:00+07:00", "0.0", "1"],
        ["2025-01-01T01:30:00+07:00", "1.0", "1"],
        ["2025-01-01T02:30:00+07:00", "2.0", "1"],
    ]


def test_stations_series_bad_params_4xx_json(client: TestClient, store: Store) -> None:
    _seed(store)
    base = "/api/v1/stations/18t/series"
    r = client.get(base, params={"quantity": "pm25", "start": "2025-01-01"})
    assert r.status_code == 422 and "no UTC offset" in r.json()["error"]["message"]
    r = client.get(base, params={"quantity": "pm25", "bucket": "week"})
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"].endswith("bucket")
    r = client.get(base, params={"quantity": "o3"})
    assert r.status_code == 404 and "does not measure 'o3'" in r.json()["error"]["message"]
    r = client.get(
        base,
        params={
            "quantity": "pm25",
            "start": "2025-01-02T00:00:00Z",
            "end": "2025-01-01T00:00:00Z",
        },
    )
    assert r.status_code == 422 and "end must be after start" in r.json()["error"]["message"]
    assert client.get("/api/v1/stations/nope").status_code == 404


def test_stations_create_needs_officer(client: TestClient, store: Store) -> None:
    new = {
        "id": "wq1",
        "name_th": "คลองสำโรง",
        "name_en": "Khlong Samrong",
        "kind": "water_quality",
        "lon": 100.65,
        "lat": 13.60,
        "quantities": ["do", "bod"],
    }
    assert client.post("/api/v1/stations", json=new).status_code == 401
    viewer = login(client, store, "viewer")
    assert client.post("/api/v1/stations", json=new, headers=viewer).status_code == 403
    officer = login(client, store, "officer")
    r = client.post("/api/v1/stations", json=new, headers=officer)
    assert r.status_code == 201, r.text
    assert r.json()["district_code"] is not None
    r = client.post("/api/v1/stations", json=new, headers=officer)
    assert r.status_code == 409
    bad = {**new, "id": "wq2", "kind": "volcano", "lat": 95}
    r = client.post("/api/v1/stations", json=bad, headers=officer)
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["error"]["fields"]}
    assert fields == {"kind", "lat"}
    # officers may not mint device keys; admins may
    assert client.post("/api/v1/stations/wq1/keys", headers=officer).status_code == 403
    admin = login(client, store, "admin")
    r = client.post("/api/v1/stations/wq1/keys", headers=admin)
    assert r.status_code == 201 and r.json()["key"].startswith("pkd_")
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['key']}"})
    assert me.json()["stations"] == ["wq1"]


def test_reference_endpoints(client: TestClient) -> None:
    qs = {q["code"]: q for q in client.get("/api/v1/quantities").json()}
    assert qs["do"]["unit"] == "mg/L" and qs["ph"]["maximum"] == 14
    d = client.get("/api/v1/districts").json()
    assert {f["properties"]["name_th"] for f in d["features"]} == {
        "เมืองสมุทรปราการ",
        "บางบ่อ",
        "บางพลี",
        "พระประแดง",
        "พระสมุทรเจดีย์",
        "บางเสาธง",
    }
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert client.get("/openapi.json").json()["paths"]["/api/v1/observations"]["post"]
    assert client.get("/docs").status_code == 200


def test_home_page_names_six_districts_in_thai(client: TestClient, store: Store) -> None:
    _seed(store)
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for name in ("เมืองสมุทรปราการ", "บางบ่อ", "บางพลี", "พระประแดง", "พระสมุทรเจดีย์", "บางเสาธง"):
        assert name in r.text
    assert "สถานีทั้งหมด 1 แห่ง" in r.text


def test_latest_value_is_fresh_within_its_window(client: TestClient, store: Store) -> None:
    from paknam.core.timeutil import now_s, to_local_iso

    add_air_station(store)
    t = (now_s() // 3600 - 1) * 3600
    store.ingest_items([{"station": "18t", "quantity": "pm25", "time": to_local_iso(t),
                         "value": 20.0}])  # fmt: skip
    latest = client.get("/api/v1/stations/18t").json()["properties"]["latest"]["pm25"]
    assert latest["stale"] is False and latest["stale_since"] is None
    quantities = {q["code"]: q for q in client.get("/api/v1/quantities").json()}
    assert quantities["pm25"]["fresh_s"] == 3 * 3600 and quantities["bod"]["fresh_s"] == 2 * 86400
