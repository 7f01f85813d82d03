"""Thai WQI of one sample: bands, the provisional score curves, the mean, provenance.

The score curves are paknam's (PCD's were not found): these tests check the curves against
the 1994 class limits they are built on and the band mapping stated in
``paknam.environment.wqi.tables``, not against PCD's numbers — there are none to check.
"""

from __future__ import annotations

import doctest
import math
from types import MappingProxyType

import pytest

from paknam.core.errors import InvalidInput
from paknam.environment.errors import (
    InvalidValueError,
    MissingParameterError,
    UnknownParameterError,
    WQIError,
)
from paknam.environment.wqi import ccme as wqi_ccme
from paknam.environment.wqi import malaysia as wqi_malaysia
from paknam.environment.wqi import marine as mwqi
from paknam.environment.wqi import oxygen as wqi_oxygen
from paknam.environment.wqi import period as wqi_period
from paknam.environment.wqi import tables as wqi_tables
from paknam.environment.wqi import thai as wqi
from paknam.environment.wqi import water_class
from paknam.environment.wqi.tables import (
    BANDS,
    BANDS_BY_KEY,
    CURVES_PROVISIONAL,
    WQI_PARAMETERS,
    CurvePoint,
    ScoreCurve,
    WQICurves,
    band_for,
)
from paknam.environment.wqi.thai import compute_wqi, round_half_up, score, sub_indices

CLASS_2 = {"do": 6.0, "bod": 1.5, "tcb": 5000, "fcb": 1000, "nh3n": 0.5}
CLASS_3 = {"do": 4.0, "bod": 2.0, "tcb": 20000, "fcb": 4000, "nh3n": 1.0}


@pytest.mark.parametrize(
    "module", [wqi, wqi_tables, wqi_period, water_class, wqi_malaysia, wqi_oxygen, wqi_ccme, mwqi]
)
def test_wqi_modules_doctests_pass(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (100, "excellent"),
        (91, "excellent"),
        (90.4, "excellent"),
        (90, "good"),
        (71, "good"),
        (70, "fair"),
        (61, "fair"),
        (60, "poor"),
        (31, "poor"),
        (30, "very_poor"),
        (0, "very_poor"),
    ],
)
def test_band_for_edges(value, key):
    assert band_for(value).key == key


def test_bands_cover_0_to_100_once_with_pcd_names():
    covered = sorted(n for b in BANDS for n in range(b.lo, b.hi + 1))
    assert covered == list(range(101))
    assert [(b.key, b.name_th) for b in BANDS] == [
        ("excellent", "ดีมาก"),
        ("good", "ดี"),
        ("fair", "พอใช้"),
        ("poor", "เสื่อมโทรม"),
        ("very_poor", "เสื่อมโทรมมาก"),
    ]
    assert all(b.color.startswith("#") and len(b.color) == 7 for b in BANDS)
    assert BANDS_BY_KEY["fair"].lo == 61


@pytest.mark.parametrize("value", [-1, 100.5, math.nan])
def test_band_for_rejects_out_of_range(value):
    with pytest.raises(WQIError, match="outside 0-100"):
        band_for(value)


def test_provisional_curves_are_well_formed():
    assert set(CURVES_PROVISIONAL.curves) == set(WQI_PARAMETERS)
    assert not CURVES_PROVISIONAL.official
    assert "not PCD's official curves" in CURVES_PROVISIONAL.method
    for curve in CURVES_PROVISIONAL.curves.values():
        values = [p.value for p in curve.points]
        scores = [p.score for p in curve.points]
        assert values == sorted(set(values)), curve.parameter
        assert all(0 <= s <= 100 for s in scores)
        assert {min(scores), max(scores)} == {0, 100}
        monotone = scores == sorted(scores) or scores == sorted(scores, reverse=True)
        assert monotone, curve.parameter
        assert all(p.basis for p in curve.points)


@pytest.mark.parametrize(
    ("parameter", "limits"),
    [
        ("do", {6.0: 71, 4.0: 61, 2.0: 31}),
        ("bod", {1.5: 71, 2.0: 61, 4.0: 31}),
        ("tcb", {5000: 71, 20000: 61}),
        ("fcb", {1000: 71, 4000: 61}),
        ("nh3n", {0.5: 71}),
    ],
)
def test_score_at_class_limits_is_lowest_of_matching_band(parameter, limits):
    for value, expected in limits.items():
        assert score(parameter, value) == expected


def test_score_inside_class_falls_inside_matching_band():
    assert band_for(score("do", 5.0)).key == "fair"  # class 3 DO
    assert band_for(score("bod", 3.0)).key == "poor"  # class 4 BOD
    assert band_for(score("do", 1.0)).key == "very_poor"  # class 5 DO
    assert band_for(score("tcb", 10_000)).key == "fair"  # class 3 TCB


def test_score_interpolates_bacteria_on_log_scale():
    # halfway between 5,000 and 20,000 on a log scale is 10,000: halfway between 71 and 61
    assert score("tcb", 10_000) == pytest.approx(66.0)
    assert score("fcb", 2000) == pytest.approx(66.0)


