"""Under-performance detection: synthetic cases with known answers, and the real CUEE
8 kWp rooftop whose PR collapsed after July 2023."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.energy.science.detect import change_points, detect, find_clipping
from paknam.energy.science.performance import daily_performance, monthly_pr
from paknam.energy.science.pvmodel import ArraySpec, expected_power


def _daily(pr: np.ndarray, start: str = "2024-01-01") -> pd.DataFrame:
    idx = pd.date_range(start, periods=len(pr), freq="D")
    return pd.DataFrame(
        {
            "pr": pr,
            "performance_index": pr / 0.8,
            "zero_daylight_intervals": np.zeros(len(pr), dtype=int),
        },
        index=idx,
    )


def test_step_drop_found_on_its_day() -> None:
    rng = np.random.default_rng(7)
    pr = np.r_[0.8 + rng.normal(0, 0.03, 60), 0.5 + rng.normal(0, 0.03, 60)]
    flags = detect(_daily(pr), 900)
    steps = [f for f in flags if f.kind == "step_drop"]
    assert len(steps) == 1
    assert steps[0].start == "2024-03-01"  # day 61
    assert steps[0].evidence["median_before"] == pytest.approx(0.8, abs=0.02)
    assert steps[0].reason_th and steps[0].reason_en


def test_noise_alone_gives_no_step_and_no_decline() -> None:
    rng = np.random.default_rng(3)
    pr = 0.8 + rng.normal(0, 0.05, 200)
    assert change_points(pd.Series(pr)) == []
    assert [f for f in detect(_daily(pr), 900) if f.kind != "low_from_start"] == []


def test_gradual_decline_is_soiling_not_a_step() -> None:
    rng = np.random.default_rng(5)
    pr = np.linspace(0.8, 0.68, 90) + rng.normal(0, 0.01, 90)
    kinds = {f.kind for f in detect(_daily(pr), 900)}
    assert "gradual_decline" in kinds
    assert "step_drop" not in kinds


def test_outage_days_grouped_with_hours() -> None:
    d = _daily(np.full(30, 0.8))
    d.loc["2024-01-10":"2024-01-11", "zero_daylight_intervals"] = 40  # 10 h at 15 min
    d.loc["2024-01-20", "zero_daylight_intervals"] = 2  # 30 min: below 1 h
    outages = [f for f in detect(d, 900) if f.kind == "outage"]
    assert [(f.start, f.end) for f in outages] == [("2024-01-10", "2024-01-11")]
    assert outages[0].magnitude == pytest.approx(20.0)
    assert outages[0].severity == "severe"


def test_clipping_flags_the_energy_cut() -> None:
    t = pd.date_range("2024-03-20 08:00", periods=8, freq="h", tz="Asia/Bangkok")
    arr = [ArraySpec(8, 10, 180, inverter_ac_kw=4.0)]
    model = expected_power(t, 13.6, 100.6, arr, poa=pd.Series(900.0, index=t), temp_air=30)
    flags = find_clipping(model["ac_kw"], model["ac_unclipped_kw"], 4.0, 3600)
    assert len(flags) == 1 and flags[0].kind == "clipping"
    assert flags[0].magnitude > 5  # kWh cut over 8 hours


def _cuee(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    d = pd.read_csv(shared_data / "energy" / "cuee_bangkok_pv8kwp_15min_2023_2024.csv.gz")
    t = pd.DatetimeIndex(pd.to_datetime(d["timestamp"], format="ISO8601"))
    mid = t + pd.Timedelta(minutes=7.5)  # values are interval means
    model = expected_power(
        mid,
        13.7364,
        100.5226,
        [ArraySpec(8, 10, 180)],
        poa=pd.Series(d["irradiance_wm2"].to_numpy(), index=mid),
        temp_air=pd.Series(d["temp_air_c"].to_numpy(), index=mid),
    )
    idx = t.tz_convert("UTC")
    model.index = idx
    pv = pd.Series(d["pv_ac_kw"].to_numpy(), index=idx)
    daily = daily_performance(pv, model["poa"], model["ac_kw"], model["zenith"], 8.0, 900)
    return daily, model


@pytest.mark.shared_data
def test_cuee_monthly_pr_matches_the_published_collapse(shared_data: Path) -> None:
    daily, _ = _cuee(shared_data)
    m = monthly_pr(daily)["pr"]
    before = m[(m.index >= pd.Period("2023-03", "M")) & (m.index <= pd.Period("2023-07", "M"))]
    after = m[m.index >= pd.Period("2023-08", "M")]
    # SOURCES.md: 0.52–0.59 Mar–Jul 2023, 0.24–0.33 from Aug 2023 on
    assert before.between(0.52, 0.59).all()
    assert after.between(0.24, 0.33).all()


@pytest.mark.shared_data
def test_cuee_step_drop_flagged_with_its_date(shared_data: Path) -> None:
    daily, _ = _cuee(shared_data)
    flags = detect(daily, 900)
    steps = [f for f in flags if f.kind == "step_drop"]
    assert len(steps) == 1
    step = steps[0]
    assert step.start == "2023-08-02"
    assert step.evidence["last_day_before"] == "2023-08-01"
    assert step.evidence["median_before"] == pytest.approx(0.53, abs=0.03)
    assert step.evidence["median_after"] == pytest.approx(0.28, abs=0.03)
    assert step.severity == "severe"
