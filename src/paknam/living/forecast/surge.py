"""The residual ("surge") model: the non-tidal water level 1 to 72 h ahead.

The residual ``r = observed - harmonic tide`` holds what the tide tables cannot: storm
surge (wind set-up, low pressure), the seasonal and river-driven mean level, and the
slow change of the tide itself. For each lead ``L = 1..H`` hours a ridge regression
("direct" forecasting, one linear model per lead, all solved at once) maps the features of
:mod:`paknam.living.forecast.surge_features` at the issue hour to ``r`` at ``L`` hours later.
Features are standardised; the intercept is not penalised.

:func:`select` chooses the feature set and the ridge strength by a backtest on a
validation part of the training window (the last part, after the data the models are fit
on), never on later data: the candidate with the lowest mean squared error over all leads
wins, "none" (the training mean, i.e. harmonic-only) included. Then, per lead, the winner
may be blended with the daily persistence (the residual at the same hour of the last day,
:func:`~paknam.living.forecast.surge_features.daily_persistence`) when that lowers the
validation MSE (:func:`blend_weights`). The validation errors of the result give the
per-lead quantiles of the forecast intervals.

What it cannot do: foresee a surge whose cause (a storm, a flood wave) is not yet in the
residual history or in the predictors given; predictors are used as observed up to the
issue time, not as forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.forecast.surge_features import (
    FeatureSpec,
    daily_persistence,
    feature_matrix,
    hours_since_valid,
)

__all__ = [
    "ALPHAS",
    "BLEND_WEIGHTS",
    "QUANTILE_LEVELS",
    "Selection",
    "SurgeModel",
    "blend_weights",
    "candidate_specs",
    "fit_surge",
    "lead_quantiles",
    "predict_surge",
    "select",
]

ALPHAS = (1.0, 1e-2, 1e-4)
"""Ridge strengths tried [1], strongest first: the penalty is ``alpha * n`` on standardised
coefficients."""
PARSIMONY = 0.01
"""A candidate tried later (more features, or a weaker ridge) replaces the current best only
if it lowers the validation mean squared error by at least this share."""
BLEND_WEIGHTS = tuple(round(0.1 * k, 1) for k in range(11))
"""Weights of the daily persistence tried per lead (0 = the ridge model alone); one is
kept only if it lowers the validation mean squared error by :data:`PARSIMONY`."""
QUANTILE_LEVELS = (0.025, 0.10, 0.90, 0.975)
"""Error quantiles kept per lead: the 95 % and 80 % central intervals."""
MAX_AGE_H = 24
"""An issue hour whose newest valid observation is older than this is not used for
training (the forecast falls back to tide-only there)."""
_MIN_ROWS = 200


@dataclass(frozen=True, eq=False)
class SurgeModel:
    """Ridge regressions of the residual at leads 1..H on the features of ``spec``.

    ``ridge[L] = intercept[L] + ((x - x_mean) / x_scale) @ coef[:, L]`` [m], with a
    ridge strength ``alpha[L]`` per lead. ``spec.name == "none"`` is the residual's
    training mean at every lead. The forecast is
    ``(1 - blend[L]) * ridge[L] + blend[L] * persistence[L]``, where ``persistence`` is the
    daily persistence (:func:`~paknam.living.forecast.surge_features.daily_persistence`)
    and ``blend`` is chosen per lead on the validation part (zero: the ridge alone).
    """

    spec: FeatureSpec
    alpha: np.ndarray
    predictors: tuple[str, ...]
    x_mean: np.ndarray
    x_scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    n_rows: int
    blend: np.ndarray | None = None

    @property
    def horizon_h(self) -> int:
        return int(self.intercept.size)

    @property
    def blend_weights(self) -> np.ndarray:
        """Weight of the daily persistence per lead (zeros when none was chosen)."""
        if self.blend is None:
            return np.zeros(self.horizon_h)
        return np.asarray(self.blend, dtype=float)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec.to_dict(),
            "alpha": self.alpha.tolist(),
            "predictors": list(self.predictors),
            "x_mean": self.x_mean.tolist(),
            "x_scale": self.x_scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "n_rows": self.n_rows,
            "blend": self.blend_weights.tolist(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SurgeModel:
        p = len(d["x_mean"])
        return cls(
            spec=FeatureSpec.from_dict(d["spec"]),
            alpha=np.asarray(d["alpha"], dtype=float),
            predictors=tuple(d["predictors"]),
            x_mean=np.asarray(d["x_mean"], dtype=float),
            x_scale=np.asarray(d["x_scale"], dtype=float),
            coef=np.asarray(d["coef"], dtype=float).reshape(p, -1),
            intercept=np.asarray(d["intercept"], dtype=float),
            n_rows=int(d["n_rows"]),
            blend=np.asarray(d["blend"], dtype=float) if "blend" in d else None,
        )


NONE = FeatureSpec("none", lags=0)
"""No features: the residual's training mean (the harmonic-only forecast)."""


