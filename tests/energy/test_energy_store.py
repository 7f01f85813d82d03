"""Energy on the store, both engines: sites, performance, warnings, balance, imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.core.errors import BatchRejected, InvalidInput, NotFound
from paknam.core.store import Store
from paknam.energy.service import (
    import_readings,
    import_sites,
    run_energy_checks,
    site_balance,
    site_performance,
)
from paknam.energy.sites import ArrayIn, SiteCreate, get_site, insert_site, list_sites
from tests.energy.helpers import add_pv_site, ingest_frame, synthetic_pv


def _s(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


def test_site_is_a_station_with_series_and_arrays(store: Store) -> None:
    site = add_pv_site(store)
    assert site["kwp"] == 8.0 and site["technology_en"] == "Solar PV"
    assert set(site["meters"]) == {"pv_power", "load_power", "air_temperature", "poa_irradiance"}
    station = store.get_station("pv-hall")
    assert station.kind == "energy" and station.district_code == "1101"
    with store.read() as conn:
        assert [s["id"] for s in list_sites(conn)] == ["pv-hall"]


def test_bad_array_leaves_nothing_behind(store: Store) -> None:
    bad = SiteCreate(
        id="pv-bad",
        name_th="ทดสอบ",
        name_en="Test",
        lon=100.6,
        lat=13.6,
        arrays=[ArrayIn(kwp=5, tilt_deg=10, azimuth_deg=180, mounting="floating")],
    )
    with pytest.raises(InvalidInput, match="mounting"), store.write() as conn:
        insert_site(conn, bad)
    with pytest.raises(NotFound):
        store.get_station("pv-bad")


def test_simulated_site_must_say_so_in_its_id() -> None:
    with pytest.raises(ValueError, match="sim-"):
        SiteCreate(
            id="home1",
            name_th="บ้าน",
            name_en="Home",
            lon=100.6,
            lat=13.6,
            simulated=True,
            arrays=[ArrayIn(kwp=4, tilt_deg=10, azimuth_deg=180)],
        )


def test_performance_step_and_outage_on_stored_readings(store: Store) -> None:
    add_pv_site(store)
    factor = np.r_[np.full(30, 0.85), np.full(30, 0.5)]
    frame = synthetic_pv(60, factor=factor)
    day_out = frame.index.tz_convert("Asia/Bangkok").normalize() == pd.Timestamp(
        "2024-01-10", tz="Asia/Bangkok"
    )
    frame.loc[day_out, "pv"] = 0.0
    ingest_frame(
        store,
        "pv-hall",
        frame,
        {
            "poa": "poa_irradiance",
            "pv": "pv_power",
            "temp": "air_temperature",
            "load": "load_power",
        },
    )
    perf = site_performance(
        store, "pv-hall", _s("2024-01-01T00:00+07:00"), _s("2024-03-01T00:00+07:00")
    )
    assert perf["irradiance_basis"] == "measured_poa" and perf["step_s"] == 900
    days = {d["date"]: d for d in perf["days"]}
    assert days["2024-01-05"]["performance_index"] == pytest.approx(0.85, abs=1e-6)
    assert days["2024-02-05"]["performance_index"] == pytest.approx(0.5, abs=1e-6)
    assert days["2024-01-05"]["pr"] == pytest.approx(
        0.85 * days["2024-01-05"]["pr_expected"], abs=2e-4
    )
    kinds = {(f["kind"], f["start"]) for f in perf["flags"]}
    assert ("step_drop", "2024-01-31") in kinds
    assert ("outage", "2024-01-10") in kinds
    result = run_energy_checks(store)
    active = store.list_warnings(domain="energy")
    assert len(result.raised) == 1 and active[0]["kind"] == "energy_step_drop"
    assert "ฉับพลัน" in active[0]["description_th"]


def test_balance_per_interval_from_stored_energy(store: Store) -> None:
    add_pv_site(store, "pv-b", meters=["pv_energy", "load_energy"], irradiance_plane="none")
    t = pd.date_range("2024-01-01", periods=24 * 62, freq="h", tz="Asia/Bangkok")
    hour = t.hour.to_numpy()
    gen = np.where((hour >= 9) & (hour < 16), 3.0, 0.0)
    load = np.full(len(t), 1.0)
    frame = pd.DataFrame({"g": gen, "l": load}, index=t.tz_convert("UTC"))
    ingest_frame(store, "pv-b", frame, {"g": "pv_energy", "l": "load_energy"})
    bal = site_balance(store, "pv-b", 2024)
    jan = bal["months"][0]
    assert jan["period"] == "2024-01"
    assert jan["generation_kwh"] == pytest.approx(31 * 21)
    assert jan["self_consumption"] == pytest.approx(7 / 21)
    assert jan["self_sufficiency"] == pytest.approx(7 / 24)
    assert jan["co2_avoided_kg"] == pytest.approx(31 * 21 * 0.4750)
    assert bal["total"]["grid_avoided_kwh"] == pytest.approx(62 * 7)


def test_import_csv_all_or_nothing_with_row_report(store: Store, tmp_path: Path) -> None:
    add_pv_site(store)
    f = tmp_path / "meter.csv"
    f.write_text("เวลา,PV (kW),wind_kw\n2024-05-01T12:00:00+07:00,3.5,1.2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"unknown column.*wind_kw"):
        import_readings(store, f, site="pv-hall")
    f.write_text(
        "เวลา,PV (kW),load_kw\n"
        "2024-05-01T12:00:00+07:00,3.5,1.2\n"
        "2024-05-01 12:15,3.6,1.1\n"
        "2024-05-01T12:30:00+07:00,abc,1.0\n"
        "2024-05-01T12:45:00+07:00,-2,1.0\n",
        encoding="utf-8",
    )
    with pytest.raises(BatchRejected) as exc:
        import_readings(store, f, site="pv-hall")
    lines = {e.index: e.reason for e in exc.value.errors}
    assert set(lines) == {3, 4, 5}
    assert "offset" in lines[3] and "not a number" in lines[4] and "below" in lines[5]
    assert store.count_observations() == 0
    rep = import_readings(store, f, site="pv-hall", skip_invalid=True)
    assert rep.result.stored == 4 and rep.result.rejected == 3  # rows 2 (2 values), 4, 5
    assert rep.columns == {"pv_kw": "pv_power", "load_kw": "load_power"}  # "PV (kW)" -> pv_kw


def test_import_excel_with_thai_clock_times(store: Store, tmp_path: Path) -> None:
    import openpyxl

    add_pv_site(store)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["site", "timestamp", "pv_kw", "temp_air_c"])
    ws.append(["pv-hall", dt.datetime(2024, 5, 1, 12, 0), 3.5, 33.1])
    ws.append(["pv-hall", dt.datetime(2024, 5, 1, 12, 15), 3.4, None])
    path = tmp_path / "meter.xlsx"
    book.save(path)
    with pytest.raises(BatchRejected, match="Thai-time"):
        import_readings(store, path)
    rep = import_readings(store, path, thai_time=True)
    assert rep.result.stored == 3
    pts = store.read_series("pv-hall", "pv_power", 0, 2**40)
    assert pts[0].time == _s("2024-05-01T12:00:00+07:00")


def test_import_site_list(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "sites.csv"
    f.write_text(
        "id,name_th,name_en,lon,lat,kwp,tilt_deg,azimuth_deg,array\n"
        "school-1,โรงเรียนหนึ่ง,School one,100.60,13.60,10,10,180,east roof\n"
        "school-1,โรงเรียนหนึ่ง,School one,100.60,13.60,5,10,90,west roof\n"
        "school-2,โรงเรียนสอง,School two,100.61,13.61,-3,10,180,roof\n",
        encoding="utf-8",
    )
    with pytest.raises(BatchRejected) as exc:
        import_sites(store, f)
    assert [e.index for e in exc.value.errors] == [4]
    with pytest.raises(NotFound):
        store.get_station("school-1")
    n, errors = import_sites(store, f, skip_invalid=True)
    assert n == 1 and len(errors) == 1
    with store.read() as conn:
        site = get_site(conn, "school-1")
    assert site["kwp"] == 15 and len(site["arrays"]) == 2
