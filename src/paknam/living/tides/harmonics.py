"""Tidal harmonic analysis and prediction: :func:`solve` and :func:`predict`.

The model, as in T_TIDE (Pawlowicz et al. 2002) and UTide (Codiga 2011), is

    h(t) = mean [+ slope (t - t_ref)] + sum_k f_k(t) A_k cos(V_k(t) + u_k(t) - g_k)

with V the equilibrium argument at Greenwich, f and u the nodal/satellite corrections
(Foreman 1977) at the station latitude, A the amplitude and g the Greenwich phase lag.
The cosine and sine coefficients are fitted by ordinary or robust least squares; the
constituents are chosen by the Rayleigh criterion for the record length (like UTide's
``constit='auto'``) or given by name; confidence intervals are linearised with a coloured
residual spectrum (:mod:`paknam.living.tides.confidence`).

Sampling: least squares needs neither uniform nor sorted times. Gaps (NaN heights, NaT
times, missing rows) are simply left out; series on a regular grid with gaps use an FFT
residual spectrum, others a Lomb-Scargle one. Times are UTC (numpy datetime64 or
timezone-aware datetimes, see :mod:`paknam.living.tides.tidetime`). Heights may be in any unit;
amplitudes, means and intervals come back in the same unit.

Differences from UTide worth knowing: the default is ``trend=False`` (a fitted trend makes
forecasts drift); the record length for the Rayleigh criterion is the span of the *valid*
observations (UTide uses the span of all given times); robust fitting minimises
``sum(w r^2)`` as MATLAB's ``robustfit`` does; inference of unresolved constituents and
two-dimensional (current) analysis are not implemented.

Example
-------
>>> fit = solve(times, heights_m, latitude=13.55)  # doctest: +SKIP
>>> tide_m = predict(fit, future_times)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from paknam.living.errors import (
    HarmonicAnalysisError,
    RecordTooShortError,
    UnknownConstituentError,
)
from paknam.living.tides import astro, confidence, lsq, selection
from paknam.living.tides.nodal import (
    Composition,
    composition,
    equilibrium_arguments,
    frequencies,
    nodal_table,
)
from paknam.living.tides.tidetime import TimesLike, from_days, to_days

__all__ = [
    "HarmonicAnalysisError",
    "HarmonicFit",
    "RecordTooShortError",
    "UnknownConstituentError",
    "predict",
    "solve",
]

_METHODS = ("ols", "robust")
_BLOCK = 1024
"""Times handled together when building the design matrix or a prediction."""


@dataclass(frozen=True, eq=False)
class HarmonicFit:
    """Result of :func:`solve`: tidal constants of one station and how they were found.

    Attributes
    ----------
    names : tuple of str
        Constituents, in order of frequency ("auto") or as asked.
    frequencies : numpy.ndarray
        At the reference time [cycles/hour].
    amplitudes : numpy.ndarray
        A [unit of the heights].
    phases : numpy.ndarray
        Greenwich phase lags g, in [0, 360) [deg].
    amplitude_ci, phase_ci : numpy.ndarray
        95 % confidence half-widths [unit], [deg].
    snr : numpy.ndarray
        Signal-to-noise ratio ``(A / sigma_A)^2`` [1].
    mean : float
        Mean level (at the reference time when a trend is fitted) [unit].
    slope : float
        Linear trend [unit/day]; 0 when ``trend`` is False.
    reference_time : numpy.datetime64
        Centre of the record (UTC).
    start, end : numpy.datetime64
        First and last valid observation (UTC).
    latitude : float
        [deg N], used for the nodal corrections.
    n_observations : int
        Valid observations used.
    residual_rms : float
        Root mean square of the residuals [unit].
    method : str
        "ols" or "robust".
    trend, nodal : bool
        Whether a trend and nodal corrections were part of the model.
    iterations : int
        Least-squares solutions computed (more than 1 for robust fits).
    """

    names: tuple[str, ...]
    frequencies: np.ndarray
    amplitudes: np.ndarray
    phases: np.ndarray
    amplitude_ci: np.ndarray
    phase_ci: np.ndarray
    snr: np.ndarray
    mean: float
    slope: float
    reference_time: np.datetime64
    start: np.datetime64
    end: np.datetime64
    latitude: float
    n_observations: int
    residual_rms: float
    method: str
    trend: bool
    nodal: bool
    iterations: int

    def index(self, name: str) -> int:
        """Position of a constituent in the arrays (case-insensitive)."""
        try:
            return self.names.index(name.strip().upper())
        except ValueError:
            raise UnknownConstituentError(
                f"constituent {name!r} is not in this fit: it has {', '.join(self.names)}"
            ) from None

    def table(self) -> list[dict[str, float | str]]:
        """One dict per constituent (name, frequency_cph, amplitude, amplitude_ci, phase_deg,
        phase_ci_deg, snr), largest amplitude first."""
        order = np.argsort(-self.amplitudes, kind="stable")
        return [
            {
                "name": self.names[i],
                "frequency_cph": float(self.frequencies[i]),
                "amplitude": float(self.amplitudes[i]),
                "amplitude_ci": float(self.amplitude_ci[i]),
                "phase_deg": float(self.phases[i]),
                "phase_ci_deg": float(self.phase_ci[i]),
                "snr": float(self.snr[i]),
            }
            for i in order
        ]


def _clean(times: TimesLike, heights: object) -> tuple[np.ndarray, np.ndarray]:
    """Valid (finite) observations, sorted by time: days since the epoch and heights."""
    days = to_days(times)
    values = np.asarray(heights, dtype=float).ravel()
    if days.shape != values.shape:
        raise HarmonicAnalysisError(
            f"{days.size} times but {values.size} heights: give one height per time",
            field="heights",
        )
    valid = np.isfinite(days) & np.isfinite(values)
    order = np.argsort(days[valid], kind="stable")
    return days[valid][order], values[valid][order]


def _check_latitude(latitude: float) -> float:
    value = float(latitude)
    if not np.isfinite(value) or abs(value) > 90:
        raise HarmonicAnalysisError(
            f"latitude {latitude!r} must be a number of degrees in [-90, 90]", field="latitude"
        )
    return value


def _angles(
    comp: Composition, days: np.ndarray, latitude: float, nodal: bool
) -> Iterator[tuple[slice, np.ndarray | None, np.ndarray]]:
    """Blocks of times, with the nodal factors f [1] (None without nodal corrections) and
    the angles ``2 pi (V + u)`` [rad] of each constituent, shapes (k, block).

    V is reduced to [-1/2, 1/2] cycle exactly in double precision; the rest runs in single
    precision, so that the trigonometric functions are vectorised (error below 1e-6 of the
    amplitude). Working by blocks keeps the temporaries in cache.
    """
    table = nodal_table(comp, days, latitude) if nodal else None
    for start in range(0, days.size, _BLOCK):
        block = slice(start, start + _BLOCK)
        part = days[block]
        cycles = equilibrium_arguments(comp, astro.arguments(part))
        cycles -= np.rint(cycles)
        angle = cycles.astype(np.float32)
        f = None
        if table is not None:
            f, u = table.at(part)
            angle += u
        angle *= np.float32(2 * np.pi)
        yield block, f, angle


def _design(
    comp: Composition,
    days: np.ndarray,
    latitude: float,
    nodal: bool,
    trend_column: np.ndarray | None,
) -> np.ndarray:
    """Design matrix, shape (n, m): 1, [trend], f cos(V + u) and f sin(V + u) of each
    constituent. Stored transposed (C-ordered rows are its columns) for fast products."""
    k = len(comp.names)
    extra = 1 if trend_column is None else 2
    xt = np.empty((extra + 2 * k, days.size))
    xt[0] = 1.0
    if trend_column is not None:
        xt[1] = trend_column
    for block, f, angle in _angles(comp, days, latitude, nodal):
        for first, function in ((extra, np.cos), (extra + k, np.sin)):
            values = function(angle)
            if f is not None:
                values *= f
            xt[first : first + k, block] = values
    return xt.T


def _check_count(n: int, span_days: float, n_parameters: int, n_constituents: int) -> None:
    if span_days <= 0:
        raise RecordTooShortError(
            f"the {n} valid observations are all at one time; a record must span some time",
            span_hours=0.0,
            required_hours=np.nan,
        )
    if n <= n_parameters:
        raise HarmonicAnalysisError(
            f"{n} valid observations cannot determine {n_parameters} parameters "
            f"({n_constituents} constituents); at least {n_parameters + 1} are needed",
            field="heights",
        )


def _fit(x: np.ndarray, y: np.ndarray, method: str, weight_function: str) -> lsq.LeastSquares:
    if method == "ols":
        return lsq.ordinary(x, y)
    if method == "robust":
        if weight_function not in lsq.WEIGHT_FUNCTIONS:
            raise HarmonicAnalysisError(
                f"weight function {weight_function!r} is not one of "
                f"{', '.join(lsq.WEIGHT_FUNCTIONS)}",
                field="weight_function",
            )
        return lsq.robust(x, y, weight_function=weight_function)
    raise HarmonicAnalysisError(
        f"method {method!r} is not one of {', '.join(_METHODS)}", field="method"
    )


def _uncertainty(
    result: lsq.LeastSquares, extra: int, power: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence half-widths of amplitudes [unit] and phases [deg]."""
    variance = result.residual_variance() * np.diag(result.unscaled_covariance)
    k = (result.coefficients.size - extra) // 2
    a, b = result.coefficients[extra : extra + k], result.coefficients[extra + k :]
    return confidence.intervals(a, b, variance[extra : extra + k], variance[extra + k :], power)


