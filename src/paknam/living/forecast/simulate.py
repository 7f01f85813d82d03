"""A **simulated** Samut Prakan water-level series for the demo. Never report skill on it.

No hourly record of the upper Gulf of Thailand is reachable from here
(``../shared/data/tides/SOURCES.md``), so the demo's water-level station at Pom Phrachun
(Fort Phra Chula Chomklao, Chao Phraya mouth) is made of three documented parts:

1. **tide**: the published TICON-4 harmonic constants of Ko Lak (UHSLC 328a, Prachuap
   Khiri Khan, the nearest Thai Gulf gauge with constants; CC BY 4.0, packaged in
   ``paknam/data/tides/ko_lak_ticon4.json``) without their annual and semi-annual terms
   (SA, SSA), predicted with :func:`paknam.living.tides.harmonics.predict` (nodal corrections
   included). Ko Lak's tide is smaller than Pom Phrachun's: the series is illustrative.
   TICON names mapped to Foreman's: LAMBDA2 → LDA2, SGM → SIG1, M1 → NO1; ten small
   constituents (each ≤ 3.4 mm) that Foreman's table lacks are left out.
2. **season**: the monthly mean sea-level climatology of Pom Phrachun itself (PSMSL id
   444, 1985–2017, deviation of each month from its year's mean; Holgate et al. 2013):
   highest Nov–Jan, lowest Jun–Aug, 27 cm range — interpolated periodically between
   mid-months.
3. **residual**: two AR(1) processes matched to the non-tidal residual of the real
   Honolulu 2010 record (std 7.1 cm, lag-1 h autocorrelation 0.97, lag-72 h 0.88): a slow
   one (φ = 0.9983 per hour, std 6.8 cm) and a fast one (φ = 0.7, std 2.0 cm).

Levels are metres above mean sea level (datum "MSL (simulated)").
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from paknam.living.forecast.seasonal import POM_PHRACHUN_MONTHLY_MM, seasonal_prior_m
from paknam.living.tides.constituents import BY_NAME
from paknam.living.tides.harmonics import HarmonicFit, predict

POM_PHRACHUN = {"lon": 100.583, "lat": 13.550}
"""PSMSL station 444 position [deg]."""

SEASONAL_MM = POM_PHRACHUN_MONTHLY_MM

TICON_ALIASES = {"LAMBDA2": "LDA2", "SGM": "SIG1", "M1": "NO1"}
LEFT_OUT = ("SA", "SSA")
SLOW_PHI, SLOW_STD = 0.9983, 0.068
FAST_PHI, FAST_STD = 0.7, 0.020


def ko_lak_fit() -> HarmonicFit:
    """A :class:`HarmonicFit` carrying Ko Lak's published constants (mean 0, no trend)."""
    text = (resources.files("paknam") / "data" / "tides" / "ko_lak_ticon4.json").read_text()
    doc = json.loads(text)
    names, amps, phases = [], [], []
    for c in doc["harmonic_constituents"]:
        name = TICON_ALIASES.get(c["name"].upper(), c["name"].upper())
        if name in BY_NAME and name not in LEFT_OUT:
            names.append(name)
            amps.append(float(c["amplitude"]))
            phases.append(float(c["phase"]))
    n = len(names)
    epoch = np.datetime64("2010-01-01T00:00", "s")
    return HarmonicFit(
        names=tuple(names),
        frequencies=np.array([BY_NAME[x].frequency for x in names]),
        amplitudes=np.array(amps),
        phases=np.array(phases),
        amplitude_ci=np.zeros(n),
        phase_ci=np.zeros(n),
        snr=np.full(n, np.inf),
        mean=0.0,
        slope=0.0,
        reference_time=epoch,
        start=epoch,
        end=epoch,
        latitude=float(doc["latitude"]),
        n_observations=0,
        residual_rms=0.0,
        method="published",
        trend=False,
        nodal=True,
        iterations=0,
    )


seasonal_m = seasonal_prior_m
"""The seasonal part of the simulation: the PSMSL Pom Phrachun prior."""


def _ar1(innov: np.ndarray, first: float, phi: float, std: float) -> np.ndarray:
    """AR(1) with stationary ``std`` from standard-normal innovations and first value."""
    scale = std * np.sqrt(1 - phi**2)
    out = np.empty(innov.size)
    out[0] = first * std
    for i in range(1, innov.size):
        out[i] = phi * out[i - 1] + scale * innov[i]
    return out


def simulate(start_s: int, hours: int, *, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Hourly (UTC epoch s, level [m above MSL]) of the simulated station."""
    start_s -= start_s % 3600
    times = start_s + 3600 * np.arange(hours, dtype=np.int64)
    tide = predict(ko_lak_fit(), times.astype("datetime64[s]"), min_snr=0)
    rng = np.random.default_rng(seed)
    first = rng.normal(size=2)
    innov = rng.normal(size=(hours, 2))  # row i is hour i: a longer run extends a shorter one
    residual = _ar1(innov[:, 0], first[0], SLOW_PHI, SLOW_STD) + _ar1(
        innov[:, 1], first[1], FAST_PHI, FAST_STD
    )
    return times, np.round(tide + seasonal_m(times) + residual, 3)
