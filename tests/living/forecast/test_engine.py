"""The forecast engine on a synthetic round trip: known tide + AR(1) residual.

The tide is predicted from known constants (a Gulf-of-Thailand-like mix: K1 0.5 m, O1
0.35 m, M2 0.6 m, S2 0.25 m) with :func:`paknam.living.tides.harmonics.predict`; the residual is
an AR(1) process (phi = 0.98 per hour, 0.10 m) plus 1 cm white noise. The best possible
residual forecast at lead L is ``phi**L`` times the current residual, so the engine must
find the tide, forecast the residual with skill, never look past the issue time, and
survive a JSON round trip unchanged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from paknam.living.errors import HarmonicAnalysisError, RecordTooShortError
from paknam.living.forecast.backtest import replay
from paknam.living.forecast.engine import MAX_AGE_H, Forecast, TideEngine, forecast, train
from paknam.living.tides.constituents import BY_NAME
from paknam.living.tides.harmonics import HarmonicFit, predict

LATITUDE = 13.55
START = np.datetime64("2021-01-01T00:00:00", "s")
TRAIN_UNTIL = np.datetime64("2021-05-01T00:00:00", "s")
PHI, SIGMA, NOISE = 0.98, 0.10, 0.01
CONSTANTS = {"K1": (0.50, 120.0), "O1": (0.35, 80.0), "M2": (0.60, 200.0), "S2": (0.25, 240.0)}


def known_fit() -> HarmonicFit:
    names = tuple(CONSTANTS)
    n = len(names)
    return HarmonicFit(
        names=names,
        frequencies=np.array([BY_NAME[x].frequency for x in names]),
        amplitudes=np.array([CONSTANTS[x][0] for x in names]),
        phases=np.array([CONSTANTS[x][1] for x in names]),
        amplitude_ci=np.zeros(n),
        phase_ci=np.zeros(n),
        snr=np.full(n, np.inf),
        mean=1.0,
        slope=0.0,
        reference_time=START,
        start=START,
        end=START,
        latitude=LATITUDE,
        n_observations=0,
        residual_rms=0.0,
        method="known",
        trend=False,
        nodal=True,
        iterations=0,
    )


def synthetic_record(days: int = 150, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hourly times (UTC), levels [m] and the true residual [m]."""
    rng = np.random.default_rng(seed)
    times = START + np.arange(days * 24) * np.timedelta64(3600, "s")
    ar = np.empty(times.size)
    ar[0] = rng.normal(0, SIGMA)
    innovations = rng.normal(0, SIGMA * np.sqrt(1 - PHI**2), times.size)
    for i in range(1, times.size):
        ar[i] = PHI * ar[i - 1] + innovations[i]
    residual = ar + rng.normal(0, NOISE, times.size)
    return times, predict(known_fit(), times, min_snr=0) + residual, residual


@pytest.fixture(scope="module")
def engine(record: tuple[np.ndarray, np.ndarray, np.ndarray]) -> TideEngine:
    times, levels, _ = record
    return train(times, levels, latitude=LATITUDE, train_until=TRAIN_UNTIL, station="synthetic")


def test_forecast_engine_recovers_the_tide(engine: TideEngine) -> None:
    for name, (amplitude, phase) in CONSTANTS.items():
        i = engine.fit.index(name)
        assert engine.fit.amplitudes[i] == pytest.approx(amplitude, abs=0.02)
        assert abs((engine.fit.phases[i] - phase + 180) % 360 - 180) < 3.0
    assert engine.fit.trend is False
    assert engine.info["train_end"] == "2021-04-30T23:00:00Z"
    assert engine.info["validation_start"] < engine.info["train_end"]


