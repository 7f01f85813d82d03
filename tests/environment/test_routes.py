"""Environment routes over the service: pagination of the bare lists, time serialisation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.environment import service
from paknam.environment.reports import ReportIn


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


def _reports(store: Store, n: int) -> None:
    for i in range(n):
        service.add_report(
            store,
            ReportIn(
                topic="smoke",
                description=f"smoke number {i}",
                lon=100.6,
                lat=13.6,
                observed_at=1_760_000_000 + 60 * i,
            ),
        )


def test_reports_paginate_newest_first(client: TestClient, store: Store) -> None:
    _reports(store, 5)
    every = client.get("/api/v1/environment/reports").json()
    assert [r["description"] for r in every] == [f"smoke number {i}" for i in range(4, -1, -1)]
    page = client.get("/api/v1/environment/reports", params={"limit": 2, "offset": 1}).json()
    assert page == every[1:3]
    assert client.get("/api/v1/environment/reports", params={"offset": 5}).json() == []
    assert client.get("/api/v1/environment/reports", params={"limit": 1001}).status_code == 422
    assert client.get("/api/v1/environment/reports", params={"limit": 0}).status_code == 422


def test_station_reports_paginate(client: TestClient, store: Store) -> None:
    store.add_station(
        StationCreate(id="a1", name_th="ก", name_en="A", kind="air", lon=100.6, lat=13.6)
    )
    _reports(store, 3)
    near = client.get("/api/v1/stations/a1/reports", params={"limit": 2}).json()
    assert [r["description"] for r in near] == ["smoke number 2", "smoke number 1"]
    rest = service.station_reports(store, "a1", radius_km=1, offset=2)
    assert [r["description"] for r in rest] == ["smoke number 0"]


def test_latest_aqi_times_serialised_in_thai_time(client: TestClient, store: Store) -> None:
    store.add_station(
        StationCreate(
            id="a1",
            name_th="ก",
            name_en="A",
            kind="air",
            lon=100.6,
            lat=13.6,
            quantities=["pm25_24h"],
        )
    )
    store.ingest_items(
        [
            {
                "station": "a1",
                "quantity": "pm25_24h",
                "time": "2026-01-01T02:00:00+07:00",
                "value": 54.1,
            }
        ]
    )
    (row,) = service.latest_aqi(store)
    assert isinstance(row["time"], int)
    (body,) = client.get("/api/v1/environment/aqi").json()
    assert body["time"] == "2026-01-01T02:00:00+07:00" and body["aqi"] == row["aqi"]
