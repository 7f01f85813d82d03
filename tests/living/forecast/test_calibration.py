"""Calibrated distributions and the warning rule: the same in production and backtest.

On the synthetic record of ``test_engine.py`` (known tide + AR(1) residual; trained on 120
days, tested on 30) and on hand-made numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from paknam.living.forecast import calibration
from paknam.living.forecast.backtest import BacktestResult, _calibrated, backtest
from paknam.living.forecast.engine import TideEngine, forecast, replay
from paknam.living.forecast.level_rules import (
    exceedance_probability,
    warned_hours,
    water_level_signal,
)
from tests.living.forecast.test_engine import LATITUDE, TRAIN_UNTIL

pytest.importorskip("utide")


@pytest.fixture(scope="module")
def result(record: tuple[np.ndarray, np.ndarray, np.ndarray]) -> BacktestResult:
    times, levels, _ = record
    return backtest(times, levels, latitude=LATITUDE, train_until=TRAIN_UNTIL)


def test_exceedance_probability_reads_the_quantile_grid() -> None:
    errors = np.linspace(-0.5, 0.5, 10001)  # uniform errors on ±0.5 m
    grid = calibration.grid_of(errors[:, None])
    value = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    level = np.array([0.4, 1.0, 1.25, 1.499, 1.6])
    p = np.array(
        [exceedance_probability(value[i : i + 1], grid, lv)[0] for i, lv in enumerate(level)]
    )
    np.testing.assert_allclose(p[:4], [1.0, 0.5, 0.25, 0.0], atol=0.011)
    assert p[4] == 0.0 and p[0] == 1.0
    assert list(warned_hours(p, 0.5)) == [True, True, False, False, False]


def test_error_windows_hold_only_verified_errors() -> None:
    errors = np.arange(10, dtype=float)  # error of the issue at hour k is k
    w = calibration.error_windows(errors, lead=3, window_h=4)
    # at hour 6 the forecasts issued at 0..3 are verified (3 + 3 = 6), not 4, 5, 6
    np.testing.assert_array_equal(w[6], [0, 1, 2, 3])
    assert np.isnan(w[2]).all()
    np.testing.assert_array_equal(w[9], [3, 4, 5, 6])


def test_window_grids_fall_back_to_validation_with_few_errors() -> None:
    windows = np.full((2, calibration.WINDOW_H), np.nan)
    windows[1, : calibration.MIN_ERRORS] = np.linspace(-1, 1, calibration.MIN_ERRORS)
    fallback = np.full(calibration.GRID_LEVELS.size, 7.0)
    g = calibration.window_grids(windows, fallback)
    np.testing.assert_array_equal(g[0], fallback)
    assert g[1, 0] == -1.0 and g[1, -1] == 1.0 and np.all(np.diff(g[1]) >= 0)


def test_choose_threshold_is_half_the_best_f1_and_defaults_without_events() -> None:
    p = np.array([0.9, 0.8, 0.3, 0.25, 0.2, 0.1, 0.7, 0.1, 0.05, 0.6])
    event = np.array([1, 1, 1, 0, 0, 0, 1, 0, 0, 1], dtype=bool)
    threshold, seen = calibration.choose_threshold(p, event)
    # only 0.3 catches all 5 events without a false alarm: CSI 1, F1 1, threshold 1/2
    assert seen["max_csi_threshold"] == pytest.approx(0.3)
    assert seen["csi"] == 1.0 and seen["f1"] == 1.0 and seen["events"] == 5
    assert threshold == pytest.approx(0.5)
    # best CSI 1/2 (warn all: 2 hits, 2 false alarms; or above 0.7: 1 hit, 1 miss):
    # F1 = 2/3, threshold 1/3, though the arg-max of CSI is 0.5 (median of the ties)
    p2 = np.tile([0.9, 0.7, 0.4, 0.2], 3)
    e2 = np.tile([True, False, False, True], 3)  # 6 events
    t2, seen2 = calibration.choose_threshold(p2, e2)
    assert seen2["csi"] == pytest.approx(0.5) and t2 == pytest.approx(1 / 3, abs=1e-3)
    few, seen = calibration.choose_threshold(p, np.zeros(10, dtype=bool))
    assert few == calibration.DEFAULT_THRESHOLD and "default" in seen["rule"]


def test_brier_skill_against_climatology() -> None:
    event = np.array([1, 0, 0, 0], dtype=bool)
    assert calibration.brier_skill(event.astype(float), event, 0.25) == 1.0
    assert calibration.brier_skill(np.full(4, 0.25), event, 0.25) == 0.0
    assert calibration.brier_skill(np.full(4, 0.0), np.zeros(4, bool), 0.0) is None


def test_production_forecast_uses_the_backtest_calibration(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    """``forecast`` (production) and the backtest give the same error distribution, the
    same intervals and the same threshold at an issue hour of the test period."""
    times, levels, _ = record
    test0 = int(np.flatnonzero(times >= TRAIN_UNTIL)[0])
    rows = np.arange(test0 - calibration.WINDOW_H - 72, test0 + 200)
    _, total, stale = replay(engine, times, levels, rows)
    issue_row = rows.size - 1
    fc = forecast(engine, times, levels, times[rows[-1]])
    assert fc.grid is not None and fc.threshold is not None
    for lead in (1, 24, 72):
        grids = _calibrated(times, levels, rows, total, stale, engine, lead)
        np.testing.assert_allclose(fc.grid[lead - 1], grids[issue_row], atol=1e-6)
    np.testing.assert_allclose(fc.threshold, engine.threshold)
    lo95, lo80, hi80, hi95 = (fc.total + fc.grid[:, c] for c in calibration.interval_columns())
    np.testing.assert_allclose((fc.lo95, fc.lo80, fc.hi80, fc.hi95), (lo95, lo80, hi80, hi95))


def test_calibration_ignores_later_observations(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    issue = TRAIN_UNTIL + np.timedelta64(240, "h")
    before = forecast(engine, times, levels, issue)
    corrupted = levels.copy()
    corrupted[times > issue] += 5.0
    after = forecast(engine, times, corrupted, issue)
    np.testing.assert_array_equal(before.grid, after.grid)


def test_engine_thresholds_are_chosen_on_out_of_fold_days(engine: TideEngine) -> None:
    warning = engine.info["warning"]
    assert set(warning["by_lead"]) == {"24", "48", "72"}
    assert warning["chosen_on"].startswith("out-of-fold")
    validation_days = engine.info["validation_issue_hours"] / 24
    for lead, seen in warning["by_lead"].items():
        assert engine.threshold[int(lead) - 1] == pytest.approx(seen["threshold"])
        assert 0.0 < seen["threshold"] < 1.0
        # the whole training window (120 days), not the validation part (30)
        assert seen["days"] > 3 * validation_days
        if seen["events"] >= calibration.MIN_EVENT_DAYS:
            assert seen["threshold"] == pytest.approx(seen["f1"] / 2, abs=1e-3)
    assert engine.level_m == pytest.approx(warning["level_m"], abs=1e-4)
    assert 0.0 < engine.info["climatology"] < 1.0


def test_backtest_scores_the_warning_rule(result: BacktestResult) -> None:
    for lead in (24, 48, 72):
        scores = result.leads[lead]
        assert scores["threshold_probability"] == pytest.approx(result.engine.threshold[lead - 1])
        assert scores["brier_skill"] is not None and scores["brier_skill"] <= 1.0
        assert result.baselines["persistence"][lead]["threshold_probability"] is None
        for key in ("80", "95"):
            assert 0.0 < result.coverage[lead][key] <= 1.0
        assert result.coverage[lead]["80"] < result.coverage[lead]["95"]


def test_signal_follows_the_probability_rule() -> None:
    """A level the central forecast does not reach is warned when the calibrated
    probability passes the threshold (and not with a higher threshold)."""
    t0 = 1_767_225_600
    value = np.full(72, 1.0)
    errors = np.linspace(-0.3, 0.3, 2001)
    grid = np.repeat(calibration.grid_of(errors[:, None]), 72, axis=0)
    columns = {
        "time_s": t0 + 3600 * np.arange(1, 73),
        "value": value,
        "lo95": value - 0.3,
        "hi95": value + 0.3,
        "grid": grid,
        "threshold": np.full(72, 0.3),
    }
    levels = {"watch": 1.1}  # P(error >= 0.1) = 1/3
    signal = water_level_signal("wl", "ก", "x", t0, columns, levels)
    assert signal is not None and signal.probability == pytest.approx(1 / 3, abs=0.01)
    assert signal.expected_at == t0 + 3600
    assert (
        water_level_signal("wl", "ก", "x", t0, {**columns, "threshold": np.full(72, 0.4)}, levels)
        is None
    )
