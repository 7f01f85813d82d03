"""Thai surface-water standard class (ประเภทแหล่งน้ำผิวดิน 1-5) of a sample or a period.

Source: National Environment Board notification No. 8 (B.E. 2537, 1994), "Surface Water
Quality Standard", as transcribed by WEPA
(wepa-db.net/archive/policies/law/thailand/std_surface_water.htm) and in
``shared/data/water/thai_surface_water_standard_classes.csv``. Limits used here:

=========  ==========  ============  ============  ============  ===========
parameter  statistic   class 2       class 3       class 4       unit
=========  ==========  ============  ============  ============  ===========
pH         each value  5-9           5-9           5-9           -
DO         P20 ≥       6.0           4.0           2.0           mg/L
BOD        P80 ≤       1.5           2.0           4.0           mg/L
TCB        P80 ≤       5,000         20,000        (none)        MPN/100 mL
FCB        P80 ≤       1,000         4,000         (none)        MPN/100 mL
NO3-N      each ≤      5.0           5.0           5.0           mg/L
NH3-N      each ≤      0.5           0.5           0.5           mg/L
=========  ==========  ============  ============  ============  ===========

Rules, and what paknam had to choose:

- A parameter is in the best class (2, 3, 4) whose limit its statistic meets, else class 5.
  "(none)" means class 4 sets no limit: any value meets it. The water body's class is the
  worst parameter's; the parameters in that class are the **limiting** ones.
- DO is judged on the 20th percentile of the period's values (P20, a minimum), BOD, TCB
  and FCB on the 80th (P80, a maximum). The standard does not say how to compute a
  percentile; paknam uses numpy's default (linear interpolation between order statistics,
  Hyndman & Fan type 7), and ``percentile_method`` selects another of numpy's.
- pH, NO3-N and NH3-N have no statistic in the standard: every value must meet the limit
  (the worst value decides).
- Class 1 ("natural", no waste water) cannot be decided from numbers: the best class
  returned is 2.
- Metals, phenols, cyanide, radioactivity and pesticides of the standard are not included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from paknam.environment.errors import MissingParameterError, WQIError
from paknam.environment.wqi.parameters import check_value, normalize_parameter

__all__ = [
    "CLASSES",
    "CLASS_LIMITS",
    "CLASS_PARAMETERS",
    "ClassLimit",
    "ParameterClass",
    "SurfaceWaterClass",
    "WaterClassResult",
    "period_class",
    "sample_class",
]


@dataclass(frozen=True, slots=True)
class SurfaceWaterClass:
    """One class of the 1994 surface-water standard.

    Attributes
    ----------
    number : int
        1 to 5.
    name_th, name_en : str
        Short quality name.
    uses_th, uses_en : str
        What water of the class is fit for, from the notification.
    """

    number: int
    name_th: str
    name_en: str
    uses_th: str
    uses_en: str


CLASSES: MappingProxyType[int, SurfaceWaterClass] = MappingProxyType(
    {
        1: SurfaceWaterClass(
            1,
            "ดีมาก (สภาพตามธรรมชาติ)",
            "very good (natural)",
            "อนุรักษ์สภาพธรรมชาติ อุปโภคบริโภคโดยฆ่าเชื้อโรคตามปกติ",
            "conservation; drinking after ordinary disinfection only",
        ),
        2: SurfaceWaterClass(
            2,
            "ดี",
            "good",
            "อุปโภคบริโภคผ่านการปรับปรุงคุณภาพน้ำทั่วไป อนุรักษ์สัตว์น้ำ การประมง ว่ายน้ำ",
            "drinking after conventional treatment; aquatic life; fisheries; recreation",
        ),
        3: SurfaceWaterClass(
            3,
            "พอใช้",
            "fair",
            "อุปโภคบริโภคผ่านการปรับปรุงคุณภาพน้ำทั่วไป การเกษตร",
            "drinking after conventional treatment; agriculture",
        ),
        4: SurfaceWaterClass(
            4,
            "เสื่อมโทรม",
            "poor",
            "อุปโภคบริโภคผ่านการปรับปรุงคุณภาพน้ำเป็นพิเศษ การอุตสาหกรรม",
            "drinking after special treatment; industry",
        ),
        5: SurfaceWaterClass(
            5,
            "เสื่อมโทรมมาก",
            "very poor",
            "การคมนาคม",
            "navigation",
        ),
    }
)
"""The five classes by number."""


@dataclass(frozen=True, slots=True)
class ClassLimit:
    """Limits of one parameter for classes 2, 3 and 4.

    Attributes
    ----------
    parameter : str
        Parameter key.
    statistic : {"P20", "P80", "each"}
        Statistic of a period's values the limit applies to.
    direction : {"min", "max", "range"}
        The statistic must be at least, at most, or within the limit.
    limits : tuple
        Limit for classes 2, 3, 4 in that order: a float, a ``(lo, hi)`` range, or None
        for "no limit in this class".
    """

    parameter: str
    statistic: Literal["P20", "P80", "each"]
    direction: Literal["min", "max", "range"]
    limits: tuple[float | tuple[float, float] | None, ...]


CLASS_LIMITS: MappingProxyType[str, ClassLimit] = MappingProxyType(
    {
        "ph": ClassLimit("ph", "each", "range", ((5.0, 9.0), (5.0, 9.0), (5.0, 9.0))),
        "do": ClassLimit("do", "P20", "min", (6.0, 4.0, 2.0)),
        "bod": ClassLimit("bod", "P80", "max", (1.5, 2.0, 4.0)),
        "tcb": ClassLimit("tcb", "P80", "max", (5000.0, 20000.0, None)),
        "fcb": ClassLimit("fcb", "P80", "max", (1000.0, 4000.0, None)),
        "no3n": ClassLimit("no3n", "each", "max", (5.0, 5.0, 5.0)),
        "nh3n": ClassLimit("nh3n", "each", "max", (0.5, 0.5, 0.5)),
    }
)
"""Limits of classes 2-4 by parameter (1994 standard)."""

CLASS_PARAMETERS: tuple[str, ...] = tuple(CLASS_LIMITS)
"""Parameters the class is judged on here."""


@dataclass(frozen=True, slots=True)
class ParameterClass:
    """The class one parameter puts the water in.

    Attributes
    ----------
    parameter : str
        Parameter key.
    water_class : int
        2 to 5.
    statistic : str
        ``P20``, ``P80``, ``min``/``max`` (worst single value) or ``range`` (pH).
    value : float
        The statistic's value [parameter unit]; for pH the lowest value.
    value_hi : float or None
        For pH the highest value, else None.
    count : int
        Values the statistic was taken over.
    """

    parameter: str
    water_class: int
    statistic: str
    value: float
    value_hi: float | None
    count: int


@dataclass(frozen=True, slots=True)
class WaterClassResult:
    """Surface-water class of a sample or a period.

    Attributes
    ----------
    water_class : int
        2 to 5 (class 1 cannot be decided from numbers).
    name_th, name_en : str
        Class name.
    limiting : tuple of str
        Parameters that put the water in this class (empty for class 2: nothing
        numeric holds it below class 2).
    per_parameter : dict[str, ParameterClass]
        Class and statistic of each parameter given.
    parameters_missing : tuple of str
        Parameters of :data:`CLASS_PARAMETERS` not given; the class only reflects the
        others.
    percentile_method : str
        numpy percentile method used for P20/P80.
    """

    water_class: int
    name_th: str
    name_en: str
    limiting: tuple[str, ...]
    per_parameter: dict[str, ParameterClass]
    parameters_missing: tuple[str, ...]
    percentile_method: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict."""
        return {
            "water_class": self.water_class,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "limiting": list(self.limiting),
            "per_parameter": {
                k: {
                    "water_class": p.water_class,
                    "statistic": p.statistic,
                    "value": p.value,
                    "value_hi": p.value_hi,
                    "count": p.count,
                }
                for k, p in self.per_parameter.items()
            },
            "parameters_missing": list(self.parameters_missing),
            "percentile_method": self.percentile_method,
        }