def test_forecast_residual_model_has_ar1_skill(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    rows = np.flatnonzero(times >= TRAIN_UNTIL)[:-72]
    tide, total, _ = replay(engine, times, levels, rows)
    for lead in (1, 24, 72):
        error = levels[rows + lead] - total[:, lead - 1]
        rmse = np.sqrt(np.mean(error**2))
        best = np.sqrt(SIGMA**2 * (1 - PHI ** (2 * lead)) + NOISE**2)
        harmonic_only = np.sqrt(np.mean((levels[rows + lead] - tide[rows + lead]) ** 2))
        assert rmse < 1.25 * best, (lead, rmse, best)
        if lead <= 24:
            assert rmse < 0.9 * harmonic_only, (lead, rmse, harmonic_only)
    assert engine.surge.spec.name != "none"


def test_forecast_uses_no_data_after_the_issue_time(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    issue = TRAIN_UNTIL + np.timedelta64(200, "h")
    before = forecast(engine, times, levels, issue)
    corrupted = levels.copy()
    corrupted[times > issue] = 50.0
    after = forecast(engine, times, corrupted, issue)
    np.testing.assert_array_equal(before.total, after.total)
    np.testing.assert_array_equal(before.hi95, after.hi95)
    changed = levels.copy()
    changed[times == issue] += 0.3  # the observation at the issue hour is used
    assert not np.allclose(forecast(engine, times, changed, issue).residual, before.residual)


def test_forecast_equals_the_backtest_replay(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    rows = np.flatnonzero(times >= TRAIN_UNTIL)[[0, 100, 500]]
    _, total, _ = replay(engine, times, levels, rows)
    for k, row in enumerate(rows):
        fc = forecast(engine, times, levels, times[row])
        np.testing.assert_allclose(fc.total, total[k], atol=1e-6)


def test_forecast_shape_times_and_intervals(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    issue = datetime(2021, 5, 10, 13, 40, tzinfo=UTC)  # floored to 13:00
    fc = forecast(engine, times, levels, issue, horizon_h=48)
    assert isinstance(fc, Forecast) and fc.mode == "tide+residual"
    assert fc.issue_time == np.datetime64("2021-05-10T13:00:00")
    assert fc.times[0] == np.datetime64("2021-05-10T14:00:00") and fc.times.size == 48
    np.testing.assert_allclose(fc.total, fc.tide + fc.residual)
    assert np.all(fc.lo95 <= fc.lo80) and np.all(fc.lo80 < fc.total)
    assert np.all(fc.total < fc.hi80) and np.all(fc.hi80 <= fc.hi95)
    width = fc.hi95 - fc.lo95
    assert width[-1] > width[0]  # uncertainty grows with lead
    doc = fc.to_dict()
    assert doc["times"][0] == "2021-05-10T14:00:00Z" and len(doc["total_m"]) == 48


def test_forecast_engine_json_round_trip(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    text = json.dumps(engine.to_dict())
    again = TideEngine.from_dict(json.loads(text))
    issue = TRAIN_UNTIL + np.timedelta64(30, "h")
    a, b = forecast(engine, times, levels, issue), forecast(again, times, levels, issue)
    np.testing.assert_array_equal(a.total, b.total)
    np.testing.assert_array_equal(a.lo80, b.lo80)
    assert again.label == engine.label and again.info == json.loads(json.dumps(engine.info))
    with pytest.raises(HarmonicAnalysisError, match="retrain"):
        TideEngine.from_dict({**engine.to_dict(), "format_version": 0})


def test_forecast_falls_back_to_tide_only_when_observations_are_old(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    issue = TRAIN_UNTIL + np.timedelta64(300, "h")
    stale = levels.copy()
    stale[(times > issue - np.timedelta64(MAX_AGE_H + 6, "h"))] = np.nan
    fc = forecast(engine, times, stale, issue)
    assert fc.mode == "tide-only" and fc.notes
    np.testing.assert_allclose(fc.residual, 0.0)
    np.testing.assert_allclose(fc.hi95 - fc.total, engine.tide_only_quantiles[:, 3])
    short_gap = levels.copy()
    short_gap[(times > issue - np.timedelta64(5, "h")) & (times <= issue)] = np.nan
    assert forecast(engine, times, short_gap, issue).mode == "tide+residual"


def test_forecast_train_until_hides_later_data(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    changed = levels.copy()
    changed[times >= TRAIN_UNTIL] += 1.0
    other = train(times, changed, latitude=LATITUDE, train_until=TRAIN_UNTIL, station="synthetic")
    assert json.dumps(other.to_dict()) == json.dumps(engine.to_dict())


def test_forecast_accepts_sub_hourly_input() -> None:
    times, levels, _ = synthetic_record(days=45)
    half = times[:-1] + np.timedelta64(30, "m")
    fine_t = np.sort(np.concatenate([times, half]))
    fine_v = np.interp(fine_t.astype(np.int64), times.astype(np.int64), levels)
    eng = train(fine_t, fine_v, latitude=LATITUDE)
    assert eng.info["resampled"] is True
    fc = forecast(eng, fine_t, fine_v, times[-1])
    assert np.isfinite(fc.total).all()


def test_forecast_refuses_bad_input(record: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    times, levels, _ = record
    with pytest.raises(RecordTooShortError, match="at least 30 days"):
        train(times[: 24 * 20], levels[: 24 * 20], latitude=LATITUDE)
    naive = [datetime(2021, 1, 1, h) for h in range(3)]
    with pytest.raises(HarmonicAnalysisError, match="no UTC offset"):
        train(naive, [1.0, 1.1, 1.2], latitude=LATITUDE)
    with pytest.raises(HarmonicAnalysisError, match="times but"):
        train(times, levels[:-1], latitude=LATITUDE)


def test_forecast_refuses_a_horizon_beyond_the_engine(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    with pytest.raises(HarmonicAnalysisError, match="horizon 96 h"):
        forecast(engine, times, levels, TRAIN_UNTIL, horizon_h=96)


def test_forecast_with_a_predictor_series() -> None:
    times, levels, residual = synthetic_record(days=90, seed=11)
    rng = np.random.default_rng(12)
    flow = np.empty(times.size)  # an upstream driver observed a day before its effect
    flow[0] = 0.0
    for i in range(1, times.size):
        flow[i] = 0.99 * flow[i - 1] + rng.normal(0, 0.14)
    levels = levels - residual + 0.05 * np.r_[np.zeros(24), flow[:-24]]
    engine = train(times, levels, latitude=LATITUDE, predictors={"river_m3s": flow})
    assert engine.surge.predictors == ("river_m3s",)
    issue = times[-100]
    with pytest.raises(HarmonicAnalysisError, match="missing: river_m3s"):
        forecast(engine, times, levels, issue)
    fc = forecast(engine, times, levels, issue, predictors={"river_m3s": flow})
    later = flow.copy()
    later[times > issue] = 1e3
    again = forecast(engine, times, levels, issue, predictors={"river_m3s": later})
    np.testing.assert_array_equal(fc.total, again.total)
    error = levels[-99 : -99 + 24] - fc.total[:24]
    assert np.sqrt(np.mean(error**2)) < 0.05
