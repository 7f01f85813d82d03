"""Readers on the full records in ``../shared/data/tides`` (opt-in: skipped when absent).

- Rijkswaterstaat DIA ``VLISSGN_obs19.txt`` (MET = UTC+1, cm, NAP) against the processed
  ``vlissingen_hourly_1976_1994.csv.gz`` (UTC, cm): identical after the hour shift.
  Latitude from the RD coordinates in the file: 51.4423 N (SOURCES.md: 51.442 N).
  Spike flags: 100 of 166,560 hours (kept).
- UTide's ``HNL2010.asc`` (days since 1700, mm) against ``honolulu_hourly_2010.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paknam.living.readers.water_levels import read_water_levels

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
TIDES = SHARED / "tides"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not TIDES.is_dir(), reason=f"shared tide data not found at {TIDES} (opt-in test)"
    ),
]


def test_readers_shared_dia_matches_processed_csv() -> None:
    dia = read_water_levels(TIDES / "original" / "VLISSGN_obs19.txt")
    csv = read_water_levels(TIDES / "vlissingen_hourly_1976_1994.csv.gz", flag=False)
    assert dia.metadata["format"] == "dia" and csv.metadata["format"] == "csv"
    assert dia.times.size == csv.times.size == 166_560
    assert dia.times[0] == np.datetime64("1975-12-31T23:00:00")  # 1976-01-01 00:00 MET
    np.testing.assert_array_equal(dia.times, csv.times)
    np.testing.assert_allclose(dia.levels_m, csv.levels_m, atol=1e-12)
    assert dia.metadata["source_unit"] == csv.metadata["source_unit"] == "cm"
    assert dia.metadata["datum"] == csv.metadata["datum"] == "NAP"
    assert dia.latitude == pytest.approx(51.442, abs=0.001)
    assert csv.latitude is None
    assert dia.metadata["gaps"]["missing_hours"] == 0
    assert dia.metadata["spikes"] == 100
    assert "digitizer" in dia.metadata["method"]


def test_readers_shared_honolulu_asc_matches_processed_csv() -> None:
    asc = read_water_levels(TIDES / "original" / "HNL2010.asc")
    csv = read_water_levels(TIDES / "honolulu_hourly_2010.csv")
    np.testing.assert_array_equal(asc.times, csv.times)
    np.testing.assert_allclose(asc.levels_m, csv.levels_m, atol=1e-12)
    assert asc.times.size == 8760