ANCHOR_H = 25
"""Trailing-mean window the richer models forecast the change from [h]: a tidal day, so
that the anchor is free of the diurnal and semidiurnal tides."""


def candidate_specs(span_h: float, *, predictors: Sequence[str] = ()) -> list[FeatureSpec]:
    """Feature sets tried by :func:`select`, simplest first, for a fit part of ``span_h``.

    "none" (harmonic only) and "ar1" (the last residual, one regression per lead) are the
    references; the richer sets forecast the change from the 25 h mean (``anchor_h``), so
    that a strong ridge shrinks them towards persistence of the recent mean level rather
    than towards the training mean (on the validation parts of Honolulu 2010 and
    Vlissingen this was as good or better for every feature set, see ``docs/tides.md``).
    Windows longer than a third of the fit part are dropped from a set (and sets that
    become identical tried once); day-of-year harmonics only from two years of fit part
    (each season seen twice), because fitted on less they extrapolate wildly.
    """
    means = (168, 720)
    rich = [
        FeatureSpec("smooth", lags=1, means=(3, 12, *means), anchor_h=ANCHOR_H),
        FeatureSpec("lags48", lags=49, means=means, anchor_h=ANCHOR_H),
        FeatureSpec(
            "lags48+tidal15d", lags=49, means=means, tidal_windows=(360,), anchor_h=ANCHOR_H
        ),
        FeatureSpec(
            "lags48+tidal15d60d",
            lags=49,
            means=means,
            tidal_windows=(360, 1440),
            anchor_h=ANCHOR_H,
        ),
    ]
    if span_h >= 2 * 8766:
        rich += [replace(s, name=s.name + "+season", season=True) for s in rich[-2:]]
    specs = [FeatureSpec("ar1", lags=1), *rich]
    if predictors:
        specs += [replace(s, name=s.name + "+predictors", use_predictors=True) for s in specs]
    return [NONE, *_fitting(specs, span_h / 3)]


def _fitting(specs: Sequence[FeatureSpec], limit: float) -> list[FeatureSpec]:
    """The specs with windows longer than ``limit`` hours dropped (a spec whose lags or
    anchor are too long is left out), without duplicates."""
    out: list[FeatureSpec] = []
    seen: set[tuple] = set()
    for spec in specs:
        short = replace(
            spec,
            means=tuple(w for w in spec.means if w <= limit),
            tidal_windows=tuple(w for w in spec.tidal_windows if w <= limit),
            predictor_means=tuple(w for w in spec.predictor_means if w <= limit),
        )
        key = tuple(v for k, v in sorted(short.to_dict().items()) if k != "name")
        if short.history_h <= limit and key not in seen:
            seen.add(key)
            out.append(short)
    return out


