"""Thai AQI, scalar and exact: tables, breakpoint edges, rounding, dates, levels, errors."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from paknam.environment.aqi import tables as aqi_tables
from paknam.environment.aqi.index import (
    AQIResult,
    compute_aqi,
    concentration_at_precision,
    normalize_pollutant,
    sub_index,
    sub_indices,
    table_on,
)
from paknam.environment.aqi.levels import LEVELS, LEVELS_BY_KEY, level_for
from paknam.environment.aqi.tables import (
    AQI_MAX,
    POLLUTANT_KEYS,
    TABLE_CURRENT,
    TABLE_PRE_2023,
    TIE_ORDER_BMA,
    TIE_ORDER_PCD,
    table_for_date,
    tie_order_for_station,
)
from paknam.environment.errors import (
    AQIError,
    InvalidConcentrationError,
    UnknownPollutantError,
)

CURRENT_DAY = dt.date(2026, 1, 15)
PRE_DAY = dt.date(2023, 5, 31)
DAY_OF = {TABLE_CURRENT.key: CURRENT_DAY, TABLE_PRE_2023.key: PRE_DAY}

# The CSV transcription in shared/data/air/thai_aqi_breakpoints.csv, restated by hand so that
# a typo in aqi/tables.py cannot pass unnoticed.
EXPECTED_BANDS = {
    "current_2023": {
        "pm25": [
            (0, 25, "0.0", "15.0"),
            (26, 50, "15.1", "25.0"),
            (51, 100, "25.1", "37.5"),
            (101, 200, "37.6", "75.0"),
        ],
        "pm10": [
            (0, 25, "0", "50"),
            (26, 50, "51", "80"),
            (51, 100, "81", "120"),
            (101, 200, "121", "180"),
        ],
        "o3": [
            (0, 25, "0", "35"),
            (26, 50, "36", "50"),
            (51, 100, "51", "70"),
            (101, 200, "71", "120"),
        ],
        "co": [
            (0, 25, "0.0", "4.4"),
            (26, 50, "4.5", "6.4"),
            (51, 100, "6.5", "9.0"),
            (101, 200, "9.1", "30.0"),
        ],
        "no2": [
            (0, 25, "0", "60"),
            (26, 50, "61", "106"),
            (51, 100, "107", "170"),
            (101, 200, "171", "340"),
        ],
        "so2": [
            (0, 25, "0", "100"),
            (26, 50, "101", "200"),
            (51, 100, "201", "300"),
            (101, 200, "301", "400"),
        ],
    },
}
EXPECTED_BANDS["pre_2023"] = dict(EXPECTED_BANDS["current_2023"]) | {
    "pm25": [
        (0, 25, "0", "25"),
        (26, 50, "26", "37"),
        (51, 100, "38", "50"),
        (101, 200, "51", "90"),
    ],
}
EXPECTED_TOP_START = {
    "current_2023": {
        "pm25": "75.1",
        "pm10": "181",
        "o3": "121",
        "co": "30.1",
        "no2": "341",
        "so2": "401",
    },
    "pre_2023": {
        "pm25": "91",
        "pm10": "181",
        "o3": "121",
        "co": "30.1",
        "no2": "341",
        "so2": "401",
    },
}
# First sub-index of level 5, as the air4thai feed shows it (O3 121 ppb is 202, not 201).
EXPECTED_TOP_AQI = {"pm25": 201, "pm10": 201, "o3": 202, "co": 201, "no2": 201, "so2": 201}


def _edges():
    """(table, pollutant, concentration, expected sub-index) at every band edge."""
    for table in (TABLE_CURRENT, TABLE_PRE_2023):
        for key, bands in EXPECTED_BANDS[table.key].items():
            for ilo, ihi, xlo, xhi in bands:
                yield table.key, key, xlo, ilo
                yield table.key, key, xhi, ihi
            yield table.key, key, EXPECTED_TOP_START[table.key][key], EXPECTED_TOP_AQI[key]


EDGES = list(_edges())


@pytest.mark.parametrize("table", [TABLE_CURRENT, TABLE_PRE_2023], ids=lambda t: t.key)
def test_tables_match_transcription(table):
    assert tuple(table.scales) == POLLUTANT_KEYS
    for key, scale in table.scales.items():
        got = [(b.aqi_lo, b.aqi_hi, b.conc_lo, b.conc_hi) for b in scale.bands]
        want = [(a, b, Decimal(x), Decimal(y)) for a, b, x, y in EXPECTED_BANDS[table.key][key]]
        assert got == want, key
        assert scale.top_start == Decimal(EXPECTED_TOP_START[table.key][key])


@pytest.mark.parametrize("table", [TABLE_CURRENT, TABLE_PRE_2023], ids=lambda t: t.key)
def test_tables_bands_contiguous_at_precision(table):
    for key, scale in table.scales.items():
        q = scale.quantum
        for band, nxt in zip(scale.bands, scale.bands[1:], strict=False):
            assert nxt.conc_lo == band.conc_hi + q, key
            assert nxt.aqi_lo == band.aqi_hi + 1, key
        assert scale.top_start == scale.bands[-1].conc_hi + q, key
        assert scale.bands[0].conc_lo == 0 and scale.bands[0].aqi_lo == 0
        for b in scale.bands:
            assert b.conc_lo == b.conc_lo.quantize(q) and b.conc_hi == b.conc_hi.quantize(q)


def test_tables_precision_per_pollutant():
    assert {k: s.decimals for k, s in TABLE_CURRENT.scales.items()} == {
        "pm25": 1,
        "pm10": 0,
        "o3": 0,
        "co": 1,
        "no2": 0,
        "so2": 0,
    }
    assert TABLE_PRE_2023.scales["pm25"].decimals == 0


@pytest.mark.parametrize(("table_key", "pollutant", "conc", "expected"), EDGES)
def test_sub_index_breakpoint_edge(table_key, pollutant, conc, expected):
    assert sub_index(pollutant, conc, date=DAY_OF[table_key]) == expected


@pytest.mark.parametrize(("table_key", "pollutant", "conc", "expected"), EDGES)
def test_sub_index_breakpoint_edge_given_as_float(table_key, pollutant, conc, expected):
    assert sub_index(pollutant, float(conc), date=DAY_OF[table_key]) == expected


def test_sub_index_pm25_39_3_is_106():
    # Exactly 105.5: PCD rounds half up. Floats give 105.4999… and round() gives 105.
    assert sub_index("pm25", 39.3, date=CURRENT_DAY) == 106
    assert sub_index("pm25", "39.3", date=CURRENT_DAY) == 106
    assert sub_index("pm25", Decimal("39.3"), date=CURRENT_DAY) == 106
    naive = (200 - 101) / (75.0 - 37.6) * (39.3 - 37.6) + 101
    assert round(naive) == 105  # why floats are not enough


@pytest.mark.parametrize(
    ("pollutant", "conc", "expected"),
    [
        ("pm25", "20", 38),  # 24/9.9 × 4.9 + 26 = 37.88
        ("pm25", "37.5", 100),
        ("pm25", "37.6", 101),
        ("pm10", "100", 75),  # 49/39 × 19 + 51 = 74.87
        ("o3", "1", 1),  # 0.71 → 1
        ("so2", "2", 1),  # 0.5 → 1, half up (half-even would give 0)
        ("so2", "6", 2),  # 1.5 → 2
        ("co", "0.2", 1),  # 1.136
        ("no2", "30", 13),  # 12.5 → 13, half up (half-even would give 12)
    ],
)
def test_sub_index_interpolation_half_up(pollutant, conc, expected):
    assert sub_index(pollutant, conc, date=CURRENT_DAY) == expected


@pytest.mark.parametrize(
    ("pollutant", "conc", "expected"),
    [
        ("pm25", "75.1", 201),
        ("pm25", "75.9", 201),
        ("pm25", "76.0", 202),
        ("pm25", "120.2", 246),
        ("pm25", "356.4", 482),
        ("pm25", "374.9", 500),
        ("pm25", "375.0", 501),
        ("pm25", "790.0", 501),
        ("pm10", "181", 201),
        ("pm10", "182", 202),
        ("pm10", "183", 202),
        ("pm10", "184", 203),
        ("pm10", "414", 318),
        ("o3", "121", 202),
        ("o3", "290", 371),
        ("o3", "420", 501),
        ("o3", "1000", 501),
        ("no2", "341", 201),
        ("no2", "586", 201),
        ("co", "50", 201),
        ("so2", "1000", 201),
    ],
)
def test_sub_index_above_table_follows_feed(pollutant, conc, expected):
    assert sub_index(pollutant, conc, date=CURRENT_DAY) == expected


def test_sub_index_above_table_capped_at_501():
    for key in POLLUTANT_KEYS:
        assert sub_index(key, 10**9, date=CURRENT_DAY) <= AQI_MAX
        assert sub_index(key, "1e30", date=CURRENT_DAY) <= AQI_MAX


@pytest.mark.parametrize(
    ("pollutant", "given", "expected"),
    [
        ("pm25", "39.25", "39.3"),  # half up
        ("pm25", "39.249", "39.2"),
        ("pm25", 0.15, "0.2"),  # float 0.1499999… read as 0.15
        ("co", "4.45", "4.5"),
        ("o3", "35.5", "36"),
        ("o3", "35.49", "35"),
        ("no2", 60.5, "61"),
    ],
)
def test_concentration_at_precision_rounds_half_up(pollutant, given, expected):
    assert concentration_at_precision(pollutant, given, date=CURRENT_DAY) == Decimal(expected)


def test_concentration_at_precision_fills_gaps_between_bands():
    # 25.05 is between the 15.1-25.0 and 25.1-37.5 bands; rounding puts it in the upper one.
    assert sub_index("pm25", "25.05", date=CURRENT_DAY) == 51
    assert sub_index("pm25", "25.04", date=CURRENT_DAY) == 50
    assert sub_index("o3", "35.5", date=CURRENT_DAY) == 26


def test_table_for_date_switches_on_2023_06_01():
    assert table_for_date(dt.date(2023, 5, 31)) is TABLE_PRE_2023
    assert table_for_date(dt.date(2023, 6, 1)) is TABLE_CURRENT
    assert table_for_date(dt.date(2019, 1, 1)) is TABLE_PRE_2023


def test_table_on_default_is_today_current():
    assert table_on() is TABLE_CURRENT
    assert sub_index("pm25", 39.3) == 106


def test_table_on_datetime_uses_thai_date():
    # 2023-05-31 17:30 UTC is 2023-06-01 00:30 in Bangkok: the new table.
    utc = dt.datetime(2023, 5, 31, 17, 30, tzinfo=dt.UTC)
    assert table_on(utc) is TABLE_CURRENT
    assert table_on(dt.datetime(2023, 5, 31, 23, 30)) is TABLE_PRE_2023


def test_sub_index_date_selects_pm25_table():
    assert sub_index("pm25", 30, date=dt.date(2023, 5, 31)) == 35  # 24/11 × 4 + 26
    assert sub_index("pm25", 30, date=dt.date(2023, 6, 1)) == 70  # 49/12.4 × 4.9 + 51
    assert sub_index("pm25", "39.3", date=PRE_DAY) == 55  # 39 in 38-50
    assert sub_index("pm25", 100, date=PRE_DAY) == 201


def test_sub_index_date_other_pollutants_unchanged():
    for key in POLLUTANT_KEYS[1:]:
        for conc in ("0", "7", "55", "123", "350"):
            assert sub_index(key, conc, date=PRE_DAY) == sub_index(key, conc, date=CURRENT_DAY)


@pytest.mark.parametrize("name", ["pm25", "PM25", "PM2.5", " pm2.5 ", "Pm25"])
def test_normalize_pollutant_aliases(name):
    assert normalize_pollutant(name) == "pm25"


@pytest.mark.parametrize("value", [-0.1, -3, "-1", Decimal("-0.01")])
def test_sub_index_negative_rejected(value):
    with pytest.raises(InvalidConcentrationError) as err:
        sub_index("pm25", value)
    msg = str(err.value)
    assert "PM2.5" in msg and str(value) in msg and "below 0" in msg and "0 ≤ value" in msg
    assert isinstance(err.value, ValueError)
    assert err.value.pollutant == "pm25"


def test_errors_join_core_hierarchy():
    from paknam.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        sub_index("no2", -1)
    assert err.value.field == "no2"
    with pytest.raises(InvalidInput) as err:
        sub_index("xx", 1)
    assert err.value.field == "pollutant"


@pytest.mark.parametrize("value", [math.nan, "nan", Decimal("NaN")])
def test_sub_index_nan_rejected(value):
    with pytest.raises(InvalidConcentrationError, match=r"PM10 value .* is NaN.*0 or more"):
        sub_index("pm10", value)


@pytest.mark.parametrize("value", [math.inf, "Infinity"])
def test_sub_index_infinite_rejected(value):
    with pytest.raises(InvalidConcentrationError, match=r"O3 value .* not finite.*0 ≤ value"):
        sub_index("o3", value)


@pytest.mark.parametrize("value", ["abc", "", None, True, [1], object()])
def test_sub_index_not_a_number_rejected(value):
    with pytest.raises(InvalidConcentrationError, match=r"CO value .* not a number.*ppm"):
        sub_index("co", value)


@pytest.mark.parametrize("name", ["pm1", "PM 2.5", "", "ozone", 25])
def test_sub_index_unknown_pollutant_rejected(name):
    with pytest.raises(UnknownPollutantError) as err:
        sub_index(name, 10)
    msg = str(err.value)
    assert repr(name) in msg
    assert "pm25, pm10, o3, co, no2, so2" in msg
    assert isinstance(err.value, ValueError)


def test_sub_indices_skips_none_and_orders_keys():
    got = sub_indices({"so2": 2, "PM2.5": "39.3", "o3": None}, date=CURRENT_DAY)
    assert got == {"pm25": 106, "so2": 1}
    assert list(got) == ["pm25", "so2"]


def test_sub_indices_same_pollutant_twice_rejected():
    with pytest.raises(AQIError, match="given twice"):
        sub_indices({"pm25": 1, "PM2.5": 2})


def test_compute_aqi_max_and_pollutant():
    r = compute_aqi({"pm25": 20, "pm10": 100, "o3": 30}, date=CURRENT_DAY)
    assert isinstance(r, AQIResult)
    assert (r.aqi, r.pollutant, r.level, r.level_key) == (75, "pm10", 3, "moderate")
    assert r.sub_indices == {"pm25": 38, "pm10": 75, "o3": 21}
    assert (r.level_name_th, r.level_name_en, r.color) == ("ปานกลาง", "moderate", "#FDC04E")
    assert r.table == "current_2023"
    assert r.level_info is LEVELS[2]


def test_compute_aqi_ties_follow_pcd_order():
    # PM2.5 5.7 → 9.5 → 10 and PM10 20 → 10.0: both 10; PCD stations name PM10 (58t, feed).
    assert compute_aqi({"pm25": 5.7, "pm10": 20}, date=CURRENT_DAY).pollutant == "pm10"
    bma = compute_aqi({"pm25": 5.7, "pm10": 20}, date=CURRENT_DAY, tie_order=TIE_ORDER_BMA)
    assert bma.pollutant == "pm25"
    # O3 and CO tie: CO is named (feed); PM2.5 and O3: PM2.5.
    assert compute_aqi({"o3": 7, "co": "0.9"}, date=CURRENT_DAY).pollutant == "co"
    assert compute_aqi({"o3": 7, "pm25": "3.0"}, date=CURRENT_DAY).pollutant == "pm25"


def test_tie_order_for_station_bma_prefix():
    assert tie_order_for_station("bkp102t") == TIE_ORDER_BMA
    assert tie_order_for_station("18t") == TIE_ORDER_PCD
    assert tie_order_for_station("o65") == TIE_ORDER_PCD


def test_compute_aqi_nothing_given_rejected():
    with pytest.raises(AQIError, match="at least one of pm25"):
        compute_aqi({"pm25": None})
    with pytest.raises(AQIError, match="at least one"):
        compute_aqi({})


def test_compute_aqi_bad_tie_order_rejected():
    with pytest.raises(AQIError, match="tie_order"):
        compute_aqi({"pm25": 1}, tie_order=("pm25", "pm10"))


def test_compute_aqi_to_dict_is_json_ready():
    d = compute_aqi({"pm25": 80}, date=CURRENT_DAY).to_dict()
    assert d["aqi"] == 206 and d["level"] == 5 and d["sub_indices"] == {"pm25": 206}
    assert d["level_key"] == "affects_health" and d["color"] == "#CD0000"


@pytest.mark.parametrize(
    ("aqi", "level"),
    [(0, 1), (25, 1), (26, 2), (50, 2), (51, 3), (100, 3), (101, 4), (200, 4), (201, 5), (501, 5)],
)
def test_level_for_boundaries(aqi, level):
    assert level_for(aqi).number == level


def test_level_for_negative_rejected():
    with pytest.raises(AQIError, match="below 0"):
        level_for(-1)


def test_levels_names_and_colours():
    assert [(lv.number, lv.key, lv.name_th, lv.color) for lv in LEVELS] == [
        (1, "very_good", "ดีมาก", "#00BFF3"),
        (2, "good", "ดี", "#00A651"),
        (3, "moderate", "ปานกลาง", "#FDC04E"),
        (4, "starting_to_affect_health", "เริ่มมีผลกระทบต่อสุขภาพ", "#F26522"),
        (5, "affects_health", "มีผลกระทบต่อสุขภาพ", "#CD0000"),
    ]
    assert LEVELS_BY_KEY["moderate"].number == 3


def test_levels_masks_at_risk_from_3_everyone_from_4():
    for lv in LEVELS:
        assert lv.mask_at_risk == (lv.number >= 3)
        assert lv.mask_general == (lv.number >= 4)
        assert ("หน้ากาก" in lv.advice_at_risk_th) == lv.mask_at_risk
        assert ("mask" in lv.advice_at_risk_en) == lv.mask_at_risk
        assert ("หน้ากาก" in lv.advice_general_th) == lv.mask_general
        assert ("mask" in lv.advice_general_en) == lv.mask_general


def test_levels_advice_thai_and_english_present():
    for lv in LEVELS:
        for text in (lv.advice_general_th, lv.advice_at_risk_th):
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in text)
        for text in (lv.advice_general_en, lv.advice_at_risk_en):
            assert text.isascii() and text.endswith(".")


def test_public_surface_is_locked():
    from paknam.environment.aqi import array as aqi_array
    from paknam.environment.aqi import index as aqi
    from paknam.environment.aqi import rolling as aqi_rolling

    assert sorted(aqi.__all__) == [
        "AQIResult",
        "compute_aqi",
        "concentration_at_precision",
        "normalize_pollutant",
        "sub_index",
        "sub_indices",
        "table_on",
    ]
    assert "sub_index_array" in aqi_array.__all__
    assert "rolling_mean_units" in aqi_rolling.__all__
    assert "table_for_date" in aqi_tables.__all__