def _meets(limit: ClassLimit, lim: float | tuple[float, float], lo: float, hi: float) -> bool:
    if limit.direction == "range":
        assert isinstance(lim, tuple)
        return lim[0] <= lo and hi <= lim[1]
    assert not isinstance(lim, tuple)
    return lo >= lim if limit.direction == "min" else hi <= lim


def _parameter_class(key: str, xs: np.ndarray, method: str) -> ParameterClass:
    limit = CLASS_LIMITS[key]
    hi_out: float | None = None
    stat: str
    if limit.statistic == "each":
        lo, hi = float(xs.min()), float(xs.max())
        stat = "range" if limit.direction == "range" else limit.direction
        value = lo if limit.direction != "max" else hi
        hi_out = hi if limit.direction == "range" else None
    else:
        q = 20.0 if limit.statistic == "P20" else 80.0
        value = lo = hi = float(np.percentile(xs, q, method=method))  # type: ignore[call-overload]
        stat = limit.statistic
    cls = 5
    for number, lim in zip((2, 3, 4), limit.limits, strict=True):
        if lim is None or _meets(limit, lim, lo, hi):
            cls = number
            break
    return ParameterClass(key, cls, stat, value, hi_out, int(xs.size))


def _series(samples: Any) -> dict[str, list[float]]:
    """Values per parameter from ``{parameter: [values]}`` or ``[{parameter: value}]``."""
    pairs: Iterable[tuple[str, Any]]
    if isinstance(samples, Mapping):
        pairs = ((name, v) for name, vs in samples.items() for v in _as_list(name, vs))
    else:
        pairs = ((name, v) for sample in samples for name, v in _as_mapping(sample).items())
    out: dict[str, list[float]] = {}
    for name, value in pairs:
        key = normalize_parameter(name, CLASS_PARAMETERS, "the surface-water class")
        if value is not None:
            out.setdefault(key, []).append(check_value(key, value))
    return out


