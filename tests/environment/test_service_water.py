"""WQI over stored samples, the WQI rule and the WQI indicator."""

from __future__ import annotations

import datetime as dt

import pytest

from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.environment.service import (
    latest_wqi,
    run_environment_checks,
    station_wqi_days,
    wqi_indicator,
)
from paknam.environment.wqi.daily import station_wqi_periods
from paknam.environment.wqi.thai import compute_wqi

FULL = ["do", "bod", "nh3n", "tcb", "fcb"]


def _canal(store: Store, sid: str = "k1", quantities: list[str] = FULL) -> None:
    store.add_station(
        StationCreate(
            id=sid,
            name_th="คลองสำโรง",
            name_en="Khlong Samrong",
            kind="water_quality",
            lon=100.65,
            lat=13.60,
            quantities=quantities,
        )
    )


def _sample(store: Store, sid: str, time: str, **values: float) -> None:
    store.ingest_items(
        [{"station": sid, "quantity": q, "time": time, "value": v} for q, v in values.items()]
    )


GOOD = {"do": 6.5, "bod": 1.0, "nh3n": 0.2, "tcb": 1000.0, "fcb": 200.0}
POOR = {"do": 2.5, "bod": 3.5, "nh3n": 0.5, "tcb": 15000.0, "fcb": 3000.0}


def test_water_service_daily_wqi_equals_pure_module(store: Store) -> None:
    _canal(store)
    _sample(store, "k1", "2025-03-03T09:00:00+07:00", **GOOD)
    _sample(store, "k1", "2025-03-20T09:00:00+07:00", **POOR)
    days = station_wqi_days(store, "k1")
    assert [d["date"] for d in days] == [dt.date(2025, 3, 3), dt.date(2025, 3, 20)]
    assert days[0]["time"] == parse_time("2025-03-03T00:00:00+07:00")
    assert days[0]["wqi"] == compute_wqi(GOOD).wqi
    assert days[1]["wqi"] == compute_wqi(POOR).wqi
    assert all(d["complete"] for d in days)
    periods = station_wqi_periods(days)
    assert periods["monthly"]["2025-03"]["wqi"] == min(d["wqi"] for d in days)
    assert periods["yearly"]["2025"]["wqi"] == periods["monthly"]["2025-03"]["wqi"]


def test_water_service_partial_wqi_marked(store: Store) -> None:
    _canal(store, quantities=["do", "bod", "nh3n"])
    _sample(store, "k1", "2025-03-03T09:00:00+07:00", do=1.5, bod=12.0, nh3n=4.0)
    (row,) = latest_wqi(store)
    assert row["complete"] is False
    assert row["parameters_missing"] == ["tcb", "fcb"]
    assert "not comparable" in row["note_en"]
    assert "not PCD's official curves" in row["method"]


def test_water_service_wqi_poor_warning(store: Store) -> None:
    _canal(store)
    _sample(store, "k1", "2025-03-03T09:00:00+07:00", **POOR)
    run_environment_checks(store)
    kinds = {w["kind"]: w for w in store.list_warnings(domain="environment")}
    expected = compute_wqi(POOR)
    assert expected.band in ("poor", "very_poor")
    assert kinds["wqi_poor"]["value"] == expected.wqi
    assert "provisional" in kinds["wqi_poor"]["description_en"]
    _sample(store, "k1", "2025-03-10T09:00:00+07:00", **GOOD)
    run_environment_checks(store)
    assert "wqi_poor" not in {w["kind"] for w in store.list_warnings(domain="environment")}


def test_water_service_indicator_compares_same_stations(store: Store) -> None:
    _canal(store, "k1")
    _canal(store, "k2")
    _sample(store, "k1", "2024-05-01T09:00:00+07:00", **POOR)
    _sample(store, "k1", "2025-05-01T09:00:00+07:00", **GOOD)
    _sample(store, "k2", "2025-05-01T09:00:00+07:00", **POOR)  # new in 2025: not compared
    r = wqi_indicator(store, 2025, 2024)
    assert r["stations_compared"] == ["k1"]
    assert r["value"] == compute_wqi(GOOD).wqi
    assert r["baseline"] == compute_wqi(POOR).wqi
    assert r["target"] == pytest.approx(r["baseline"] * 1.2)
    assert r["status"] == "on_track" and r["complete"] is True
    assert wqi_indicator(store, 2030, 2029)["status"] == "no_data"
