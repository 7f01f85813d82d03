"""The Smart Living indicators against hand-computed figures (both engines)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.quantities import QUANTITY_BY_CODE
from paknam.core.schema import warnings as warnings_table
from paknam.core.store import Store
from paknam.core.timeutil import now_s, parse_time, to_utc
from paknam.core.warnings import Signal
from paknam.environment.demo import load_demo
from paknam.living import store as living_store
from paknam.living.demo import SIMULATED_ID, load_simulated_water_level
from paknam.living.indicators import (
    DEFAULT_LENGTH_KM,
    WATER_QUALITY_QUANTITIES,
    living_indicators,
    monitoring_length_indicator,
    warning_accuracy_indicator,
    warning_lead_indicator,
)
from paknam.living.service import run_forecasts

INGEST_NOW = parse_time("2027-06-01T00:00:00+07:00")
LEVELS = {"watch": 1.0, "warning": 1.2, "danger": 1.4}
SHAPE = {
    "id",
    "domain",
    "name_th",
    "name_en",
    "unit",
    "value",
    "baseline",
    "target",
    "target_rule",
    "period",
    "baseline_period",
    "status",
    "details",
}
STATUSES = {"on_track", "off_track", "insufficient_data", "no_data"}


def add_station(
    store: Store, sid: str, kind: str, quantities: list[str], meta: dict[str, Any] | None = None
) -> None:
    specs = [
        SeriesSpec(quantity=q, datum="MSL" if q == "water_level" else None) for q in quantities
    ]
    store.add_station(
        StationCreate(
            id=sid,
            name_th=f"สถานี {sid}",
            name_en=f"Station {sid}",
            kind=kind,
            lon=100.59,
            lat=13.55,
            meta=meta or {},
            quantities=specs,
        )
    )


def put(store: Store, sid: str, quantity: str, times: list[int], values: list[float]) -> None:
    n = len(times)
    store.ingest_columns(
        np.array([sid] * n, dtype=object),
        np.array([quantity] * n, dtype=object),
        np.array(times, dtype=np.int64),
        np.array(values, dtype=float),
        now=INGEST_NOW,
    )


def at(text: str) -> int:
    return parse_time(text)


def check_shape(record: dict[str, Any]) -> None:
    assert set(record) >= SHAPE
    assert record["domain"] == "living" and record["status"] in STATUSES
    assert record["name_th"] and record["name_en"] and record["unit"]
    json.dumps(record, allow_nan=False)  # JSON-ready: str keys, plain numbers


# ---- monitored length --------------------------------------------------------------------


def test_water_quality_quantities_are_registered() -> None:
    assert set(QUANTITY_BY_CODE) >= WATER_QUALITY_QUANTITIES


def test_monitored_length_sums_reporting_stations(store: Store) -> None:
    add_station(store, "wl-a", "water_level", ["water_level"], {"monitored_length_km": 3.5})
    add_station(store, "wl-b", "water_level", ["water_level"])  # no length: the default
    add_station(store, "wl-d", "water_level", ["water_level"], {"monitored_length_km": 4})
    add_station(store, "wl-e", "water_level", ["water_level"], {"monitored_length_km": 2.5})
    add_station(store, "wq-c", "water_quality", ["do", "bod"], {"monitored_length_km": 2.0})
    add_station(store, "gauge-x", "other", ["water_level"], {"monitored_length_km": 0.5})
    add_station(store, "bad", "water_level", ["water_level"], {"monitored_length_km": "abc"})
    add_station(store, "18t", "air", ["pm25"], {"monitored_length_km": 9})
    add_station(store, "wx", "weather", ["water_temperature"], {"monitored_length_km": 9})
    add_station(
        store, "sim", "water_level", ["water_level"], {"simulated": True, "monitored_length_km": 5}
    )
    put(store, "wl-a", "water_level", [at("2025-06-01T00:00:00+07:00")], [0.4])
    put(store, "wl-a", "water_level", [at("2026-03-01T00:00:00+07:00")], [0.5])
    # 2026-01-01 00:30 Thai time is still 2025 in UTC: it counts for 2026
    put(store, "wl-b", "water_level", [at("2026-01-01T00:30:00+07:00")], [0.3])
    put(store, "wl-d", "water_level", [at("2024-05-01T00:00:00+07:00")], [0.3])
    put(store, "wl-e", "water_level", [at("2025-12-31T23:30:00+07:00")], [0.3])
    put(store, "wq-c", "do", [at("2025-07-01T09:00:00+07:00")], [4.0])
    put(store, "wq-c", "bod", [at("2026-07-01T09:00:00+07:00")], [3.0])
    put(store, "gauge-x", "water_level", [at("2026-02-01T00:00:00+07:00")], [0.1])
    put(store, "bad", "water_level", [at("2026-02-01T00:00:00+07:00")], [0.1])
    put(store, "18t", "pm25", [at("2026-02-01T00:00:00+07:00")], [30.0])
    put(store, "wx", "water_temperature", [at("2026-02-01T00:00:00+07:00")], [29.0])
    put(store, "sim", "water_level", [at("2026-02-01T00:00:00+07:00")], [0.2])

    r = monitoring_length_indicator(store, 2026)
    check_shape(r)
    # 2026: wl-a 3.5 + wl-b 1 (default) + wq-c 2 + gauge-x 0.5 + bad 1 (default) = 8.0
    # 2025: wl-a 3.5 + wl-e 2.5 + wq-c 2 = 8.0; target 9.6
    assert r["id"] == "living_monitored_length" and r["unit"] == "km"
    assert r["value"] == pytest.approx(8.0)
    assert r["baseline"] == pytest.approx(8.0)
    assert r["target"] == pytest.approx(9.6)
    assert (r["period"], r["baseline_period"], r["status"]) == ("2026", "2025", "off_track")
    year = r["details"]["year"]
    assert set(year["stations"]) == {"wl-a", "wl-b", "wq-c", "gauge-x", "bad"}
    assert year["stations"]["wl-b"]["length_source"] == "default"
    assert year["stations"]["wl-b"]["km"] == DEFAULT_LENGTH_KM
    assert year["stations"]["wl-a"]["length_source"] == "officer"
    assert "ignored invalid" in year["stations"]["bad"]["length_source"]
    assert set(year["simulated"]["stations"]) == {"sim"}
    assert year["simulated"]["km"] == pytest.approx(5.0)
    assert set(r["details"]["baseline"]["stations"]) == {"wl-a", "wl-e", "wq-c"}
    assert "assumption" in r["details"]["method"]

    r = monitoring_length_indicator(store, 2026, baseline_year=2024)  # wl-d alone: 4 km
    assert (r["baseline"], r["target"], r["status"]) == (4.0, pytest.approx(4.8), "on_track")

    r = monitoring_length_indicator(store, 2026, baseline_year=2020)  # nothing in 2020
    assert (r["value"], r["baseline"], r["target"]) == (pytest.approx(8.0), None, None)
    assert r["status"] == "insufficient_data"

    r = monitoring_length_indicator(store, 2023)
    assert (r["value"], r["status"]) == (None, "no_data")


def test_monitored_length_only_simulated_is_no_data(store: Store) -> None:
    add_station(store, "sim", "water_level", ["water_level"], {"simulated": True})
    put(store, "sim", "water_level", [at("2026-02-01T00:00:00+07:00")], [0.2])
    r = monitoring_length_indicator(store, 2026)
    assert (r["value"], r["status"]) == (None, "no_data")
    assert r["details"]["year"]["simulated"]["km"] == DEFAULT_LENGTH_KM


# ---- warning lead time -------------------------------------------------------------------


def raise_warning(
    store: Store,
    sid: str,
    raised: int,
    lead_h: float | None,
    *,
    domain: str = "living",
    kind: str = "water_level",
) -> int:
    """Raise a warning, backdate its raised_at, then clear it (a history of warnings).

    The store stamps ``raised_at`` with the wall clock; an indicator over past years needs
    past warnings, so the test sets it after the fact.
    """
    signal = Signal(
        domain=domain,
        kind=kind,
        station_id=sid,
        severity="minor",
        headline_th="ทดสอบ",
        headline_en="test",
        description_th="ทดสอบ",
        description_en="test",
        observed_at=raised,
        expected_at=None if lead_h is None else raised + int(lead_h * 3600),
    )
    (wid,) = store.sync_warnings(domain, [signal], evaluated=[sid], kinds=[kind]).raised
    with store.write() as conn:
        conn.execute(
            warnings_table.update()
            .where(warnings_table.c.id == wid)
            .values(raised_at=to_utc(raised))
        )
    store.sync_warnings(domain, [], evaluated=[sid], kinds=[kind])
    return wid


def test_warning_lead_median(store: Store) -> None:
    add_station(store, "g1", "water_level", ["water_level"])
    add_station(store, "g2", "water_level", ["water_level"])
    add_station(store, "sim", "water_level", ["water_level"], {"simulated": True})
    raise_warning(store, "g1", at("2026-02-01T10:00:00+07:00"), 80)
    raise_warning(store, "g1", at("2026-10-10T10:00:00+07:00"), 50)
    raise_warning(store, "g2", at("2026-11-01T10:00:00+07:00"), 96.5)
    raise_warning(store, "g1", at("2025-12-31T23:00:00+07:00"), 10)  # 2025 in Thai time
    raise_warning(store, "g1", at("2027-01-01T00:10:00+07:00"), 5)  # 2027 in Thai time
    raise_warning(store, "sim", at("2026-05-01T10:00:00+07:00"), 100)
    no_time = raise_warning(store, "g2", at("2026-06-01T10:00:00+07:00"), None)
    raise_warning(store, "g1", at("2026-06-01T10:00:00+07:00"), 1, domain="environment")

    r = warning_lead_indicator(store, 2026)
    check_shape(r)
    assert r["id"] == "living_warning_lead_time" and r["unit"] == "hours"
    # leads 50, 80, 96.5 -> median 80 >= 72
    assert r["value"] == pytest.approx(80.0)
    assert (r["target"], r["status"], r["period"]) == (72.0, "on_track", "2026")
    d = r["details"]
    assert d["n"] == 3 and d["at_least_72h"] == 2
    assert sorted(w["lead_h"] for w in d["warnings"]) == pytest.approx([50, 80, 96.5])
    assert d["without_expected_at"] == [no_time]
    assert d["simulated"]["n"] == 1 and d["simulated"]["median_h"] == pytest.approx(100)

    r = warning_lead_indicator(store, 2025)
    assert (r["value"], r["status"]) == (pytest.approx(10.0), "off_track")
    r = warning_lead_indicator(store, 2024)
    assert (r["value"], r["status"]) == (None, "no_data")


def test_warning_lead_current_year_by_wall_clock(store: Store) -> None:
    add_station(store, "g1", "water_level", ["water_level"])
    now = now_s()
    signal = Signal(
        domain="living",
        kind="water_level",
        station_id="g1",
        severity="moderate",
        headline_th="ทดสอบ",
        headline_en="test",
        description_th="ทดสอบ",
        description_en="test",
        observed_at=now,
        expected_at=now + 48 * 3600,
    )
    store.sync_warnings("living", [signal], evaluated=["g1"], kinds=["water_level"])
    r = warning_lead_indicator(store)  # the current year: the warning was raised just now
    assert r["value"] == pytest.approx(48.0, abs=0.02)
    assert r["status"] == "off_track"


# ---- warning accuracy --------------------------------------------------------------------


def save_forecast(
    store: Store, sid: str, issue: int, values: dict[int, float], horizon: int, default: float
) -> None:
    leads = np.arange(1, horizon + 1)
    value = np.array([values.get(int(h), default) for h in leads], dtype=float)
    columns = {
        "time_s": issue + leads * 3600,
        "value": value,
        "tide": value,
        "residual": np.zeros(horizon),
        "lo80": value - 0.1,
        "hi80": value + 0.1,
        "lo95": value - 0.2,
        "hi95": value + 0.2,
    }
    with store.write() as conn:
        living_store.save_forecast(conn, sid, issue, "test", columns)


def observe(store: Store, sid: str, issue: int, values: dict[float, float]) -> None:
    """Observations at ``issue + lead`` hours (a lead may have a fraction)."""
    leads = sorted(values)
    put(
        store,
        sid,
        "water_level",
        [issue + int(h * 3600) for h in leads],
        [values[h] for h in leads],
    )


def gauge(store: Store, sid: str, meta: dict[str, Any] | None = None, levels: bool = True) -> None:
    add_station(store, sid, "water_level", ["water_level"], meta)
    if levels:
        with store.write() as conn:
            living_store.set_warning_levels(conn, sid, LEVELS, "test")


def test_warning_accuracy_contingency(store: Store) -> None:
    gauge(store, "g1")
    gauge(store, "sim", {"simulated": True})
    gauge(store, "nolev", levels=False)
    # F1: 80 h horizon; outside 66-78 h it forecasts 2.0 against observed 0.0 (would be
    # false alarms if counted)
    f1 = at("2026-10-01T00:00:00+07:00")
    window = {66: 1.1, 67: 1.1, 68: 1.1, 69: 1.1} | {h: 0.5 for h in range(70, 79)}
    save_forecast(store, "g1", f1, window, horizon=80, default=2.0)
    observe(
        store,
        "g1",
        f1,
        {
            65: 0.0,
            66: 1.05,  # hit
            67: 1.0,  # hit: at the level counts as reaching it
            68: 0.9,  # false alarm
            69: 0.95,  # false alarm
            70 + 20 / 60: 1.3,  # miss (observation 20 min late, within ±30 min)
            71: 1.25,  # miss
            72: 0.2,  # 72..76 correct negatives
            73: 0.2,
            74: 0.2,
            75: 0.2,
            76: 0.2,
            76 + 20 / 60: 5.0,  # 40 min from lead 77: too far, lead 77 is skipped
            # lead 78: no observation within 30 min -> skipped
            79: 0.0,
            80: 0.0,
        },
    )
    # F2: the service's 72 h horizon: leads 66..72 all hits
    f2 = at("2026-10-06T00:00:00+07:00")
    save_forecast(store, "g1", f2, {h: 1.5 for h in range(66, 73)}, horizon=72, default=0.0)
    observe(store, "g1", f2, {h: 1.6 for h in range(66, 73)})
    # issued in 2025 and in 2027 (Thai time): all false alarms if they were counted
    for issue in (at("2025-12-31T12:00:00+07:00"), at("2027-01-01T03:00:00+07:00")):
        save_forecast(store, "g1", issue, {}, horizon=72, default=2.0)
        observe(store, "g1", issue, {h: 0.0 for h in range(66, 73)})
    # simulated station: perfect, but never in the value
    save_forecast(store, "sim", f1, {}, horizon=72, default=1.5)
    observe(store, "sim", f1, {h: 1.6 for h in range(66, 73)})
    save_forecast(store, "nolev", f1, {}, horizon=72, default=1.5)
    observe(store, "nolev", f1, {h: 1.6 for h in range(66, 73)})

    r = warning_accuracy_indicator(store, 2026)
    check_shape(r)
    d = r["details"]
    # hits 2 + 7, misses 2, false alarms 2, correct negatives 5; 2 points skipped
    assert (d["hits"], d["misses"], d["false_alarms"], d["correct_negatives"]) == (9, 2, 2, 5)
    assert (d["events"], d["n"]) == (13, 18)
    assert r["value"] == pytest.approx(9 / 13)
    assert d["csi"] == pytest.approx(9 / 13)
    assert d["pod"] == pytest.approx(9 / 11)
    assert d["far"] == pytest.approx(2 / 11)
    assert (r["target"], r["status"], r["id"]) == (0.8, "off_track", "living_warning_accuracy")
    g1 = d["stations"]["g1"]
    assert (g1["forecasts"], g1["points"], g1["skipped_no_observation"]) == (2, 20, 2)
    assert g1["lowest_warning_level_m"] == 1.0
    assert set(d["stations"]) == {"g1"}
    assert d["stations_without_warning_levels"] == ["nolev"]
    sim = d["simulated"]
    assert "SIMULATED" in sim["note"]
    assert (sim["hits"], sim["events"], sim["csi"]) == (7, 7, 1.0)

    r = warning_accuracy_indicator(store, 2025)  # 7 false alarms
    assert (r["value"], r["status"]) == (0.0, "off_track")
    r = warning_accuracy_indicator(store, 2024)
    assert (r["value"], r["status"], r["details"]["n"]) == (None, "no_data", 0)


def test_warning_accuracy_thresholds(store: Store) -> None:
    gauge(store, "g1")
    issue = at("2026-03-01T00:00:00+07:00")
    # 3 hits, 1 false alarm, 3 correct negatives: 4 events < 5
    save_forecast(store, "g1", issue, {66: 1.5, 67: 1.5, 68: 1.5, 69: 1.5}, 72, 0.5)
    observe(store, "g1", issue, {66: 1.5, 67: 1.5, 68: 1.5, 69: 0.5, 70: 0.5, 71: 0.5, 72: 0.5})
    r = warning_accuracy_indicator(store, 2026)
    assert (r["value"], r["status"]) == (pytest.approx(0.75), "insufficient_data")
    assert r["details"]["events"] == 4 and r["details"]["min_events"] == 5
    # one more forecast with one more hit: 5 events, CSI 4/5 = 0.80 meets the target
    later = issue + 86400
    save_forecast(store, "g1", later, {66: 1.5}, 72, 0.5)
    observe(store, "g1", later, {66: 1.5, 67: 0.5})
    r = warning_accuracy_indicator(store, 2026)
    assert (r["value"], r["status"]) == (pytest.approx(0.8), "on_track")
    # a year with only correct negatives: data, but no event to judge
    quiet = at("2027-03-01T00:00:00+07:00")
    save_forecast(store, "g1", quiet, {}, 72, 0.5)
    observe(store, "g1", quiet, {h: 0.2 for h in range(66, 73)})
    r = warning_accuracy_indicator(store, 2027)
    assert (r["value"], r["status"], r["details"]["n"]) == (None, "insufficient_data", 7)


# ---- the demo data -----------------------------------------------------------------------

DEMO_NOW = 1_767_200_400 + 200 * 86400  # 2026-07-20, as in test_service


def test_living_indicators_on_demo_data(store: Store) -> None:
    load_demo(store)
    load_simulated_water_level(store, now=DEMO_NOW)
    run_forecasts(store, now=DEMO_NOW)
    # four days later the 72 h forecast can be checked against the (simulated) record
    load_simulated_water_level(store, now=DEMO_NOW + 4 * 86400)

    records = living_indicators(store, 2026)
    assert [r["id"] for r in records] == [
        "living_monitored_length",
        "living_warning_lead_time",
        "living_warning_accuracy",
    ]
    for r in records:
        check_shape(r)
        assert r["period"] == "2026"
    length, _, accuracy = records
    # the demo's real water stations (BMA canals) sampled 2018-2020 only: in 2026 only the
    # simulated gauge reported; it is never counted as measured: its figure is shown
    # labelled simulated and not judged
    assert length["details"]["year"]["km"] is None  # nothing real
    assert (length["value"], length["status"], length["basis"]) == (
        1.0,
        "insufficient_data",
        "simulated",
    )
    assert "SIMULATED" in length["details"]["basis_note"]
    assert set(length["details"]["year"]["simulated"]["stations"]) == {SIMULATED_ID}
    assert SIMULATED_ID not in length["details"]["year"]["stations"]
    # one forecast of the simulated gauge, leads 66..72 observed: reported apart only
    assert accuracy["details"]["n"] == 0  # no real forecast checked
    assert accuracy["details"]["simulated"]["n"] == 7
    sim_csi = accuracy["details"]["simulated"]["csi"]
    assert accuracy["value"] == sim_csi
    assert accuracy["status"] == ("no_data" if sim_csi is None else "insufficient_data")
    assert accuracy.get("basis", "measured") == ("measured" if sim_csi is None else "simulated")
    assert set(accuracy["details"]["simulated"]["stations"]) == {SIMULATED_ID}

    lead = warning_lead_indicator(store)  # warnings are stamped with the wall clock
    check_shape(lead)
    assert (lead["value"], lead["status"]) == (None, "no_data")
    raised = store.list_warnings(status=None, domain="living")
    assert lead["details"]["simulated"]["n"] == len(raised)

    past = monitoring_length_indicator(store, 2020)  # ten BMA points, default 1 km each
    assert (past["value"], past["baseline"], past["status"]) == (10.0, 10.0, "off_track")
    assert all(
        s["length_source"] == "default" for s in past["details"]["year"]["stations"].values()
    )
