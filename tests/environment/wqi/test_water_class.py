"""Surface-water standard class (1994 notification) of a sample and of a period."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from paknam.environment.errors import (
    InvalidValueError,
    MissingParameterError,
    UnknownParameterError,
    WQIError,
)
from paknam.environment.wqi.water_class import (
    CLASS_LIMITS,
    CLASS_PARAMETERS,
    CLASSES,
    period_class,
    sample_class,
)

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
STANDARD_CSV = SHARED_DATA / "water" / "thai_surface_water_standard_classes.csv"


def test_class_limits_match_the_documented_table():
    assert CLASS_LIMITS["do"].limits == (6.0, 4.0, 2.0)
    assert CLASS_LIMITS["do"].statistic == "P20" and CLASS_LIMITS["do"].direction == "min"
    assert CLASS_LIMITS["bod"].limits == (1.5, 2.0, 4.0)
    assert CLASS_LIMITS["tcb"].limits == (5000.0, 20000.0, None)
    assert CLASS_LIMITS["fcb"].limits == (1000.0, 4000.0, None)
    assert {k: CLASS_LIMITS[k].statistic for k in ("bod", "tcb", "fcb")} == dict.fromkeys(
        ("bod", "tcb", "fcb"), "P80"
    )
    assert CLASS_LIMITS["ph"].limits == ((5.0, 9.0),) * 3
    assert CLASS_LIMITS["no3n"].limits == (5.0,) * 3
    assert CLASS_LIMITS["nh3n"].limits == (0.5,) * 3
    assert [CLASSES[n].name_th for n in range(1, 6)] == [
        "ดีมาก (สภาพตามธรรมชาติ)",
        "ดี",
        "พอใช้",
        "เสื่อมโทรม",
        "เสื่อมโทรมมาก",
    ]


@pytest.mark.shared_data
def test_class_limits_match_shared_transcription():
    if not STANDARD_CSV.is_file():
        pytest.skip(f"{STANDARD_CSV} is absent: opt-in test on the shared data skipped")
    names = {
        "pH": "ph",
        "DO": "do",
        "BOD5": "bod",
        "total_coliform_TCB": "tcb",
        "fecal_coliform_FCB": "fcb",
        "NO3-N": "no3n",
        "NH3-N": "nh3n",
    }
    with STANDARD_CSV.open(encoding="utf-8") as f:
        rows = {names[r["parameter"]]: r for r in csv.DictReader(f) if r["parameter"] in names}
    assert set(rows) == set(CLASS_PARAMETERS)
    for key, row in rows.items():
        limit = CLASS_LIMITS[key]
        for n, lim in zip((2, 3, 4), limit.limits, strict=True):
            text = row[f"class{n}"]
            if lim is None:
                assert text == "-"
            elif isinstance(lim, tuple):
                assert text == f"{lim[0]:g}-{lim[1]:g}"
            else:
                assert float(text.lstrip("<>=")) == lim, (key, n)
        assert row["direction"] == limit.direction


@pytest.mark.parametrize(
    ("values", "expected", "limiting"),
    [
        ({"do": 6.0, "bod": 1.5, "tcb": 5000, "fcb": 1000, "nh3n": 0.5, "ph": 7}, 2, ()),
        ({"do": 5.9, "bod": 1.5}, 3, ("do",)),
        ({"do": 4.0, "bod": 2.0, "tcb": 20000, "fcb": 4000}, 3, ("do", "bod", "tcb", "fcb")),
        ({"do": 3.9, "bod": 1.0}, 4, ("do",)),
        ({"do": 2.0, "bod": 4.0}, 4, ("do", "bod")),
        ({"do": 1.99, "bod": 1.0}, 5, ("do",)),
        ({"do": 7.0, "bod": 4.01}, 5, ("bod",)),
        ({"do": 7.0, "tcb": 20001}, 4, ("tcb",)),  # class 4 sets no coliform limit
        ({"do": 7.0, "fcb": 1_000_000}, 4, ("fcb",)),
        ({"do": 7.0, "nh3n": 0.51}, 5, ("nh3n",)),
        ({"do": 7.0, "no3n": 5.1}, 5, ("no3n",)),
        ({"do": 7.0, "ph": 9.0}, 2, ()),
        ({"do": 7.0, "ph": 4.9}, 5, ("ph",)),
        ({"do": 7.0, "ph": 9.1}, 5, ("ph",)),
    ],
)
def test_sample_class_and_limiting_parameter(values, expected, limiting):
    r = sample_class(values)
    assert r.water_class == expected
    assert r.limiting == limiting
    assert (r.name_th, r.name_en) == (CLASSES[expected].name_th, CLASSES[expected].name_en)


def test_sample_class_reports_per_parameter_and_missing():
    r = sample_class({"DO": 4.5, "BOD5": 1.2, "NH3-N": 0.9, "tcb": None})
    assert r.water_class == 5 and r.limiting == ("nh3n",)
    assert {k: p.water_class for k, p in r.per_parameter.items()} == {
        "do": 3,
        "bod": 2,
        "nh3n": 5,
    }
    assert r.parameters_missing == ("ph", "tcb", "fcb", "no3n")
    d = r.to_dict()
    assert d["limiting"] == ["nh3n"] and d["per_parameter"]["do"]["statistic"] == "P20"


def test_period_class_uses_p20_for_do_and_p80_for_bod_and_bacteria():
    do = [1.0, 2.5, 4.5, 5.0, 6.0, 6.5, 7.0, 7.0, 7.2, 7.5]  # one bad day of ten
    bod = [1.0, 1.1, 1.2, 1.2, 1.3, 1.4, 1.4, 1.5, 3.0, 8.0]
    fcb = [100, 200, 300, 400, 500, 600, 700, 800, 5000, 90000]
    r = period_class({"do": do, "bod": bod, "fcb": fcb})
    assert r.per_parameter["do"].value == pytest.approx(np.percentile(do, 20))
    assert r.per_parameter["do"].value == pytest.approx(4.1)  # 2.5 + 0.8 × (4.5 − 2.5)
    assert r.per_parameter["bod"].value == pytest.approx(1.8)  # 1.5 + 0.2 × (3.0 − 1.5)
    assert r.per_parameter["fcb"].value == pytest.approx(1640)  # 800 + 0.2 × (5000 − 800)
    assert {k: p.water_class for k, p in r.per_parameter.items()} == {
        "do": 3,
        "bod": 3,
        "fcb": 3,
    }
    assert r.water_class == 3 and r.limiting == ("do", "bod", "fcb")
    assert r.per_parameter["do"].count == 10


def test_period_class_one_bad_sample_does_not_decide_percentile_parameters():
    good = [7.0] * 9
    assert period_class({"do": [*good, 0.5]}).water_class == 2
    assert period_class({"do": [*good[:7], 0.5, 0.5, 0.5]}).water_class == 5


def test_period_class_every_value_counts_for_ph_and_ammonia():
    r = period_class({"ph": [7.0] * 9 + [9.5], "nh3n": [0.1] * 9 + [0.6]})
    assert r.per_parameter["ph"].statistic == "range"
    assert (r.per_parameter["ph"].value, r.per_parameter["ph"].value_hi) == (7.0, 9.5)
    assert r.per_parameter["nh3n"].value == 0.6
    assert r.water_class == 5 and r.limiting == ("ph", "nh3n")


def test_period_class_accepts_list_of_samples_and_skips_none():
    samples = [
        {"do": 6.5, "bod": 1.0},
        {"do": 6.1, "bod": None},
        {"do": 6.8, "bod": 1.2},
    ]
    r = period_class(samples)
    assert r.per_parameter["bod"].count == 2 and r.water_class == 2


def test_period_class_percentile_method_selectable():
    do = [1.0, 2.5, 4.5, 5.0, 6.0]
    linear = period_class({"do": do}).per_parameter["do"].value
    lower = period_class({"do": do}, percentile_method="lower").per_parameter["do"].value
    assert (linear, lower) == (pytest.approx(2.2), 1.0)
    with pytest.raises(WQIError, match="percentile method 'median-ish'"):
        period_class({"do": do}, percentile_method="median-ish")


@pytest.mark.parametrize(
    ("samples", "error", "message"),
    [
        ({}, MissingParameterError, "at least one of ph, do, bod"),
        ({"cod": [10]}, UnknownParameterError, "valid keys: ph, do, bod, tcb, fcb, no3n, nh3n"),
        ({"do": [5, -1]}, InvalidValueError, "below 0"),
        ({"ph": [15]}, InvalidValueError, "above 14"),
        ({"do": 5.0}, WQIError, "sequence of measurements"),
        ([5.0], WQIError, "not a mapping"),
    ],
)
def test_period_class_bad_input(samples, error, message):
    with pytest.raises(error, match=message):
        period_class(samples)
