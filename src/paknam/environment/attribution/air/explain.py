"""Where does the air pollution come from? Source attribution from wind and time.

The proposal's "analyse the root cause" for air: pure functions over hourly series of one
station (times, concentration, wind speed [m/s], wind direction [deg, FROM]) and, for the
regional-versus-local question, its neighbours. No I/O, no database.

- :func:`pollution_rose`, :func:`percentile_rose`: concentration by wind sector and speed;
- :func:`conditional_probability`: CPF per sector and per sector × speed class;
- :func:`diurnal_profile`, :func:`weekly_profile`: Asia/Bangkok hour of day and day of week;
- :func:`station_agreement`: correlation and shared high hours with nearby stations;
- :func:`explain_air_source`: all of the above as a plain Thai and English explanation,
  saying so when the evidence is weak.

Conventions (sectors, calm, speed classes, missing values, refused constant wind):
:mod:`paknam.environment.attribution.air.wind`. Method and thresholds of each step are in
the docstring of its module: ``rose``, ``cpf``, ``profiles``, ``stations`` (all in
:mod:`paknam.environment.attribution.air`); texts in ``text``.

These are indications, not proof: a wind sector says from which side high values arrive at
the station, not which chimney emits them; a site visit or an emission inventory decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from paknam.environment.attribution.air.cpf import (
    CPF_PERCENTILE,
    CPFResult,
    conditional_probability,
)
from paknam.environment.attribution.air.evidence import (
    LOW_SPEED_MS,
    NEAR_FAR_RATIO,
    number_text,
    percent_text,
    wind_sentences,
)
from paknam.environment.attribution.air.inputs import AirSeries, air_series, local_times
from paknam.environment.attribution.air.profiles import Profile, diurnal_profile, weekly_profile
from paknam.environment.attribution.air.rose import (
    PercentileRose,
    PollutionRose,
    percentile_rose,
    pollution_rose,
)
from paknam.environment.attribution.air.stations import StationAgreement, station_agreement
from paknam.environment.attribution.air.text import render
from paknam.environment.attribution.air.wind import (
    CALM_MS,
    N_SECTORS,
    SPEED_EDGES_MS,
    Sector,
    SpeedClass,
    check_wind_measured,
    sector_index,
    sectors,
    speed_classes,
)
from paknam.environment.errors import AttributionError, WindNotMeasuredError

__all__ = [
    "CALM_MS",
    "LOW_SPEED_MS",
    "MIN_SUMMARY_HOURS",
    "NEAR_FAR_RATIO",
    "SHORT_RECORD_DAYS",
    "SPEED_EDGES_MS",
    "AirSourceExplanation",
    "AttributionError",
    "CPFResult",
    "PercentileRose",
    "PollutionRose",
    "Profile",
    "Sector",
    "SpeedClass",
    "StationAgreement",
    "WindNotMeasuredError",
    "check_wind_measured",
    "conditional_probability",
    "diurnal_profile",
    "explain_air_source",
    "percentile_rose",
    "pollution_rose",
    "sector_index",
    "sectors",
    "speed_classes",
    "station_agreement",
    "weekly_profile",
]

MIN_SUMMARY_HOURS = 72
"""Fewest windy hours with a value for any wind-based conclusion [h] (three days)."""

_SOURCE_VERDICTS = ("nearby_source", "distant_or_elevated_source", "source_direction")

SHORT_RECORD_DAYS = 30
"""Records with fewer local days with data get a "thin evidence" note [d]."""


@dataclass(frozen=True, slots=True)
class AirSourceExplanation:
    """A plain explanation of where high values come from, with its evidence.

    Attributes
    ----------
    verdict : str
        ``"nearby_source"``, ``"distant_or_elevated_source"``, ``"source_direction"``
        (a clear sector, speed unknown), ``"regional_haze"``, ``"calm_local"``,
        ``"no_clear_sector"``, ``"too_few_hours"`` or ``"no_variation"``.
    weak : bool
        True when the evidence does not support a conclusion (``no_clear_sector``,
        ``too_few_hours``, ``no_variation``) or the record is shorter than
        :data:`SHORT_RECORD_DAYS`.
    text_th, text_en : str
        The explanation, Thai and English.
    evidence : Mapping of str to object
        The numbers quoted in the text (hours, CPF, threshold, sector …).
    cpf : CPFResult
    rose : PollutionRose
    diurnal, weekly : Profile
    agreement : StationAgreement or None
        When neighbours were given.
    """

    verdict: str
    weak: bool
    text_th: str
    text_en: str
    evidence: Mapping[str, object]
    cpf: CPFResult
    rose: PollutionRose
    diurnal: Profile
    weekly: Profile
    agreement: StationAgreement | None


def _agreement(
    times: pd.DatetimeIndex,
    conc: np.ndarray,
    station: str | None,
    neighbours: Mapping[str, pd.Series],
    percentile: float,
) -> StationAgreement:
    key = station or "(this station)"
    if key in neighbours:
        raise AttributionError(
            f"neighbours include the station itself ({key}); give only the other stations",
            field="neighbours",
        )
    series = {key: pd.Series(conc, index=times), **neighbours}
    return station_agreement(series, key, percentile=percentile)


def _fields(
    s: AirSeries,
    cpf: CPFResult,
    station: str | None,
    pollutant: str,
    unit: str,
    n_days: int,
) -> tuple[dict[str, object], dict[str, object]]:
    """Text fields shared by the sentences, and the evidence every explanation carries."""
    base: dict[str, object] = {
        "pollutant": pollutant,
        "unit": unit,
        "at_en": f" at station {station}" if station else "",
        "at_th": f" ที่สถานี {station}" if station else "",
        "calm": f"{s.calm_ms:g}",
        "windy": f"{cpf.windy_hours:,}",
        "need": MIN_SUMMARY_HOURS,
        "pct": f"{cpf.percentile:g}",
        "thr": number_text(cpf.threshold),
        "base": percent_text(cpf.baseline),
        "calm_cpf": percent_text(cpf.calm_cpf),
        "calm_n": f"{cpf.calm_hours:,}",
        "valid": f"{int(s.valid.sum()):,}",
    }
    evidence: dict[str, object] = {
        "valid_hours": int(s.valid.sum()),
        "windy_hours": cpf.windy_hours,
        "calm_hours": cpf.calm_hours,
        "missing_hours": cpf.missing_hours,
        "days": int(n_days),
        "percentile": cpf.percentile,
        "threshold": cpf.threshold,
        "baseline": cpf.baseline,
        "calm_cpf": cpf.calm_cpf,
    }
    return base, evidence


def _context_sentences(
    agree: StationAgreement | None, diurnal: Profile, unit: str
) -> tuple[list[tuple[str, str]], dict[str, object]]:
    """The neighbours' verdict and the daily cycle, when they say something."""
    out: list[tuple[str, str]] = []
    ev: dict[str, object] = {}
    if agree is not None and agree.verdict != "unknown":
        others = ", ".join(agree.neighbours)
        r, shared = f"{agree.median_r:.2f}", percent_text(agree.shared_share)
        out.append(render(agree.verdict, others=others, r=r, shared=shared))
        ev |= {"agreement": agree.verdict, "median_r": agree.median_r}
        ev["shared_high_share"] = agree.shared_share
    p, t = diurnal.peak(), diurnal.trough()
    if diurnal.peak_is_clear() and p is not None and t is not None:
        names = {"peak": diurnal.names_en[p], "trough": diurnal.names_en[t]}
        means = {"peak_mean": number_text(float(diurnal.mean[p]))}
        means["trough_mean"] = number_text(float(diurnal.mean[t]))
        out.append(render("diurnal", unit=unit, **names, **means))
        ev |= {"diurnal_peak_hour": p, "diurnal_trough_hour": t}
    return out, ev


