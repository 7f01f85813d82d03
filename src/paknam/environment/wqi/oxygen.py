"""Dissolved-oxygen solubility and percent saturation, from temperature, salinity, pressure.

Formula: Benson, B. B. & Krause, D. (1984), "The concentration and isotopic fractionation
of oxygen dissolved in freshwater and seawater in equilibrium with the atmosphere",
*Limnology and Oceanography* 29(3), 620-632; as adopted by Standard Methods for the
Examination of Water and Wastewater (APHA/AWWA/WEF), method 4500-O, Table 4500-O:I, and by
the USGS (DOTABLES). Saturation at 1 atm, water-saturated air, T in kelvin, S salinity
[g/kg]::

    ln C* = −139.34411 + 1.575701e5/T − 6.642308e7/T² + 1.243800e10/T³ − 8.621949e11/T⁴
            − S (1.7674e−2 − 10.754/T + 2140.7/T²)

and at another pressure P [atm] (same sources)::

    C*_P = C* P (1 − Pwv/P)(1 − θP) / ((1 − Pwv)(1 − θ))
    ln Pwv = 11.8571 − 3840.70/T − 216961/T²,  θ = 0.000975 − 1.426e−5 t + 6.436e−8 t²

(t in °C). Standard Methods tabulates by chlorinity; salinity = 1.80655 × chlorinity.
Samut Prakan is at sea level: leave ``pressure_atm`` at 1.

Examples
--------
>>> round(do_saturation(25.0), 2)
8.26
>>> round(do_percent_saturation(6.2, 29.0), 1)
80.6
"""

from __future__ import annotations

import math
from typing import Any

from paknam.environment.errors import InvalidValueError
from paknam.environment.wqi.parameters import check_value

__all__ = ["SALINITY_PER_CHLORINITY", "do_percent_saturation", "do_saturation"]

SALINITY_PER_CHLORINITY = 1.80655
"""Salinity [g/kg] per unit chlorinity [g/kg] (Standard Methods 4500-O)."""

_KELVIN = 273.15


def _pressure(pressure_atm: Any) -> float:
    ok = isinstance(pressure_atm, int | float) and not isinstance(pressure_atm, bool)
    if not ok or not 0.5 <= float(pressure_atm) <= 1.1:
        raise InvalidValueError(
            "pressure",
            pressure_atm,
            f"barometric pressure {pressure_atm!r} atm is outside 0.5-1.1 atm; "
            "give it in atmospheres (1 atm = 1013.25 hPa)",
        )
    return float(pressure_atm)


def do_saturation(temp_c: Any, salinity: Any = 0.0, pressure_atm: Any = 1.0) -> float:
    """Dissolved-oxygen concentration at saturation (Benson & Krause 1984, APHA 4500-O).

    Parameters
    ----------
    temp_c : float
        Water temperature [°C], 0-50.
    salinity : float
        Salinity [g/kg ≈ PSU ≈ ‰], 0-45; 0 for fresh water.
    pressure_atm : float
        Barometric pressure [atm], 0.5-1.1; 1 at sea level.

    Returns
    -------
    float
        Saturation concentration [mg/L].

    Raises
    ------
    InvalidValueError
        For a value out of range, NaN or not a number.
    """
    t = check_value("temp", temp_c)
    s = check_value("salinity", salinity)
    p = _pressure(pressure_atm)
    tk = t + _KELVIN
    ln_c = (
        -139.34411
        + 1.575701e5 / tk
        - 6.642308e7 / tk**2
        + 1.243800e10 / tk**3
        - 8.621949e11 / tk**4
        - s * (1.7674e-2 - 10.754 / tk + 2140.7 / tk**2)
    )
    c = math.exp(ln_c)
    if p != 1.0:
        pwv = math.exp(11.8571 - 3840.70 / tk - 216961.0 / tk**2)
        theta = 0.000975 - 1.426e-5 * t + 6.436e-8 * t**2
        c *= p * (1 - pwv / p) * (1 - theta * p) / ((1 - pwv) * (1 - theta))
    return c


def do_percent_saturation(
    do_mgl: Any, temp_c: Any, salinity: Any = 0.0, pressure_atm: Any = 1.0
) -> float:
    """Dissolved oxygen as percent of saturation.

    Parameters
    ----------
    do_mgl : float
        Dissolved oxygen [mg/L].
    temp_c, salinity, pressure_atm : float
        As in :func:`do_saturation` [°C, g/kg, atm].

    Returns
    -------
    float
        DO saturation [%]; above 100 when supersaturated.
    """
    return 100.0 * check_value("do", do_mgl) / do_saturation(temp_c, salinity, pressure_atm)
