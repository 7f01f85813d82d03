"""Thai Marine Water Quality Index (MWQI, ดัชนีคุณภาพน้ำทะเล): rating bands only.

What is known (Pollution Control Department, PCD):

- The MWQI is 0-100, computed from eight parameters: dissolved oxygen (DO), total
  coliform bacteria (TCB), phosphate-phosphorus (PO4-P), nitrate-nitrogen (NO3-N),
  temperature, suspended solids (SS), pH and ammonia-nitrogen (NH3-N); when pesticides or
  toxic substances exceed the marine standard the index is lowered (the rule is cut off
  in the source found). Source: National Statistical Office, Environment Statistics of
  Thailand 2022 (สถิติสิ่งแวดล้อมของประเทศไทย พ.ศ. 2565), Table 4.5 "The Marine Water
  Quality: 2010-2021" and its note, from PCD
  (https://nso.go.th/public/e-book/Indicators-Environment/Environment-Indicators-2565/152).
- Bands (same source): ดีมาก excellent > 90-100, ดี good > 80-90, พอใช้ fair > 50-80,
  เสื่อมโทรม poor > 25-50, เสื่อมโทรมมาก very poor 0-25. In whole numbers: 91-100, 81-90,
  51-80, 26-50, 0-25. PCD's 2023 coastal survey (``shared/data/water/
  pcd_marine_water_quality_2023_part*.csv``, 420 rows) agrees on every row, both edges of
  every band included (25 very poor, 26 poor, 50 poor, 51 fair, 80 fair, 81 good, 90 good,
  91 excellent).

What is **not** known: the MWQI formula — the parameter score curves, their weights and
how they are combined. Not found in 2026 (Thai and English searches). paknam therefore
offers **no MWQI computation**: :func:`mwqi_band` classifies a value PCD published, and
nothing here reproduces PCD's numbers (Samut Prakan 12 June 2023: Spdp1 12, Spks1 16,
Spmc5 28). :data:`MWQI_PARAMETERS` lists the inputs so that data can be collected for the
day the formula is obtained.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from paknam.environment.errors import WQIError

__all__ = [
    "MWQI_BANDS",
    "MWQI_BANDS_BY_KEY",
    "MWQI_PARAMETERS",
    "MWQIBand",
    "mwqi_band",
    "mwqi_band_for_name",
]

MWQI_PARAMETERS: tuple[str, ...] = ("do", "tcb", "po4p", "no3n", "temp", "ss", "ph", "nh3n")
"""The eight MWQI parameters (PCD, via NSO 2022); the formula is not known."""


@dataclass(frozen=True, slots=True)
class MWQIBand:
    """One rating band of the marine WQI.

    Attributes
    ----------
    number : int
        1 (excellent) to 5 (very poor).
    key : str
        ``excellent``, ``good``, ``fair``, ``poor``, ``very_poor``.
    above : float
        The band holds values above this (−1 for the lowest band, which includes 0).
    hi : float
        Highest value of the band, inclusive.
    name_th, name_en : str
        Band name, as PCD writes it (``Criteria`` column of the 2023 data).
    color : str
        ``#RRGGBB``, paknam's choice (the order of the Thai AQI palette).
    """

    number: int
    key: str
    above: float
    hi: float
    name_th: str
    name_en: str
    color: str


MWQI_BANDS: tuple[MWQIBand, ...] = (
    MWQIBand(1, "excellent", 90, 100, "ดีมาก", "excellent", "#00BFF3"),
    MWQIBand(2, "good", 80, 90, "ดี", "good", "#00A651"),
    MWQIBand(3, "fair", 50, 80, "พอใช้", "fair", "#FDC04E"),
    MWQIBand(4, "poor", 25, 50, "เสื่อมโทรม", "poor", "#F26522"),
    MWQIBand(5, "very_poor", -1, 25, "เสื่อมโทรมมาก", "very poor", "#CD0000"),
)
"""The five bands, best first."""

MWQI_BANDS_BY_KEY: MappingProxyType[str, MWQIBand] = MappingProxyType(
    {b.key: b for b in MWQI_BANDS}
)
"""The bands by key."""


def mwqi_band(mwqi: Any) -> MWQIBand:
    """Band of a marine WQI value.

    Parameters
    ----------
    mwqi : float
        MWQI as published by PCD [0-100].

    Returns
    -------
    MWQIBand

    Raises
    ------
    WQIError
        For NaN, a non-number, or a value outside 0-100.

    Examples
    --------
    >>> [mwqi_band(v).key for v in (12, 16, 28)]  # Samut Prakan, 12 June 2023
    ['very_poor', 'very_poor', 'poor']
    """
    ok = isinstance(mwqi, numbers.Real) and not isinstance(mwqi, bool)
    x = float(mwqi) if ok else math.nan
    if not 0 <= x <= 100:
        raise WQIError(f"MWQI {mwqi!r} is not a number from 0 to 100")
    return next(b for b in MWQI_BANDS if x > b.above)


def mwqi_band_for_name(name_th: str) -> MWQIBand:
    """The band PCD names ``name_th`` (``ดี``, ``พอใช้`` …), e.g. to read published data.

    Raises
    ------
    WQIError
        If the name is none of the five.
    """
    for band in MWQI_BANDS:
        if band.name_th == str(name_th).strip():
            return band
    names = ", ".join(b.name_th for b in MWQI_BANDS)
    raise WQIError(f"{name_th!r} is not an MWQI band name; valid names: {names}")
