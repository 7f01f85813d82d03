"""Malaysia DOE-WQI and dissolved-oxygen saturation.

DO saturation is checked against the published table: Standard Methods for the
Examination of Water and Wastewater, Table 4500-O:I (Benson & Krause 1984), fresh water
and by chlorinity, and the USGS value 8.26 mg/L at 25 °C.

DOE-WQI: **no published worked example** (inputs with DOE's own WQI) was found in the
material available to paknam (searched 2026: DOE Environmental Quality Reports, the DID
2009 trends study, papers applying the index — their inputs are not in the stored
excerpts). The expected values below are therefore computed by hand from the equations as
DOE publishes them (see ``paknam.environment.wqi.malaysia``), written out term by term so
they can be checked; they test the transcription, not agreement with a DOE-published
number. Replace or extend them with a published example when one is obtained.
"""

from __future__ import annotations

import math

import pytest

from paknam.environment.errors import InvalidValueError, MissingParameterError, WQIError
from paknam.environment.wqi.malaysia import (
    DOE_WEIGHTS,
    doe_class,
    doe_status,
    doe_sub_index,
    doe_wqi,
)
from paknam.environment.wqi.oxygen import (
    SALINITY_PER_CHLORINITY,
    do_percent_saturation,
    do_saturation,
)

# Standard Methods Table 4500-O:I, fresh water, 1 atm [°C: mg/L]
APHA_FRESH = {0: 14.621, 10: 11.288, 20: 9.092, 25: 8.263, 30: 7.559}
# Same table, 25 °C, by chlorinity [g/kg: mg/L]
APHA_25C_CHLORINITY = {10: 7.457, 20: 6.728}


@pytest.mark.parametrize(("temp", "expected"), APHA_FRESH.items())
def test_do_saturation_fresh_water_matches_standard_methods_table(temp, expected):
    assert do_saturation(temp) == pytest.approx(expected, abs=0.002)


def test_do_saturation_25c_is_8_26_mg_per_l():
    assert round(do_saturation(25.0), 2) == 8.26


@pytest.mark.parametrize(("chlorinity", "expected"), APHA_25C_CHLORINITY.items())
def test_do_saturation_with_salinity_matches_standard_methods_table(chlorinity, expected):
    salinity = SALINITY_PER_CHLORINITY * chlorinity
    assert do_saturation(25.0, salinity) == pytest.approx(expected, abs=0.002)


def test_do_saturation_pressure_correction():
    assert do_saturation(25.0, pressure_atm=1.0) == do_saturation(25.0)
    ratio = do_saturation(25.0, pressure_atm=0.9) / do_saturation(25.0)
    assert 0.89 < ratio < 0.90  # slightly below 0.9: water vapour takes its share


def test_do_percent_saturation():
    assert do_percent_saturation(8.263, 25.0) == pytest.approx(100.0, abs=0.01)
    assert do_percent_saturation(0, 29.0) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"temp_c": -1}, "below 0"),
        ({"temp_c": 51}, "above 50"),
        ({"temp_c": math.nan}, "NaN"),
        ({"temp_c": 25, "salinity": 50}, "above 45"),
        ({"temp_c": 25, "pressure_atm": 1013.25}, "outside 0.5-1.1 atm"),
    ],
)
def test_do_saturation_bad_input(kwargs, message):
    with pytest.raises(InvalidValueError, match=message):
        do_saturation(**kwargs)


# Sub-indices by hand from DOE's equations, term by term.
HAND = [
    ("do_sat", 8, 0.0),
    ("do_sat", 50, -0.395 + 0.030 * 50**2 - 0.00020 * 50**3),  # 49.605
    ("do_sat", 80, -0.395 + 0.030 * 80**2 - 0.00020 * 80**3),  # 89.205
    ("do_sat", 92, 100.0),
    ("do_sat", 120, 100.0),
    ("bod", 5, 100.4 - 4.23 * 5),  # 79.25
    ("bod", 10, 108 * math.exp(-0.055 * 10) - 0.1 * 10),  # 61.31
    ("cod", 20, 99.1 - 1.33 * 20),  # 72.5
    ("cod", 40, 103 * math.exp(-0.0157 * 40) - 0.04 * 40),  # 53.37
    ("nh3n", 0.3, 100.5 - 105 * 0.3),  # 69.0
    ("nh3n", 1.0, 94 * math.exp(-0.573) - 5 * 1.0),  # 48.00
    ("nh3n", 4.0, 0.0),
    ("ss", 100, 97.5 * math.exp(-0.676) + 0.05 * 100),  # 54.59
    ("ss", 200, 71 * math.exp(-0.0061 * 200) - 0.015 * 200),  # 17.96
    ("ss", 1000, 0.0),
    ("ph", 5.0, 17.2 - 17.2 * 5 + 5.02 * 25),  # 56.7
    ("ph", 6.0, -242 + 95.5 * 6 - 6.67 * 36),  # 90.88
    ("ph", 7.0, -181 + 82.4 * 7 - 6.05 * 49),  # 99.35
    ("ph", 9.0, 536 - 77.0 * 9 + 2.76 * 81),  # 66.56
]


