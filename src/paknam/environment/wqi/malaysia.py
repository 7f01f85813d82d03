"""Malaysia Department of Environment Water Quality Index (DOE-WQI), for comparison.

A fully published index, shown beside the Thai WQI because the Thai curves are
provisional (:mod:`paknam.environment.wqi.tables`). It is **not** a Thai index.

Source: Department of Environment Malaysia (Jabatan Alam Sekitar), Malaysia Environmental
Quality Report (annual; annex "Water Quality Index", "best-fit equations for the estimation
of the various sub-index values") and Interim National Water Quality Standards for
Malaysia (INWQS); the same equations in Department of Irrigation and Drainage Malaysia
(2009), *Study on the River Water Quality Trends and Indexes in Peninsular Malaysia*,
Water Resources Publication No. 21. Weights::

    WQI = 0.22 SIDO + 0.19 SIBOD + 0.16 SICOD + 0.15 SIAN + 0.16 SISS + 0.12 SIpH

Sub-indices (DO in % saturation, others in mg/L)::

    SIDO  = 0                                   DO ≤ 8 %
          = −0.395 + 0.030 DO² − 0.00020 DO³    8 % < DO < 92 %
          = 100                                 DO ≥ 92 %
    SIBOD = 100.4 − 4.23 BOD                    BOD ≤ 5
          = 108 e^(−0.055 BOD) − 0.1 BOD        BOD > 5
    SICOD = 99.1 − 1.33 COD                     COD ≤ 20
          = 103 e^(−0.0157 COD) − 0.04 COD      COD > 20
    SIAN  = 100.5 − 105 AN                      AN ≤ 0.3
          = 94 e^(−0.573 AN) − 5 |AN − 2|       0.3 < AN < 4
          = 0                                   AN ≥ 4
    SISS  = 97.5 e^(−0.00676 SS) + 0.05 SS      SS ≤ 100
          = 71 e^(−0.0061 SS) − 0.015 SS        100 < SS < 1000
          = 0                                   SS ≥ 1000
    SIpH  = 17.2 − 17.2 pH + 5.02 pH²           pH < 5.5
          = −242 + 95.5 pH − 6.67 pH²           5.5 ≤ pH < 7
          = −181 + 82.4 pH − 6.05 pH²           7 ≤ pH < 8.75
          = 536 − 77.0 pH + 2.76 pH²            pH ≥ 8.75

Classes (INWQS): I > 92.7, II 76.5-92.7, III 51.9-76.5, IV 31.0-51.9, V < 31.0. Status:
clean 81-100, slightly polluted 60-80, polluted 0-59 (between the whole numbers: clean
above 80, polluted below 60).

Choices paknam made, stated so that they can be checked:

- Some copies print ``+ 0.015 SS`` for the middle SISS branch and ``17.02`` for the
  first SIpH constant; paknam follows DOE's printing (``− 0.015 SS``, ``17.2``).
- The equations go below 0 for very dirty water (SIBOD beyond about 54 mg/L, SICOD beyond
  about 175 mg/L, SISS from about 390 mg/L); such sub-indices are taken as 0. Above 100
  (SIBOD 100.4 at BOD 0, SIAN 100.5 at 0) they are kept as published.
- DO % saturation comes from DO [mg/L] and temperature with
  :func:`~paknam.environment.wqi.oxygen.do_percent_saturation` when not given directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from paknam.environment.errors import MissingParameterError, WQIError
from paknam.environment.wqi.oxygen import do_percent_saturation
from paknam.environment.wqi.parameters import check_value, normalize_parameter
from paknam.environment.wqi.thai import round_half_up

__all__ = [
    "DOE_CLASSES",
    "DOE_METHOD",
    "DOE_PARAMETERS",
    "DOE_WEIGHTS",
    "DOEWQIResult",
    "doe_class",
    "doe_status",
    "doe_sub_index",
    "doe_wqi",
]

DOE_METHOD = "Malaysia DOE-WQI (Department of Environment Malaysia): for comparison only"
"""Label to show with every DOE-WQI value."""

DOE_PARAMETERS: tuple[str, ...] = ("do_sat", "bod", "cod", "nh3n", "ss", "ph")
"""Inputs of the DOE-WQI: DO [% saturation], BOD, COD, NH3-N, SS [mg/L], pH."""

DOE_WEIGHTS: MappingProxyType[str, float] = MappingProxyType(
    {"do_sat": 0.22, "bod": 0.19, "cod": 0.16, "nh3n": 0.15, "ss": 0.16, "ph": 0.12}
)
"""Weights of the sub-indices (sum 1)."""

DOE_CLASSES: tuple[tuple[str, float], ...] = (
    ("I", 92.7),
    ("II", 76.5),
    ("III", 51.9),
    ("IV", 31.0),
    ("V", 0.0),
)
"""INWQS classes and their lower WQI bound (class I is strictly above 92.7)."""


def _si_do(x: float) -> float:
    if x <= 8:
        return 0.0
    if x >= 92:
        return 100.0
    return -0.395 + 0.030 * x**2 - 0.00020 * x**3


def _si_bod(x: float) -> float:
    return 100.4 - 4.23 * x if x <= 5 else 108 * math.exp(-0.055 * x) - 0.1 * x


def _si_cod(x: float) -> float:
    return 99.1 - 1.33 * x if x <= 20 else 103 * math.exp(-0.0157 * x) - 0.04 * x


def _si_an(x: float) -> float:
    if x <= 0.3:
        return 100.5 - 105 * x
    if x < 4:
        return 94 * math.exp(-0.573 * x) - 5 * abs(x - 2)
    return 0.0


def _si_ss(x: float) -> float:
    if x <= 100:
        return 97.5 * math.exp(-0.00676 * x) + 0.05 * x
    if x < 1000:
        return 71 * math.exp(-0.0061 * x) - 0.015 * x
    return 0.0


def _si_ph(x: float) -> float:
    if x < 5.5:
        return 17.2 - 17.2 * x + 5.02 * x**2
    if x < 7:
        return -242 + 95.5 * x - 6.67 * x**2
    if x < 8.75:
        return -181 + 82.4 * x - 6.05 * x**2
    return 536 - 77.0 * x + 2.76 * x**2


_SUB_INDEX: MappingProxyType[str, Callable[[float], float]] = MappingProxyType(
    {
        "do_sat": _si_do,
        "bod": _si_bod,
        "cod": _si_cod,
        "nh3n": _si_an,
        "ss": _si_ss,
        "ph": _si_ph,
    }
)


def doe_sub_index(parameter: str, value: Any) -> float:
    """One DOE-WQI sub-index, unrounded, negative results taken as 0.

    Parameters
    ----------
    parameter : str
        ``do_sat`` [% saturation], ``bod``, ``cod``, ``nh3n``, ``ss`` [mg/L] or ``ph``.
    value : float
        The measurement.

    Returns
    -------
    float
        Sub-index [0 to about 100.5].

    Examples
    --------
    >>> round(doe_sub_index("bod", 5), 2), round(doe_sub_index("nh3n", 0.3), 2)
    (79.25, 69.0)
    """
    key = normalize_parameter(parameter, DOE_PARAMETERS, "the Malaysia DOE-WQI")
    return max(0.0, _SUB_INDEX[key](check_value(key, value)))


def doe_class(wqi: float) -> str:
    """INWQS class (``I`` … ``V``) of a DOE-WQI value."""
    if not 0 <= wqi <= 100.5:
        raise WQIError(f"DOE-WQI {wqi!r} is outside 0-100")
    if wqi > DOE_CLASSES[0][1]:
        return "I"
    return next(name for name, lo in DOE_CLASSES[1:] if wqi >= lo)


_STATUS = {
    "clean": ("สะอาด", "clean"),
    "slightly_polluted": ("มลพิษเล็กน้อย", "slightly polluted"),
    "polluted": ("มีมลพิษ", "polluted"),
}


def doe_status(wqi: float) -> str:
    """DOE river status key: ``clean`` (> 80), ``slightly_polluted`` (60-80), ``polluted``."""
    doe_class(wqi)  # range check
    if wqi > 80:
        return "clean"
    return "slightly_polluted" if wqi >= 60 else "polluted"


@dataclass(frozen=True, slots=True)
class DOEWQIResult:
    """Malaysia DOE-WQI of one sample.

    Attributes
    ----------
    wqi : float
        The index, rounded half up to 0.1 [0-100].
    wqi_unrounded : float
        Before rounding.
    doe_class : str
        INWQS class ``I`` … ``V``.
    status : str
        ``clean``, ``slightly_polluted`` or ``polluted``.
    status_th, status_en : str
        Status for people.
    sub_indices : dict[str, float]
        Sub-index per input, rounded half up to 0.1.
    do_saturation_pct : float
        DO saturation used [%].
    method : str
        :data:`DOE_METHOD`.
    """

    wqi: float
    wqi_unrounded: float
    doe_class: str
    status: str
    status_th: str
    status_en: str
    sub_indices: dict[str, float]
    do_saturation_pct: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict (same field names)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["sub_indices"] = dict(self.sub_indices)
        return out


def _inputs(values: Mapping[str, Any]) -> dict[str, float]:
    valid = (*DOE_PARAMETERS, "do", "temp", "salinity")
    given: dict[str, Any] = {}
    for name, value in values.items():
        key = normalize_parameter(name, valid, "the Malaysia DOE-WQI")
        if key in given:
            raise WQIError(f"parameter {key!r} given twice")
        if value is not None:
            given[key] = value
    if "do_sat" not in given and "do" in given and "temp" in given:
        given["do_sat"] = do_percent_saturation(
            given["do"], given["temp"], given.get("salinity", 0.0)
        )
    missing = tuple(k for k in DOE_PARAMETERS if k not in given)
    if missing:
        if "do_sat" in missing:
            missing = tuple("do, temp (or do_sat)" if k == "do_sat" else k for k in missing)
        raise MissingParameterError(
            missing, "the Malaysia DOE-WQI", ("do_sat or do and temp", *DOE_PARAMETERS[1:])
        )
    return {k: check_value(k, given[k]) for k in DOE_PARAMETERS}


def doe_wqi(values: Mapping[str, Any]) -> DOEWQIResult:
    """Malaysia DOE-WQI of one sample.

    Parameters
    ----------
    values : Mapping[str, value]
        ``bod``, ``cod``, ``nh3n``, ``ss`` [mg/L], ``ph``, and either ``do_sat`` [%] or
        ``do`` [mg/L] with ``temp`` [°C] (and ``salinity`` [g/kg], default 0).

    Returns
    -------
    DOEWQIResult

    Raises
    ------
    MissingParameterError, UnknownParameterError, InvalidValueError, WQIError

    Examples
    --------
    >>> r = doe_wqi({"do_sat": 92, "bod": 1, "cod": 10, "nh3n": 0.1, "ss": 25, "ph": 7})
    >>> (r.wqi, r.doe_class, r.status)
    (92.8, 'I', 'clean')
    """
    x = _inputs(values)
    subs = {k: max(0.0, _SUB_INDEX[k](x[k])) for k in DOE_PARAMETERS}
    total = math.fsum(DOE_WEIGHTS[k] * subs[k] for k in DOE_PARAMETERS)
    cls = doe_class(min(total, 100.0))
    status = doe_status(min(total, 100.0))
    return DOEWQIResult(
        wqi=round_half_up(total, 1),
        wqi_unrounded=total,
        doe_class=cls,
        status=status,
        status_th=_STATUS[status][0],
        status_en=_STATUS[status][1],
        sub_indices={k: round_half_up(v, 1) for k, v in subs.items()},
        do_saturation_pct=x["do_sat"],
        method=DOE_METHOD,
    )
