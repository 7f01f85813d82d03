"""Astronomical arguments, nodal corrections and frequencies against UTide's ``FUV`` (the
reference implementation of Foreman's formulas), and the time conventions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from paknam.living.errors import HarmonicAnalysisError
from paknam.living.tides import astro, constituents, nodal, tidetime

utide_harmonics = pytest.importorskip("utide.harmonics")
utide_constants = pytest.importorskip("utide._ut_constants")

UTIDE_NAMES = list(utide_constants.ut_constants.const.name)
PYTHON_ORDINAL_OF_EPOCH = 693595.5  # 1899-12-31 12:00 as UTide's days since 0000-12-31


def utide_fuv(names: tuple[str, ...], ordinal_days: np.ndarray, latitude: float) -> tuple:
    index = np.array([UTIDE_NAMES.index(n) for n in names])
    return utide_harmonics.FUV(ordinal_days, ordinal_days[0], index, latitude, [0, 0, 0, 0])


@pytest.mark.parametrize("latitude", [13.6, 51.442, -33.9, 2.0, 0.0])
def test_harmonics_nodal_corrections_match_utide(latitude: float) -> None:
    # M7 aside (see test_harmonics_m7_phase_is_continuous): all 144 other constituents.
    names = tuple(n for n in constituents.NAMES if n != "M7")
    ordinal = np.linspace(727000.3, 731000.3, 41)
    f_ref, u_ref, v_ref = utide_fuv(names, ordinal, latitude if latitude else 1e-9)
    comp = nodal.composition(names)
    days = ordinal - PYTHON_ORDINAL_OF_EPOCH
    f, u = nodal.nodal_corrections(comp, days, latitude)
    v = nodal.equilibrium_arguments(comp, astro.arguments(days))
    np.testing.assert_allclose(f.T, f_ref, atol=1e-6)
    phase = (u + v).T - (u_ref + v_ref)
    assert np.abs((phase + 0.5) % 1.0 - 0.5).max() < 1e-6


def test_harmonics_nodal_grid_interpolation_is_accurate() -> None:
    comp = nodal.composition(("M2", "K1", "O1", "J1", "OO1", "M4", "MK3"))
    days = 40000.0 + np.arange(3 * 8766) / 24.0
    f_grid, u_grid = nodal.nodal_corrections(comp, days, 13.6)
    f_exact, u_exact = nodal.nodal_corrections(comp, days[::50], 13.6)
    assert np.abs(f_grid[:, ::50] - f_exact).max() < 5e-6
    assert np.abs(u_grid[:, ::50] - u_exact).max() < 2e-6


def test_harmonics_frequencies_match_table() -> None:
    comp = nodal.composition(constituents.NAMES)
    computed = nodal.frequencies(comp, 36000.0)  # 1998
    table = np.array([c.frequency for c in constituents.CONSTITUENTS])
    np.testing.assert_allclose(computed, table, atol=1e-9)


def test_harmonics_m7_phase_is_continuous() -> None:
    """T_TIDE/UTide reduce each argument to one cycle before taking 3.5 x M2, which makes
    UTide's M7 jump by half a cycle twice a day; ours advances smoothly."""
    comp = nodal.composition(("M7",))
    days = 40000.0 + np.arange(48) / 24.0
    v = nodal.equilibrium_arguments(comp, astro.arguments(days))[0]
    steps = np.diff(v)
    np.testing.assert_allclose(steps, 3.5 * 0.0805114007, atol=1e-6)


def test_harmonics_astronomical_rates_are_the_doodson_speeds() -> None:
    rates = astro.rates(40000.0)[:, 0] * 360.0 / 24.0  # deg/h
    assert rates[0] == pytest.approx(14.4920521, abs=1e-6)  # tau
    assert rates[1] == pytest.approx(0.5490165, abs=1e-6)  # s
    assert rates[2] == pytest.approx(0.0410686, abs=1e-6)  # h


def test_harmonics_times_accept_datetime64_and_aware_datetimes() -> None:
    as_numpy = tidetime.to_days(np.array(["2010-01-01T00:00", "NaT"], dtype="datetime64[m]"))
    assert as_numpy[0] == 40177.5 and np.isnan(as_numpy[1])
    bangkok = timezone(timedelta(hours=7))
    aware = tidetime.to_days([datetime(2010, 1, 1, 7, tzinfo=bangkok), None])
    assert aware[0] == 40177.5 and np.isnan(aware[1])
    assert tidetime.from_days(40177.5) == np.datetime64("2010-01-01T00:00")
    assert tidetime.to_days(datetime(2010, 1, 1, tzinfo=UTC))[0] == 40177.5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([datetime(2010, 1, 1)], "no UTC offset"),
        ([1.0, 2.0], "dtype float64 are not datetimes"),
        (["2010-01-01T00:00Z"], "are not datetimes"),
        ([datetime(2010, 1, 1, tzinfo=UTC), 5], "position 1 is not a datetime"),
    ],
)
def test_harmonics_times_reject_ambiguous_input(value: object, message: str) -> None:
    with pytest.raises(HarmonicAnalysisError, match=message):
        tidetime.to_days(value)
