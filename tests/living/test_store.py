"""Warning levels, the level rule and the simulated demo station."""

from __future__ import annotations

import numpy as np
import pytest

from paknam.core.errors import InvalidInput
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import Store
from paknam.living import store as living_store
from paknam.living.demo import SIMULATED_ID, load_simulated_water_level
from paknam.living.forecast.level_rules import water_level_signal
from paknam.living.forecast.simulate import SEASONAL_MM, ko_lak_fit, seasonal_m, simulate


def test_levels_must_rise_and_be_in_range(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="wl",
            name_th="ก",
            name_en="x",
            kind="water_level",
            lon=100.58,
            lat=13.55,
            quantities=[SeriesSpec(quantity="water_level", datum="MSL")],
        )
    )
    with store.write() as conn:
        assert living_store.set_warning_levels(conn, "wl", {"watch": 1.0, "danger": 1.4}, "t") == {
            "watch": 1.0,
            "danger": 1.4,
        }
    with pytest.raises(InvalidInput, match="must rise"), store.write() as conn:
        living_store.set_warning_levels(conn, "wl", {"warning": 1.5}, "t")
    with pytest.raises(InvalidInput, match="unknown warning level"), store.write() as conn:
        living_store.set_warning_levels(conn, "wl", {"flood": 1.5}, "t")
    with pytest.raises(InvalidInput, match="above 20 m"), store.write() as conn:
        living_store.set_warning_levels(conn, "wl", {"danger": 25.0}, "t")
    with store.read() as conn:
        assert living_store.get_warning_levels(conn, "wl") == {"watch": 1.0, "danger": 1.4}


def _forecast(peak: float) -> dict[str, np.ndarray]:
    t0 = 1_767_225_600
    times = t0 + 3600 * np.arange(1, 73)
    value = 0.5 + (peak - 0.5) * np.exp(-(((np.arange(72) - 40) / 6.0) ** 2))
    return {
        "time_s": times,
        "value": value,
        "tide": value,
        "residual": 0 * value,
        "lo80": value - 0.1,
        "hi80": value + 0.1,
        "lo95": value - 0.2,
        "hi95": value + 0.2,
    }


def test_level_rule_highest_level_reached() -> None:
    levels = {"watch": 1.0, "warning": 1.1, "danger": 1.2}
    assert water_level_signal("wl", "ก", "x", 1_767_225_600, _forecast(0.95), levels) is None
    s = water_level_signal("wl", "ก", "x", 1_767_225_600, _forecast(1.15), levels, datum="MSL")
    assert s is not None
    assert (s.kind, s.severity, s.threshold) == ("water_level", "moderate", 1.1)
    assert s.value == pytest.approx(1.15)
    assert 0.5 < s.probability < 0.7  # the peak is 5 cm above the level, sigma ~10 cm
    assert s.details["levels_possible_at_95"] == ["watch", "warning", "danger"]
    assert s.expected_at is not None and s.expected_at < 1_767_225_600 + 41 * 3600
    assert "1.10 m (MSL)" in s.description_en and "warning level" in s.headline_en
    assert "(UTC+7)" in s.description_en and " 2026 " in s.description_en  # '1 Jan 2026 …'
    assert " ม.ค. 2569 " in s.description_th and "T" not in s.description_th  # no ISO time


def test_simulation_parts_documented() -> None:
    fit = ko_lak_fit()
    assert "SA" not in fit.names and "K1" in fit.names
    k1 = fit.amplitudes[fit.names.index("K1")]
    assert k1 == pytest.approx(0.51, abs=0.02)  # Ko Lak K1 per SOURCES.md
    # the seasonal anomaly passes through the PSMSL monthly means at mid-month
    mid_nov = 1_763_164_800  # 2025-11-15
    assert seasonal_m(np.array([mid_nov]))[0] == pytest.approx(SEASONAL_MM[10] / 1000, abs=0.01)
    _, v1 = simulate(1_767_200_400, 100)
    _, v2 = simulate(1_767_200_400, 200)
    assert np.array_equal(v1, v2[:100])  # deterministic per hour


def test_simulated_station_loaded_and_labelled(store: Store) -> None:
    now = 1_767_200_400 + 200 * 86400
    r1 = load_simulated_water_level(store, now=now)
    assert r1.stored == 180 * 24 + 1
    st = store.get_station(SIMULATED_ID)
    assert st.meta["simulated"] is True and "SIMULATED" in st.name_en
    assert st.district_code == "1105"  # Phra Samut Chedi
    r2 = load_simulated_water_level(store, now=now + 3600)
    assert r2.stored == 1  # only the new hour; earlier hours unchanged
    with store.read() as conn:
        assert living_store.get_warning_levels(conn, SIMULATED_ID)["danger"] == 1.2


def test_published_levels_are_used_until_an_officer_sets_some(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="tw-1",
            name_th="ป้อมพระจุล",
            name_en="Pom Phrachun",
            kind="water_level",
            lon=100.58,
            lat=13.54,
            meta={"source": "ThaiWater", "warning_levels_m": {"warning": 1.9, "danger": 2.2}},
            quantities=[SeriesSpec(quantity="water_level", datum="MSL")],
        )
    )
    with store.read() as conn:
        assert living_store.get_warning_levels(conn, "tw-1") == {"warning": 1.9, "danger": 2.2}
    with store.write() as conn:
        living_store.set_warning_levels(conn, "tw-1", {"watch": 1.5, "warning": 1.8}, "officer")
    with store.read() as conn:  # the officer's levels win, the published ones are not mixed in
        assert living_store.get_warning_levels(conn, "tw-1") == {"watch": 1.5, "warning": 1.8}
