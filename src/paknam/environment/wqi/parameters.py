"""Water-quality parameters known to paknam's water indices: keys, names, units, checks.

One registry for the Thai WQI (:mod:`~paknam.environment.wqi.thai`), the surface-water class
(:mod:`~paknam.environment.wqi.water_class`), the Malaysia DOE WQI
(:mod:`~paknam.environment.wqi.malaysia`) and the command line, so that ``nh3-n``,
``NH3N`` and ``nh3_n`` mean the same thing everywhere.

Units are those of the Thai standards: concentrations in mg/L, bacteria in MPN/100 mL
(most probable number per 100 mL), temperature in °C, salinity in g/kg (≈ PSU, ‰).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from paknam.environment.errors import InvalidValueError, UnknownParameterError

__all__ = [
    "PARAMETERS",
    "PARAMETER_KEYS",
    "WaterParameter",
    "check_value",
    "normalize_parameter",
]


@dataclass(frozen=True, slots=True)
class WaterParameter:
    """One measured water-quality parameter.

    Attributes
    ----------
    key : str
        Identifier used everywhere in paknam (``do``, ``bod``, ``nh3n`` …).
    label : str
        Short display label (``NH3-N``).
    name_th, name_en : str
        Names for people.
    unit : str
        Unit of the value (``mg/L``, ``MPN/100 mL``, ``°C`` …).
    lo, hi : float
        Valid range, inclusive; ``hi`` is ``inf`` when open.
    aliases : tuple of str
        Other accepted names, already in normal form (see :func:`normalize_parameter`).
    """

    key: str
    label: str
    name_th: str
    name_en: str
    unit: str
    lo: float
    hi: float
    aliases: tuple[str, ...]


_INF = math.inf

PARAMETERS: MappingProxyType[str, WaterParameter] = MappingProxyType(
    {
        p.key: p
        for p in (
            WaterParameter(
                "do",
                "DO",
                "ออกซิเจนละลายน้ำ",
                "dissolved oxygen",
                "mg/L",
                0.0,
                _INF,
                ("do_mgl", "dissolved_oxygen", "oxygen"),
            ),
            WaterParameter(
                "bod",
                "BOD",
                "ความสกปรกในรูปสารอินทรีย์ (บีโอดี)",
                "biochemical oxygen demand (5 days, 20 °C)",
                "mg/L",
                0.0,
                _INF,
                ("bod5",),
            ),
            WaterParameter(
                "tcb",
                "TCB",
                "แบคทีเรียกลุ่มโคลิฟอร์มทั้งหมด",
                "total coliform bacteria",
                "MPN/100 mL",
                0.0,
                _INF,
                ("tc", "total_coliform", "total_coliforms", "coliform"),
            ),
            WaterParameter(
                "fcb",
                "FCB",
                "แบคทีเรียกลุ่มฟีคอลโคลิฟอร์ม",
                "fecal coliform bacteria",
                "MPN/100 mL",
                0.0,
                _INF,
                ("fc", "fecal_coliform", "faecal_coliform", "fecal_coliforms"),
            ),
            WaterParameter(
                "nh3n",
                "NH3-N",
                "แอมโมเนีย-ไนโตรเจน",
                "ammonia nitrogen",
                "mg/L",
                0.0,
                _INF,
                ("nh3_n", "nh3", "an", "ammonia", "ammoniacal_nitrogen"),
            ),
            WaterParameter(
                "no3n",
                "NO3-N",
                "ไนเตรต-ไนโตรเจน",
                "nitrate nitrogen",
                "mg/L",
                0.0,
                _INF,
                ("no3_n", "no3", "nitrate"),
            ),
            WaterParameter(
                "po4p",
                "PO4-P",
                "ฟอสเฟต-ฟอสฟอรัส",
                "phosphate phosphorus",
                "mg/L",
                0.0,
                _INF,
                ("po4_p", "po4", "phosphate"),
            ),
            WaterParameter("ph", "pH", "ความเป็นกรด-ด่าง", "pH", "-", 0.0, 14.0, ()),
            WaterParameter(
                "cod",
                "COD",
                "ซีโอดี",
                "chemical oxygen demand",
                "mg/L",
                0.0,
                _INF,
                (),
            ),
            WaterParameter(
                "ss",
                "SS",
                "สารแขวนลอย",
                "suspended solids",
                "mg/L",
                0.0,
                _INF,
                ("tss", "suspended_solids"),
            ),
            WaterParameter(
                "temp",
                "temperature",
                "อุณหภูมิน้ำ",
                "water temperature",
                "°C",
                0.0,
                50.0,
                ("temperature", "temp_c", "water_temperature"),
            ),
            WaterParameter(
                "salinity",
                "salinity",
                "ความเค็ม",
                "salinity",
                "g/kg",
                0.0,
                45.0,
                ("sal",),
            ),
            WaterParameter(
                "do_sat",
                "DO saturation",
                "ร้อยละการอิ่มตัวของออกซิเจน",
                "dissolved oxygen saturation",
                "%",
                0.0,
                _INF,
                ("do_pct", "dosat", "do_percent", "do_saturation"),
            ),
        )
    }
)
"""Every parameter by key."""

PARAMETER_KEYS: tuple[str, ...] = tuple(PARAMETERS)
"""All valid parameter keys."""

_BY_NAME: MappingProxyType[str, str] = MappingProxyType(
    {name: p.key for p in PARAMETERS.values() for name in (p.key, *p.aliases)}
)


def _normal_form(name: str) -> str:
    out = name.strip().lower()
    for ch in "- .":
        out = out.replace(ch, "_")
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def normalize_parameter(
    name: object, valid: tuple[str, ...] = PARAMETER_KEYS, where: str = "this water index"
) -> str:
    """Return the paknam key of a parameter name.

    Parameters
    ----------
    name : str
        ``do``, ``BOD``, ``NH3-N``, ``nh3n``, ``nh3_n``, ``tss`` …; case, blanks, dots and
        dashes are ignored.
    valid : tuple of str
        Keys accepted here (for example only the five of the Thai WQI).
    where : str
        What is asking, for the error message ("the Thai WQI", "paknam wqi" …).

    Returns
    -------
    str
        One of ``valid``.

    Raises
    ------
    UnknownParameterError
        If the name is not one of ``valid``; the message lists them.
    """
    if not isinstance(name, str):
        raise UnknownParameterError(name, valid, where)
    key = _BY_NAME.get(_normal_form(name))
    if key is None or key not in valid:
        raise UnknownParameterError(name, valid, where)
    return key


def check_value(key: str, value: Any) -> float:
    """Convert a measurement to float, rejecting what no index can use.

    Parameters
    ----------
    key : str
        Parameter key (see :data:`PARAMETERS`).
    value : int, float, str or Decimal
        The measurement in the parameter's unit.

    Returns
    -------
    float
        The value.

    Raises
    ------
    InvalidValueError
        For a value that is not a number, NaN, infinite, or outside the parameter's valid
        range (below 0 for concentrations, pH outside 0-14, temperature outside 0-50 °C).
    """
    p = PARAMETERS[key]
    unit = "" if p.unit == "-" else f" {p.unit}"
    unit_in = "" if p.unit == "-" else f" in {p.unit}"
    x: float | None
    if isinstance(value, bool) or value is None:
        x = None
    elif isinstance(value, numbers.Real | Decimal):
        x = float(value)
    elif isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            x = None
    else:
        x = None
    rng = f"{p.lo:g} ≤ value" + ("" if math.isinf(p.hi) else f" ≤ {p.hi:g}")
    if x is None:
        raise InvalidValueError(
            key, value, f"{p.label} value {value!r} is not a number; give {p.name_en}{unit_in}"
        )
    if math.isnan(x):
        raise InvalidValueError(
            key,
            value,
            f"{p.label} value {value!r} is NaN; give {p.name_en}{unit_in}, "
            "or leave the parameter out if it was not measured",
        )
    if math.isinf(x):
        raise InvalidValueError(
            key, value, f"{p.label} value {value!r}{unit} is not finite; valid range is {rng}"
        )
    if x < p.lo:
        raise InvalidValueError(
            key, value, f"{p.label} value {value!r}{unit} is below {p.lo:g}; valid range is {rng}"
        )
    if x > p.hi:
        raise InvalidValueError(
            key, value, f"{p.label} value {value!r}{unit} is above {p.hi:g}; valid range is {rng}"
        )
    return x