@dataclass(frozen=True)
class _Settings:
    latitude: float
    method: str
    trend: bool
    nodal: bool
    white_noise: bool


def _summarise(
    result: lsq.LeastSquares, comp: Composition, days: np.ndarray, settings: _Settings
) -> HarmonicFit:
    """The fit's constants, intervals and bookkeeping from a least-squares solution."""
    extra = 2 if settings.trend else 1
    k = len(comp.names)
    reference, span = 0.5 * (days[0] + days[-1]), days[-1] - days[0]
    freq = frequencies(comp, reference)
    weighted = result.weights * result.residuals
    power = None if settings.white_noise else confidence.band_power(days, weighted, freq)
    amplitude_ci, phase_ci = _uncertainty(result, extra, power)
    a, b = result.coefficients[extra : extra + k], result.coefficients[extra + k :]
    amplitudes = np.hypot(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        snr = (amplitudes / (amplitude_ci / 1.96)) ** 2
    return HarmonicFit(
        names=comp.names,
        frequencies=freq,
        amplitudes=amplitudes,
        phases=np.degrees(np.arctan2(b, a)) % 360.0,
        amplitude_ci=amplitude_ci,
        phase_ci=phase_ci,
        snr=snr,
        mean=float(result.coefficients[0]),
        slope=float(result.coefficients[1] / span) if settings.trend else 0.0,
        reference_time=from_days(reference),
        start=from_days(days[0]),
        end=from_days(days[-1]),
        latitude=settings.latitude,
        n_observations=int(days.size),
        residual_rms=float(np.sqrt(np.mean(result.residuals**2))),
        method=settings.method,
        trend=settings.trend,
        nodal=settings.nodal,
        iterations=result.iterations,
    )


def solve(
    times: TimesLike,
    heights: Sequence[float] | np.ndarray,
    *,
    latitude: float,
    constituents: str | Sequence[str] = "auto",
    method: str = "ols",
    trend: bool = False,
    nodal: bool = True,
    rayleigh_min: float = 1.0,
    white_noise: bool = False,
    weight_function: str = "cauchy",
) -> HarmonicFit:
    """Harmonic analysis of a water-level record.

    Parameters
    ----------
    times : array-like
        Observation times: numpy datetime64 (UTC) or timezone-aware datetimes; any order,
        any spacing; NaT allowed (left out).
    heights : array-like of float
        Water levels [any unit, e.g. m]; NaN marks a gap.
    latitude : float
        Station latitude [deg N], for the nodal corrections.
    constituents : "auto" or sequence of str
        "auto" chooses by the Rayleigh criterion for the record length (29 for a month,
        59 for a year, 68 from 472 days); or names from
        :data:`paknam.living.tides.constituents.NAMES`, checked pairwise against the length.
    method : {"ols", "robust"}
        Ordinary least squares, or iteratively reweighted (Cauchy weights by default).
    trend : bool
        Fit a linear trend too (default False, which is right for forecasting).
    nodal : bool
        Apply nodal/satellite corrections (default True).
    rayleigh_min : float
        Rayleigh criterion factor [1] (UTide's ``Rayleigh_min``).
    white_noise : bool
        Assume white residuals for the confidence intervals instead of the residual
        spectrum.
    weight_function : {"cauchy", "huber", "bisquare"}
        Weights of the robust method.

    Returns
    -------
    HarmonicFit

    Raises
    ------
    RecordTooShortError
        The valid record is too short for the constituents asked; the message names the
        minimum length.
    UnknownConstituentError
        A name not in the constituent table.
    HarmonicAnalysisError
        Other bad input (mismatched lengths, naive datetimes, too few observations, bad
        latitude or method).
    """
    settings = _Settings(_check_latitude(latitude), method, trend, nodal, white_noise)
    days, y = _clean(times, heights)
    span_days = float(days[-1] - days[0]) if days.size else 0.0
    names = selection.select(constituents, 24.0 * span_days, rayleigh_min)
    _check_count(days.size, span_days, (2 if trend else 1) + 2 * len(names), len(names))
    comp = composition(names)
    trend_column = (days - 0.5 * (days[0] + days[-1])) / span_days if trend else None
    x = _design(comp, days, settings.latitude, nodal, trend_column)
    return _summarise(_fit(x, y, method, weight_function), comp, days, settings)


def _chosen(fit: HarmonicFit, constituents: Sequence[str] | None, min_snr: float) -> np.ndarray:
    """Indices of the constituents used by :func:`predict`."""
    keep = ~(fit.snr < min_snr)  # NaN SNR (no interval) keeps the constituent
    if constituents is not None:
        wanted = {fit.names[fit.index(name)] for name in constituents}
        keep &= np.array([n in wanted for n in fit.names], dtype=bool)
    return np.flatnonzero(keep)


def predict(
    fit: HarmonicFit,
    times: TimesLike,
    *,
    constituents: Sequence[str] | None = None,
    min_snr: float = 2.0,
) -> np.ndarray:
    """Tide predicted by a fit at any times.

    Parameters
    ----------
    fit : HarmonicFit
        From :func:`solve`.
    times : array-like
        numpy datetime64 (UTC) or timezone-aware datetimes, any order and spacing.
    constituents : sequence of str, optional
        Use only these constituents of the fit.
    min_snr : float
        Leave out constituents whose signal-to-noise ratio is below this [1]; 2 is the
        T_TIDE/UTide default, 0 keeps all.

    Returns
    -------
    numpy.ndarray
        Water level at each time [unit of the fit], mean (and trend) included; NaN where a
        time is missing.
    """
    days = to_days(times)
    out = np.full(days.shape, np.nan)
    valid = np.isfinite(days)
    if not valid.any():
        return out
    use = _chosen(fit, constituents, min_snr)
    level = np.full(int(valid.sum()), fit.mean)
    if fit.trend:
        reference = to_days(np.array([fit.reference_time]))[0]
        level += fit.slope * (days[valid] - reference)
    if use.size:
        comp = composition(tuple(fit.names[i] for i in use))
        lags = np.radians(fit.phases[use]).astype(np.float32)[:, None]
        amplitudes = fit.amplitudes[use].astype(np.float32)
        for block, f, angle in _angles(comp, days[valid], fit.latitude, fit.nodal):
            angle -= lags
            waves = np.cos(angle)
            if f is not None:
                waves *= f
            level[block] += np.einsum("k,kn->n", amplitudes, waves)
    out[valid] = level
    return out