def _targets(residual: np.ndarray, rows: np.ndarray, lead: int, end: int) -> np.ndarray:
    """Residual ``lead`` hours after each row, NaN beyond ``end`` or where missing."""
    index = rows + lead
    out = np.full(rows.size, np.nan)
    inside = index < end
    out[inside] = residual[index[inside]]
    return out


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-12, scale, 1.0)


def _target_matrix(residual: np.ndarray, rows: np.ndarray, horizon: int, end: int) -> np.ndarray:
    """Residual at leads 1..horizon after each row, shape (rows, horizon); NaN if none."""
    return np.column_stack([_targets(residual, rows, lead, end) for lead in range(1, horizon + 1)])


def _ridge(
    x: np.ndarray,
    residual: np.ndarray,
    rows: np.ndarray,
    end: int,
    horizon: int,
    alphas: Sequence[float],
    anchored: bool = False,
    target_ok: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """(x_mean, x_scale, coef, intercept) per alpha.

    One solve per lead on the rows whose target exists (before ``end``, and where
    ``target_ok`` — a mask over the grid — is true): the Gram matrix of all rows minus
    that of the rows without a target, centred on the rows used, so the intercept is the
    unpenalised mean. ``anchored``: the last column of ``x`` is an offset subtracted from
    the targets (not a feature).
    """
    y = _target_matrix(residual, rows, horizon, end)
    if target_ok is not None:
        index = np.minimum(rows[:, None] + np.arange(1, horizon + 1), target_ok.size - 1)
        y[~target_ok[index]] = np.nan
    if anchored:
        y = y - x[:, -1:]
        x = x[:, :-1]
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    gram = z.T @ z
    p = z.shape[1]
    ok = np.isfinite(y)
    counts = ok.sum(axis=0)
    if counts.min() < p + 2:
        raise HarmonicAnalysisError(
            f"too few targets ({counts.min()}) to fit {p} features", field="levels"
        )
    y0 = np.where(ok, y, 0.0)
    y_mean = y0.sum(axis=0) / counts
    col_sums = z.T @ ok.astype(float)
    col_means = col_sums / counts
    rhs = z.T @ y0 - col_sums * y_mean
    coefs = {a: np.zeros((p, horizon)) for a in alphas}
    intercepts = {a: np.zeros(horizon) for a in alphas}
    for lead in range(horizon):
        lost = ~ok[:, lead]
        g = gram - z[lost].T @ z[lost] if lost.any() else gram
        n, mu = counts[lead], col_means[:, lead]
        centred = g - n * np.outer(mu, mu)
        for a in alphas:
            beta = np.linalg.solve(centred + a * n * np.eye(p), rhs[:, lead])
            coefs[a][:, lead] = beta
            intercepts[a][lead] = y_mean[lead] - mu @ beta
    return [(mean, scale, coefs[a], intercepts[a]) for a in alphas]


def _usable_rows(residual: np.ndarray, start: int, stop: int, history: int) -> np.ndarray:
    age = hours_since_valid(residual)
    rows = np.arange(max(start, history - 1), stop)
    return rows[age[rows] <= MAX_AGE_H]


def fit_surge(
    residual: np.ndarray,
    spec: FeatureSpec,
    *,
    alpha: float | np.ndarray,
    horizon_h: int = 72,
    start: int = 0,
    stop: int | None = None,
    days: np.ndarray | None = None,
    predictors: Mapping[str, np.ndarray] | None = None,
    blend: np.ndarray | None = None,
    exclude: np.ndarray | None = None,
) -> SurgeModel:
    """Fit the residual model on issue hours ``start..stop-1`` with targets before ``stop``.

    Parameters
    ----------
    residual : numpy.ndarray
        Hourly residual [m], NaN where missing.
    spec : FeatureSpec
    alpha : float or array of float
        Ridge strength (see :data:`ALPHAS`), one for all leads or one per lead.
    horizon_h : int
        Longest lead [h].
    start, stop : int
        Grid indices bounding the issue hours and targets.
    days : numpy.ndarray, optional
        Days since 1970 of each grid hour (for season features).
    predictors : mapping, optional
        Predictor series on the grid.
    blend : array of float, optional
        Weight of the daily persistence per lead (see :class:`SurgeModel`; default none).
    exclude : numpy.ndarray of bool, optional
        Hours of the grid held out (cross-validation): neither issue hours nor targets
        there are used (their residual may still be a feature of a later hour).
    """
    stop = residual.size if stop is None else stop
    names = tuple(predictors) if (predictors and spec.use_predictors) else ()
    weights = None if blend is None else np.broadcast_to(np.asarray(blend, float), (horizon_h,))
    if spec.name == "none":
        kept = residual if exclude is None else np.where(exclude, np.nan, residual)
        return replace(_mean_model(kept[start:stop], horizon_h), blend=weights)
    rows = _usable_rows(residual, start, stop - 1, spec.history_h)
    if exclude is not None:
        rows = rows[~exclude[rows]]
    if rows.size < _MIN_ROWS:
        raise HarmonicAnalysisError(
            f"only {rows.size} usable issue hours to fit the residual model {spec.name!r}; "
            f"at least {_MIN_ROWS} are needed",
            field="levels",
        )
    per_lead = np.broadcast_to(np.asarray(alpha, dtype=float), (horizon_h,)).copy()
    unique = sorted(set(per_lead.tolist()))
    x = feature_matrix(residual, rows, spec, days=days, predictors=predictors)
    fits = _ridge(
        x,
        residual,
        rows,
        stop,
        horizon_h,
        unique,
        anchored=spec.anchor_h > 0,
        target_ok=None if exclude is None else ~exclude,
    )
    mean, scale = fits[0][0], fits[0][1]
    pick = np.array([unique.index(a) for a in per_lead])
    lead = np.arange(horizon_h)
    coef = np.ascontiguousarray(np.stack([f[2] for f in fits])[pick, :, lead].T)
    intercept = np.stack([f[3] for f in fits])[pick, lead]
    return SurgeModel(
        spec, per_lead, names, mean, scale, coef, intercept, int(rows.size), blend=weights
    )


def _mean_model(residual: np.ndarray, horizon_h: int) -> SurgeModel:
    level = float(np.nanmean(residual)) if np.isfinite(residual).any() else 0.0
    return SurgeModel(
        NONE,
        np.zeros(horizon_h),
        (),
        np.zeros(0),
        np.ones(0),
        np.zeros((0, horizon_h)),
        np.full(horizon_h, level),
        int(np.isfinite(residual).sum()),
    )


def _apply(
    x: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    coef: np.ndarray,
    intercept: np.ndarray,
    anchored: bool,
) -> np.ndarray:
    if anchored:
        return ((x[:, :-1] - mean) / scale) @ coef + intercept + x[:, -1:]
    return ((x - mean) / scale) @ coef + intercept


def predict_surge(
    model: SurgeModel, features: np.ndarray, persistence: np.ndarray | None = None
) -> np.ndarray:
    """Residual forecasts [m], shape ``(rows, horizon)``, from feature rows and, when the
    model blends it in, the daily persistence at the same rows (``(rows, horizon)``,
    :func:`~paknam.living.forecast.surge_features.daily_persistence`)."""
    features = np.atleast_2d(features)
    if model.spec.name == "none":
        out = np.broadcast_to(model.intercept, (features.shape[0], model.horizon_h)).copy()
    else:
        out = _apply(
            features,
            model.x_mean,
            model.x_scale,
            model.coef,
            model.intercept,
            model.spec.anchor_h > 0,
        )
    weights = model.blend_weights
    if not weights.any():
        return out
    if persistence is None:
        raise ValueError("this residual model blends in the daily persistence: give it")
    return (1.0 - weights) * out + weights * np.asarray(persistence)[:, : model.horizon_h]


def lead_quantiles(errors: np.ndarray) -> np.ndarray:
    """Per-lead quantiles :data:`QUANTILE_LEVELS` of errors (observed - forecast) [m],
    shape ``(horizon, 4)``; errors shape ``(rows, horizon)`` with NaN where unscored."""
    out = np.full((errors.shape[1], len(QUANTILE_LEVELS)), np.nan)
    for lead in range(errors.shape[1]):
        e = errors[:, lead]
        e = e[np.isfinite(e)]
        if e.size:
            out[lead] = np.quantile(e, QUANTILE_LEVELS)
    return out


@dataclass
class Selection:
    """Outcome of :func:`select`: the winner, its validation errors (``errors``, one row per
    issue hour ``rows``, one column per lead; likewise ``tide_only_errors``), and the
    whole table."""

    spec: FeatureSpec
    alpha: np.ndarray
    quantiles: np.ndarray
    tide_only_quantiles: np.ndarray
    table: list[dict[str, Any]] = field(default_factory=list)
    validation_rows: int = 0
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    errors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    tide_only_errors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    blend: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _errors(residual: np.ndarray, rows: np.ndarray, forecast: np.ndarray, end: int) -> np.ndarray:
    return _target_matrix(residual, rows, forecast.shape[1], end) - forecast


def _per_lead(
    alphas: Sequence[float], errors: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Per lead, the strongest ridge unless a weaker one lowers the validation MSE by
    :data:`PARSIMONY`; returns the alphas and the errors of that choice."""
    mse = np.array([np.nanmean(e**2, axis=0) for e in errors])
    pick = np.zeros(mse.shape[1], dtype=int)
    for k in range(1, len(alphas)):
        better = mse[k] < mse[pick, np.arange(mse.shape[1])] * (1.0 - PARSIMONY)
        pick[better] = k
    chosen = np.stack(errors)[pick, :, np.arange(mse.shape[1])].T
    return np.asarray(alphas, dtype=float)[pick], chosen


def blend_weights(
    model_errors: np.ndarray, persistence_errors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per lead, the weight of :data:`BLEND_WEIGHTS` on the daily persistence that gives
    the lowest validation MSE of the blend, kept only if it is :data:`PARSIMONY` below the
    model's alone (else 0); returns the weights and the errors of the blends chosen.
    Errors (observed - forecast) blend linearly, as the forecasts do."""
    weights = np.zeros(model_errors.shape[1])
    alone = np.nanmean(model_errors**2, axis=0)
    for lead in range(model_errors.shape[1]):
        m, p = model_errors[:, lead], persistence_errors[:, lead]
        mse = np.array([np.nanmean(((1 - w) * m + w * p) ** 2) for w in BLEND_WEIGHTS])
        best = int(np.argmin(mse))
        if mse[best] < alone[lead] * (1.0 - PARSIMONY):
            weights[lead] = BLEND_WEIGHTS[best]
    return weights, (1.0 - weights) * model_errors + weights * persistence_errors


def _row(spec: FeatureSpec | str, alpha: np.ndarray, errors: np.ndarray) -> dict[str, Any]:
    mse = np.nanmean(errors**2, axis=0)
    name = spec if isinstance(spec, str) else spec.name
    out: dict[str, Any] = {"spec": name, "mean_mse_m2": float(mse.mean())}
    for lead in (1, 24, 48, 72):
        if lead <= mse.size:
            out[f"rmse_{lead}h_m"] = float(np.sqrt(mse[lead - 1]))
            out[f"alpha_{lead}h"] = float(alpha[lead - 1])
    return out


def _candidate_errors(
    residual: np.ndarray,
    spec: FeatureSpec,
    split: int,
    val_rows: np.ndarray,
    horizon_h: int,
    alphas: Sequence[float],
    days: np.ndarray | None,
    predictors: Mapping[str, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-lead alphas and validation errors of one feature set (None if unfittable)."""
    end = residual.size
    if spec.name == "none":
        model = _mean_model(residual[:split], horizon_h)
        fc = predict_surge(model, np.zeros((val_rows.size, 0)))
        return np.zeros(horizon_h), _errors(residual, val_rows, fc, end)
    rows = _usable_rows(residual, 0, split - 1, spec.history_h)
    if rows.size < _MIN_ROWS:
        return None
    x = feature_matrix(residual, rows, spec, days=days, predictors=predictors)
    xv = feature_matrix(residual, val_rows, spec, days=days, predictors=predictors)
    anchored = spec.anchor_h > 0
    fits = _ridge(x, residual, rows, split, horizon_h, alphas, anchored=anchored)
    errors = [_errors(residual, val_rows, _apply(xv, *fit, anchored), end) for fit in fits]
    return _per_lead(alphas, errors)


def select(
    residual: np.ndarray,
    split: int,
    *,
    horizon_h: int = 72,
    specs: Sequence[FeatureSpec] | None = None,
    alphas: Sequence[float] = ALPHAS,
    days: np.ndarray | None = None,
    predictors: Mapping[str, np.ndarray] | None = None,
) -> Selection:
    """Choose features and ridge strengths on the validation part ``split..`` of a residual.

    Models are fit on issue hours before ``split`` (targets before it too) and scored on
    issue hours from ``split`` on (targets up to the end of ``residual``), which is how they
    will be used: features may look back into the fit part, targets never reach past the
    end. The ridge strength is chosen per lead (strongest first, :data:`PARSIMONY`), the
    feature set by the mean MSE over all leads (simplest first, :data:`PARSIMONY`).

    Returns
    -------
    Selection
        The best spec and per-lead alphas, the per-lead error quantiles of that model and
        of the tide-only forecast on the validation part, and the table of every
        candidate tried.
    """
    specs = (
        list(specs)
        if specs is not None
        else candidate_specs(split, predictors=tuple(predictors or ()))
    )
    val_rows = _usable_rows(residual, split, residual.size - 1, 1)
    if val_rows.size < _MIN_ROWS // 4:
        raise HarmonicAnalysisError(
            f"only {val_rows.size} validation issue hours with observations; at least "
            f"{_MIN_ROWS // 4} are needed",
            field="levels",
        )
    table: list[dict[str, Any]] = []
    best: tuple[float, FeatureSpec, np.ndarray, np.ndarray] | None = None
    tide_only: np.ndarray | None = None
    for spec in specs:
        found = _candidate_errors(
            residual, spec, split, val_rows, horizon_h, alphas, days, predictors
        )
        if found is None:
            continue
        alpha, errors = found
        if spec.name == "none":
            tide_only = errors
        row = _row(spec, alpha, errors)
        table.append(row)
        if best is None or row["mean_mse_m2"] < best[0] * (1.0 - PARSIMONY):
            best = (row["mean_mse_m2"], spec, alpha, errors)
    if best is None or tide_only is None:
        raise HarmonicAnalysisError("no residual model could be fit", field="levels")
    # then, per lead, how much of the daily persistence to blend into the winner
    persistence = daily_persistence(residual, val_rows, horizon_h)
    persistence_errors = _errors(residual, val_rows, persistence, residual.size)
    table.append(_row("daily persistence", np.zeros(horizon_h), persistence_errors))
    weights, errors = blend_weights(best[3], persistence_errors)
    if weights.any():
        row = _row(f"{best[1].name} + daily persistence", best[2], errors)
        table.append(
            row
            | {
                f"blend_{lead}h": float(weights[lead - 1])
                for lead in (24, 48, 72)
                if lead <= horizon_h
            }
        )
    return Selection(
        spec=best[1],
        alpha=best[2],
        quantiles=lead_quantiles(errors),
        tide_only_quantiles=lead_quantiles(tide_only),
        table=table,
        validation_rows=int(val_rows.size),
        rows=val_rows,
        errors=errors,
        tide_only_errors=tide_only,
        blend=weights,
    )
