"""The residual ("surge") model on synthetic residuals with known predictability.

- AR(1) (phi = 0.97 per hour): the per-lead regression recovers ``phi**L``;
- white noise: nothing is predictable and the selection keeps "none" (harmonic only);
- a residual driven by an observed predictor a day earlier (e.g. river flow upstream):
  the selection takes the predictor and gains skill;
- features never look past the issue hour; missing targets do not bias the fit;
- a daily signal the features cannot carry (a diurnal tide a short record leaves in the
  residual): the selection blends in the daily persistence; on AR(1) it does not.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from paknam.living.forecast.surge import (
    NONE,
    QUANTILE_LEVELS,
    SurgeModel,
    candidate_specs,
    fit_surge,
    lead_quantiles,
    predict_surge,
    select,
)
from paknam.living.forecast.surge_features import (
    FeatureSpec,
    daily_persistence,
    feature_matrix,
    fill_forward,
    hours_since_valid,
)

HOURS = 24 * 120


def ar1(n: int, phi: float, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty(n)
    out[0] = rng.normal(0, sigma)
    shocks = rng.normal(0, sigma * np.sqrt(1 - phi**2), n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def test_surge_per_lead_regression_recovers_ar1_decay() -> None:
    hours = 24 * 730  # two years: the lag-24 h regression has a standard error of ~0.03
    residual = ar1(hours, 0.97, 0.1, seed=1)
    model = fit_surge(residual, FeatureSpec("ar1", lags=1), alpha=1e-6, horizon_h=24)
    slope = model.coef[0] / model.x_scale[0]  # back to metres per metre
    for lead, tolerance in ((1, 0.01), (6, 0.03), (24, 0.08)):
        assert slope[lead - 1] == pytest.approx(0.97**lead, abs=tolerance)
    x = feature_matrix(residual, np.array([hours - 1]), model.spec)
    forecast = predict_surge(model, x)[0]
    np.testing.assert_allclose(
        forecast, model.intercept + slope * residual[-1] - slope * model.x_mean[0]
    )


def test_surge_select_keeps_none_on_white_noise() -> None:
    residual = np.random.default_rng(2).normal(0, 0.05, HOURS)
    chosen = select(residual, int(HOURS * 0.75), horizon_h=24)
    assert chosen.spec.name == "none"
    assert [row["spec"] for row in chosen.table][:2] == ["none", "ar1"]


def test_surge_select_takes_a_useful_predictor() -> None:
    # an observed driver that acts a day later (e.g. river flow upstream) [any unit]
    flow = ar1(HOURS, 0.99, 1.0, seed=3)
    lagged = np.r_[np.zeros(24), flow[:-24]]
    residual = 0.05 * lagged + np.random.default_rng(4).normal(0, 0.01, HOURS)
    split = int(HOURS * 0.75)
    without = select(residual, split, horizon_h=24)
    with_flow = select(residual, split, horizon_h=24, predictors={"river_m3s": flow})
    assert with_flow.spec.use_predictors
    best = {r["spec"]: r["rmse_24h_m"] for r in with_flow.table}
    own = min(r["rmse_24h_m"] for r in without.table)
    assert min(v for k, v in best.items() if k.endswith("+predictors")) < 0.5 * own
    model = fit_surge(
        residual,
        with_flow.spec,
        alpha=with_flow.alpha,
        horizon_h=24,
        predictors={"river_m3s": flow},
    )
    assert model.predictors == ("river_m3s",)


def test_surge_features_use_only_the_past() -> None:
    residual = ar1(3000, 0.95, 0.1, seed=5)
    spec = FeatureSpec("all", lags=5, means=(25, 168), tidal_windows=(360,), anchor_h=25)
    rows = np.array([1500, 2000])
    before = feature_matrix(residual, rows, spec)
    changed = residual.copy()
    changed[2001:] = 9.0
    changed[1501:2000] = np.nan  # a gap before the second issue is filled forward
    after = feature_matrix(changed, rows, spec)
    # equal up to the round-off of the FFT convolution over the whole array
    np.testing.assert_allclose(before[0], after[0], rtol=0, atol=1e-12)
    assert before.shape == (2, len(spec.columns()))
    assert not np.allclose(before[1], after[1])


def test_surge_fill_forward_and_age() -> None:
    values = np.array([np.nan, 1.0, np.nan, np.nan, 2.0])
    np.testing.assert_array_equal(fill_forward(values), [0.0, 1.0, 1.0, 1.0, 2.0])
    np.testing.assert_array_equal(hours_since_valid(values), [np.inf, 0, 1, 2, 0])


def test_surge_missing_targets_do_not_bias_the_fit() -> None:
    residual = ar1(HOURS, 0.97, 0.1, seed=6)
    gappy = residual.copy()
    gappy[np.random.default_rng(7).random(HOURS) < 0.1] = np.nan
    model = fit_surge(gappy, FeatureSpec("ar1", lags=1), alpha=1e-6, horizon_h=6)
    slope = model.coef[0] / model.x_scale[0]
    assert slope[0] == pytest.approx(0.97, abs=0.05)


def test_surge_candidates_depend_on_record_length() -> None:
    short = [s.name for s in candidate_specs(24 * 100)]
    long = [s.name for s in candidate_specs(24 * 800)]
    assert short[:2] == ["none", "ar1"] and "lags48+tidal15d60d" not in short
    assert "lags48+tidal15d60d+season" in long
    assert all(s.anchor_h == 25 for s in candidate_specs(24 * 800)[2:])
    with_p = [s.name for s in candidate_specs(24 * 100, predictors=("wind",))]
    assert "lags48+predictors" in with_p


def test_surge_lead_quantiles_of_normal_errors() -> None:
    errors = np.random.default_rng(8).normal(0, 0.1, (20000, 3))
    q = lead_quantiles(errors)
    expected = np.array([-1.96, -1.2816, 1.2816, 1.96]) * 0.1
    np.testing.assert_allclose(q, np.tile(expected, (3, 1)), atol=0.006)
    assert QUANTILE_LEVELS == (0.025, 0.10, 0.90, 0.975)


def test_surge_model_json_round_trip() -> None:
    residual = ar1(HOURS, 0.97, 0.1, seed=9)
    spec = FeatureSpec("lags", lags=3, means=(25,), anchor_h=25)
    model = fit_surge(residual, spec, alpha=0.01, horizon_h=8)
    again = SurgeModel.from_dict(json.loads(json.dumps(model.to_dict())))
    x = feature_matrix(residual, np.arange(2000, 2010), spec)
    np.testing.assert_array_equal(predict_surge(model, x), predict_surge(again, x))
    assert again.spec == spec


def test_daily_persistence_is_the_same_hour_of_the_last_day() -> None:
    residual = np.arange(200, dtype=float)
    residual[95] = np.nan  # filled forward from hour 94
    got = daily_persistence(residual, np.array([100, 119]), 72)
    for lead, back in ((1, 23), (12, 12), (24, 0), (36, 12), (48, 0), (71, 1), (72, 0)):
        assert got[0, lead - 1] == 100 - back, lead
    assert got[0, 0] == 77 and got[1, 23] == 119
    assert got[0, 19 - 1] == 94  # hour 95 is missing: filled forward from 94


def test_select_blends_in_daily_persistence_only_when_it_helps() -> None:
    hours = 24 * 90
    t = np.arange(hours)
    split = int(hours * 0.75)
    # a daily wave whose amplitude beats slowly (K1 with P1 unresolved) + AR(1) surge
    diurnal = 0.08 * np.cos(2 * np.pi * t / 24) * np.cos(2 * np.pi * t / (24 * 182.6))
    residual = diurnal + ar1(hours, 0.95, 0.01, seed=10)
    specs = [NONE, FeatureSpec("ar1", lags=1)]  # features that cannot carry the wave
    chosen = select(residual, split, horizon_h=24, specs=specs)
    assert chosen.blend.min() >= 0.5, chosen.blend
    alone = next(r for r in chosen.table if r["spec"] == "ar1")
    blended = next(r for r in chosen.table if r["spec"] == "ar1 + daily persistence")
    assert blended["mean_mse_m2"] < 0.5 * alone["mean_mse_m2"]
    np.testing.assert_allclose(  # the kept errors are those of the blend
        np.nanmean(chosen.errors**2, axis=0).mean(), blended["mean_mse_m2"]
    )
    # AR(1): the last day's hour is worse than the regression up to half a day ahead (at
    # longer leads a short validation part may still favour some persistence)
    plain = select(ar1(hours, 0.97, 0.1, seed=11), split, horizon_h=24, specs=specs)
    assert not plain.blend[:12].any(), plain.blend


def test_blended_model_needs_and_uses_the_daily_persistence() -> None:
    residual = ar1(HOURS, 0.97, 0.1, seed=12)
    spec = FeatureSpec("ar1", lags=1)
    weights = np.linspace(0.0, 1.0, 8)
    model = fit_surge(residual, spec, alpha=0.01, horizon_h=8, blend=weights)
    rows = np.arange(2000, 2010)
    x = feature_matrix(residual, rows, spec)
    persistence = daily_persistence(residual, rows, 8)
    ridge = fit_surge(residual, spec, alpha=0.01, horizon_h=8)
    np.testing.assert_allclose(
        predict_surge(model, x, persistence),
        (1 - weights) * predict_surge(ridge, x) + weights * persistence,
    )
    with pytest.raises(ValueError, match="daily persistence"):
        predict_surge(model, x)
    again = SurgeModel.from_dict(json.loads(json.dumps(model.to_dict())))
    np.testing.assert_array_equal(again.blend_weights, weights)
    older = model.to_dict()
    del older["blend"]  # an engine stored before the blend: the ridge alone
    np.testing.assert_array_equal(
        predict_surge(SurgeModel.from_dict(older), x), predict_surge(ridge, x)
    )
