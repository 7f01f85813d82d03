"""CCME Water Quality Index 1.0 (Canadian Council of Ministers of the Environment), for
comparison.

Source: CCME (2001), *Canadian Water Quality Guidelines for the Protection of Aquatic
Life: CCME Water Quality Index 1.0, Technical Report* and *User's Manual*. Over a period,
with an objective (a limit) per variable::

    F1 = 100 × failed variables / variables            (scope)
    F2 = 100 × failed tests / tests                    (frequency)
    excursion = value / objective − 1                  (value must not exceed)
              = objective / value − 1                  (value must not fall below)
    nse = Σ excursions / tests
    F3 = nse / (0.01 nse + 0.01)                       (amplitude)
    WQI = 100 − √(F1² + F2² + F3²) / 1.732

Categories: excellent 95-100, good 80-94, fair 65-79, marginal 45-64, poor 0-44 (on the
index rounded half up to a whole number). The manual asks for at least four variables
sampled at least four times; :func:`ccme_wqi` refuses less unless told otherwise.

The objectives are the user's: the index says how far the water is from *them*. With the
Thai class-2 limits as objectives it reads "how far from class 2".

Examples
--------
>>> r = ccme_wqi({"do": [7, 6, 5, 3], "bod": [1, 2, 1, 1], "ph": [7, 7, 8, 7],
...               "nh3n": [0.1, 0.2, 0.3, 0.9]},
...              {"do": Objective(lower=6), "bod": Objective(upper=1.5),
...               "ph": Objective(5, 9), "nh3n": Objective(upper=0.5)})
>>> (r.f1, r.f2, round(r.f3, 2), round(r.wqi, 1), r.category)
(75.0, 25.0, 12.73, 53.8, 'marginal')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paknam.environment.errors import InvalidValueError, WQIError
from paknam.environment.wqi.thai import round_half_up

__all__ = ["CCME_CATEGORIES", "CCMEResult", "Objective", "ccme_category", "ccme_wqi"]

CCME_CATEGORIES: tuple[tuple[str, int, str, str], ...] = (
    ("excellent", 95, "ดีเยี่ยม", "excellent"),
    ("good", 80, "ดี", "good"),
    ("fair", 65, "พอใช้", "fair"),
    ("marginal", 45, "ก้ำกึ่ง", "marginal"),
    ("poor", 0, "แย่", "poor"),
)
"""(key, lowest whole-number index, Thai name, English name), best first."""


@dataclass(frozen=True, slots=True)
class Objective:
    """A water-quality objective: the value must be at least ``lower`` and at most ``upper``.

    Attributes
    ----------
    lower, upper : float or None
        Bounds in the variable's unit; None for no bound on that side.
    """

    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True, slots=True)
class CCMEResult:
    """CCME WQI of a period.

    Attributes
    ----------
    wqi : float
        The index [0-100], unrounded.
    category : str
        ``excellent``, ``good``, ``fair``, ``marginal`` or ``poor``.
    category_th, category_en : str
        Category name.
    f1, f2, f3 : float
        Scope, frequency, amplitude [0-100].
    variables, tests : int
        Variables and tests (non-missing values) counted.
    failed_variables : tuple of str
        Variables with at least one failed test.
    failed_tests : int
        Tests that did not meet their objective.
    nse : float
        Normalised sum of excursions [-].
    """

    wqi: float
    category: str
    category_th: str
    category_en: str
    f1: float
    f2: float
    f3: float
    variables: int
    tests: int
    failed_variables: tuple[str, ...]
    failed_tests: int
    nse: float


def ccme_category(wqi: float) -> tuple[str, str, str]:
    """(key, Thai name, English name) of a CCME WQI, judged on its whole-number value."""
    if not 0 <= wqi <= 100:
        raise WQIError(f"CCME WQI {wqi!r} is outside 0-100")
    whole = round_half_up(wqi)
    key, _, th, en = next(c for c in CCME_CATEGORIES if whole >= c[1])
    return key, th, en


def _number(variable: str, value: Any) -> float | None:
    if value is None:
        return None
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    x = float(value) if ok else math.nan
    if math.isnan(x):
        return None if ok else _bad(variable, value, "is not a number")
    if math.isinf(x) or x < 0:
        return _bad(variable, value, "is negative or infinite; measurements are 0 or more")
    return x


def _bad(variable: str, value: Any, why: str) -> float:
    raise InvalidValueError(variable, value, f"{variable} value {value!r} {why}")


def _excursion(variable: str, x: float, obj: Objective) -> float | None:
    """Excursion of a failed test, or None when the test passes."""
    if obj.upper is not None and x > obj.upper:
        if obj.upper <= 0:
            raise WQIError(f"objective of {variable} must be above 0 to measure excursions")
        return x / obj.upper - 1
    if obj.lower is not None and x < obj.lower:
        if x <= 0:
            raise WQIError(
                f"{variable} value {x!r} is 0 with a lower objective {obj.lower!r}: the "
                "excursion objective/value is infinite; give the detection limit instead"
            )
        return obj.lower / x - 1
    return None


def ccme_wqi(
    observations: Mapping[str, Sequence[Any]],
    objectives: Mapping[str, Objective],
    *,
    require_minimum: bool = True,
) -> CCMEResult:
    """CCME WQI 1.0 of a period.

    Parameters
    ----------
    observations : Mapping[str, sequence of float or None]
        Values per variable over the period, in any unit; None or NaN = missing (not a
        test).
    objectives : Mapping[str, Objective]
        Objective of each variable in ``observations``.
    require_minimum : bool
        Refuse fewer than 4 variables or a variable with fewer than 4 tests (the
        manual's minimum).

    Returns
    -------
    CCMEResult

    Raises
    ------
    WQIError
        A variable without objective, an objective without bounds, too little data, or a
        zero value under a lower objective.
    InvalidValueError
        A negative, infinite or non-numeric value.
    """
    tests: dict[str, list[float]] = {}
    for var, values in observations.items():
        obj = objectives.get(var)
        if not isinstance(obj, Objective) or (obj.lower is None and obj.upper is None):
            raise WQIError(f"variable {var!r} has no objective; give Objective(lower, upper)")
        xs = [x for v in values if (x := _number(var, v)) is not None]
        if xs:
            tests[var] = xs
    n_tests = sum(len(xs) for xs in tests.values())
    short = [v for v, xs in tests.items() if len(xs) < 4]
    if n_tests == 0 or (require_minimum and (len(tests) < 4 or short)):
        raise WQIError(
            f"the CCME WQI needs at least 4 variables with at least 4 values each; got "
            f"{len(tests)} variable(s)"
            + (f", too few values for {', '.join(short)}" if short else "")
        )
    excursions: list[float] = []
    failed: list[str] = []
    for var, xs in tests.items():
        ex = [e for x in xs if (e := _excursion(var, x, objectives[var])) is not None]
        if ex:
            failed.append(var)
            excursions.extend(ex)
    f1 = 100.0 * len(failed) / len(tests)
    f2 = 100.0 * len(excursions) / n_tests
    nse = math.fsum(excursions) / n_tests
    f3 = nse / (0.01 * nse + 0.01)
    wqi = max(0.0, 100.0 - math.sqrt(f1**2 + f2**2 + f3**2) / 1.732)
    key, th, en = ccme_category(wqi)
    return CCMEResult(
        wqi=wqi,
        category=key,
        category_th=th,
        category_en=en,
        f1=f1,
        f2=f2,
        f3=f3,
        variables=len(tests),
        tests=n_tests,
        failed_variables=tuple(failed),
        failed_tests=len(excursions),
        nse=nse,
    )
