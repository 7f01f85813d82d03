"""Hourly AQI computed from stored series, against what PCD published."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.environment.aqi.index import sub_index
from paknam.environment.demo import load_demo
from paknam.environment.service import hourly_aqi, latest_aqi

DEMO = Path(__file__).resolve().parents[2] / "src" / "paknam" / "data" / "demo"


def _station(store: Store, sid: str, quantities: list[str]) -> None:
    store.add_station(
        StationCreate(
            id=sid,
            name_th="ทดสอบ",
            name_en="Test",
            kind="air",
            lon=100.6,
            lat=13.6,
            quantities=quantities,
        )
    )


def test_air_service_published_24h_means_give_pcd_aqi(store: Store) -> None:
    """18t at New Year 2026: PCD published PM2.5 50.8, 51.2, 54.1 → AQI 136, 137, 145."""
    _station(store, "18t", ["pm25_24h"])
    store.ingest_items(
        [
            {"station": "18t", "quantity": "pm25_24h", "time": t, "value": v}
            for t, v in [
                ("2026-01-01T00:00:00+07:00", 50.8),
                ("2026-01-01T01:00:00+07:00", 51.2),
                ("2026-01-01T02:00:00+07:00", 54.1),
            ]
        ]
    )
    start = parse_time("2026-01-01T00:00:00+07:00")
    rows = hourly_aqi(store, "18t", start, start + 3 * 3600).rows()
    assert [(r["aqi"], r["pollutant"], r["level"]) for r in rows] == [
        (136, "pm25", 4),
        (137, "pm25", 4),
        (145, "pm25", 4),
    ]
    (latest,) = latest_aqi(store)
    assert latest["aqi"] == 145 and latest["time"] == parse_time("2026-01-01T02:00:00+07:00")


def test_air_service_hourly_values_averaged_over_24h(store: Store) -> None:
    _station(store, "x1", ["pm25"])
    t0 = parse_time("2025-02-01T01:00:00+07:00")
    values = [20.0] * 12 + [60.0] * 12  # mean 40.0
    store.ingest_items(
        [
            {
                "station": "x1",
                "quantity": "pm25",
                "time": f"2025-02-{1 + (h + 1) // 24:02d}T{(h + 1) % 24:02d}:00:00+07:00",
                "value": v,
            }
            for h, v in enumerate(values)
        ]
    )
    last = t0 + 23 * 3600
    rows = hourly_aqi(store, "x1", last, last + 3600).rows()
    assert rows[0]["aqi"] == sub_index("pm25", 40.0, date=None)
    # with fewer than 18 valid hours in the window there is no AQI
    early = hourly_aqi(store, "x1", t0, t0 + 3600).rows()
    assert early == []


def test_air_service_table_switch_2023(store: Store) -> None:
    """PM2.5 50 µg/m³ is AQI 100 under the old table (<2023-06-01) and higher after."""
    _station(store, "x2", ["pm25_24h"])
    store.ingest_items(
        [
            {
                "station": "x2",
                "quantity": "pm25_24h",
                "time": "2023-05-31T23:00:00+07:00",
                "value": 50.0,
            },
            {
                "station": "x2",
                "quantity": "pm25_24h",
                "time": "2023-06-01T00:00:00+07:00",
                "value": 50.0,
            },
        ]
    )
    t = parse_time("2023-05-31T23:00:00+07:00")
    rows = hourly_aqi(store, "x2", t, t + 7200).rows()
    import datetime as dt

    assert rows[0]["aqi"] == sub_index("pm25", 50.0, date=dt.date(2023, 5, 31))
    assert rows[1]["aqi"] == sub_index("pm25", 50.0, date=dt.date(2023, 6, 1))
    assert rows[0]["aqi"] != rows[1]["aqi"]


@pytest.mark.shared_data
@pytest.mark.slow
def test_air_service_demo_matches_pcd_published_aqi(sqlite_store: Store, shared_data) -> None:
    """Every hour of the five Samut Prakan stations in the demo: our AQI = PCD's AQI."""
    load_demo(sqlite_store)
    feed = pd.read_csv(shared_data / "air" / "air4thai_aqilast_hourly_2025-12_2026-08.csv.gz")
    feed = feed[feed.station_id.isin(["08t", "16t", "17t", "18t", "19t"]) & (feed.aqi >= 0)]
    feed = feed.drop_duplicates(["station_id", "date", "time"])
    checked = 0
    for sid, grp in feed.groupby("station_id"):
        times = np.array(
            [parse_time(f"{d}T{t}:00+07:00") for d, t in zip(grp.date, grp.time, strict=True)]
        )
        got = hourly_aqi(sqlite_store, sid, int(times.min()), int(times.max()) + 3600)
        by_time = dict(zip(got.times.tolist(), got.aqi.tolist(), strict=True))
        ours = np.array([by_time[int(t)] for t in times])
        mismatch = int((ours != grp.aqi.to_numpy()).sum())
        assert mismatch == 0, f"{sid}: {mismatch} of {len(grp)} hours differ"
        checked += len(grp)
    assert checked > 10_000
