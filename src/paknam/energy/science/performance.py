"""Daily yields and performance ratio per IEC 61724-1. Pure: no I/O.

For each local (Asia/Bangkok) day, over the intervals where both the AC power and the
irradiance are present:

- final yield  Y_f = E_ac / P0                      [kWh/kWp = h]
- reference yield  Y_r = H_POA / G_STC, G_STC = 1 kW/m²   [h]
- performance ratio  PR = Y_f / Y_r                  [-]

H_POA is the in-plane insolation. When the site's sensor is in the array plane it is used
as measured (``irradiance_basis = "measured_poa"``); when the sensor is horizontal (GHI),
H_POA is the Erbs + Hay–Davies transposition of the measured GHI onto each array
(``"transposed_ghi"``, see :mod:`paknam.energy.science.pvmodel`); without an irradiance sensor no
PR is given (only the ratio to the clear-sky expectation). A day's PR is reported only
when :data:`MIN_COVERAGE` of its daylight intervals have both values and its insolation
is at least :data:`MIN_H_KWH_M2`; otherwise ``pr`` is ``None`` and ``note`` says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paknam.core.timeutil import BANGKOK

G_STC_KW_M2 = 1.0
MIN_COVERAGE = 0.8
"""Share of daylight intervals (sun above 5°) that must have power and irradiance."""
MIN_H_KWH_M2 = 0.5
"""Below this daily insolation PR is dominated by noise and sensor offsets."""
DAYLIGHT_ZENITH = 85.0


def daily_performance(
    ac_kw: pd.Series,
    irradiance_poa: pd.Series | None,
    expected_ac_kw: pd.Series,
    zenith: pd.Series,
    kwp: float,
    step_s: int,
) -> pd.DataFrame:
    """Daily energy, yields, PR and the ratio to the modelled expectation.

    Parameters
    ----------
    ac_kw : pandas.Series
        Measured AC power, interval means [kW], aware index on a regular grid (NaN = gap).
    irradiance_poa : pandas.Series or None
        In-plane irradiance [W/m²] on the same index (measured or transposed).
    expected_ac_kw : pandas.Series
        Modelled AC power [kW] (:func:`paknam.energy.science.pvmodel.expected_power`).
    zenith : pandas.Series
        Apparent solar zenith [deg].
    kwp : float
        P0, DC nameplate [kW].
    step_s : int
        Interval length [s].

    Returns
    -------
    pandas.DataFrame indexed by local date with ``e_ac_kwh``, ``e_expected_kwh``,
    ``h_poa_kwh_m2``, ``y_f``, ``y_r``, ``pr``, ``pr_expected``, ``performance_index``
    (E_ac / E_expected), ``coverage``, ``zero_daylight_intervals``, ``note``.
    """
    hours = step_s / 3600.0
    idx = ac_kw.index
    day = idx.tz_convert(BANGKOK).normalize().tz_localize(None)
    daylight = (zenith.reindex(idx) < DAYLIGHT_ZENITH).to_numpy()
    irr = (
        irradiance_poa.reindex(idx) if irradiance_poa is not None else pd.Series(np.nan, index=idx)
    )
    has_irr = irradiance_poa is not None
    both = ac_kw.notna().to_numpy() & (irr.notna().to_numpy() if has_irr else True)
    exp = expected_ac_kw.reindex(idx)
    both &= exp.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "day": day,
            "e_ac": np.where(both, ac_kw.fillna(0.0).to_numpy() * hours, 0.0),
            "e_exp": np.where(both, exp.fillna(0.0).to_numpy() * hours, 0.0),
            "h": np.where(both, irr.fillna(0.0).to_numpy() * hours / 1000.0, 0.0),
            "daylight": daylight,
            "ok_daylight": daylight & both,
            "zero": daylight
            & both
            & (ac_kw.fillna(1.0).to_numpy() <= 0.01 * kwp)
            & (exp.fillna(0.0).to_numpy() > 0.1 * kwp),
        }
    )
    g = frame.groupby("day")
    out = pd.DataFrame(
        {
            "e_ac_kwh": g["e_ac"].sum(),
            "e_expected_kwh": g["e_exp"].sum(),
            "h_poa_kwh_m2": g["h"].sum() if has_irr else np.nan,
            "coverage": g["ok_daylight"].sum() / g["daylight"].sum().replace(0, np.nan),
            "zero_daylight_intervals": g["zero"].sum().astype(int),
        }
    )
    out["y_f"] = out["e_ac_kwh"] / kwp
    out["y_r"] = out["h_poa_kwh_m2"] / G_STC_KW_M2
    enough = (out["coverage"] >= MIN_COVERAGE).fillna(False)
    sunny = (out["y_r"] >= MIN_H_KWH_M2).fillna(False)
    valid = enough & sunny
    out["pr"] = (out["y_f"] / out["y_r"]).where(valid)
    out["pr_expected"] = (out["e_expected_kwh"] / kwp / out["y_r"]).where(valid)
    out["performance_index"] = (out["e_ac_kwh"] / out["e_expected_kwh"]).where(
        enough & (out["e_expected_kwh"] > 0.05 * kwp)
    )
    note = np.where(
        ~enough,
        "coverage_below_80pct",
        np.where(~has_irr, "no_irradiance_sensor", np.where(~sunny, "low_insolation", "")),
    )
    out["note"] = note
    return out


def monthly_pr(daily: pd.DataFrame) -> pd.DataFrame:
    """Monthly PR = Σ Y_f / Σ Y_r over the days with a valid daily PR."""
    ok = daily[daily["pr"].notna()]
    month = ok.index.to_period("M")
    g = ok.groupby(month)
    out = pd.DataFrame({"y_f": g["y_f"].sum(), "y_r": g["y_r"].sum(), "days": g.size()})
    out["pr"] = out["y_f"] / out["y_r"]
    return out