def _as_list(name: str, values: Any) -> Sequence[Any]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise WQIError(f"values of {name!r} must be a sequence of measurements, not {values!r}")
    return list(values)


def _as_mapping(sample: Any) -> Mapping[str, Any]:
    if not isinstance(sample, Mapping):
        raise WQIError(f"sample {sample!r} is not a mapping of parameter to value")
    return sample


def period_class(samples: Any, *, percentile_method: str = "linear") -> WaterClassResult:
    """Surface-water class of a period (or a station's record) with the percentile rules.

    Parameters
    ----------
    samples : Mapping[str, sequence] or iterable of Mapping[str, value]
        Either values per parameter (``{"do": [5.1, 4.2, …], "bod": […]}``) or one
        mapping per sample (``[{"do": 5.1, "bod": 2.0}, …]``). Keys: ``ph``, ``do``,
        ``bod`` [mg/L], ``tcb``, ``fcb`` [MPN/100 mL], ``no3n``, ``nh3n`` [mg/L]
        (aliases accepted). None values are skipped.
    percentile_method : str
        numpy percentile method for P20/P80; default ``linear``.

    Returns
    -------
    WaterClassResult

    Raises
    ------
    MissingParameterError
        No value of any class parameter.
    UnknownParameterError, InvalidValueError, WQIError
        Bad key or value, or an unknown percentile method.

    Examples
    --------
    >>> r = period_class({"do": [2.5, 3.0, 5.0, 6.5, 7.0], "bod": [1.0, 1.2, 1.4, 1.8]})
    >>> (r.water_class, r.limiting, r.per_parameter["do"].value)
    (4, ('do',), 2.9)
    """
    try:
        np.percentile([1.0, 2.0], 50, method=percentile_method)  # type: ignore[call-overload]
    except (ValueError, TypeError):
        raise WQIError(
            f"percentile method {percentile_method!r} is not one numpy knows "
            "(e.g. linear, weibull, hazen, nearest, inverted_cdf)"
        ) from None
    series = _series(samples)
    if not series:
        raise MissingParameterError(
            CLASS_PARAMETERS, "the surface-water class", CLASS_PARAMETERS, any_of=True
        )
    per = {
        k: _parameter_class(k, np.asarray(series[k], dtype=float), percentile_method)
        for k in CLASS_PARAMETERS
        if k in series
    }
    worst = max(p.water_class for p in per.values())
    cls = CLASSES[worst]
    limiting = () if worst == 2 else tuple(k for k, p in per.items() if p.water_class == worst)
    return WaterClassResult(
        water_class=worst,
        name_th=cls.name_th,
        name_en=cls.name_en,
        limiting=limiting,
        per_parameter=per,
        parameters_missing=tuple(k for k in CLASS_PARAMETERS if k not in per),
        percentile_method=percentile_method,
    )


def sample_class(values: Mapping[str, Any]) -> WaterClassResult:
    """Surface-water class of one sample (each statistic is the value itself).

    Parameters
    ----------
    values : Mapping[str, value or None]
        ``ph``, ``do``, ``bod``, ``tcb``, ``fcb``, ``no3n``, ``nh3n`` (see
        :func:`period_class`); None = not measured.

    Returns
    -------
    WaterClassResult

    Examples
    --------
    >>> r = sample_class({"do": 4.5, "bod": 1.2, "nh3n": 0.9})
    >>> (r.water_class, r.limiting, r.per_parameter["do"].water_class)
    (5, ('nh3n',), 3)
    """
    if not isinstance(values, Mapping):
        raise WQIError(f"sample {values!r} is not a mapping of parameter to value")
    return period_class([values])
