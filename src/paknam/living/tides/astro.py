"""Astronomical arguments for tidal analysis: mean longitudes of the Moon and Sun and of the
lunar perigee, lunar node and solar perigee, and mean lunar time.

Formulas: polynomials in time of the *Explanatory Supplement to the Astronomical Ephemeris
and the American Ephemeris and Nautical Almanac* (1961), pp. 98 and 107, as used by Foreman
(1977), T_TIDE (Pawlowicz et al. 2002) and UTide (Codiga 2011). They are evaluated with UTC
in place of ephemeris time; the difference (about a minute) moves the Moon by less than
0.01 degree, which is below what any tide gauge resolves.

Time is given as days since :data:`EPOCH` (1899-12-31 12:00 UTC), the origin of the
polynomials. Arguments are in cycles (1 cycle = 360 degrees).
"""

from __future__ import annotations

from typing import Final

import numpy as np

__all__ = ["EPOCH", "arguments", "rates"]

EPOCH: Final = np.datetime64("1899-12-31T12:00:00", "ns")
"""Origin of the astronomical polynomials (UTC)."""

# Polynomial coefficients [deg, deg/day, deg/(10^4 day)^2, deg/(10^4 day)^3] of
# s (Moon), h (Sun), p (lunar perigee), N' (negative of the lunar ascending node) and
# p' (solar perigee). Explanatory Supplement (1961); the constant of p' is 281.220844
# (Foreman printed 281.220833).
_POLYNOMIALS: Final = np.array(
    [
        [270.434164, 13.1763965268, -0.0000850, 0.000000039],
        [279.696678, 0.9856473354, 0.00002267, 0.000000000],
        [334.329556, 0.1114040803, -0.0007739, -0.00000026],
        [-259.183275, 0.0529539222, -0.0001557, -0.000000050],
        [281.220844, 0.0000470684, 0.0000339, 0.000000070],
    ]
)


def _powers(days: np.ndarray) -> np.ndarray:
    """Rows 1, d, D^2, D^3 with D = d / 10^4 [day]."""
    big = days / 10000.0
    return np.vstack((np.ones_like(days), days, big * big, big**3))


def arguments(days: np.ndarray) -> np.ndarray:
    """Astronomical arguments at each time.

    Parameters
    ----------
    days : numpy.ndarray
        Time since :data:`EPOCH` [day], UTC, shape (n,).

    Returns
    -------
    numpy.ndarray
        Shape (6, n): tau (mean lunar time), s, h, p, N', p' [cycles], *not* reduced to
        one cycle, so that they and every combination of them are continuous in time
        (T_TIDE and UTide reduce each one with ``fmod``, which changes nothing for whole
        multiples but makes the half-integer multiple of M7 = 3.5 M2 jump by half a cycle
        twice a day). tau is the UTC time of day plus h minus s.
    """
    days = np.atleast_1d(np.asarray(days, dtype=float))
    longitudes = _POLYNOMIALS @ _powers(days) / 360.0
    tau = days + 0.5 + longitudes[1] - longitudes[0]
    return np.vstack((tau, longitudes))


def rates(days: np.ndarray | float) -> np.ndarray:
    """Rates of change of the astronomical arguments.

    Parameters
    ----------
    days : numpy.ndarray or float
        Time since :data:`EPOCH` [day], UTC.

    Returns
    -------
    numpy.ndarray
        Shape (6, n): d/dt of tau, s, h, p, N', p' [cycles/day].
    """
    days = np.atleast_1d(np.asarray(days, dtype=float))
    big = days / 10000.0
    derivative_powers = np.vstack(
        (np.zeros_like(days), np.ones_like(days), 2.0e-4 * big, 3.0e-4 * big * big)
    )
    longitude_rates = _POLYNOMIALS @ derivative_powers / 360.0
    tau_rate = 1.0 + longitude_rates[1] - longitude_rates[0]
    return np.vstack((tau_rate, longitude_rates))
