"""Thai surface-water Water Quality Index (WQI, ดัชนีคุณภาพน้ำ) of one sample.

A pure module: no I/O, no database, no settings. Tables (bands, score curves) are in
:mod:`paknam.environment.wqi.tables`, the parameter registry in
:mod:`paknam.environment.wqi.parameters`, the monthly and yearly rules in
:mod:`paknam.environment.wqi.period`, the surface-water class in
:mod:`paknam.environment.wqi.water_class`, indices for comparison in
:mod:`paknam.environment.wqi.malaysia` and :mod:`paknam.environment.wqi.ccme`, the marine
index bands in :mod:`paknam.environment.wqi.marine`, the command line in
:mod:`paknam.environment.wqi.cli`, errors in :mod:`paknam.environment.errors`.

The index, as PCD defines it since 2011: five parameters, DO [mg/L], BOD [mg/L], TCB and
FCB [MPN/100 mL], NH3-N [mg/L]; each gets a score 0-100 from its curve; the WQI is the
mean of the five scores, reported as a whole number, and falls in one of five bands
(:data:`~paknam.environment.wqi.tables.BANDS`).

**The score curves are provisional.** PCD's curves were not found; the default
:data:`~paknam.environment.wqi.tables.CURVES_PROVISIONAL` is paknam's piecewise-linear
table on the 1994 class limits. Every result carries ``method`` (one line naming the
curves) and ``official`` (False here), so a dashboard or message can say so. PCD's
undocumented "special" deduction (คะแนนพิเศษ) is not applied.

Examples
--------
>>> r = compute_wqi({"do": 6.0, "bod": 1.5, "tcb": 5000, "fcb": 1000, "nh3n": 0.5})
>>> (r.wqi, r.band, r.band_name_en)
(71, 'good', 'good')
>>> r.official
False
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from paknam.environment.errors import MissingParameterError, WQIError
from paknam.environment.wqi.parameters import PARAMETERS, check_value, normalize_parameter
from paknam.environment.wqi.tables import (
    CURVES_PROVISIONAL,
    WQI_PARAMETERS,
    ScoreCurve,
    WQIBand,
    WQICurves,
    band_for,
)

__all__ = [
    "WQIResult",
    "compute_wqi",
    "round_half_up",
    "score",
    "sub_indices",
]


def round_half_up(x: float, places: int = 0) -> float:
    """Round half up (away from zero for .5), reading the float by its shortest repr.

    Python's ``round`` rounds half to even (``round(70.5)`` is 70); reports and PCD's
    tables round half up (71).
    """
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def _interpolate(curve: ScoreCurve, x: float) -> float:
    pts = curve.points
    if x <= pts[0].value:
        return float(pts[0].score)
    if x >= pts[-1].value:
        return float(pts[-1].score)
    log = curve.scale == "log10"
    for a, b in itertools.pairwise(pts):
        if x <= b.value:
            xa, xb, xx = (
                (math.log10(a.value), math.log10(b.value), math.log10(x))
                if log
                else (a.value, b.value, x)
            )
            return a.score + (b.score - a.score) * (xx - xa) / (xb - xa)
    return float(pts[-1].score)  # pragma: no cover - loop always returns


def _check_curves(curves: WQICurves) -> None:
    if not isinstance(curves, WQICurves):
        raise WQIError(f"curves {curves!r} is not a WQICurves table")
    missing = [k for k in WQI_PARAMETERS if k not in curves.curves]
    if missing:
        raise WQIError(
            f"score-curve table {curves.key!r} has no curve for {', '.join(missing)}; "
            f"a table needs {', '.join(WQI_PARAMETERS)}"
        )


def score(parameter: str, value: Any, *, curves: WQICurves = CURVES_PROVISIONAL) -> float:
    """Score (sub-index) of one parameter, 0-100, unrounded.

    Parameters
    ----------
    parameter : str
        ``do``, ``bod``, ``tcb``, ``fcb`` or ``nh3n`` (or ``NH3-N``, ``BOD5`` …).
    value : int, float, str or Decimal
        DO, BOD, NH3-N [mg/L]; TCB, FCB [MPN/100 mL].
    curves : WQICurves
        Score-curve table; default paknam's provisional one (not PCD's).

    Returns
    -------
    float
        Score [0-100].

    Raises
    ------
    UnknownParameterError, InvalidValueError
        (both ``ValueError``) for an unknown parameter or a negative, NaN, infinite or
        non-numeric value.

    Examples
    --------
    >>> score("do", 6.0), score("fcb", 4000), score("bod", 3.0)
    (71.0, 61.0, 46.0)
    """
    _check_curves(curves)
    key = normalize_parameter(parameter, WQI_PARAMETERS, "the Thai WQI")
    return _interpolate(curves.curves[key], check_value(key, value))


def _given(values: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    names: dict[str, str] = {}
    for name, value in values.items():
        key = normalize_parameter(name, WQI_PARAMETERS, "the Thai WQI")
        if key in out or key in names:
            raise WQIError(f"parameter {key!r} given twice (as {names[key]!r} and {name!r})")
        names[key] = str(name)
        if value is not None:
            out[key] = check_value(key, value)
    return out


def sub_indices(
    values: Mapping[str, Any], *, curves: WQICurves = CURVES_PROVISIONAL
) -> dict[str, float]:
    """Scores of the parameters given (None = not measured, left out), unrounded.

    Parameters
    ----------
    values : Mapping[str, value or None]
        Measurement per WQI parameter (see :func:`score` for units).
    curves : WQICurves
        Score-curve table.

    Returns
    -------
    dict[str, float]
        Score per parameter key, in PCD's order (DO, BOD, TCB, FCB, NH3-N).
    """
    _check_curves(curves)
    given = _given(values)
    return {k: _interpolate(curves.curves[k], given[k]) for k in WQI_PARAMETERS if k in given}


@dataclass(frozen=True, slots=True)
class WQIResult:
    """Thai WQI of one sample.

    Attributes
    ----------
    wqi : int
        The WQI, the mean of the scores rounded half up [0-100].
    wqi_unrounded : float
        The mean before rounding [0-100].
    band : str
        Band key: ``excellent``, ``good``, ``fair``, ``poor``, ``very_poor``.
    band_number : int
        1 (excellent) to 5 (very poor).
    band_name_th, band_name_en : str
        Band name.
    color : str
        Band colour ``#RRGGBB``.
    sub_indices : dict[str, float]
        Score per parameter, rounded half up to 0.1 [0-100].
    values : dict[str, float]
        The measurements used, by parameter key.
    method : str
        The curves used and their provenance, to show beside the WQI.
    curves : str
        Key of the curve table.
    official : bool
        True only when computed with PCD's published curves (never, so far).
    parameters_missing : tuple of str
        PCD parameters not given (only with ``allow_partial=True``).
    note_th, note_en : str
        What to say beside a partial index; empty when all five parameters were given.
    """

    wqi: int
    wqi_unrounded: float
    band: str
    band_number: int
    band_name_th: str
    band_name_en: str
    color: str
    sub_indices: dict[str, float]
    values: dict[str, float]
    method: str
    curves: str
    official: bool
    parameters_missing: tuple[str, ...]
    note_th: str
    note_en: str

    @property
    def complete(self) -> bool:
        """True when all five PCD parameters were used."""
        return not self.parameters_missing

    @property
    def band_info(self) -> WQIBand:
        """The full band description."""
        return band_for(self.wqi)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict (same field names, plus ``complete``)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["sub_indices"] = dict(self.sub_indices)
        out["values"] = dict(self.values)
        out["parameters_missing"] = list(self.parameters_missing)
        out["complete"] = self.complete
        return out


def _labels(keys: tuple[str, ...]) -> str:
    return ", ".join(PARAMETERS[k].label for k in keys)


def compute_wqi(
    values: Mapping[str, Any],
    *,
    curves: WQICurves = CURVES_PROVISIONAL,
    allow_partial: bool = False,
) -> WQIResult:
    """Thai WQI of one sample: mean of the parameter scores, its band and provenance.

    Parameters
    ----------
    values : Mapping[str, value or None]
        ``do``, ``bod``, ``nh3n`` [mg/L]; ``tcb``, ``fcb`` [MPN/100 mL] (aliases such as
        ``NH3-N`` accepted). None means not measured.
    curves : WQICurves
        Score-curve table; default paknam's provisional one (not PCD's).
    allow_partial : bool
        Compute from the parameters given when some of the five are missing (for data
        without coliforms, for example). The result lists what is missing and says, in
        ``note_th``/``note_en``, that it is not comparable with PCD's five-parameter WQI.

    Returns
    -------
    WQIResult

    Raises
    ------
    MissingParameterError
        A PCD parameter is missing and ``allow_partial`` is False (or nothing was given).
    UnknownParameterError, InvalidValueError, WQIError
        Bad key or value, or the same parameter twice.
    """
    _check_curves(curves)
    given = _given(values)
    subs = {k: _interpolate(curves.curves[k], given[k]) for k in WQI_PARAMETERS if k in given}
    missing = tuple(k for k in WQI_PARAMETERS if k not in subs)
    if not subs or (missing and not allow_partial):
        raise MissingParameterError(missing, "the Thai WQI", WQI_PARAMETERS)
    mean = math.fsum(subs.values()) / len(subs)
    wqi = int(round_half_up(mean))
    band = band_for(wqi)
    note_th = note_en = ""
    if missing:
        used = tuple(subs)
        note_en = (
            f"computed from {_labels(used)} only, without {_labels(missing)}: "
            "not comparable with PCD's five-parameter WQI"
        )
        note_th = (
            f"คำนวณจาก {_labels(used)} เท่านั้น ไม่รวม {_labels(missing)} "
            "จึงเทียบกับ WQI 5 พารามิเตอร์ของกรมควบคุมมลพิษไม่ได้"
        )
    return WQIResult(
        wqi=wqi,
        wqi_unrounded=mean,
        band=band.key,
        band_number=band.number,
        band_name_th=band.name_th,
        band_name_en=band.name_en,
        color=band.color,
        sub_indices={k: round_half_up(v, 1) for k, v in subs.items()},
        values={k: given[k] for k in subs},
        method=curves.method,
        curves=curves.key,
        official=curves.official,
        parameters_missing=missing,
        note_th=note_th,
        note_en=note_en,
    )
