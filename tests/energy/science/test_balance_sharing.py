"""Self-consumption, self-sufficiency, CO2, and community sharing (hand cases, the real
CityLearn 17 homes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.core.errors import InvalidInput
from paknam.energy.science.balance import by_period, summarise
from paknam.energy.science.emission import grid_factor
from paknam.energy.science.sharing import Tariffs, allocate, pooled_ratios, statement

CITYLEARN_KW = {f"b{i:02d}": (4.0 if i in (1, 2, 3, 5, 6, 7, 8, 9) else 5.0) for i in range(1, 18)}


def test_ratios_are_per_interval_not_on_daily_totals() -> None:
    # PV only at noon, load only at night: daily totals would say 100 % self-sufficient
    g = np.array([0, 5, 0, 0.0])
    load = np.array([2, 0, 2, 1.0])
    s = summarise(g, load)
    assert s["self_consumption"] == 0.0
    assert s["self_sufficiency"] == 0.0
    assert s["export_kwh"] == 5 and s["import_kwh"] == 5
    assert s["co2_avoided_kg"] == pytest.approx(5 * 0.4750)


def test_summarise_by_hand() -> None:
    s = summarise(np.array([3, 1, 0.0]), np.array([1, 2, 2.0]))
    assert s["self_consumed_kwh"] == 2  # min(3,1) + min(1,2)
    assert s["self_consumption"] == pytest.approx(2 / 4)
    assert s["self_sufficiency"] == pytest.approx(2 / 5)
    assert s["grid_avoided_kwh"] == 2


def test_emission_factor_is_tgo_with_source() -> None:
    f = grid_factor()
    assert f.kg_per_kwh == 0.4750
    assert "TGO" in f.source and "2026" in f.source


def test_by_month_in_thai_time() -> None:
    t = pd.DatetimeIndex(["2024-01-31T23:00:00+07:00", "2024-02-01T00:00:00+07:00"]).tz_convert(
        "UTC"
    )  # both are 31 Jan / 1 Feb in Thai time, 16-17 h UTC on 31 Jan
    rows = by_period(pd.DataFrame({"gen_kwh": [1.0, 2.0], "load_kwh": [1.0, 1.0]}, index=t))
    assert [r["period"] for r in rows] == ["2024-01", "2024-02"]


def test_allocation_by_hand_pro_rata_with_losses() -> None:
    # one interval: A surplus 3, B surplus 1, C deficit 2, D deficit 6 -> S = 4, D = 8
    g = np.array([[5.0, 2.0, 0.0, 1.0]])
    load = np.array([[2.0, 1.0, 2.0, 7.0]])
    f = allocate(g, load, 0.0)
    assert f["sent"][0].tolist() == [3.0, 1.0, 0.0, 0.0]
    assert f["received"][0].tolist() == [0.0, 0.0, 1.0, 3.0]  # 4 split 2:6
    assert f["grid_import"][0].tolist() == [0.0, 0.0, 1.0, 3.0]
    f = allocate(g, load, 0.1)
    assert f["sent"][0].sum() == pytest.approx(4.0)  # D/(1-λ) = 8.9 > S: all surplus sent
    assert f["received"][0].sum() == pytest.approx(3.6)
    assert f["loss"][0] == pytest.approx(0.4)


def test_allocation_when_surplus_exceeds_deficit() -> None:
    g = np.array([[10.0, 0.0]])
    load = np.array([[1.0, 4.5]])
    f = allocate(g, load, 0.1)
    assert f["received"][0, 1] == pytest.approx(4.5)  # whole deficit met
    assert f["sent"][0, 0] == pytest.approx(5.0)  # 4.5 / 0.9
    assert f["grid_export"][0, 0] == pytest.approx(4.0)


def test_energy_is_conserved_and_money_balances() -> None:
    rng = np.random.default_rng(0)
    g = rng.uniform(0, 3, (500, 5)) * (rng.uniform(size=(500, 1)) > 0.5)
    load = rng.uniform(0.2, 2, (500, 5))
    t = Tariffs(loss_fraction=0.05)
    f = allocate(g, load, t.loss_fraction)
    assert np.allclose(f["self_consumed"] + f["sent"] + f["grid_export"], g)
    assert np.allclose(f["self_consumed"] + f["received"] + f["grid_import"], load)
    assert np.allclose(f["sent"].sum(1) - f["received"].sum(1), f["loss"])
    rows = statement(g, load, list("abcde"), t)
    community_money = sum(r["thb"]["community_in"] + r["thb"]["community_out"] for r in rows)
    assert community_money == pytest.approx(0.0, abs=1e-6)
    assert t.community_price == pytest.approx((4.18 + 2.20) / 2)
    assert all(r["saving_thb"] >= -1e-9 for r in rows)  # sharing never costs a member


def test_missing_values_and_bad_tariffs_are_refused() -> None:
    with pytest.raises(InvalidInput, match="every member"):
        allocate(np.array([[1.0, np.nan]]), np.array([[1.0, 1.0]]))
    with pytest.raises(InvalidInput, match="loss_fraction"):
        Tariffs(loss_fraction=0.7)


@pytest.mark.shared_data
def test_citylearn_pooling_reproduces_published_figures(shared_data: Path) -> None:
    c = pd.read_csv(shared_data / "energy" / "citylearn2022_17homes_load_pv_hourly.csv.gz")
    g = np.stack([c[f"{b}_pv_w_per_kw"] * kw / 1000 for b, kw in CITYLEARN_KW.items()], 1)
    load = np.stack([c[f"{b}_load_kwh"] for b in CITYLEARN_KW], 1)
    r = pooled_ratios(g, load)
    # SOURCES.md / REFERENCE.md: 169.6 MWh load, 103.4 MWh PV; 55.6 % -> 72.7 %,
    # self-sufficiency 33.9 % -> 44.3 %
    assert r["consumption_kwh"] / 1000 == pytest.approx(169.6, abs=0.05)
    assert r["generation_kwh"] / 1000 == pytest.approx(103.4, abs=0.05)
    assert round(r["self_consumption_alone"] * 100, 1) == 55.6
    assert round(r["self_consumption_pooled"] * 100, 1) == 72.7
    assert round(r["self_sufficiency_alone"] * 100, 1) == 33.9
    assert round(r["self_sufficiency_pooled"] * 100, 1) == 44.3
    # pooled = Σ_t min(ΣG, ΣL) / ΣG when there are no losses
    assert r["self_consumption_pooled"] == pytest.approx(
        np.minimum(g.sum(1), load.sum(1)).sum() / g.sum()
    )
