from __future__ import annotations

from fastapi.testclient import TestClient

from paknam.core.store import Store
from tests.conftest import obs

URL = "/api/v1/observations"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_observations_post_stores_and_resend_is_unchanged(
    client: TestClient, store: Store, device_key: str
) -> None:
    body = {"observations": [obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 12.3)]}
    r = client.post(URL, json=body, headers=bearer(device_key))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "stored": 1, "unchanged": 0, "duplicates": 0, "rejected": 0}
    r = client.post(URL, json=body, headers=bearer(device_key))
    assert r.json()["unchanged"] == 1
    assert store.count_observations() == 1


def test_observations_post_without_token_401(client: TestClient, device_key: str) -> None:
    r = client.post(URL, json={"observations": []})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    r = client.post(URL, json={"observations": []}, headers=bearer("pkd_not-a-real-key"))
    assert r.status_code == 401
    assert "unknown or revoked" in r.json()["error"]["message"]


def test_observations_post_other_station_403(
    client: TestClient, store: Store, device_key: str
) -> None:
    body = {"observations": [obs("16t", "pm25", "2025-01-01T07:00:00+07:00", 1.0)]}
    r = client.post(URL, json=body, headers=bearer(device_key))
    assert r.status_code == 403
    assert "'16t'" in r.json()["error"]["message"]
    assert store.count_observations() == 0


def test_observations_post_bad_items_422_listed_nothing_stored(
    client: TestClient, store: Store, device_key: str
) -> None:
    body = {
        "observations": [
            obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 12.3),
            obs("18t", "pm25", "2025-01-01T08:00:00", 12.3),
            obs("18t", "ph", "2025-01-01T08:00:00+07:00", 7),
            obs("18t", "pm10", "2025-01-01T08:00:00+07:00", 99999),
        ]
    }
    r = client.post(URL, json=body, headers=bearer(device_key))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "batch_rejected"
    assert [i["index"] for i in err["items"]] == [1, 2, 3]
    assert "no UTC offset" in err["items"][0]["reason"]
    assert err["items"][1]["reason"] == "station '18t' has no 'ph' series"
    assert "above 2000" in err["items"][2]["reason"]
    assert store.count_observations() == 0


def test_observations_post_malformed_bodies_422(client: TestClient, device_key: str) -> None:
    h = {**bearer(device_key), "Content-Type": "application/json"}
    r = client.post(URL, content=b"{not json", headers=h)
    assert r.status_code == 422 and "not valid JSON" in r.json()["error"]["message"]
    r = client.post(URL, json={"obs": []}, headers=h)
    assert r.status_code == 422 and "observations" in r.json()["error"]["message"]
    r = client.post(
        URL,
        content=b'{"observations":[{"station":"18t","quantity":"pm25",'
        b'"time":"2025-01-01T07:00:00Z","value":NaN}]}',
        headers=h,
    )
    assert r.status_code == 422
    assert r.json()["error"]["items"] == [
        {"index": 0, "reason": "value nan is not a finite number"}
    ]


def test_observations_post_batch_limit(client: TestClient, device_key: str) -> None:
    item = obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 1.0)
    r = client.post(URL, json={"observations": [item] * 10_001}, headers=bearer(device_key))
    assert r.status_code == 422
    assert "10001 items is larger than 10000" in r.json()["error"]["message"]


def test_observations_post_10000_items_accepted(
    client: TestClient, store: Store, device_key: str
) -> None:
    items = [
        {
            "station": "18t",
            "quantity": "pm25",
            "time": f"2025-01-{1 + i // 1440:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00+07:00",
            "value": float(i % 50),
        }
        for i in range(10_000)
    ]
    r = client.post(URL, json={"observations": items}, headers=bearer(device_key))
    assert r.status_code == 200, r.text[:300]
    assert r.json()["stored"] == 10_000
    assert store.count_observations() == 10_000
