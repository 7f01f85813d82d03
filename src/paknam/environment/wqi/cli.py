"""``paknam wqi do=.. bod=.. tcb=.. fcb=.. nh3n=.. [ph=.. cod=.. ss=.. temp=..] [--json]``.

:func:`wqi_command` holds the whole command so that the Typer app only forwards its
arguments. It prints to stdout, errors to stderr, and returns the exit code.

Printed for one sample:

- the Thai WQI (PCD's five parameters) with its band, Thai first, and the name of the
  score curves — provisional, not PCD's (see :mod:`paknam.environment.wqi.tables`);
- the surface-water class of the sample (1994 standard) and the limiting parameters;
- the Malaysia DOE-WQI for comparison when ``ph``, ``cod``, ``ss`` and either ``do_sat``
  or ``temp`` are also given.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from paknam.environment.errors import MissingParameterError, WQIError
from paknam.environment.wqi.malaysia import DOE_PARAMETERS, DOEWQIResult, doe_wqi
from paknam.environment.wqi.parameters import PARAMETERS, check_value, normalize_parameter
from paknam.environment.wqi.tables import WQI_PARAMETERS
from paknam.environment.wqi.thai import WQIResult, compute_wqi
from paknam.environment.wqi.water_class import CLASS_PARAMETERS, WaterClassResult, sample_class

__all__ = ["CLI_PARAMETERS", "format_summary", "parse_assignments", "result_json", "wqi_command"]

EXIT_OK = 0
EXIT_USAGE = 2

CLI_PARAMETERS: tuple[str, ...] = (
    *WQI_PARAMETERS,
    "ph",
    "no3n",
    "cod",
    "ss",
    "temp",
    "salinity",
    "do_sat",
)
"""Keys ``paknam wqi`` accepts: the five WQI parameters first, then optional ones."""

_USAGE = (
    "usage: paknam wqi do=4.5 bod=2.1 tcb=12000 fcb=2500 nh3n=0.4 "
    "[ph=.. cod=.. ss=.. temp=.. salinity=.. do_sat=.. no3n=..] [--json]"
)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """Parse ``key=value`` words into ``{parameter key: value text}``.

    Parameters
    ----------
    assignments : list of str
        Words like ``do=4.5``, ``NH3-N=0.4`` or ``bod5=2``.

    Returns
    -------
    dict[str, str]
        Value text per parameter key (values are checked later, by the indices).

    Raises
    ------
    WQIError
        No words, a word without ``=``, an unknown parameter (the message lists the valid
        ones), or one given twice.
    """
    if not assignments:
        raise MissingParameterError(WQI_PARAMETERS, "paknam wqi", WQI_PARAMETERS)
    out: dict[str, str] = {}
    for word in assignments:
        name, sep, value = word.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise WQIError(f"{word!r} is not parameter=value (e.g. do=4.5)")
        key = normalize_parameter(name, CLI_PARAMETERS, "paknam wqi")
        if key in out:
            raise WQIError(f"parameter {key!r} given twice")
        out[key] = value.strip()
    return out


def _doe(values: dict[str, str]) -> tuple[DOEWQIResult | None, list[str]]:
    """DOE-WQI when its inputs are there, else None and what is missing."""
    has_do = "do_sat" in values or ("do" in values and "temp" in values)
    missing = [k for k in DOE_PARAMETERS[1:] if k not in values]
    if not has_do:
        missing.insert(0, "temp (or do_sat)")
    if missing:
        return None, missing
    keys = (*DOE_PARAMETERS, "do", "temp", "salinity")
    return doe_wqi({k: v for k, v in values.items() if k in keys}), []


def result_json(
    wqi: WQIResult,
    water_class: WaterClassResult,
    doe: DOEWQIResult | None,
    doe_missing: list[str],
) -> dict[str, Any]:
    """The JSON object of ``--json``.

    ``wqi``, ``band``, ``band_name_th``, ``band_name_en``, ``method`` and ``sub_indices``
    are a fixed contract; the other keys may grow.
    """
    return {
        "wqi": wqi.wqi,
        "wqi_unrounded": wqi.wqi_unrounded,
        "band": wqi.band,
        "band_number": wqi.band_number,
        "band_name_th": wqi.band_name_th,
        "band_name_en": wqi.band_name_en,
        "color": wqi.color,
        "method": wqi.method,
        "curves": wqi.curves,
        "official": wqi.official,
        "sub_indices": dict(wqi.sub_indices),
        "values": dict(wqi.values),
        "water_class": water_class.to_dict(),
        "malaysia_doe": doe.to_dict() if doe is not None else None,
        "malaysia_doe_missing": doe_missing,
    }


def _label(key: str) -> str:
    return PARAMETERS[key].label


def format_summary(wqi: WQIResult, water_class: WaterClassResult, doe: DOEWQIResult | None) -> str:
    """A short human summary, Thai first with English beside it."""
    subs = ", ".join(f"{_label(k)} {v:g}" for k, v in wqi.sub_indices.items())
    limiting = ", ".join(_label(k) for k in water_class.limiting) or "-"
    lines = [
        f"WQI {wqi.wqi} — {wqi.band_name_th} / {wqi.band_name_en} [{wqi.color}]",
        f"คะแนนรายพารามิเตอร์ / sub-indices: {subs}",
        f"วิธีคำนวณ / method: {wqi.method}",
    ]
    if not wqi.official:
        lines.append(
            "เส้นโค้งคะแนนชั่วคราว ไม่ใช่ของกรมควบคุมมลพิษ / "
            "provisional score curves, not the Pollution Control Department's"
        )
    lines.append(
        f"ประเภทแหล่งน้ำผิวดิน {water_class.water_class} ({water_class.name_th}) / "
        f"surface-water class {water_class.water_class} ({water_class.name_en}); "
        f"พารามิเตอร์ที่เป็นตัวกำหนด / limited by: {limiting}"
    )
    if doe is not None:
        lines.append(
            f"เพื่อเปรียบเทียบ / for comparison: Malaysia DOE-WQI {doe.wqi:.1f}, "
            f"class {doe.doe_class}, {doe.status_th} / {doe.status_en}"
        )
    return "\n".join(lines)


def wqi_command(assignments: list[str], as_json: bool) -> int:
    """Run ``paknam wqi``: the Thai WQI of one sample, its class, and the DOE-WQI beside it.

    Parameters
    ----------
    assignments : list of str
        ``parameter=value`` words. Needed: ``do``, ``bod``, ``nh3n`` [mg/L], ``tcb``,
        ``fcb`` [MPN/100 mL]. Optional: ``ph``, ``no3n`` [mg/L] (class), ``cod``, ``ss``
        [mg/L], ``temp`` [°C], ``salinity`` [g/kg] or ``do_sat`` [%] (DOE-WQI).
    as_json : bool
        Print one JSON object instead of the human summary.

    Returns
    -------
    int
        0 on success; 2 on bad input, after printing the reason to stderr.
    """
    try:
        values = parse_assignments(assignments)
        for key, text in values.items():
            check_value(key, text)
        wqi = compute_wqi({k: values[k] for k in WQI_PARAMETERS if k in values})
        water_class = sample_class({k: v for k, v in values.items() if k in CLASS_PARAMETERS})
        doe, doe_missing = _doe(values)
    except WQIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(_USAGE, file=sys.stderr)
        return EXIT_USAGE
    if as_json:
        print(json.dumps(result_json(wqi, water_class, doe, doe_missing), ensure_ascii=False))
    else:
        print(format_summary(wqi, water_class, doe))
    return EXIT_OK
