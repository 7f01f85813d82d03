"""Features of the residual model: what the recent residual history says about the next days.

Every feature at issue hour ``i`` uses only hours ``<= i`` (causal); missing hours are
filled forward from the last valid value (persistence), so a short gap does not stop a
forecast. For an hourly residual ``r`` (observation minus harmonic tide) a
:class:`FeatureSpec` names:

- ``lags``: ``r[i], r[i-1], ..., r[i-lags+1]`` — the recent hours;
- ``means``: trailing means of ``r`` over these many hours — the slow surge and the mean
  level anomaly (e.g. 25 h removes the tides, 720 h is a month);
- ``tidal_windows``: complex demodulation of ``r`` over these windows at the main tidal
  frequencies (:data:`TIDAL_FREQUENCIES`): ``(2/W) sum_j r[i-j] cos(w j)`` and the same
  with ``sin`` — the recent change of the tide itself (e.g. a river or a dredged channel
  alters M2; a surge shifts the time of high water). A ridge regression turns them into a
  tidal correction carried forward, as in a local harmonic re-analysis;
- ``season``: ``sin``/``cos`` of 1 and 2 cycles per year at the issue time;
- predictors (wind, pressure, river flow, ... given by the caller on the same hours):
  their last value and trailing means over ``predictor_means`` hours;
- ``anchor_h``: a trailing mean the model forecasts the change from (last column).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.signal import fftconvolve

__all__ = [
    "DAY_H",
    "TIDAL_FREQUENCIES",
    "FeatureSpec",
    "daily_persistence",
    "feature_matrix",
    "fill_forward",
    "hours_since_valid",
]

TIDAL_FREQUENCIES = {
    "O1": 0.0387306544,
    "K1": 0.0417807462,
    "N2": 0.0789992488,
    "M2": 0.0805114007,
    "S2": 0.0833333333,
    "M4": 0.1610228013,
    "MS4": 0.1638447340,
    "M6": 0.2415342020,
}
"""Frequencies [cycles/hour] of the demodulated tides (Foreman 1977): the main diurnal and
semidiurnal ones and the shallow-water overtides."""

YEAR_DAYS = 365.2422


@dataclass(frozen=True)
class FeatureSpec:
    """Which features a residual model uses (see the module doc).

    Attributes
    ----------
    name : str
        Label, e.g. "lags48+tidal".
    lags : int
        Number of recent hours, ``r[i]`` first [h].
    means : tuple of int
        Trailing-mean windows [h].
    tidal_windows : tuple of int
        Demodulation windows [h].
    tidal_constituents : tuple of str
        Keys of :data:`TIDAL_FREQUENCIES`.
    season : bool
        Day-of-year harmonics.
    predictor_means : tuple of int
        Trailing-mean windows for each predictor series [h].
    use_predictors : bool
        Whether predictor series (when given) enter the model.
    anchor_h : int
        If > 0, the last column is the trailing mean over this many hours and the model
        forecasts the change from it: the ridge then shrinks towards persistence of that
        mean instead of towards the training mean [h].
    """

    name: str
    lags: int = 1
    means: tuple[int, ...] = ()
    tidal_windows: tuple[int, ...] = ()
    tidal_constituents: tuple[str, ...] = tuple(TIDAL_FREQUENCIES)
    season: bool = False
    predictor_means: tuple[int, ...] = (6, 25, 168)
    use_predictors: bool = False
    anchor_h: int = 0

    @property
    def history_h(self) -> int:
        """Hours of history the features look back over."""
        windows = (self.lags, *self.means, *self.tidal_windows, self.anchor_h)
        if self.use_predictors:
            windows += self.predictor_means
        return int(max(windows))

    def columns(self, predictors: Sequence[str] = ()) -> list[str]:
        """Names of the feature columns, in order."""
        out = [f"r[-{j}]" for j in range(self.lags)]
        out += [f"mean{w}h" for w in self.means]
        for w in self.tidal_windows:
            for name in self.tidal_constituents:
                out += [f"{name}cos{w}h", f"{name}sin{w}h"]
        if self.season:
            out += ["sin_doy", "cos_doy", "sin_2doy", "cos_2doy"]
        if self.use_predictors:
            for p in predictors:
                out += [f"{p}[0]"] + [f"{p}_mean{w}h" for w in self.predictor_means]
        if self.anchor_h:
            out.append(f"anchor{self.anchor_h}h")
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeatureSpec:
        return cls(
            name=str(d["name"]),
            lags=int(d["lags"]),
            means=tuple(int(w) for w in d["means"]),
            tidal_windows=tuple(int(w) for w in d["tidal_windows"]),
            tidal_constituents=tuple(str(c) for c in d["tidal_constituents"]),
            season=bool(d["season"]),
            predictor_means=tuple(int(w) for w in d["predictor_means"]),
            use_predictors=bool(d["use_predictors"]),
            anchor_h=int(d.get("anchor_h", 0)),
        )


def fill_forward(values: np.ndarray) -> np.ndarray:
    """NaNs replaced by the last valid value before them (0 before the first valid one)."""
    values = np.asarray(values, dtype=float)
    valid = np.isfinite(values)
    index = np.where(valid, np.arange(values.size), -1)
    np.maximum.accumulate(index, out=index)
    return np.where(index >= 0, values[np.maximum(index, 0)], 0.0)


def hours_since_valid(values: np.ndarray) -> np.ndarray:
    """Hours since the last valid value at each hour (inf before the first one)."""
    valid = np.isfinite(np.asarray(values, dtype=float))
    index = np.where(valid, np.arange(valid.size), -1)
    np.maximum.accumulate(index, out=index)
    age = (np.arange(valid.size) - index).astype(float)
    age[index < 0] = np.inf
    return age


def _trailing_means(filled: np.ndarray, windows: Sequence[int], rows: np.ndarray) -> list:
    total = np.concatenate([[0.0], np.cumsum(filled)])
    out = []
    for w in windows:
        start = np.maximum(rows + 1 - w, 0)
        out.append((total[rows + 1] - total[start]) / (rows + 1 - start))
    return out


def _demodulated(filled: np.ndarray, spec: FeatureSpec, rows: np.ndarray) -> list:
    out = []
    n = int(rows.max()) + 1
    for w in spec.tidal_windows:
        lag = np.arange(w)
        for name in spec.tidal_constituents:
            angle = 2.0 * np.pi * TIDAL_FREQUENCIES[name] * lag
            for kernel in (np.cos(angle), np.sin(angle)):
                out.append(fftconvolve(filled[:n], kernel * (2.0 / w))[:n][rows])
    return out


def _season(days: np.ndarray) -> list:
    cycles = 2.0 * np.pi * days / YEAR_DAYS
    return [np.sin(cycles), np.cos(cycles), np.sin(2 * cycles), np.cos(2 * cycles)]


def feature_matrix(
    residual: np.ndarray,
    rows: np.ndarray,
    spec: FeatureSpec,
    *,
    days: np.ndarray | None = None,
    predictors: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Feature rows of a residual model at issue hours ``rows``.

    Parameters
    ----------
    residual : numpy.ndarray
        Hourly residual [m] on a regular grid; NaN where missing.
    rows : numpy.ndarray of int
        Indices of the issue hours in that grid.
    spec : FeatureSpec
    days : numpy.ndarray, optional
        Days since 1970-01-01 (UTC) of each grid hour; needed when ``spec.season``.
    predictors : mapping of str to numpy.ndarray, optional
        Predictor series on the same grid, NaN where missing (filled forward).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(rows), len(spec.columns(predictors)))``.
    """
    rows = np.asarray(rows, dtype=np.int64)
    filled = fill_forward(residual)
    cols: list[np.ndarray] = []
    for j in range(spec.lags):
        cols.append(filled[np.maximum(rows - j, 0)])
    cols += _trailing_means(filled, spec.means, rows)
    cols += _demodulated(filled, spec, rows) if spec.tidal_windows else []
    if spec.season:
        if days is None:
            raise ValueError("season features need the days of the grid hours")
        cols += _season(np.asarray(days, dtype=float)[rows])
    if spec.use_predictors and predictors:
        for name in predictors:
            series = fill_forward(predictors[name])
            cols.append(series[rows])
            cols += _trailing_means(series, spec.predictor_means, rows)
    if spec.anchor_h:
        cols += _trailing_means(filled, (spec.anchor_h,), rows)
    return np.column_stack(cols) if cols else np.empty((rows.size, 0))


DAY_H = 24
"""Period of the daily persistence [h]."""


def daily_persistence(residual: np.ndarray, rows: np.ndarray, horizon_h: int) -> np.ndarray:
    """The residual at the same hour of the day as each target, as last seen by the issue
    hour: for lead ``L`` from issue hour ``i`` it is ``r[i - ((-L) mod 24)]`` (``r[i]`` at
    24, 48, 72 h; ``r[i - 12]`` at 12, 36, 60 h), filled forward; shape
    ``(len(rows), horizon_h)``.

    A residual that repeats from day to day — a diurnal tide the record is too short to
    resolve (K1 from P1 needs half a year), a daily sea breeze — is carried forward at the
    right hour, which plain persistence of ``r[i]`` does only at whole days.
    """
    rows = np.asarray(rows, dtype=np.int64)
    filled = fill_forward(residual)
    back = (-np.arange(1, horizon_h + 1)) % DAY_H
    return filled[np.maximum(rows[:, None] - back[None, :], 0)]
