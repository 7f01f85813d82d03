"""Good-air time indicator over full synthetic years (status rules need coverage)."""

from __future__ import annotations

import numpy as np
import pytest

from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.environment.indicators import year_bounds
from paknam.environment.service import good_air_indicator, good_air_year


def _year(store: Store, year: int, good_share: float, coverage: float = 1.0) -> None:
    start, end = year_bounds(year)
    times = np.arange(start, end, 3600, dtype=np.int64)
    n = int(len(times) * coverage)
    times = times[:n]
    rng = np.random.default_rng(year)
    good = rng.permutation(n) < round(good_share * n)
    values = np.where(good, 10.0, 60.0)  # PM2.5 24 h: 10 → AQI 17 (good), 60 → 150
    store.ingest_columns(
        np.array(["a1"] * n, dtype=object),
        np.array(["pm25_24h"] * n, dtype=object),
        times,
        values,
    )


@pytest.fixture
def air_store(sqlite_store: Store) -> Store:
    sqlite_store.add_station(
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
    return sqlite_store


def test_indicator_good_air_on_track(air_store: Store) -> None:
    _year(air_store, 2024, 0.40)
    _year(air_store, 2025, 0.50)
    r = good_air_indicator(air_store, 2025, 2024)
    assert r["baseline"] == pytest.approx(0.40, abs=1e-3)
    assert r["value"] == pytest.approx(0.50, abs=1e-3)
    assert r["target"] == pytest.approx(0.44, abs=1e-3)
    assert r["status"] == "on_track"
    assert r["coverage"] == pytest.approx(1.0)


def test_indicator_good_air_off_track_and_months(air_store: Store) -> None:
    _year(air_store, 2024, 0.40)
    _year(air_store, 2025, 0.42)
    r = good_air_indicator(air_store, 2025, 2024)
    assert r["status"] == "off_track"
    months = r["details"]["year"]["months"]
    assert sum(m["valid_hours"] for m in months.values()) == 8760
    assert months[1]["valid_hours"] == 31 * 24


def test_indicator_good_air_low_coverage_not_judged(air_store: Store) -> None:
    _year(air_store, 2024, 0.40)
    _year(air_store, 2025, 0.90, coverage=0.5)
    r = good_air_indicator(air_store, 2025, 2024)
    assert r["status"] == "insufficient_data"
    assert r["coverage"] == pytest.approx(0.5, abs=0.01)


def test_indicator_good_air_no_data(sqlite_store: Store) -> None:
    year = good_air_year(sqlite_store, 2025)
    assert year["share"] is None and year["stations"] == {}
    assert good_air_indicator(sqlite_store, 2025, 2024)["status"] == "no_data"
