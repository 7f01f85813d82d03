"""IEC 61724 daily yields and PR: hand-computed cases and a synthetic round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paknam.energy.science.performance import daily_performance, monthly_pr
from paknam.energy.science.pvmodel import ArraySpec, expected_power


def _day(values: list[float], start: str = "2024-03-20 08:00") -> pd.Series:
    t = pd.date_range(start, periods=len(values), freq="h", tz="Asia/Bangkok")
    return pd.Series(values, index=t.tz_convert("UTC"))


def test_yields_and_pr_by_hand() -> None:
    # four sunny hours at 500 W/m², 3.2 kW from 8 kWp: Y_f = 12.8/8 = 1.6 h, Y_r = 2.0 h
    ac = _day([3.2] * 4)
    irr = _day([500.0] * 4)
    zen = _day([40.0] * 4)
    d = daily_performance(ac, irr, _day([4.0] * 4), zen, kwp=8, step_s=3600)
    row = d.iloc[0]
    assert row["e_ac_kwh"] == pytest.approx(12.8)
    assert row["y_f"] == pytest.approx(1.6)
    assert row["y_r"] == pytest.approx(2.0)
    assert row["pr"] == pytest.approx(0.8)
    assert row["performance_index"] == pytest.approx(0.8)  # 12.8 / 16 expected


def test_intervals_missing_either_value_are_left_out_and_coverage_reported() -> None:
    ac = _day([3.2, np.nan, 3.2, 3.2, 3.2])
    irr = _day([500.0, 500.0, np.nan, 500.0, 500.0])
    zen = _day([40.0] * 5)
    d = daily_performance(ac, irr, _day([4.0] * 5), zen, kwp=8, step_s=3600)
    assert d.iloc[0]["coverage"] == pytest.approx(3 / 5)
    assert np.isnan(d.iloc[0]["pr"])  # below 80 % coverage
    assert d.iloc[0]["note"] == "coverage_below_80pct"


def test_without_sensor_no_pr_but_ratio_to_model() -> None:
    ac = _day([3.0] * 5)
    d = daily_performance(ac, None, _day([4.0] * 5), _day([40.0] * 5), kwp=8, step_s=3600)
    assert np.isnan(d.iloc[0]["pr"])
    assert d.iloc[0]["performance_index"] == pytest.approx(0.75)
    assert d.iloc[0]["note"] == "no_irradiance_sensor"


def test_round_trip_model_output_scaled_gives_scaled_pr() -> None:
    """Feed the model's own output ×0.9 back as 'measured': PR = 0.9 × modelled PR."""
    t = pd.date_range("2024-01-01", "2024-01-31 23:45", freq="15min", tz="Asia/Bangkok")
    rng = np.random.default_rng(1)
    cs = expected_power(t, 13.6, 100.6, [ArraySpec(8, 10, 180)])  # clear-sky GHI basis
    ghi = cs["ghi"] * rng.uniform(0.5, 1.0, len(t))
    arr = [ArraySpec(8, 10, 180)]
    model = expected_power(t, 13.6, 100.6, arr, ghi=ghi, temp_air=30.0)
    idx = t.tz_convert("UTC")
    model.index = idx
    d = daily_performance(
        model["ac_kw"] * 0.9, model["poa"], model["ac_kw"], model["zenith"], 8, 900
    )
    ok = d["pr"].notna()
    assert ok.sum() >= 28
    assert np.allclose(d.loc[ok, "pr"], 0.9 * d.loc[ok, "pr_expected"])
    assert np.allclose(d.loc[ok, "performance_index"], 0.9)
    m = monthly_pr(d)
    assert m["pr"].iloc[0] == pytest.approx(d.loc[ok, "y_f"].sum() / d.loc[ok, "y_r"].sum())
