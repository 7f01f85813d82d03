"""Thai marine WQI (MWQI) bands against what PCD published in its 2023 coastal survey.

``tests/data/water_pcd_mwqi_2023.csv`` holds PCD's published MWQI and class (``Criteria``)
of all 420 rows of ``shared/data/water/pcd_marine_water_quality_2023_part*.csv``.

PCD's MWQI **formula was not found**, so paknam does not compute the index and cannot
reproduce PCD's values (Samut Prakan, 12 June 2023: Spdp1 12, Spks1 16, Spmc5 28). Only the
classifier is tested here; no test pretends otherwise.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

import paknam.environment.wqi.marine as mwqi_module
from paknam.environment.errors import WQIError
from paknam.environment.wqi.marine import (
    MWQI_BANDS,
    MWQI_PARAMETERS,
    mwqi_band,
    mwqi_band_for_name,
)

PCD_2023 = Path(__file__).resolve().parents[2] / "data" / "water_pcd_mwqi_2023.csv"


def _rows() -> list[dict[str, str]]:
    with PCD_2023.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_mwqi_band_matches_every_pcd_2023_row():
    rows = _rows()
    assert len(rows) == 420
    bad = [r for r in rows if mwqi_band(int(r["mwqi"])).name_th != r["criteria"]]
    assert bad == []
    assert {r["criteria"] for r in rows} == {b.name_th for b in MWQI_BANDS}


def test_mwqi_pcd_data_covers_band_edges():
    seen = {int(r["mwqi"]) for r in _rows()}
    assert {25, 26, 50, 51, 80, 81, 90, 91} <= seen


def test_mwqi_samut_prakan_stations_2023():
    sp = {r["station"]: r for r in _rows() if r["station"] in {"Spdp1", "Spks1", "Spmc5"}}
    published = {k: int(r["mwqi"]) for k, r in sp.items()}
    assert published == {"Spdp1": 12, "Spks1": 16, "Spmc5": 28}
    assert {k: mwqi_band(v).key for k, v in published.items()} == {
        "Spdp1": "very_poor",
        "Spks1": "very_poor",
        "Spmc5": "poor",
    }
    assert all(mwqi_band(published[k]).name_th == r["criteria"] for k, r in sp.items())


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (0, "very_poor"),
        (25, "very_poor"),
        (25.5, "poor"),
        (50, "poor"),
        (50.1, "fair"),
        (80, "fair"),
        (81, "good"),
        (90, "good"),
        (90.2, "excellent"),
        (100, "excellent"),
    ],
)
def test_mwqi_band_edges(value, key):
    assert mwqi_band(value).key == key


@pytest.mark.parametrize("value", [-1, 101, math.nan, "12", None])
def test_mwqi_band_rejects_bad_values(value):
    with pytest.raises(WQIError, match="not a number from 0 to 100"):
        mwqi_band(value)


def test_mwqi_band_for_name():
    assert mwqi_band_for_name(" พอใช้ ").key == "fair"
    with pytest.raises(WQIError, match="valid names: ดีมาก, ดี, พอใช้"):
        mwqi_band_for_name("ปานกลาง")


def test_mwqi_formula_is_not_implemented_and_parameters_are_documented():
    # Not reproducible without PCD's formula: the module offers bands only.
    assert not any(name.startswith("compute") for name in mwqi_module.__all__)
    assert MWQI_PARAMETERS == ("do", "tcb", "po4p", "no3n", "temp", "ss", "ph", "nh3n")