def test_score_clamps_outside_the_table():
    assert score("do", 12.0) == 100
    assert score("bod", 50) == 0
    assert score("tcb", 0) == 100
    assert score("fcb", 1e9) == 0


def test_compute_wqi_all_at_class_2_limits_is_good_71():
    r = compute_wqi(CLASS_2)
    assert (r.wqi, r.band, r.band_name_th, r.band_name_en) == (71, "good", "ดี", "good")
    assert r.sub_indices == {k: 71.0 for k in WQI_PARAMETERS}
    assert r.complete and r.parameters_missing == ()
    assert (r.note_th, r.note_en) == ("", "")


def test_compute_wqi_all_at_class_3_limits_is_fair_61():
    r = compute_wqi(CLASS_3)
    assert (r.wqi, r.band) == (61, "fair")


def test_compute_wqi_is_mean_of_scores_rounded_half_up():
    values = {"do": 5.0, "bod": 3.0, "tcb": 10_000, "fcb": 200, "nh3n": 0.2}
    subs = sub_indices(values)
    mean = sum(subs.values()) / 5
    r = compute_wqi(values)
    assert r.wqi_unrounded == pytest.approx(mean)
    assert r.wqi == int(round_half_up(mean))
    assert list(r.sub_indices) == list(WQI_PARAMETERS)


def test_round_half_up_not_bankers():
    assert round_half_up(70.5) == 71
    assert round_half_up(60.5) == 61
    assert round_half_up(66.25, 1) == 66.3


def test_compute_wqi_names_its_provisional_curves():
    r = compute_wqi(CLASS_2)
    assert r.method == CURVES_PROVISIONAL.method
    assert r.curves == "paknam-provisional-2026"
    assert r.official is False
    d = r.to_dict()
    assert d["method"].startswith("paknam-provisional-2026:")
    assert d["complete"] is True and d["band"] == "good"


def test_compute_wqi_accepts_aliases_and_strings():
    r = compute_wqi({"DO": "6", "BOD5": 1.5, "TCB": 5000, "FCB": 1000, "NH3-N": "0.5"})
    assert r.wqi == 71
    assert r.values == {"do": 6.0, "bod": 1.5, "tcb": 5000.0, "fcb": 1000.0, "nh3n": 0.5}


def test_compute_wqi_partial_without_coliforms_says_so():
    r = compute_wqi({"do": 6.0, "bod": 1.5, "nh3n": 0.5, "tcb": None}, allow_partial=True)
    assert r.wqi == 71
    assert r.parameters_missing == ("tcb", "fcb")
    assert not r.complete
    assert "without TCB, FCB" in r.note_en and "not comparable" in r.note_en
    assert "ไม่รวม TCB, FCB" in r.note_th


def test_compute_wqi_missing_parameters_named():
    with pytest.raises(MissingParameterError, match="missing: tcb, fcb") as err:
        compute_wqi({"do": 6.0, "bod": 1.5, "nh3n": 0.5})
    assert err.value.missing == ("tcb", "fcb")
    assert isinstance(err.value, InvalidInput) and isinstance(err.value, ValueError)


def test_compute_wqi_nothing_given_even_partial_is_an_error():
    with pytest.raises(MissingParameterError):
        compute_wqi({}, allow_partial=True)


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({**CLASS_2, "do": -1}, InvalidValueError, "DO value -1 mg/L is below 0"),
        ({**CLASS_2, "bod": math.nan}, InvalidValueError, "NaN"),
        ({**CLASS_2, "fcb": math.inf}, InvalidValueError, "not finite"),
        ({**CLASS_2, "tcb": "many"}, InvalidValueError, "not a number"),
        ({**CLASS_2, "nh3n": True}, InvalidValueError, "not a number"),
        ({**CLASS_2, "cod": 5}, UnknownParameterError, "valid keys: do, bod, tcb, fcb, nh3n"),
        ({**CLASS_2, "NH3-N": 0.4}, WQIError, "given twice"),
    ],
)
def test_compute_wqi_bad_input(values, error, message):
    with pytest.raises(error, match=message):
        compute_wqi(values)


def test_compute_wqi_with_another_curve_table_is_replaceable():
    flat = ScoreCurve("x", (CurvePoint(0.0, 50, "test"), CurvePoint(1.0, 50, "test")))
    table = WQICurves(
        key="test-flat",
        method="test-flat: every score 50",
        official=True,
        curves=MappingProxyType({k: flat for k in WQI_PARAMETERS}),
    )
    r = compute_wqi(CLASS_2, curves=table)
    assert (r.wqi, r.band, r.method, r.curves, r.official) == (
        50,
        "poor",
        "test-flat: every score 50",
        "test-flat",
        True,
    )


def test_compute_wqi_rejects_incomplete_curve_table():
    table = WQICurves("half", "half", False, MappingProxyType({}))
    with pytest.raises(WQIError, match="no curve for do, bod, tcb, fcb, nh3n"):
        compute_wqi(CLASS_2, curves=table)
