"""The pvlib chain: solar position against the SPA paper, PVWatts/SAPM against their
published equations computed by hand, clear sky against CUEE's own Ineichen values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.core.errors import InvalidInput
from paknam.energy.science.pvmodel import (
    ArraySpec,
    clear_sky,
    expected_power,
    poa_from_ghi,
    solar_position,
)


def test_solar_position_matches_spa_paper_example() -> None:
    # Reda & Andreas (2004), NREL/TP-560-34302, Table A4.1: 2003-10-17 12:30:30 −07:00,
    # 39.742476 N, 105.1786 W, 1830.14 m, 820 mbar, 11 °C -> topocentric zenith 50.11162°,
    # azimuth 194.34024° (ΔT = 67 s in the paper; pvlib's default differs by ~2 s)
    t = pd.DatetimeIndex([pd.Timestamp("2003-10-17 12:30:30", tz="Etc/GMT+7")])
    sun = solar_position(t, 39.742476, -105.1786, altitude=1830.14, pressure=82000, temperature=11)
    assert sun["apparent_zenith"].iloc[0] == pytest.approx(50.11162, abs=2e-3)
    assert sun["azimuth"].iloc[0] == pytest.approx(194.34024, abs=2e-3)


def test_pvwatts_chain_matches_hand_computed_equations() -> None:
    # constant POA 1000 W/m², 25 °C air, 1 m/s wind, SAPM close_mount_glass_glass
    # (a = −2.98, b = −0.0471, ΔT = 1; King et al. 2004), PVWatts DC with γ = −0.004
    t = pd.date_range("2024-03-20 04:00", periods=3, freq="h", tz="UTC")  # Bangkok 11-13 h
    arr = ArraySpec(kwp=8, tilt_deg=10, azimuth_deg=180, inverter_ac_kw=10)
    out = expected_power(t, 13.6, 100.6, [arr], poa=pd.Series(1000.0, index=t), temp_air=25.0)
    t_mod = 1000 * math.exp(-2.98 - 0.0471 * 1.0) + 25
    t_cell = t_mod + 1.0
    dc = 8 * (1 - 0.004 * (t_cell - 25)) * (1 - 0.14)
    assert out["dc_kw"].iloc[0] == pytest.approx(dc, rel=1e-9)
    zeta = dc / (10 / 0.96)
    eta = 0.96 / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858)
    assert out["ac_kw"].iloc[0] == pytest.approx(eta * dc, rel=1e-9)
    assert (out["basis"] == "measured_poa").all()


def test_inverter_clips_at_its_ac_limit() -> None:
    t = pd.date_range("2024-03-20 04:00", periods=4, freq="h", tz="UTC")
    arr = ArraySpec(kwp=8, tilt_deg=10, azimuth_deg=180, inverter_ac_kw=4.0)
    out = expected_power(t, 13.6, 100.6, [arr], poa=pd.Series(1000.0, index=t), temp_air=25)
    assert out["ac_kw"].max() == pytest.approx(4.0)
    assert (out["ac_unclipped_kw"] > 5).all()


def test_flat_array_poa_equals_ghi() -> None:
    t = pd.date_range("2024-03-20 02:00", periods=8, freq="h", tz="UTC")
    sun = solar_position(t, 13.6, 100.6)
    ghi = pd.Series(np.linspace(200, 900, 8), index=t)
    poa = poa_from_ghi(ghi, sun, 0.0, 180.0)
    assert np.allclose(poa, ghi, rtol=1e-3)  # Erbs uses true, transposition apparent zenith


def test_no_irradiance_means_clear_sky_and_night_is_zero() -> None:
    t = pd.date_range("2024-03-20 00:00", periods=96, freq="15min", tz="Asia/Bangkok")
    out = expected_power(t, 13.6, 100.6, [ArraySpec(8, 10, 180)])
    assert (out["basis"] == "clear_sky").all()
    assert out["ac_kw"].iloc[0] == 0  # midnight
    assert 4.5 < out["ac_kw"].max() < 7.7  # 8 kWp, 14 % losses, hot cells, near noon


def test_bad_array_is_rejected_with_the_field() -> None:
    with pytest.raises(InvalidInput, match="tilt_deg"):
        ArraySpec(kwp=5, tilt_deg=120, azimuth_deg=180)
    with pytest.raises(InvalidInput, match="mounting"):
        ArraySpec(kwp=5, tilt_deg=10, azimuth_deg=180, mounting="floating")


@pytest.mark.shared_data
def test_ineichen_clear_sky_agrees_with_cuee_reference(shared_data: Path) -> None:
    """CUEE's own clear-sky column (Ineichen with Thai Linke turbidity tables) versus
    pvlib's Ineichen with its global Linke climatology, at the Chulalongkorn site."""
    d = pd.read_csv(shared_data / "energy" / "cuee_bangkok_pv8kwp_15min_2023_2024.csv.gz")
    d = d.iloc[: 96 * 120]  # Jan-Apr 2023
    t = pd.DatetimeIndex(pd.to_datetime(d["timestamp"], format="ISO8601"))
    ours = clear_sky(t, 13.7364, 100.5226)["ghi"].to_numpy()
    theirs = d["clearsky_irradiance_wm2"].to_numpy()
    daily_ours = ours.reshape(-1, 96).sum(axis=1)
    daily_theirs = theirs.reshape(-1, 96).sum(axis=1)
    ratio = daily_ours / daily_theirs
    assert 0.9 < np.median(ratio) < 1.1
    # the shapes line up in time (timestamps are local clock, not shifted)
    assert np.corrcoef(ours, theirs)[0, 1] > 0.97
