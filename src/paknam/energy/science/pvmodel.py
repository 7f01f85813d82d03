"""Expected PV output from weather, with pvlib (a PVWatts-style chain). Pure: no I/O.

Chain, per array (all pvlib 0.16 functions):

1. solar position (:func:`pvlib.solarposition.get_solarposition`, NREL SPA);
2. irradiance on the horizontal:
   measured GHI when given, else Ineichen clear sky with the Linke turbidity climatology
   (:meth:`pvlib.location.Location.get_clearsky`);
3. plane of array (POA): measured POA when the sensor is in the array plane; otherwise the
   GHI is split into beam and diffuse with Erbs (:func:`pvlib.irradiance.erbs`) and
   transposed with Hay–Davies (:func:`pvlib.irradiance.get_total_irradiance`);
4. cell temperature: SAPM (:func:`pvlib.temperature.sapm_cell`), rooftop default
   ``close_mount_glass_glass``; air temperature measured or :data:`DEFAULT_TEMP_AIR_C`;
5. DC: PVWatts (:func:`pvlib.pvsystem.pvwatts_dc`) times ``1 − losses`` (PVWatts' default
   system losses 14 %: soiling, wiring, mismatch, availability ...);
6. AC: PVWatts inverter (:func:`pvlib.inverter.pvwatts`), clipped at the inverter's AC
   limit (default: DC/AC ratio 1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from paknam.core.errors import InvalidInput

DEFAULT_TEMP_AIR_C = 28.0
"""Used when no air temperature is measured: Bangkok's annual mean is about 28–29 °C."""
DEFAULT_WIND_MS = 1.0
ETA_INV_NOM = 0.96
"""PVWatts nominal inverter efficiency [-]."""
MOUNTINGS = tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])


@dataclass(frozen=True, slots=True)
class ArraySpec:
    """One PV array.

    Attributes
    ----------
    kwp : float
        DC nameplate P0 at STC [kW].
    tilt_deg, azimuth_deg : float
        Tilt from horizontal [deg] and azimuth clockwise from north [deg] (180 = south).
    inverter_ac_kw : float or None
        Inverter AC limit [kW]; ``None`` means a DC/AC ratio of 1.
    gamma_pdc : float
        Power temperature coefficient [1/°C] (crystalline silicon about −0.004).
    losses : float
        PVWatts system losses as a fraction [-].
    mounting : str
        SAPM temperature model parameter set (see :data:`MOUNTINGS`).
    """

    kwp: float
    tilt_deg: float
    azimuth_deg: float
    inverter_ac_kw: float | None = None
    gamma_pdc: float = -0.004
    losses: float = 0.14
    mounting: str = "close_mount_glass_glass"
    name: str = "array"

    def __post_init__(self) -> None:
        checks = (
            ("kwp", 0 < self.kwp <= 1e6, "must be above 0 and at most 1,000,000 kW"),
            ("tilt_deg", 0 <= self.tilt_deg <= 90, "must be 0 to 90 degrees"),
            ("azimuth_deg", 0 <= self.azimuth_deg <= 360, "must be 0 to 360 degrees"),
            ("gamma_pdc", -0.02 <= self.gamma_pdc <= 0, "must be −0.02 to 0 per °C"),
            ("losses", 0 <= self.losses < 0.5, "must be 0 to 0.5"),
        )
        for field, ok, why in checks:
            if not ok:
                raise InvalidInput(f"array {self.name!r}: {field} {why}", field=field)
        if self.inverter_ac_kw is not None and not 0 < self.inverter_ac_kw <= 1e6:
            raise InvalidInput(
                f"array {self.name!r}: inverter_ac_kw must be above 0", field="inverter_ac_kw"
            )
        if self.mounting not in MOUNTINGS:
            raise InvalidInput(
                f"array {self.name!r}: mounting {self.mounting!r} is not one of "
                f"{', '.join(MOUNTINGS)}",
                field="mounting",
            )

    @property
    def ac_limit_kw(self) -> float:
        """AC limit [kW]."""
        return self.inverter_ac_kw if self.inverter_ac_kw is not None else ETA_INV_NOM * self.kwp


def _as_series(x: pd.Series | float | None, index: pd.DatetimeIndex) -> pd.Series | None:
    if x is None:
        return None
    if isinstance(x, pd.Series):
        return x.reindex(index).astype(float)
    return pd.Series(float(x), index=index)


def solar_position(times: pd.DatetimeIndex, lat: float, lon: float, **spa: float) -> pd.DataFrame:
    """Apparent zenith and azimuth [deg] (NREL SPA via pvlib); ``spa`` passes altitude [m],
    pressure [Pa] and temperature [°C] on."""
    return pvlib.solarposition.get_solarposition(times, lat, lon, **spa)


def clear_sky(times: pd.DatetimeIndex, lat: float, lon: float, altitude: float = 0) -> pd.DataFrame:
    """Ineichen clear-sky GHI, DNI, DHI [W/m²] with pvlib's Linke turbidity climatology."""
    with warnings.catch_warnings():
        # pvlib 0.16 still calls DatetimeIndex.dayofyear, deprecated by pandas 3
        warnings.filterwarnings("ignore", message="DatetimeIndex.dayofyear is deprecated")
        return pvlib.location.Location(lat, lon, altitude=altitude).get_clearsky(
            times, model="ineichen"
        )


