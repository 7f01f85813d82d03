"""Thai AQI over arrays: equal to the scalar exact results, missing values, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from paknam.environment.aqi.array import (
    MISSING,
    aqi_array,
    aqi_from_concentrations,
    sub_index_array,
    sub_index_units,
    to_units,
    units_to_concentration,
)
from paknam.environment.aqi.index import compute_aqi, sub_index
from paknam.environment.aqi.tables import (
    POLLUTANT_KEYS,
    TABLE_CURRENT,
    TABLE_PRE_2023,
    TIE_ORDER_BMA,
)
from paknam.environment.errors import AQIError, InvalidConcentrationError

CURRENT_DAY = dt.date(2026, 1, 15)
PRE_DAY = dt.date(2023, 5, 31)
# Upper end of the grid per pollutant, in table steps: past the point where every rule above
# the table is constant or capped (PM2.5 375.0, PM10 781, O3 420).
GRID_END = {"pm25": 4000, "pm10": 900, "o3": 500, "co": 400, "no2": 500, "so2": 600}


@pytest.mark.parametrize("day", [CURRENT_DAY, PRE_DAY], ids=["current", "pre_2023"])
@pytest.mark.parametrize("pollutant", POLLUTANT_KEYS)
def test_sub_index_units_equals_scalar_full_grid(pollutant, day):
    table = TABLE_CURRENT if day == CURRENT_DAY else TABLE_PRE_2023
    d = table.scales[pollutant].decimals
    units = np.r_[np.arange(GRID_END[pollutant] + 1), 10**6, 10**7]
    got = sub_index_units(pollutant, units, date=day)
    want = [sub_index(pollutant, Decimal(int(u)).scaleb(-d), date=day) for u in units]
    assert got.tolist() == want


@pytest.mark.parametrize("pollutant", POLLUTANT_KEYS)
def test_sub_index_array_float_equals_scalar(pollutant):
    rng = np.random.default_rng(7)
    raw = rng.gamma(2.0, 40.0, 8000)
    x = np.concatenate([np.round(part, d) for d, part in enumerate(np.split(raw, 4))])
    halves = np.array([0.05, 0.15, 0.25, 39.25, 4.45, 25.05, 35.5, 60.5, 2.5, 0.5, 1e6, 1e12])
    # floats one ulp either side of a half step must follow their shortest repr, like the scalar
    beside = np.r_[np.nextafter(halves, 0), np.nextafter(halves, np.inf), 0.1 + 0.2, 37.55 * 3]
    x = np.r_[x, halves, beside, np.arange(0, 100, 0.05)]
    got = sub_index_array(pollutant, x, date=CURRENT_DAY)
    want = [sub_index(pollutant, float(v), date=CURRENT_DAY) for v in x]
    assert got.tolist() == want


def test_sub_index_array_pm25_39_3_is_106():
    assert sub_index_array("pm25", [39.3], date=CURRENT_DAY).tolist() == [106]


def test_sub_index_array_nan_is_missing():
    got = sub_index_array("pm10", [[np.nan, 100.0], [20.0, np.nan]], date=CURRENT_DAY)
    assert got.tolist() == [[MISSING, 75], [10, MISSING]]
    assert got.dtype == np.int32


def test_sub_index_array_negative_rejected_with_index():
    with pytest.raises(InvalidConcentrationError) as err:
        sub_index_array("so2", [[1.0, 2.0], [-0.5, -3.0]])
    msg = str(err.value)
    assert "SO2 value -0.5 ppb at index (1, 0) is below 0" in msg
    assert "2 such values" in msg and "0 ≤ value" in msg


def test_sub_index_array_infinite_rejected():
    with pytest.raises(InvalidConcentrationError, match="not finite"):
        sub_index_array("o3", [1.0, np.inf])


def test_sub_index_array_unknown_pollutant_rejected():
    with pytest.raises(AQIError, match="valid keys: pm25, pm10"):
        sub_index_array("pm1", [1.0])


def test_to_units_round_trip():
    x = np.array([0.0, 39.3, 75.1, np.nan, 0.15])
    u = to_units("pm25", x, date=CURRENT_DAY)
    assert u.tolist() == [0, 393, 751, MISSING, 2]
    back = units_to_concentration("pm25", u, date=CURRENT_DAY)
    np.testing.assert_allclose(back, [0.0, 39.3, 75.1, np.nan, 0.2])
    assert to_units("pm25", [39.5], date=PRE_DAY).tolist() == [40]


def test_aqi_array_max_ties_and_missing():
    subs = {
        "pm25": [10, 50, MISSING, 30, MISSING],
        "pm10": [10, 40, 20, 31, MISSING],
        "o3": [5, 50, 20, MISSING, MISSING],
    }
    r = aqi_array(subs)
    assert r.aqi.tolist() == [10, 50, 20, 31, MISSING]
    assert r.pollutant_keys().tolist() == ["pm10", "pm25", "pm10", "pm10", ""]
    assert r.pollutant_code.tolist() == [1, 0, 1, 1, MISSING]
    r_bma = aqi_array(subs, tie_order=TIE_ORDER_BMA)
    assert r_bma.pollutant_keys().tolist() == ["pm25", "pm25", "pm10", "pm10", ""]


def test_aqi_array_nothing_given_rejected():
    with pytest.raises(AQIError, match="at least one"):
        aqi_array({})


def test_aqi_array_shapes_differ_rejected():
    with pytest.raises(AQIError, match=r"differ in shape: \{'pm25': \(2,\), 'o3': \(3,\)\}"):
        aqi_array({"pm25": [1, 2], "o3": [1, 2, 3]})


def test_aqi_array_same_pollutant_twice_rejected():
    with pytest.raises(AQIError, match="given twice"):
        aqi_array({"pm25": [1], "PM2.5": [2]})


def test_aqi_from_concentrations_equals_compute_aqi():
    rng = np.random.default_rng(5)
    n = 400
    vals = {
        "pm25": np.round(rng.gamma(2, 20, n), 1),
        "pm10": np.round(rng.gamma(2, 40, n)),
        "o3": np.round(rng.gamma(2, 20, n)),
        "co": np.round(rng.gamma(2, 1, n), 1),
    }
    vals["pm10"][::7] = np.nan
    r = aqi_from_concentrations(vals, date=CURRENT_DAY)
    for i in range(n):
        given = {k: (None if np.isnan(v[i]) else float(v[i])) for k, v in vals.items()}
        want = compute_aqi(given, date=CURRENT_DAY)
        assert (int(r.aqi[i]), str(r.pollutant_keys()[i])) == (want.aqi, want.pollutant)
    assert r.table == "current_2023"
