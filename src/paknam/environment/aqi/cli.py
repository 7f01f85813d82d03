"""``paknam aqi pm25=.. pm10=.. [--date YYYY-MM-DD] [--json]``: the Thai AQI on the command line.

:func:`aqi_command` holds the whole command so that the Typer app only forwards its
arguments. It prints to stdout, errors to stderr, and returns the exit code.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from paknam.environment.aqi.index import AQIResult, compute_aqi, normalize_pollutant
from paknam.environment.aqi.tables import POLLUTANT_KEYS, POLLUTANTS
from paknam.environment.errors import AQIError

__all__ = ["aqi_command", "format_summary", "parse_assignments", "result_json"]

EXIT_OK = 0
EXIT_USAGE = 2

_USAGE = (
    "usage: paknam aqi pm25=37.6 pm10=100 [o3=.. co=.. no2=.. so2=..] [--date YYYY-MM-DD] [--json]"
)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """Parse ``key=value`` words into ``{pollutant key: value text}``.

    Parameters
    ----------
    assignments : list of str
        Words like ``pm25=20`` or ``PM2.5=20``.

    Returns
    -------
    dict[str, str]
        Value text per pollutant key (the value is checked later, by the AQI).

    Raises
    ------
    AQIError
        No words, a word without ``=``, an unknown pollutant, or one given twice.
    """
    if not assignments:
        raise AQIError("no concentrations given; name at least one of " + ", ".join(POLLUTANT_KEYS))
    out: dict[str, str] = {}
    for word in assignments:
        name, sep, value = word.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise AQIError(f"{word!r} is not pollutant=value (e.g. pm25=37.6)")
        key = normalize_pollutant(name)
        if key in out:
            raise AQIError(f"pollutant {key!r} given twice")
        out[key] = value.strip()
    return out


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AQIError(f"date {text!r} is not YYYY-MM-DD (e.g. 2026-01-31)") from None


def result_json(result: AQIResult) -> dict[str, Any]:
    """The JSON object of ``--json``.

    ``aqi``, ``pollutant``, ``level`` and ``sub_indices`` are a fixed contract; the other
    keys may grow.
    """
    return {
        "aqi": result.aqi,
        "pollutant": result.pollutant,
        "level": result.level,
        "level_key": result.level_key,
        "level_name_th": result.level_name_th,
        "level_name_en": result.level_name_en,
        "color": result.color,
        "sub_indices": dict(result.sub_indices),
        "table": result.table,
        "advice_th": result.advice_th,
        "advice_en": result.advice_en,
        "advice_at_risk_th": result.advice_at_risk_th,
        "advice_at_risk_en": result.advice_at_risk_en,
    }


def format_summary(result: AQIResult) -> str:
    """A short human summary, Thai first with English beside it."""
    label = POLLUTANTS[result.pollutant].label
    subs = ", ".join(f"{POLLUTANTS[k].label} {v}" for k, v in result.sub_indices.items())
    return "\n".join(
        [
            f"AQI {result.aqi} ({label}) — ระดับ {result.level} {result.level_name_th} / "
            f"level {result.level} {result.level_name_en} [{result.color}]",
            f"ดัชนีย่อย / sub-indices: {subs}",
            f"ประชาชนทั่วไป: {result.advice_th}",
            f"General public: {result.advice_en}",
            f"กลุ่มเสี่ยง: {result.advice_at_risk_th}",
            f"At-risk groups: {result.advice_at_risk_en}",
            f"ตาราง / table: {result.table} (กรมควบคุมมลพิษ / Pollution Control Department)",
        ]
    )


def aqi_command(assignments: list[str], date: str | None, as_json: bool) -> int:
    """Run ``paknam aqi``: compute the Thai AQI of the given concentrations and print it.

    Parameters
    ----------
    assignments : list of str
        ``pollutant=value`` words: ``pm25``, ``pm10`` [µg/m³, 24 h mean], ``o3`` [ppb,
        8 h], ``co`` [ppm, 8 h], ``no2``, ``so2`` [ppb, 1 h].
    date : str or None
        Day of the measurement, ``YYYY-MM-DD`` (selects the table); None = today in
        Thailand.
    as_json : bool
        Print one JSON object instead of the human summary.

    Returns
    -------
    int
        0 on success; 2 on bad input, after printing the reason to stderr.
    """
    try:
        values = parse_assignments(assignments)
        day = _parse_date(date)
        result = compute_aqi(values, date=day)
    except AQIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(_USAGE, file=sys.stderr)
        return EXIT_USAGE
    if as_json:
        print(json.dumps(result_json(result), ensure_ascii=False))
    else:
        print(format_summary(result))
    return EXIT_OK
