"""From CPF results to a verdict and the sentences that state it (internal to
:func:`paknam.environment.attribution.air.explain.explain_air_source`).

Decides which clear sector to name, whether its source looks near or far/elevated (how the
concentration changes with wind speed there, against the other directions), and whether
calm air matters; fills the message catalogue of
:mod:`~paknam.environment.attribution.air.text` with the numbers behind each claim.
"""

from __future__ import annotations

import math

import numpy as np

from paknam.environment.attribution.air.cpf import (
    CLEAR_RATIO,
    CPFResult,
    sector_z,
    wilson_interval,
)
from paknam.environment.attribution.air.inputs import AirSeries
from paknam.environment.attribution.air.text import render
from paknam.environment.attribution.air.wind import sector_index

__all__ = ["LOW_SPEED_MS", "NEAR_FAR_RATIO", "number_text", "percent_text", "wind_sentences"]

LOW_SPEED_MS = 2.5
"""Light versus stronger wind [m/s] for telling near from far (air4thai's 1 and 2 m/s are
light). A low source close by is diluted by wind: its values fall as the wind rises; a
stack's plume reaches the ground with stronger winds, and a distant source needs wind to
arrive (openair's bivariate polar plots show the same two signatures)."""

NEAR_FAR_RATIO = 1.25
"""Near or far: with wind from the clear sector, the ratio of the mean concentration in light
wind to that in stronger wind is compared with the same ratio for wind from the other
directions (wind dilutes everything). At least this many times theirs: near; at most its
inverse: far or elevated [-]. In between, or with fewer than ``min_hours_cell`` hours on
either side, the speed does not tell."""


def percent_text(x: float) -> str:
    """A share [-] as whole percent for the texts (``0.372`` → ``"37"``; NaN → ``"–"``)."""
    return "–" if math.isnan(x) else f"{100 * x:.0f}"


def number_text(x: float) -> str:
    """A value with 3 significant digits for the texts (thousands separated from 100)."""
    return "–" if math.isnan(x) else f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"


def _sector_fields(cpf: CPFResult, k: int) -> dict[str, object]:
    s = cpf.sectors[k]
    high_windy = int(cpf.high_hours.sum())
    return {
        "sector_en": s.name_en,
        "sector_th": s.name_th,
        "code": s.code,
        "range": s.range_label,
        "cpf": percent_text(float(cpf.cpf[k])),
        "n": f"{int(cpf.hours[k]):,}",
        "runs": f"{int(cpf.runs[k]):,}",
        "days": int(cpf.high_days[k]),
        "share": percent_text(cpf.high_hours[k] / high_windy) if high_windy else "–",
        "expected": percent_text(float(cpf.expected[k])),
    }


def _speed_part(cpf: CPFResult, k: int) -> tuple[tuple[str, str], int | None]:
    j = cpf.best_speed_class(k)
    if j is None:
        return ("", ""), None
    th, en = render(
        "speed",
        speed=cpf.speed_classes[j].label,
        cell_cpf=percent_text(float(cpf.cell_cpf[k, j])),
        cell_n=int(cpf.cell_hours[k, j]),
    )
    return (th, en), j


def _calm_is_high(cpf: CPFResult) -> bool:
    if math.isnan(cpf.calm_cpf) or math.isnan(cpf.baseline):
        return False
    n = cpf.calm_effective_hours
    low, _ = wilson_interval(cpf.calm_cpf * n, n, sector_z(len(cpf.sectors)))
    return bool(low > cpf.baseline and cpf.calm_cpf >= CLEAR_RATIO * cpf.baseline)


def _light_strong(s: AirSeries, where: np.ndarray) -> tuple[int, int, float, float]:
    light, strong = where & (s.ws < LOW_SPEED_MS), where & (s.ws >= LOW_SPEED_MS)
    n_l, n_s = int(light.sum()), int(strong.sum())
    m_l = float(s.conc[light].mean()) if n_l else math.nan
    m_s = float(s.conc[strong].mean()) if n_s else math.nan
    return n_l, n_s, m_l, m_s


