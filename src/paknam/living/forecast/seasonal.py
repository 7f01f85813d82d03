"""The upper Gulf's seasonal sea-level cycle as a prior for short records.

A harmonic analysis needs a year of data to resolve the annual (SA) and semi-annual (SSA)
tides, which at the Chao Phraya mouth carry a 27 cm seasonal cycle (highest Nov–Jan). A
station with a shorter record would fold that cycle into its mean and drift through the
seasons. The prior is the monthly climatology of Pom Phrachun (Fort Phra Chula Chomklao,
PSMSL id 444, 1985–2017: each month's mean minus its year's mean, 31–32 years a month;
Holgate et al. 2013, PSMSL), interpolated smoothly between mid-months.

:mod:`paknam.living.service` removes it from a short record before training and adds it
back to the forecast; :mod:`paknam.living.forecast.simulate` uses it for the demo's simulated
station.
"""

from __future__ import annotations

import numpy as np

POM_PHRACHUN_MONTHLY_MM = (
    113.0, 104.0, 68.0, -13.0, -68.0, -143.0, -140.0, -132.0, -71.0, 37.0, 126.0, 127.0,
)  # fmt: skip
"""Pom Phrachun monthly mean sea level minus its year's mean, Jan..Dec [mm]; PSMSL id 444,
1985–2017, computed from ``../shared/data/tides/psmsl_monthly_thailand.csv``."""

SHORT_RECORD_DAYS = 365
"""Records shorter than this get the prior (SA/SSA are not resolvable from them)."""


def seasonal_prior_m(
    times_s: np.ndarray, monthly_mm: tuple[float, ...] = POM_PHRACHUN_MONTHLY_MM
) -> np.ndarray:
    """Seasonal sea-level anomaly [m] at UTC epoch seconds (periodic, mid-month anchors)."""
    times_s = np.asarray(times_s, dtype=float)
    year_s = 365.2425 * 86400
    phase = ((times_s / year_s) % 1.0) * 12.0 - 0.5  # 0 at mid-January
    months = np.array((*monthly_mm, monthly_mm[0])) / 1000.0
    base = np.floor(phase).astype(int) % 12
    frac = phase - np.floor(phase)
    w = (1 - np.cos(np.pi * frac)) / 2  # smooth between the monthly anchors
    return months[base] * (1 - w) + months[base + 1] * w