@pytest.mark.parametrize(("parameter", "value", "expected"), HAND)
def test_doe_sub_index_follows_published_equations(parameter, value, expected):
    assert doe_sub_index(parameter, value) == pytest.approx(expected, abs=1e-9)


def test_doe_sub_index_hand_values_rounded():
    assert round(doe_sub_index("do_sat", 80), 3) == 89.205
    assert round(doe_sub_index("bod", 10), 2) == 61.31
    assert round(doe_sub_index("nh3n", 1.0), 2) == 48.00
    assert round(doe_sub_index("ph", 7.0), 2) == 99.35


def test_doe_sub_index_negative_branches_taken_as_zero():
    assert 108 * math.exp(-0.055 * 100) - 0.1 * 100 < 0
    assert doe_sub_index("bod", 100) == 0.0
    assert doe_sub_index("ss", 500) == 0.0
    assert doe_sub_index("cod", 300) == 0.0


def test_doe_weights_sum_to_one():
    assert sum(DOE_WEIGHTS.values()) == pytest.approx(1.0)


def test_doe_wqi_hand_computed_example():
    values = {"do_sat": 80, "bod": 5, "cod": 20, "nh3n": 0.3, "ss": 100, "ph": 7.0}
    expected = (
        0.22 * 89.205  # SIDO(80 %)
        + 0.19 * 79.25  # SIBOD(5)
        + 0.16 * 72.5  # SICOD(20)
        + 0.15 * 69.0  # SIAN(0.3)
        + 0.16 * (97.5 * math.exp(-0.676) + 5)  # SISS(100) = 54.593
        + 0.12 * 99.35  # SIpH(7)
    )  # 77.29
    r = doe_wqi(values)
    assert r.wqi_unrounded == pytest.approx(expected, abs=1e-9)
    assert (r.wqi, r.doe_class, r.status) == (77.3, "II", "slightly_polluted")
    assert r.sub_indices["do_sat"] == 89.2 and r.sub_indices["ss"] == 54.6
    assert "for comparison only" in r.method
    assert r.to_dict()["doe_class"] == "II"


def test_doe_wqi_from_do_in_mg_per_l_and_temperature():
    base = {"bod": 5, "cod": 20, "nh3n": 0.3, "ss": 100, "ph": 7.0}
    r = doe_wqi({**base, "do": 8.263, "temp": 25.0})
    assert r.do_saturation_pct == pytest.approx(100.0, abs=0.01)
    assert r.sub_indices["do_sat"] == 100.0
    salty = doe_wqi({**base, "DO": 6.0, "temperature": 29.0, "salinity": 20.0})
    fresh = doe_wqi({**base, "DO": 6.0, "temperature": 29.0})
    assert salty.do_saturation_pct > fresh.do_saturation_pct


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (100, "I"),
        (92.71, "I"),
        (92.7, "II"),
        (76.5, "II"),
        (76.49, "III"),
        (51.9, "III"),
        (51.89, "IV"),
        (31.0, "IV"),
        (30.99, "V"),
        (0, "V"),
    ],
)
def test_doe_class_edges(value, cls):
    assert doe_class(value) == cls


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (81, "clean"),
        (80.01, "clean"),
        (80, "slightly_polluted"),
        (60, "slightly_polluted"),
        (59.99, "polluted"),
        (0, "polluted"),
    ],
)
def test_doe_status_edges(value, status):
    assert doe_status(value) == status


def test_doe_wqi_missing_inputs_named():
    with pytest.raises(MissingParameterError, match=r"missing: do, temp \(or do_sat\), cod"):
        doe_wqi({"bod": 5, "nh3n": 0.3, "ss": 100, "ph": 7})
    with pytest.raises(MissingParameterError, match="missing: ph"):
        doe_wqi({"do_sat": 80, "bod": 5, "cod": 20, "nh3n": 0.3, "ss": 100})


def test_doe_wqi_bad_values():
    with pytest.raises(InvalidValueError, match="below 0"):
        doe_wqi({"do_sat": 80, "bod": -5, "cod": 20, "nh3n": 0.3, "ss": 100, "ph": 7})
    with pytest.raises(WQIError, match="given twice"):
        doe_wqi({"ss": 1, "tss": 2})
    with pytest.raises(WQIError, match="outside 0-100"):
        doe_class(-1)
