"""Tables of the Thai surface-water WQI, as data: rating bands and per-parameter score curves.

What PCD publishes (กรมควบคุมมลพิษ, Pollution Control Department)
------------------------------------------------------------------
- Since 2011 (พ.ศ. 2554) the WQI uses five parameters: DO, BOD, TCB, FCB and NH3-N.
  ``WQI = mean of the five parameter scores − a "special" deduction (คะแนนพิเศษ)``;
  the monthly WQI is the lowest daily WQI, the yearly WQI the lowest monthly one.
  Source: environnet local-environment indicator 174, "ค่าดัชนีคุณภาพน้ำ (WQI)",
  http://local.environnet.in.th/explain_detail.php?id=174 (ONEP / PCD).
- Bands: 91-100 ดีมาก excellent, 71-90 ดี good, 61-70 พอใช้ fair, 31-60 เสื่อมโทรม poor,
  0-30 เสื่อมโทรมมาก very poor. Source: PCD via the National Statistical Office,
  Environment Statistics 2016 (สถิติสิ่งแวดล้อม 2559), surface-water WQI table note,
  https://nso.go.th/public/e-book/Indicators-Environment/Environment-Indicators-2559/ .

What PCD does not publish (as far as paknam could find)
-------------------------------------------------------
- The per-parameter score curves (value → 0-100 score). Searched again in 2026 (Thai and
  English: ดัชนีคุณภาพน้ำ กรมควบคุมมลพิษ, "Water Quality Index" PCD sub-index curve): the
  sources above give none, and the papers and theses found that use the index cite PCD
  without reproducing the curves in the parts available.
- The "special" deduction: not documented anywhere found; paknam does not apply it.

So the curves here are **provisional** (:data:`CURVES_PROVISIONAL`, key
``paknam-provisional-2026``): piecewise-linear through the limits of the 1994 surface-water
standard (National Environment Board notification No. 8, B.E. 2537; classes 2-4, see
:mod:`~paknam.environment.wqi.water_class`), with a few anchors chosen by paknam where the
standard gives none. Every anchor states its basis. The mapping is:

================================  ==================  ================================
anchor                            score               why
================================  ==================  ================================
class 2 limit                     71 (lowest "good")  water of class 2 is "good" (ดี)
class 3 limit                     61 (lowest "fair")  class 3 is "fair" (พอใช้)
class 4 limit                     31 (lowest "poor")  class 4 is "poor" (เสื่อมโทรม)
paknam "clean" anchor             91, 100             class 1 is "natural", not numeric
paknam "zero" anchor              0                   the standard has no class 5 limit
================================  ==================  ================================

so a parameter inside class *k* scores inside the WQI band of the same name. Bacteria
are interpolated on log10 of the count. Results name the curves they used
(``WQIResult.method``), so anything showing the WQI can label it. Replace the table by
passing another :class:`WQICurves` (for PCD's official curves, once obtained).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from paknam.environment.errors import WQIError

__all__ = [
    "BANDS",
    "BANDS_BY_KEY",
    "CURVES_PROVISIONAL",
    "WQI_PARAMETERS",
    "CurvePoint",
    "ScoreCurve",
    "WQIBand",
    "WQICurves",
    "band_for",
]

WQI_PARAMETERS: tuple[str, ...] = ("do", "bod", "tcb", "fcb", "nh3n")
"""PCD's five WQI parameters since 2011, in PCD's order."""


@dataclass(frozen=True, slots=True)
class WQIBand:
    """One rating band of the Thai WQI.

    Attributes
    ----------
    number : int
        1 (excellent) to 5 (very poor).
    key : str
        Stable identifier: ``excellent``, ``good``, ``fair``, ``poor``, ``very_poor``.
    lo, hi : int
        WQI range, inclusive [-].
    name_th, name_en : str
        Band name (PCD's Thai; English as in PCD/NSO publications).
    color : str
        Display colour ``#RRGGBB``. paknam's choice, the order of the Thai AQI palette
        (blue, green, yellow, orange, red); PCD's own WQI colours were not found.
    color_name : str
        Colour name in English.
    """

    number: int
    key: str
    lo: int
    hi: int
    name_th: str
    name_en: str
    color: str
    color_name: str


BANDS: tuple[WQIBand, ...] = (
    WQIBand(1, "excellent", 91, 100, "ดีมาก", "excellent", "#00BFF3", "blue"),
    WQIBand(2, "good", 71, 90, "ดี", "good", "#00A651", "green"),
    WQIBand(3, "fair", 61, 70, "พอใช้", "fair", "#FDC04E", "yellow"),
    WQIBand(4, "poor", 31, 60, "เสื่อมโทรม", "poor", "#F26522", "orange"),
    WQIBand(5, "very_poor", 0, 30, "เสื่อมโทรมมาก", "very poor", "#CD0000", "red"),
)
"""The five bands, best first."""

BANDS_BY_KEY: MappingProxyType[str, WQIBand] = MappingProxyType({b.key: b for b in BANDS})
"""The bands by key."""


def band_for(wqi: float) -> WQIBand:
    """Return the band of a WQI value.

    Parameters
    ----------
    wqi : float
        WQI [-], 0-100. PCD publishes whole numbers; a fraction falls in the band above
        the lower whole number's edge (90.4 is above 90, so excellent), so round first to
        match PCD.

    Returns
    -------
    WQIBand

    Raises
    ------
    ValueError
        (:class:`~paknam.environment.errors.WQIError`) outside 0-100 or NaN.
    """
    if not 0 <= wqi <= 100:
        raise WQIError(f"WQI {wqi!r} is outside 0-100; valid WQI values are 0 ≤ WQI ≤ 100")
    for band in BANDS:
        if wqi > band.lo - 1:
            return band
    return BANDS[-1]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One anchor of a score curve.

    Attributes
    ----------
    value : float
        Parameter value [parameter unit].
    score : float
        Score at that value [0-100].
    basis : str
        Where the anchor comes from (a class limit of the 1994 standard, or paknam's
        choice).
    """

    value: float
    score: float
    basis: str


@dataclass(frozen=True, slots=True)
class ScoreCurve:
    """Value → score for one parameter, piecewise linear between anchors.

    Below the first anchor the score is the first anchor's, above the last the last's.

    Attributes
    ----------
    parameter : str
        Parameter key.
    points : tuple of CurvePoint
        Anchors, strictly increasing in value.
    scale : {"linear", "log10"}
        Interpolate on the value or on its base-10 logarithm (bacteria counts).
    """

    parameter: str
    points: tuple[CurvePoint, ...]
    scale: Literal["linear", "log10"] = "linear"


@dataclass(frozen=True, slots=True)
class WQICurves:
    """A complete set of score curves for the WQI.

    Attributes
    ----------
    key : str
        Short identifier, shown with every result.
    method : str
        One line naming the curves and their provenance, shown with every result.
    official : bool
        True only for curves published by PCD.
    curves : Mapping[str, ScoreCurve]
        One curve per parameter of :data:`WQI_PARAMETERS`.
    """

    key: str
    method: str
    official: bool
    curves: MappingProxyType[str, ScoreCurve]


_C2, _C3, _C4 = (
    "class 2 limit, 1994 standard",
    "class 3 limit, 1994 standard",
    "class 4 limit, 1994 standard",
)


def _pts(*rows: tuple[float, float, str]) -> tuple[CurvePoint, ...]:
    return tuple(CurvePoint(v, s, b) for v, s, b in rows)


CURVES_PROVISIONAL = WQICurves(
    key="paknam-provisional-2026",
    method=(
        "paknam-provisional-2026: piecewise-linear on the 1994 class limits, "
        "not PCD's official curves"
    ),
    official=False,
    curves=MappingProxyType(
        {
            "do": ScoreCurve(
                "do",
                _pts(
                    (0.0, 0, "paknam: no oxygen scores 0"),
                    (2.0, 31, _C4 + " (P20 ≥ 2.0 mg/L)"),
                    (4.0, 61, _C3 + " (P20 ≥ 4.0 mg/L)"),
                    (6.0, 71, _C2 + " (P20 ≥ 6.0 mg/L)"),
                    (7.0, 91, "paknam: about 90 % saturation at 29 °C, fresh water"),
                    (7.5, 100, "paknam: about 98 % saturation at 29 °C, fresh water"),
                ),
            ),
            "bod": ScoreCurve(
                "bod",
                _pts(
                    (0.0, 100, "paknam: no BOD scores 100"),
                    (1.0, 91, "paknam: class 1 ('natural') taken as BOD ≤ 1.0 mg/L"),
                    (1.5, 71, _C2 + " (P80 ≤ 1.5 mg/L)"),
                    (2.0, 61, _C3 + " (P80 ≤ 2.0 mg/L)"),
                    (4.0, 31, _C4 + " (P80 ≤ 4.0 mg/L)"),
                    (12.0, 0, "paknam: 3 × the class 4 limit scores 0"),
                ),
            ),
            "tcb": ScoreCurve(
                "tcb",
                _pts(
                    (100.0, 100, "paknam: ≤ 100 MPN/100 mL scores 100"),
                    (1_000.0, 91, "paknam: class 1 taken as ≤ 1,000 MPN/100 mL"),
                    (5_000.0, 71, _C2 + " (P80 ≤ 5,000 MPN/100 mL)"),
                    (20_000.0, 61, _C3 + " (P80 ≤ 20,000 MPN/100 mL)"),
                    (100_000.0, 31, "paknam: 5 × the class 3 limit (no class 4 limit)"),
                    (1_000_000.0, 0, "paknam: 10⁶ MPN/100 mL scores 0"),
                ),
                scale="log10",
            ),
            "fcb": ScoreCurve(
                "fcb",
                _pts(
                    (20.0, 100, "paknam: ≤ 20 MPN/100 mL scores 100"),
                    (200.0, 91, "paknam: class 1 taken as ≤ 200 MPN/100 mL"),
                    (1_000.0, 71, _C2 + " (P80 ≤ 1,000 MPN/100 mL)"),
                    (4_000.0, 61, _C3 + " (P80 ≤ 4,000 MPN/100 mL)"),
                    (20_000.0, 31, "paknam: 5 × the class 3 limit (no class 4 limit)"),
                    (200_000.0, 0, "paknam: 2 × 10⁵ MPN/100 mL scores 0"),
                ),
                scale="log10",
            ),
            "nh3n": ScoreCurve(
                "nh3n",
                _pts(
                    (0.0, 100, "paknam: no ammonia scores 100"),
                    (0.2, 91, "paknam: class 1 taken as NH3-N ≤ 0.2 mg/L"),
                    (0.5, 71, "limit of classes 2, 3 and 4, 1994 standard (≤ 0.5 mg/L)"),
                    (1.0, 61, "paknam: 2 × the limit (the standard has one limit only)"),
                    (2.0, 31, "paknam: 4 × the limit"),
                    (5.0, 0, "paknam: 10 × the limit scores 0"),
                ),
            ),
        }
    ),
)
"""paknam's provisional score curves (see the module docstring). Not PCD's."""