def _near_or_far(s: AirSeries, cpf: CPFResult, k: int) -> tuple[str, dict[str, object]]:
    """Near, far/elevated or undecided: does concentration fall with wind speed faster (near)
    or slower (far/elevated) in sector ``k`` than with wind from the other directions (those
    outside its run of clear sectors)? Wind dilutes everything, so the sector's light/strong
    ratio is judged against theirs."""
    sec = sector_index(s.wd, len(cpf.sectors))
    inside = s.windy & (sec == k)
    others = s.windy & ~np.isin(sec, cpf.clear_group(k))
    n_l, n_s, m_l, m_s = _light_strong(s, inside)
    a_l, a_s, all_l, all_s = _light_strong(s, others)
    ok = min(n_l, n_s, a_l, a_s) >= cpf.min_hours_cell and min(m_s, all_s, m_l, all_l) > 0
    ratio = m_l / m_s if ok else math.nan
    ratio_all = all_l / all_s if ok else math.nan
    fields = {
        "light_n": n_l,
        "strong_n": n_s,
        "light_mean": number_text(m_l),
        "strong_mean": number_text(m_s),
    }
    fields |= {
        "low": f"{LOW_SPEED_MS:g}",
        "ratio": number_text(ratio),
        "ratio_all": number_text(ratio_all),
    }
    if not ok:
        return "source_direction", fields
    if ratio >= NEAR_FAR_RATIO * ratio_all:
        return "nearby_source", fields
    if ratio_all >= NEAR_FAR_RATIO * ratio:
        return "distant_or_elevated_source", fields
    return "source_direction", fields


def wind_sentences(
    s: AirSeries, cpf: CPFResult, base: dict[str, object], regional: bool
) -> tuple[str, list[tuple[str, str]], dict[str, object]]:
    """Verdict, sentences and evidence of the wind analysis (enough hours, some variation)."""
    out: list[tuple[str, str]] = []
    ev: dict[str, object] = {}
    k = cpf.strongest()
    calm_high = _calm_is_high(cpf)
    if k is not None:
        (sp_th, sp_en), j = _speed_part(cpf, k)
        f = {**base, **_sector_fields(cpf, k), "speed_th": sp_th, "speed_en": sp_en}
        out.append(render("sector", **f))
        run = [cpf.sectors[i].code for i in cpf.clear_group(k)]
        group = [c for c in run if c != f["code"]]
        if group:
            out.append(render("neighbours", group=", ".join(group)))
        verdict, nf = _near_or_far(s, cpf, k)
        if regional:
            verdict = "regional_haze"
        out.append(render("regional_from_sector" if regional else verdict, **f, **nf))
        ev |= {"sector": f["code"], "sector_deg": cpf.sectors[k].center_deg}
        ev |= {"sector_cpf": float(cpf.cpf[k]), "sector_expected": float(cpf.expected[k])}
        ev |= {"sector_hours": int(cpf.hours[k]), "sector_high_days": int(cpf.high_days[k])}
        ev |= {"clear_sectors": tuple(run), "light_hours": nf["light_n"]}
        ev |= {"strong_hours": nf["strong_n"], "light_strong_ratio": nf["ratio"]}
        ev["light_strong_ratio_other_directions"] = nf["ratio_all"]
        ev["speed_class"] = None if j is None else cpf.speed_classes[j].label
        if calm_high:
            out.append(render("calm_note", **base))
        return verdict, out, ev
    if np.isnan(cpf.cpf).all():
        out.append(render("no_sector_reported", **base, min=cpf.min_hours))
    else:
        top = int(np.nanargmax(cpf.cpf))
        out.append(render("no_clear_sector", **{**base, **_sector_fields(cpf, top)}))
    if regional:
        return "regional_haze", out, ev
    if calm_high:
        out.append(render("calm_local", **base))
        return "calm_local", out, ev
    return "no_clear_sector", out, ev
