"""Source attribution through the store and the API (real 29t data; synthetic canals)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time

DATA = Path(__file__).resolve().parents[1] / "data"


def _load_29t(store: Store) -> None:
    frame = pd.read_csv(DATA / "attribution_air4thai_29t_1h_met_2023-12_2024-02.csv")
    store.add_station(
        StationCreate(
            id="29t",
            name_th="นิคมอุตสาหกรรมมาบตาพุด",
            name_en="Map Ta Phut",
            kind="air",
            lon=101.1,
            lat=12.7,
            quantities=["pm25", "so2", "wind_speed", "wind_direction"],
        )
    )
    times = np.array(
        [parse_time(t.replace(" ", "T") + "+07:00") for t in frame["datetime"]], dtype=np.int64
    )
    for col, q in (
        ("PM25", "pm25"),
        ("SO2", "so2"),
        ("WS", "wind_speed"),
        ("WD", "wind_direction"),
    ):
        ok = frame[col].notna().to_numpy()
        store.ingest_columns(
            np.array(["29t"] * ok.sum(), dtype=object),
            np.array([q] * ok.sum(), dtype=object),
            times[ok],
            frame[col].to_numpy(dtype=float)[ok],
        )


def test_attribution_api_29t_so2_names_a_sector(client: TestClient, store: Store) -> None:
    _load_29t(store)
    r = client.get(
        "/api/v1/stations/29t/attribution",
        params={
            "quantity": "so2",
            "start": "2023-12-01T00:00:00+07:00",
            "end": "2024-02-21T00:00:00+07:00",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hours"] > 1000
    assert body["verdict"] in {"distant_or_elevated_source", "source_direction", "nearby_source"}
    clear = [row["sector"] for row in body["cpf"] if row.get("clear")]
    assert clear and all(s in body["text_en"] for s in clear[:1])
    assert "SO2" in body["text_en"] and "SO2" in body["text_th"]
    assert len(body["diurnal"]) == 24


def test_attribution_api_needs_wind(client: TestClient, store: Store) -> None:
    store.add_station(
        StationCreate(
            id="a1", name_th="ก", name_en="A", kind="air", lon=100.6, lat=13.6, quantities=["pm25"]
        )
    )
    r = client.get("/api/v1/stations/a1/attribution", params={"quantity": "pm25"})
    assert r.status_code == 404 and "wind_speed" in r.json()["error"]["message"]
    r = client.get("/api/v1/stations/a1/attribution", params={"quantity": "pm25_24h"})
    assert r.status_code == 422


def test_attribution_api_canal_drop_located(client: TestClient, store: Store) -> None:
    # k1 → k2 → k3; DO falls below 4 mg/L first at k2 (a discharge between k1 and k2)
    for sid, down in (("k1", "k2"), ("k2", "k3"), ("k3", None)):
        store.add_station(
            StationCreate(
                id=sid,
                name_th=f"จุด {sid}",
                name_en=f"Point {sid}",
                kind="water_quality",
                lon=100.6,
                lat=13.6,
                quantities=["do"],
                meta={"downstream": down} if down else {},
            )
        )
    do = {"k1": [6.0, 6.1, 6.0], "k2": [6.0, 3.0, 2.8], "k3": [6.2, 5.5, 3.1]}
    items = [
        {"station": sid, "quantity": "do", "time": f"2025-03-0{d + 1}T09:00:00+07:00", "value": v}
        for sid, values in do.items()
        for d, v in enumerate(values)
    ]
    store.ingest_items(items)
    r = client.get("/api/v1/environment/canal-drops", params={"parameter": "do"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "reach"
    assert "k2" in body["text_en"] and "k1" in body["text_en"]


def test_attribution_api_canal_without_network(client: TestClient, store: Store) -> None:
    r = client.get("/api/v1/environment/canal-drops")
    assert r.status_code == 422 and "downstream" in r.json()["error"]["message"]
