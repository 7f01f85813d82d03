"""Out-of-fold forecasts of the training window, on which the warning thresholds are chosen.

On the synthetic record of ``test_engine.py`` (known tide + AR(1) residual, phi 0.98,
trained on 120 days) and on AR(1) residuals: a held-out block is neither fit on nor
scored across its edges, the out-of-fold forecasts keep the AR(1) skill, the thresholds
come from the whole window (not only its last quarter) and never from later data.
"""

from __future__ import annotations

import numpy as np
import pytest

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.forecast import crossval, io
from paknam.living.forecast.crossval import out_of_fold
from paknam.living.forecast.engine import TideEngine, train
from paknam.living.forecast.surge import NONE, fit_surge
from paknam.living.forecast.surge_features import FeatureSpec
from paknam.living.readers.quality import to_hourly
from tests.living.forecast.test_engine import (
    LATITUDE,
    NOISE,
    PHI,
    SIGMA,
    TRAIN_UNTIL,
)
from tests.living.forecast.test_surge import ar1

pytest.importorskip("utide")


def test_fit_surge_excluded_hours_are_neither_issue_hours_nor_targets() -> None:
    residual = ar1(24 * 60, 0.97, 0.1, seed=3)
    spec = FeatureSpec("ar1", lags=1)  # looks back one hour only
    held = np.zeros(residual.size, dtype=bool)
    held[500:800] = True
    corrupted = residual.copy()
    corrupted[500:800] += np.linspace(-3.0, 5.0, 300)  # only inside the held-out block
    kept = fit_surge(residual, spec, alpha=1e-4, horizon_h=24, exclude=held)
    same = fit_surge(corrupted, spec, alpha=1e-4, horizon_h=24, exclude=held)
    np.testing.assert_allclose(same.coef, kept.coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(same.intercept, kept.intercept, rtol=1e-9, atol=1e-12)
    assert kept.n_rows == residual.size - 1 - 300
    seen = fit_surge(corrupted, spec, alpha=1e-4, horizon_h=24)  # without exclude it learns it
    assert not np.allclose(seen.coef, kept.coef, rtol=1e-3)


def test_out_of_fold_forecasts_stay_inside_their_block_and_keep_the_skill(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    keep = times < TRAIN_UNTIL
    grid, obs, _ = to_hourly(times[keep], levels[keep])
    oof = out_of_fold(grid, obs, engine.surge, latitude=LATITUDE, days=io.days_since_1970(grid))
    sizes = np.bincount(oof.fold[oof.fold >= 0])
    assert sizes.size == crossval.FOLDS and sizes.max() - sizes.min() <= 1
    assert np.all(np.diff(oof.fold) >= 0)  # consecutive blocks
    blended = oof.blended(engine.surge.blend_weights)
    for lead in (1, 24, 72):
        rows = np.flatnonzero(np.isfinite(blended[:, lead - 1]))
        target = rows + lead
        assert np.all(oof.fold[rows] == oof.fold[np.minimum(target, grid.size - 1)])
        assert set(oof.fold[rows]) == set(range(crossval.FOLDS))  # every block forecast
        rmse = np.sqrt(np.mean(blended[rows, lead - 1] ** 2))
        best = np.sqrt(SIGMA**2 * (1 - PHI ** (2 * lead)) + NOISE**2)
        assert rmse < 1.3 * best, (lead, rmse, best)
        if lead == 1:  # far better than the persistence of yesterday's residual
            persistence = np.sqrt(np.nanmean(oof.persistence[rows, 0] ** 2))
            assert rmse < 0.5 * persistence


def test_thresholds_never_see_data_after_the_training_window(
    engine: TideEngine, record: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    times, levels, _ = record
    corrupted = levels.copy()
    corrupted[times >= TRAIN_UNTIL] += 3.0
    other = train(times, corrupted, latitude=LATITUDE, train_until=TRAIN_UNTIL)
    np.testing.assert_array_equal(other.threshold, engine.threshold)
    assert other.info["warning"] == engine.info["warning"]


def test_thresholds_fall_back_to_the_validation_part(
    record: tuple[np.ndarray, np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the folds cannot be fit, the validation part's forecasts are used as before."""

    def unfittable(*args: object, **kwargs: object) -> None:
        raise HarmonicAnalysisError("too few usable issue hours", field="levels")

    monkeypatch.setattr(crossval, "out_of_fold", unfittable)
    times, levels, _ = record
    engine = train(times, levels, latitude=LATITUDE, train_until=TRAIN_UNTIL)
    warning = engine.info["warning"]
    assert warning["chosen_on"].startswith("validation part")
    validation_days = engine.info["validation_issue_hours"] / 24
    for seen in warning["by_lead"].values():
        assert seen["days"] <= validation_days + 1


def test_out_of_fold_of_the_harmonic_only_model(
    record: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """The "none" model (the residual's mean outside the block) has no skill beyond the
    tide: its out-of-fold error is the AR(1) residual's spread, at every lead."""
    times, levels, _ = record
    keep = times < TRAIN_UNTIL
    grid, obs, _ = to_hourly(times[keep], levels[keep])
    harmonic_only = fit_surge(np.zeros(grid.size), NONE, alpha=0.0, horizon_h=72)
    oof = out_of_fold(grid, obs, harmonic_only, latitude=LATITUDE)
    for lead in (1, 72):
        e = oof.ridge[:, lead - 1]
        assert np.isfinite(e).sum() > 0.8 * grid.size - 6 * lead
        assert 0.5 * SIGMA < np.sqrt(np.nanmean(e**2)) < 1.5 * SIGMA
