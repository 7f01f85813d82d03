import math

import pytest

from paknam.core.errors import NotFound
from paknam.core.quantities import QUANTITIES, get_quantity


def test_quantities_codes_unique_and_ranges_ordered() -> None:
    codes = [q.code for q in QUANTITIES]
    assert len(codes) == len(set(codes))
    for q in QUANTITIES:
        if q.minimum is not None and q.maximum is not None:
            assert q.minimum < q.maximum, q.code


@pytest.mark.parametrize(
    ("code", "value", "ok"),
    [
        ("pm25", 0.0, True),
        ("pm25", -0.1, False),
        ("ph", 14.0, True),
        ("ph", 14.01, False),
        ("do", 25.0, True),
        ("do", 25.5, False),
        ("air_temperature", -10.0, True),
        ("air_temperature", 61.0, False),
        ("wind_direction", 360.0, True),
        ("wind_direction", 360.5, False),
        ("grid_power", -5.0, True),
    ],
)
def test_quantity_check_range_edges(code: str, value: float, ok: bool) -> None:
    assert (get_quantity(code).check(value) is None) is ok


def test_quantity_check_names_value_unit_and_limit() -> None:
    reason = get_quantity("pm25").check(-3.0)
    assert reason == "pm25 value -3 µg/m³ is below 0 µg/m³"
    assert "NaN" in (get_quantity("ph").check(math.nan) or "")
    assert "infinite" in (get_quantity("ph").check(math.inf) or "")


def test_quantity_unknown_lists_known_codes() -> None:
    with pytest.raises(NotFound, match=r"unknown quantity 'pm2\.5'.*pm25"):
        get_quantity("pm2.5")


def test_quantity_water_level_needs_datum() -> None:
    assert get_quantity("water_level").needs_datum
    assert get_quantity("water_level").unit == "m"
