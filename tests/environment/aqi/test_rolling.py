"""Rolling means from hourly data with gaps, exact AQI inputs, and the hourly AQI chain."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from paknam.environment.aqi.array import MISSING
from paknam.environment.aqi.index import compute_aqi
from paknam.environment.aqi.rolling import (
    MIN_VALID_HOURS,
    aqi_from_hourly,
    rolling_mean,
    rolling_mean_units,
)
from paknam.environment.aqi.tables import POLLUTANT_KEYS, POLLUTANTS, TABLE_CURRENT
from paknam.environment.errors import AQIError, InvalidConcentrationError

CURRENT_DAY = dt.date(2026, 1, 15)


def test_min_valid_hours_documented_values():
    assert dict(MIN_VALID_HOURS) == {24: 18, 8: 6, 1: 1}
    assert {k: p.averaging_h for k, p in POLLUTANTS.items()} == {
        "pm25": 24,
        "pm10": 24,
        "o3": 8,
        "co": 8,
        "no2": 1,
        "so2": 1,
    }


@pytest.mark.parametrize("window", [1, 8, 24])
def test_rolling_mean_matches_pandas(window):
    rng = np.random.default_rng(3)
    x = rng.gamma(2.0, 15.0, (4, 500))
    x[rng.random(x.shape) < 0.2] = np.nan
    x[1, 100:140] = np.nan  # a long gap
    m = MIN_VALID_HOURS[window]
    got = rolling_mean(x, window)
    want = pd.DataFrame(x.T).rolling(window, min_periods=m).mean().to_numpy().T
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_rolling_mean_min_valid_hours():
    x = np.full(24, 10.0)
    x[:6] = np.nan  # 18 valid
    assert rolling_mean(x, 24)[-1] == 10.0
    x[6] = np.nan  # 17 valid
    assert np.isnan(rolling_mean(x, 24)[-1])
    assert rolling_mean(x, 24, min_valid=17)[-1] == 10.0
    assert np.isnan(rolling_mean(np.full(30, 5.0), 24)[16])  # only 17 hours so far
    assert rolling_mean(np.full(30, 5.0), 24)[17] == 5.0


def test_rolling_mean_infinite_is_missing():
    x = np.r_[np.inf, np.full(30, 2.0)]
    assert rolling_mean(x, 24)[-1] == 2.0


def test_rolling_mean_units_bad_hourly_decimals_rejected():
    with pytest.raises(AQIError, match="hourly_decimals 9"):
        rolling_mean_units("pm25", [1.0], hourly_decimals=9)


def test_rolling_mean_bad_window_rejected():
    with pytest.raises(AQIError, match="window"):
        rolling_mean([1.0], 0)
    with pytest.raises(AQIError, match="min_valid"):
        rolling_mean([1.0], 8, min_valid=9)


def _decimal_rolling(pollutant, row, decimals, hourly_decimals=3):
    """Reference: Decimal means over the trailing window, rounded half up."""
    w = POLLUTANTS[pollutant].averaging_h
    m = MIN_VALID_HOURS[w]
    hq = Decimal(1).scaleb(-hourly_decimals)
    vals = [
        None if np.isnan(v) else Decimal(repr(float(v))).quantize(hq, ROUND_HALF_UP) for v in row
    ]
    out = []
    for t in range(len(vals)):
        win = [v for v in vals[max(0, t - w + 1) : t + 1] if v is not None]
        if len(win) < m:
            out.append(MISSING)
        else:
            mean = sum(win) / len(win)
            out.append(
                int(mean.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP).scaleb(decimals))
            )
    return out


@pytest.mark.parametrize("pollutant", POLLUTANT_KEYS)
def test_rolling_mean_units_equals_decimal_reference(pollutant):
    rng = np.random.default_rng(11)
    decimals_hourly = 2 if pollutant == "co" else 1
    x = np.round(rng.gamma(2.0, 20.0 if pollutant != "co" else 0.5, (3, 120)), decimals_hourly)
    x[rng.random(x.shape) < 0.15] = np.nan
    got = rolling_mean_units(pollutant, x, date=CURRENT_DAY)
    d = TABLE_CURRENT.scales[pollutant].decimals
    for i in range(x.shape[0]):
        assert got[i].tolist() == _decimal_rolling(pollutant, x[i], d)


def test_rolling_mean_units_exact_half_up():
    # 23 × 10.0 + 11.2 = 241.2; / 24 = 10.05 exactly → 10.1. The float mean is 10.04999…
    x = np.r_[np.full(23, 10.0), 11.2]
    assert rolling_mean(x, 24)[-1] < 10.05
    assert rolling_mean_units("pm25", x, date=CURRENT_DAY)[-1] == 101


def test_rolling_mean_units_negative_rejected():
    with pytest.raises(InvalidConcentrationError, match=r"PM2\.5 value -1\.0 µg/m³ at index"):
        rolling_mean_units("pm25", [1.0, -1.0])


def test_aqi_from_hourly_equals_scalar_chain():
    rng = np.random.default_rng(9)
    hours = 72
    hourly = {
        "pm25": np.round(rng.gamma(2, 20, (2, hours)), 1),
        "o3": np.round(rng.gamma(2, 15, (2, hours)), 1),
        "no2": np.round(rng.gamma(2, 10, (2, hours)), 1),
    }
    hourly["pm25"][0, 30:40] = np.nan
    r = aqi_from_hourly(hourly, date=CURRENT_DAY)
    for s in range(2):
        means = {
            k: _decimal_rolling(k, v[s], TABLE_CURRENT.scales[k].decimals)
            for k, v in hourly.items()
        }
        for t in range(hours):
            given = {
                k: (
                    None
                    if u[t] == MISSING
                    else Decimal(u[t]).scaleb(-TABLE_CURRENT.scales[k].decimals)
                )
                for k, u in means.items()
            }
            if all(v is None for v in given.values()):
                assert r.aqi[s, t] == MISSING
                continue
            want = compute_aqi(given, date=CURRENT_DAY)
            assert (int(r.aqi[s, t]), str(r.pollutant_keys()[s, t])) == (want.aqi, want.pollutant)
            assert r.sub_indices["pm25"][s, t] == want.sub_indices.get("pm25", MISSING)
