"""Environment exceedance rules and the warnings they keep in the store."""

from __future__ import annotations

import pytest

from paknam.core.errors import InvalidInput
from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.core.warnings import Signal
from paknam.environment.rules import aqi_signal, do_signals
from paknam.environment.service import run_environment_checks

T = parse_time("2026-01-01T07:00:00+07:00")


def test_rules_aqi_signal_only_from_level_5() -> None:
    assert aqi_signal("18t", "ศาลากลาง", "City Hall", 200, "pm25", T) is None
    s = aqi_signal("18t", "ศาลากลาง", "City Hall", 201, "pm25", T)
    assert s is not None
    assert (s.kind, s.severity, s.threshold, s.value) == ("aqi", "severe", 201.0, 201.0)
    assert "มีผลกระทบต่อสุขภาพ" in s.headline_th and "AQI 201" in s.headline_en
    assert "PM2.5" in s.description_en and "1 Jan 2026 07:00 (UTC+7)" in s.description_en
    assert "1 ม.ค. 2569 07:00 น." in s.description_th
    lowered = aqi_signal("18t", "ก", "x", 150, "pm25", T, warn_level=4)
    assert lowered is not None and lowered.severity == "moderate"


def test_rules_do_low_by_water_class() -> None:
    (s,) = do_signals("w", "คลอง", "Canal", [(T, 3.5)], water_class=3)
    assert (s.kind, s.threshold, s.severity) == ("do_low", 4.0, "moderate")
    assert do_signals("w", "คลอง", "Canal", [(T, 3.5)]) == []  # default class 4: 2 mg/L
    (s,) = do_signals("w", "คลอง", "Canal", [(T, 0.5)])
    assert s.severity == "severe" and "0.5 mg/L" in s.headline_en


def test_rules_do_sudden_drop() -> None:
    samples = [(T + i * 3600, v) for i, v in enumerate([6.0, 6.4, 5.8, 2.9])]
    kinds = [s.kind for s in do_signals("w", "คลอง", "Canal", samples, water_class=4)]
    assert kinds == ["do_drop"]
    samples[-1] = (samples[-1][0], 3.1)
    assert do_signals("w", "คลอง", "Canal", samples, water_class=4) == []


def test_rules_signal_rejects_unknown_severity() -> None:
    with pytest.raises(InvalidInput, match="severity 'bad'"):
        Signal("environment", "aqi", "x", "bad", "", "", "", "", 0)


def _canal(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="k1",
            name_th="คลองสำโรง",
            name_en="Khlong Samrong",
            kind="water_quality",
            lon=100.65,
            lat=13.60,
            quantities=["do"],
            meta={"water_class": 3},
        )
    )


def test_checks_raise_update_clear(store: Store) -> None:
    _canal(store)

    def do(t: str, v: float) -> None:
        store.ingest_items([{"station": "k1", "quantity": "do", "time": t, "value": v}])

    do("2026-01-01T07:00:00+07:00", 3.0)
    r1 = run_environment_checks(store)
    assert len(r1.raised) == 1
    (w,) = store.list_warnings(domain="environment")
    assert (w["kind"], w["station_id"], w["threshold"], w["district_code"]) == (
        "do_low",
        "k1",
        4.0,
        store.get_station("k1").district_code,
    )
    do("2026-01-02T07:00:00+07:00", 2.5)
    r2 = run_environment_checks(store)
    assert r2.updated == r1.raised and r2.raised == []
    assert store.list_warnings(domain="environment")[0]["value"] == 2.5
    do("2026-01-03T07:00:00+07:00", 5.0)
    r3 = run_environment_checks(store)
    assert r3.cleared == r1.raised
    assert store.list_warnings(domain="environment") == []
    (old,) = store.list_warnings(status="cleared")
    assert old["cleared_at"] is not None
