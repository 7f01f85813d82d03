"""Backtest: scores, baselines, the contract JSON of ``paknam tides backtest``.

The synthetic record of ``test_engine.py`` (known tide + AR(1) residual, 150 days) is
trained on its first 120 days and replayed hourly over the last 30.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from paknam.living.backtest_cli import backtest_command
from paknam.living.errors import HarmonicAnalysisError
from paknam.living.forecast.backtest import BacktestResult, backtest
from paknam.living.forecast.backtest_scores import event_counts, lead_scores, noise_estimate
from tests.living.forecast.test_engine import LATITUDE, TRAIN_UNTIL, synthetic_record

pytest.importorskip("utide")

LEAD_KEYS = {
    "rmse_m",
    "mae_m",
    "central_frequency",
    "pod",
    "far",
    "csi",
    "n",
    "brier_skill",
    "threshold_probability",
}
TEST_HOURS = 30 * 24


@pytest.fixture(scope="module")
def result(record: tuple[np.ndarray, np.ndarray, np.ndarray]) -> BacktestResult:
    times, levels, _ = record
    return backtest(times, levels, latitude=LATITUDE, train_until=TRAIN_UNTIL)


def assert_contract(doc: dict) -> None:
    """``{"leads": {"24"/"48"/"72": {7 keys}}, "baselines": {"harmonic": {"leads": ..},
    "persistence": {"leads": ..}}}`` (CONTRACTS.md)."""
    assert set(doc["leads"]) == {"24", "48", "72"}
    for scores in doc["leads"].values():
        assert set(scores) == LEAD_KEYS
    assert set(doc["baselines"]) == {"harmonic", "persistence"}
    for baseline in doc["baselines"].values():
        assert set(baseline) == {"leads"}
        assert set(baseline["leads"]) == {"24", "48", "72"}
        for scores in baseline["leads"].values():
            assert set(scores) == LEAD_KEYS


def test_backtest_contract_shape_and_counts(result: BacktestResult) -> None:
    doc = json.loads(json.dumps(result.to_dict()))
    assert_contract(doc)
    for lead in (24, 48, 72):
        assert doc["leads"][str(lead)]["n"] == TEST_HOURS - lead
    assert doc["test_period"] == {"start": "2021-05-01T00:00:00Z", "end": "2021-05-30T23:00:00Z"}
    assert doc["issues"] == TEST_HOURS - 1
    assert doc["train_until"] == "2021-05-01T00:00:00Z"


def test_backtest_json_says_how_the_warning_thresholds_were_chosen(
    result: BacktestResult,
) -> None:
    doc = json.loads(json.dumps(result.to_dict()))
    chosen = doc["warning_thresholds"]
    assert chosen["chosen_on"].startswith("out-of-fold forecasts of the training window")
    assert chosen["level_m"] == doc["level_m"]
    assert set(chosen["by_lead"]) == {"24", "48", "72"}
    for lead, seen in chosen["by_lead"].items():
        assert {"threshold", "events", "days", "rule"} <= set(seen)
        assert doc["leads"][lead]["threshold_probability"] == pytest.approx(seen["threshold"])
        if seen["events"] >= 5:
            assert seen["rule"] == "half the best F1"
            assert seen["threshold"] == pytest.approx(seen["f1"] / 2, abs=1e-3)
            assert seen["f1"] == pytest.approx(2 * seen["csi"] / (1 + seen["csi"]), abs=1e-3)
    assert any("out-of-fold" in note for note in doc["notes"])


def test_backtest_model_beats_both_baselines(result: BacktestResult) -> None:
    rmse = {lead: s["rmse_m"] for lead, s in result.leads.items()}
    harmonic = {lead: s["rmse_m"] for lead, s in result.baselines["harmonic"].items()}
    persistence = {lead: s["rmse_m"] for lead, s in result.baselines["persistence"].items()}
    assert rmse[24] < 0.8 * harmonic[24]  # measured 8.1 vs 11.8 cm
    assert rmse[48] < harmonic[48]  # 10.9 vs 12.0 cm (AR(1) memory is fading)
    for lead in (24, 48, 72):
        assert rmse[lead] < persistence[lead]


def test_backtest_default_level_is_the_training_p99(
    result: BacktestResult, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    assert result.level_m == pytest.approx(np.percentile(levels[times < TRAIN_UNTIL], 99))
    assert result.leads[24]["pod"] is not None  # the test month has events


def test_backtest_intervals_cover_roughly_as_stated(result: BacktestResult) -> None:
    for lead in (24, 72):
        assert 0.6 < result.coverage[lead]["80"] < 0.95
        assert 0.8 < result.coverage[lead]["95"] <= 1.0


def test_backtest_refuses_a_record_without_test_data(
    record: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    times, levels, _ = record
    with pytest.raises(HarmonicAnalysisError, match="nothing to test"):
        backtest(times, levels, latitude=LATITUDE, train_until="2030-01-01")


def test_backtest_lead_scores_on_known_errors() -> None:
    times = np.datetime64("2024-01-01T00:00:00") + np.arange(48) * np.timedelta64(1, "h")
    observed = np.full(48, 1.0)
    forecast = observed + np.r_[np.full(24, 0.1), np.full(24, -0.2)]
    observed[30] = 2.0  # day 2 has an event
    forecast[5] = 2.1  # day 1 gets a false alarm
    s = lead_scores(times, observed, forecast, level=1.5)
    error = observed - forecast
    assert s["rmse_m"] == pytest.approx(np.sqrt(np.mean(error**2)), abs=1e-5)
    assert s["mae_m"] == pytest.approx(np.mean(np.abs(error)), abs=1e-5)
    assert s["central_frequency"] == pytest.approx(23 / 48, abs=1e-5)
    assert (s["pod"], s["far"], s["csi"], s["n"]) == (0.0, 1.0, 0.0, 48)
    assert event_counts(times, observed, observed, 1.5) == (1, 0, 0, 2)


def test_backtest_scores_undefined_without_events() -> None:
    times = np.datetime64("2024-01-01T00:00:00") + np.arange(24) * np.timedelta64(1, "h")
    s = lead_scores(times, np.zeros(24), np.zeros(24), level=1.0)
    assert s["pod"] is None and s["far"] is None and s["csi"] is None
    assert s["central_frequency"] == 1.0


def test_backtest_noise_estimate_finds_white_noise_and_timing_jitter() -> None:
    rng = np.random.default_rng(3)
    hours = np.arange(24 * 400)
    tide = 1.5 * np.cos(2 * np.pi * hours / 12.42)
    slow = 0.2 * np.sin(2 * np.pi * hours / 240.0)
    white = rng.normal(0, 0.03, hours.size)
    jitter_h = rng.normal(0, 10 / 60, hours.size)  # 10 min rms timing error
    residual = slow + white - jitter_h * np.gradient(tide)
    noise = noise_estimate(residual, tide)
    assert noise["level_noise_m"] == pytest.approx(0.03, abs=0.005)
    assert noise["timing_jitter_min"] == pytest.approx(10, abs=1.5)
    assert noise["lowpass_rms_m"] > 0.05


def write_csv(path: Path, times: np.ndarray, levels: np.ndarray, latitude: bool) -> None:
    head = [f"# latitude: {LATITUDE}"] if latitude else []
    rows = [f"{t}Z,{v:.4f}" for t, v in zip(times, levels, strict=True)]
    path.write_text("\n".join([*head, "time,level_m", *rows]) + "\n")


def test_backtest_command_prints_the_contract_json(
    tmp_path: Path, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    path = tmp_path / "gauge.csv"
    write_csv(path, times, levels, latitude=True)
    out, err = io.StringIO(), io.StringIO()
    code = backtest_command(str(path), "2021-05-01", True, out=out, err=err)
    assert code == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert_contract(doc)
    assert doc["latitude"] == LATITUDE and doc["format"] == "csv"
    table = io.StringIO()
    assert backtest_command(str(path), "2021-05-01", False, out=table) == 0
    assert "แบบจำลอง / model" in table.getvalue() and "persistence" in table.getvalue()


def test_backtest_command_bad_input_exits_2(
    tmp_path: Path, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    path = tmp_path / "gauge.csv"
    write_csv(path, times[:2000], levels[:2000], latitude=False)
    err = io.StringIO()
    assert backtest_command(str(path), "2021-02-15", True, err=err) == 2
    assert "--latitude" in err.getvalue()
    err = io.StringIO()
    assert backtest_command(str(tmp_path / "missing.csv"), "2021-02-15", True, err=err) == 2
    assert "cannot read" in err.getvalue()
    err = io.StringIO()
    assert backtest_command(str(path), "soon", True, latitude=13.5, err=err) == 2
    assert "ISO 8601" in err.getvalue()


def test_backtest_paknam_cli_wiring(
    tmp_path: Path, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    from paknam.cli import app

    times, levels, _ = record
    path = tmp_path / "gauge.csv"
    write_csv(path, times, levels, latitude=False)
    args = ["tides", "backtest", str(path), "--train-until", "2021-05-01", "--json"]
    run = CliRunner().invoke(app, [*args, "--latitude", str(LATITUDE), "--level", "1.9"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert_contract(doc)
    assert doc["level_m"] == 1.9


def test_backtest_command_with_forecast_inputs_reports_with_and_without(tmp_path: Path) -> None:
    """An extra ``discharge_m3s`` column is a forecast input: the model is trained with it,
    and once more without, and both are reported (a synthetic driver that raises the level
    a day after it is observed: with it the 24 h forecast must be better)."""
    times, levels, residual = synthetic_record(days=150, seed=11)
    rng = np.random.default_rng(12)
    flow = np.empty(times.size)
    flow[0] = 0.0
    for i in range(1, times.size):
        flow[i] = 0.99 * flow[i - 1] + rng.normal(0, 0.14)
    levels = levels - residual + 0.1 * np.r_[np.zeros(24), flow[:-24]]
    path = tmp_path / "gauge.csv"
    rows = [f"{t}Z,{v:.4f},{q:.3f}" for t, v, q in zip(times, levels, flow, strict=True)]
    path.write_text(
        "\n".join([f"# latitude: {LATITUDE}", "time,level_m,discharge_m3s", *rows]) + "\n"
    )
    out, err = io.StringIO(), io.StringIO()
    assert backtest_command(str(path), "2021-05-01", True, out=out, err=err) == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert_contract(doc)
    assert doc["predictors"] == ["discharge_m3s"]
    assert "predictors" in doc["model"]
    without = doc["without_predictors"]
    assert "predictors" not in without["model"]
    assert doc["leads"]["24"]["rmse_m"] < 0.8 * without["leads"]["24"]["rmse_m"]
    table = io.StringIO()
    assert backtest_command(str(path), "2021-05-01", False, out=table) == 0
    assert "discharge_m3s" in table.getvalue() and "without" in table.getvalue()


def test_backtest_command_refuses_a_bad_forecast_input(tmp_path: Path) -> None:
    times, levels, _ = synthetic_record(days=40)
    path = tmp_path / "gauge.csv"
    rows = [f"{t}Z,{v:.4f},1.0" for t, v in zip(times, levels, strict=True)]
    rows[100] = rows[100].rsplit(",", 1)[0] + ",windy"
    path.write_text("\n".join(["time,level_m,pressure_hpa", *rows]) + "\n")
    err = io.StringIO()
    assert backtest_command(str(path), "2021-02-01", True, latitude=LATITUDE, err=err) == 2
    assert "pressure_hpa 'windy' on line 102 is not a number" in err.getvalue()