def poa_from_ghi(
    ghi: pd.Series, sun: pd.DataFrame, tilt_deg: float, azimuth_deg: float
) -> pd.Series:
    """POA global [W/m²] from GHI: Erbs decomposition, Hay–Davies transposition."""
    doy = np.asarray(ghi.index.day_of_year, dtype=float)  # (pandas warns on pvlib's path)
    parts = pvlib.irradiance.erbs(ghi, sun["zenith"], doy)
    dni_extra = pd.Series(pvlib.irradiance.get_extra_radiation(doy), index=ghi.index)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg,
        azimuth_deg,
        sun["apparent_zenith"],
        sun["azimuth"],
        parts["dni"],
        ghi,
        parts["dhi"],
        dni_extra=dni_extra,
        model="haydavies",
    )
    return poa["poa_global"].fillna(0.0).clip(lower=0.0)


def expected_power(
    times: pd.DatetimeIndex,
    lat: float,
    lon: float,
    arrays: list[ArraySpec],
    *,
    ghi: pd.Series | None = None,
    poa: pd.Series | None = None,
    temp_air: pd.Series | float | None = None,
    wind_speed: pd.Series | float | None = None,
) -> pd.DataFrame:
    """Expected AC power of a site at ``times`` (aware), summed over its arrays.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Timezone-aware interval times (interval means are modelled at these instants).
    lat, lon : float
        Site location [deg].
    arrays : list of ArraySpec
    ghi, poa : pandas.Series, optional
        Measured irradiance [W/m²]. ``poa`` wins when both are given (a POA sensor is in
        the plane of the array); with neither, Ineichen clear sky is used.
    temp_air, wind_speed : pandas.Series or float, optional
        [°C], [m/s]; missing values fall back to the defaults.

    Returns
    -------
    pandas.DataFrame
        ``zenith`` [deg], ``ghi``, ``poa`` [W/m², kWp-weighted over arrays],
        ``ac_kw`` (expected, after clipping), ``ac_unclipped_kw``, ``dc_kw`` [kW],
        ``basis`` (``measured_poa``, ``measured_ghi`` or ``clear_sky``).
    """
    if times.tz is None:
        raise InvalidInput("times must be timezone-aware")
    if not arrays:
        raise InvalidInput("a site needs at least one PV array to model its output")
    sun = solar_position(times, lat, lon)
    poa_in = _as_series(poa, times)
    ghi_in = _as_series(ghi, times)
    basis = "measured_poa" if poa_in is not None else "measured_ghi"
    if poa_in is None and ghi_in is None:
        ghi_in = clear_sky(times, lat, lon)["ghi"]
        basis = "clear_sky"
    t_air = _as_series(temp_air, times)
    t_air = (pd.Series(DEFAULT_TEMP_AIR_C, index=times) if t_air is None else t_air).fillna(
        DEFAULT_TEMP_AIR_C
    )
    wind = _as_series(wind_speed, times)
    wind = (pd.Series(DEFAULT_WIND_MS, index=times) if wind is None else wind).fillna(
        DEFAULT_WIND_MS
    )
    total_kwp = sum(a.kwp for a in arrays)
    out = pd.DataFrame(index=times)
    out["zenith"] = sun["apparent_zenith"]
    out["ghi"] = ghi_in if ghi_in is not None else np.nan
    poa_sum = pd.Series(0.0, index=times)
    dc_sum = pd.Series(0.0, index=times)
    ac_sum = pd.Series(0.0, index=times)
    unclipped_sum = pd.Series(0.0, index=times)
    for arr in arrays:
        g = (
            poa_in
            if poa_in is not None
            else poa_from_ghi(ghi_in, sun, arr.tilt_deg, arr.azimuth_deg)
        )
        params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][arr.mounting]
        t_cell = pvlib.temperature.sapm_cell(g, t_air, wind, **params)
        dc = pvlib.pvsystem.pvwatts_dc(g, t_cell, arr.kwp, arr.gamma_pdc) * (1 - arr.losses)
        dc = dc.where(g.notna())
        inv_pdc0 = arr.ac_limit_kw / ETA_INV_NOM
        ac = pvlib.inverter.pvwatts(dc, inv_pdc0, eta_inv_nom=ETA_INV_NOM)
        zeta = (dc / inv_pdc0).where(dc > 0)
        eta = ETA_INV_NOM / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858)
        unclipped = (eta * dc).where(dc > 0, 0.0).clip(lower=0.0)
        poa_sum += g * arr.kwp / total_kwp
        dc_sum += dc
        ac_sum += ac
        unclipped_sum += unclipped
    out["poa"] = poa_sum
    out["dc_kw"] = dc_sum
    out["ac_kw"] = ac_sum.clip(lower=0.0)
    out["ac_unclipped_kw"] = np.maximum(unclipped_sum, out["ac_kw"])
    out["basis"] = basis
    return out
