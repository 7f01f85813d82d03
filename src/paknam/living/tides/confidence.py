"""Confidence intervals of tidal amplitudes and phases (linearised, 95 %).

Method of T_TIDE (Pawlowicz et al. 2002, sections 3-4) and UTide (Codiga 2011, section
2.6): the covariance of the cosine and sine coefficients of each constituent comes from
the least-squares fit; unless white noise is assumed, their total variance is replaced by
the residual power near the constituent's frequency (the residual periodogram averaged
over the frequency band around it, leaving out the bins at the constituent frequencies),
which accounts for coloured (e.g. surge) noise. Amplitude and phase intervals are then
linearised: for ``h = a cos(x) + b sin(x)`` with ``A = hypot(a, b)``,
``sigma_A^2 = (a^2 var_a + b^2 var_b) / A^2`` and
``sigma_g^2 = (b^2 var_a + a^2 var_b) / A^4`` [rad^2]; the intervals are 1.96 sigma.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

__all__ = ["BANDS", "band_power", "intervals"]

BANDS = np.array(
    [
        [0.00010, 0.00417],
        [0.03192, 0.04859],
        [0.07218, 0.08884],
        [0.11243, 0.12910],
        [0.15269, 0.16936],
        [0.19295, 0.20961],
        [0.23320, 0.25100],
        [0.26000, 0.29000],
        [0.30000, 0.50000],
    ]
)
"""Frequency bands [cycles/hour] of the residual spectrum (T_TIDE, UTide): long-period,
diurnal, semidiurnal, then the bands of 3, 4, 5, 6, 7 and 8-12 cycles per day."""

_MAX_LOMB_FREQUENCIES_PER_BAND = 500
_GRID_TOLERANCE = 1e-3
"""Largest departure of a time step from a whole number of steps [steps] for a series to
count as a uniform grid with gaps."""


def _grid_positions(days: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Index of each (sorted) time on a uniform grid, and the step [day]; None if the
    times are not on one."""
    steps = np.diff(days)
    if steps.size == 0 or np.any(steps <= 0):
        return None
    step = float(np.min(steps))
    count = steps / step
    whole = np.rint(count)
    if np.any(np.abs(count - whole) > _GRID_TOLERANCE) or whole.sum() > 4 * days.size:
        return None
    return np.r_[0, np.cumsum(whole)].astype(int), step


def _periodogram(values: np.ndarray, step_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Hann-windowed periodogram [unit^2 / (cycle/hour)] and its frequencies."""
    n = values.size - values.size % 2
    window = signal.windows.hann(n, sym=False)
    spectrum = np.abs(np.fft.rfft((values[:n] - values[:n].mean()) * window)) ** 2
    spectrum[1:-1] *= 2.0
    psd = spectrum * step_hours / np.sum(window**2)
    return psd, np.arange(psd.size) / (n * step_hours)


def _lomb(hours: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lomb-Scargle counterpart of :func:`_periodogram` for irregular times."""
    n = hours.size
    step = (hours[-1] - hours[0]) / (n - 1)
    fourier = np.arange(1, n // 2) / (n * step)
    parts = []
    for low, high in BANDS:
        inside = fourier[(fourier >= low) & (fourier <= high)]
        if inside.size > _MAX_LOMB_FREQUENCIES_PER_BAND:
            inside = np.linspace(inside[0], inside[-1], _MAX_LOMB_FREQUENCIES_PER_BAND)
        parts.append(inside)
    frequencies = np.concatenate(parts)
    phase = (hours - hours[0]) / (hours[-1] - hours[0])
    window = 0.5 - 0.5 * np.cos(2 * np.pi * phase)
    centred = (values - values.mean()) * window
    power = signal.lombscargle(hours, centred, 2 * np.pi * frequencies)
    return power * 2.0 * step * n / np.sum(window**2), frequencies


def band_power(days: np.ndarray, residuals: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    """Residual power near each constituent frequency.

    Parameters
    ----------
    days : numpy.ndarray
        Sorted times of the residuals [day], shape (n,).
    residuals : numpy.ndarray
        (Weighted) residuals of the fit [unit], shape (n,).
    frequencies : numpy.ndarray
        Constituent frequencies [cycles/hour], shape (k,).

    Returns
    -------
    numpy.ndarray
        Shape (k,): band-averaged spectral density times the frequency resolution
        ``1 / record length`` [unit^2]; NaN where no band or no estimate covers the
        frequency (e.g. above the Nyquist frequency).
    """
    grid = _grid_positions(days)
    if grid is not None:
        index, step = grid
        filled = np.interp(np.arange(index[-1] + 1), index, residuals)
        psd, freq = _periodogram(filled, 24.0 * step)
        resolution = 1.0 / (filled.size * 24.0 * step)
    else:
        psd, freq = _lomb(24.0 * days, residuals)
        resolution = 1.0 / (24.0 * (days[-1] - days[0]) * days.size / (days.size - 1))
    usable = np.ones(freq.size, dtype=bool)
    if freq.size > 1:
        nearest = np.rint(np.interp(frequencies, freq, np.arange(freq.size))).astype(int)
        usable[nearest] = False
    out = np.full(frequencies.shape, np.nan)
    for low, high in BANDS:
        chosen = usable & (freq >= low) & (freq <= high)
        if chosen.any():
            inside = (frequencies >= low) & (frequencies <= high)
            out[inside] = psd[chosen].mean() * resolution
    return out


def intervals(
    cosine: np.ndarray,
    sine: np.ndarray,
    var_cosine: np.ndarray,
    var_sine: np.ndarray,
    power: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """95 % confidence half-widths of amplitudes and phases.

    Parameters
    ----------
    cosine, sine : numpy.ndarray
        Coefficients a, b of ``a cos(x) + b sin(x)`` [unit], shape (k,).
    var_cosine, var_sine : numpy.ndarray
        Their variances from the fit [unit^2].
    power : numpy.ndarray, optional
        Residual power near each frequency [unit^2] (:func:`band_power`); where given and
        finite it replaces ``var_cosine + var_sine``, shared in the same proportion.
        None assumes white noise.

    Returns
    -------
    amplitude_ci : numpy.ndarray
        [unit].
    phase_ci : numpy.ndarray
        [deg].
    """
    var_a, var_b = np.asarray(var_cosine, float), np.asarray(var_sine, float)
    if power is not None:
        total = var_a + var_b
        coloured = np.isfinite(power) & (total > 0)
        share = np.where(coloured, power / np.where(coloured, total, 1.0), 1.0)
        var_a, var_b = var_a * share, var_b * share
    amplitude_sq = cosine**2 + sine**2
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma_a = np.sqrt((cosine**2 * var_a + sine**2 * var_b) / amplitude_sq)
        sigma_g = np.sqrt((sine**2 * var_a + cosine**2 * var_b) / amplitude_sq**2)
    return 1.96 * sigma_a, np.degrees(1.96 * sigma_g)