def explain_air_source(
    times: object,
    concentration: ArrayLike,
    ws_ms: ArrayLike,
    wd_deg: ArrayLike,
    *,
    station: str | None = None,
    pollutant: str = "PM2.5",
    unit: str = "µg/m³",
    neighbours: Mapping[str, pd.Series] | None = None,
    percentile: float = CPF_PERCENTILE,
    n_sectors: int = N_SECTORS,
    speed_edges_ms: Sequence[float] = SPEED_EDGES_MS,
    hour_ending: bool = False,
) -> AirSourceExplanation:
    """Explain, in Thai and English, when and from where high values arrive.

    Parameters
    ----------
    times : array_like of datetime
        Timezone-aware times (hourly).
    concentration : array_like
        Concentration [``unit``]; NaN = missing.
    ws_ms : array_like
        Wind speed [m/s].
    wd_deg : array_like
        Wind direction, meteorological (from) [deg].
    station : str, optional
        Station id, named in the text.
    pollutant, unit : str
        Names used in the text (e.g. ``"SO2"``, ``"ppb"``).
    neighbours : Mapping of str to pandas.Series, optional
        The same pollutant at nearby stations (timezone-aware index): adds the regional
        versus local judgement.
    percentile : float
        "High" = at or above this percentile of the station's valid hours [%].
    n_sectors : int
        Number of wind sectors [-].
    speed_edges_ms : sequence of float
        Speed-class lower edges [m/s]; the first is the calm limit.
    hour_ending : bool
        Time labels are hour-ending (air4thai): the diurnal profile shifts them back.

    Returns
    -------
    AirSourceExplanation

    Raises
    ------
    WindNotMeasuredError
        When the wind is constant (not measured), e.g. air4thai's WS = WD = 0.
    AttributionError
        For bad values (negative, non-finite, naive times …).
    """
    edges = tuple(speed_edges_ms)
    s = air_series(times, concentration, ws_ms, wd_deg, station=station, calm_ms=edges[0])
    cpf = conditional_probability(
        s.times, s.conc, s.ws, s.wd, percentile=percentile, n_sectors=n_sectors,
        speed_edges_ms=edges, station=station,
    )  # fmt: skip
    rose = pollution_rose(s.times, s.conc, s.ws, s.wd, n_sectors=n_sectors, speed_edges_ms=edges)
    diurnal = diurnal_profile(s.times, s.conc, hour_ending=hour_ending, station=station)
    weekly = weekly_profile(s.times, s.conc, hour_ending=hour_ending, station=station)
    agree = None
    if neighbours:
        agree = _agreement(s.times, s.conc, station, neighbours, percentile)
    n_days = local_times(s.times[np.isfinite(s.conc)]).normalize().nunique()
    base, evidence = _fields(s, cpf, station, pollutant, unit, n_days)
    sentences: list[tuple[str, str]] = []
    valid_c = s.conc[s.valid]
    if cpf.windy_hours < MIN_SUMMARY_HOURS:
        verdict = "too_few_hours"
        sentences.append(render("too_few_hours", **base))
    elif valid_c.min() == valid_c.max():
        verdict = "no_variation"
        sentences.append(render("no_variation", **base, value=number_text(float(valid_c[0]))))
    else:
        regional = agree is not None and agree.verdict == "regional"
        verdict, more, ev = wind_sentences(s, cpf, base, regional)
        sentences += more
        evidence |= ev
    more, ev = _context_sentences(agree, diurnal, unit)
    sentences += more
    evidence |= ev
    if agree is None and verdict in _SOURCE_VERDICTS:
        sentences.append(render("no_neighbours"))
    short = n_days < SHORT_RECORD_DAYS
    if short and verdict not in ("too_few_hours", "no_variation"):
        sentences.append(render("short_record", days=n_days))
    if cpf.calm_hours and verdict != "too_few_hours":
        sentences.append(render("method", **base))
    weak = short or verdict in ("no_clear_sector", "too_few_hours", "no_variation")
    evidence["verdict"] = verdict
    return AirSourceExplanation(
        verdict=verdict,
        weak=weak,
        text_th=" ".join(th for th, _ in sentences),
        text_en=" ".join(en for _, en in sentences),
        evidence=MappingProxyType(evidence),
        cpf=cpf,
        rose=rose,
        diurnal=diurnal,
        weekly=weekly,
        agreement=agree,
    )
