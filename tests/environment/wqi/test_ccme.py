"""CCME WQI 1.0 against the worked example of its User's Manual.

CCME (2001), *Canadian Water Quality Index 1.0 User's Manual*: North Saskatchewan River at
Devon, 1997 — 10 variables, 103 tests, 2 failed variables (TP, Pb), 4 failed tests,
F1 = 20, F2 = 3.9, WQI = 88, "good". Data in ``tests/data/water_ccme_users_manual_devon_1997.csv``
(see ``tests/data/water_README.md``). The two variants with a value removed (102 tests →
88.1; without As, 9 variables and 90 tests → 86.8) are those of the B.C. government's
``wqbc``/``wqindex`` R packages' tests, on the same data.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from paknam.environment.errors import InvalidValueError, WQIError
from paknam.environment.wqi.ccme import CCMEResult, Objective, ccme_category, ccme_wqi

DEVON = Path(__file__).resolve().parents[2] / "data" / "water_ccme_users_manual_devon_1997.csv"


def _devon() -> tuple[dict[str, list[float | None]], dict[str, Objective]]:
    obs: dict[str, list[float | None]] = {}
    objectives: dict[str, Objective] = {}
    with DEVON.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            var = row["Variable"]
            obs.setdefault(var, []).append(float(row["Value"]) if row["Value"] else None)
            lo, hi = row["LowerLimit"], row["UpperLimit"]
            objectives[var] = Objective(float(lo) if lo else None, float(hi) if hi else None)
    return obs, objectives


def test_ccme_users_manual_devon_1997():
    obs, objectives = _devon()
    r = ccme_wqi(obs, objectives)
    assert (r.variables, r.tests, r.failed_tests) == (10, 103, 4)
    assert r.failed_variables == ("TP", "Pb")
    assert r.f1 == 20.0
    assert round(r.f2, 1) == 3.9
    excursions = (0.058 / 0.05 - 1) + (0.108 / 0.05 - 1) + (0.0094 / 0.004 - 1)
    excursions += 0.0051 / 0.004 - 1
    assert r.nse == pytest.approx(excursions / 103)
    assert round(r.f3, 1) == 2.8
    assert round(r.wqi) == 88 and round(r.wqi, 1) == 88.1
    assert (r.category, r.category_en, r.category_th) == ("good", "good", "ดี")


def test_ccme_devon_variants_from_wqbc_tests():
    obs, objectives = _devon()
    obs["DO"][2] = None  # 1997-03-04
    r = ccme_wqi(obs, objectives)
    assert (r.variables, r.tests, round(r.wqi, 1)) == (10, 102, 88.1)
    obs["As"] = [None] * 12
    r = ccme_wqi(obs, objectives)
    assert (r.variables, r.tests, round(r.wqi, 1)) == (9, 90, 86.8)


def test_ccme_all_pass_is_100_excellent():
    obs = {v: [1.0] * 4 for v in "abcd"}
    r = ccme_wqi(obs, dict.fromkeys("abcd", Objective(upper=2.0)))
    assert isinstance(r, CCMEResult)
    assert (r.wqi, r.category, r.f1, r.f2, r.f3) == (100.0, "excellent", 0.0, 0.0, 0.0)


def test_ccme_lower_objective_excursion():
    obs = {"do": [3.0, 6.0, 6.0, 6.0], "b": [1] * 4, "c": [1] * 4, "d": [1] * 4}
    objectives = {"do": Objective(lower=6.0), **dict.fromkeys("bcd", Objective(upper=2))}
    r = ccme_wqi(obs, objectives)
    assert r.nse == pytest.approx((6.0 / 3.0 - 1) / 16)
    expected = 100 - math.sqrt(25.0**2 + 6.25**2 + r.f3**2) / 1.732
    assert r.wqi == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (100, "excellent"),
        (94.5, "excellent"),
        (94.4, "good"),
        (80, "good"),
        (79.4, "fair"),
        (65, "fair"),
        (64, "marginal"),
        (45, "marginal"),
        (44.4, "poor"),
        (0, "poor"),
    ],
)
def test_ccme_category_edges(value, key):
    assert ccme_category(value)[0] == key


def test_ccme_refuses_too_little_data_unless_told():
    obs = {v: [1.0] * 3 for v in "abcd"}
    objectives = dict.fromkeys("abcd", Objective(upper=2.0))
    with pytest.raises(WQIError, match="at least 4 variables with at least 4 values"):
        ccme_wqi(obs, objectives)
    assert ccme_wqi(obs, objectives, require_minimum=False).wqi == 100.0


@pytest.mark.parametrize(
    ("obs", "objectives", "error", "message"),
    [
        ({"a": [1.0]}, {}, WQIError, "no objective"),
        ({"a": [1.0]}, {"a": Objective()}, WQIError, "no objective"),
        ({"a": [-1.0]}, {"a": Objective(upper=1)}, InvalidValueError, "negative"),
        ({"a": ["x"]}, {"a": Objective(upper=1)}, InvalidValueError, "not a number"),
        ({"a": [0.0] * 4}, {"a": Objective(lower=1)}, WQIError, "detection limit"),
    ],
)
def test_ccme_bad_input(obs, objectives, error, message):
    with pytest.raises(error, match=message):
        ccme_wqi(obs, objectives, require_minimum=False)
