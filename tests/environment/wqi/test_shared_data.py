"""Opt-in: the water indices on the real data in ``../shared/data/water`` (skipped when absent).

BMA canals 2018-2020 (``bma_canal_water_quality_2018_2020.csv``, one grab sample per point
and year). As ``shared/data/water/SOURCES.md`` warns, the total-coliform column is corrupted
(median 1.5e10 per 100 mL, physically impossible), and there is no fecal coliform column:
the Thai WQI is therefore computed **without TCB and FCB** (mean of the DO, BOD and NH3-N
scores, ``allow_partial=True``), and each result says so. Three rows with every value 0
are missing data and are left out. ``NO3 (mg/l)`` is taken as NO3-N (unit not stated).

PCD marine 2023: the MWQI bands against the published ``Criteria`` of both source files.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from paknam.environment.wqi.malaysia import doe_wqi
from paknam.environment.wqi.marine import mwqi_band
from paknam.environment.wqi.thai import compute_wqi
from paknam.environment.wqi.water_class import sample_class

pytestmark = pytest.mark.shared_data

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
WATER = SHARED_DATA / "water"
BMA = WATER / "bma_canal_water_quality_2018_2020.csv"
FIXTURE = Path(__file__).resolve().parents[2] / "data" / "water_pcd_mwqi_2023.csv"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is absent: opt-in test on the shared real data skipped")
    return path


def _bma_rows() -> list[dict[str, float]]:
    with _need(BMA).open(encoding="utf-8") as f:
        rows = [{k.strip(): v for k, v in r.items()} for r in csv.DictReader(f)]
    cols = {
        "temp": "TEMP. (oC)",
        "ph": "pH",
        "do": "DO (mg/l)",
        "bod": "BOD (mg/l)",
        "cod": "COD (mg/l)",
        "ss": "SS (mg/l)",
        "nh3n": "NH3N (mg/l)",
        "no3n": "NO3 (mg/l)",
        "coliform": "T.Coliform (col/100ml)",
    }
    out = [{k: float(r[c]) for k, c in cols.items()} for r in rows]
    assert len(out) == 917
    return [r for r in out if not (r["temp"] == 0 and r["ph"] == 0)]


def test_bma_coliform_column_is_corrupted_so_it_is_left_out():
    rows = _bma_rows()
    values = sorted(r["coliform"] for r in rows)
    assert values[len(values) // 2] > 1e9  # median: physically impossible per 100 mL


def test_bma_canals_thai_wqi_without_coliforms():
    rows = _bma_rows()
    assert len(rows) == 914
    results = [
        compute_wqi({k: r[k] for k in ("do", "bod", "nh3n")}, allow_partial=True) for r in rows
    ]
    assert all(r.parameters_missing == ("tcb", "fcb") for r in results)
    assert all("without TCB, FCB" in r.note_en for r in results)
    assert all(not r.official for r in results)
    bands = Counter(r.band for r in results)
    # mean DO 1.7 mg/L, BOD 12.8 mg/L, NH3-N 4.4 mg/L: mostly very poor, never good
    assert bands["very_poor"] / len(results) > 0.6
    assert bands["excellent"] == bands["good"] == 0
    assert all(0 <= r.wqi <= 100 for r in results)


def test_bma_canals_surface_water_class():
    rows = _bma_rows()
    classes = [sample_class({k: r[k] for k in ("ph", "do", "bod", "no3n", "nh3n")}) for r in rows]
    counts = Counter(c.water_class for c in classes)
    assert counts[5] / len(classes) > 0.99
    limiting = Counter(k for c in classes for k in c.limiting)
    assert limiting.most_common(1)[0][0] == "bod"
    assert all(c.parameters_missing == ("tcb", "fcb") for c in classes)


def test_bma_canals_malaysia_doe_wqi_alongside():
    rows = _bma_rows()
    results = [
        doe_wqi({k: r[k] for k in ("do", "temp", "bod", "cod", "nh3n", "ss", "ph")}) for r in rows
    ]
    counts = Counter(r.doe_class for r in results)
    assert counts.most_common(1)[0][0] == "IV"
    assert counts["I"] == 0
    # the DOE index has no bacteria and is more lenient than the Thai class: most class-5
    # canals are DOE class III or IV
    assert (counts["III"] + counts["IV"]) / len(results) > 0.9


def test_pcd_marine_2023_bands_match_published_criteria():
    rows = []
    for part in (1, 2):
        path = _need(WATER / f"pcd_marine_water_quality_2023_part{part}.csv")
        with path.open(encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f), start=1):
                r = {k.strip(): v.strip() for k, v in r.items()}
                rows.append((str(part), str(i), r["Criteria"], r["MWQI"]))
    assert len(rows) == 420
    assert all(mwqi_band(int(m)).name_th == c for _, _, c, m in rows)
    with FIXTURE.open(encoding="utf-8") as f:
        fixture = [(r["part"], r["row"], r["criteria"], r["mwqi"]) for r in csv.DictReader(f)]
    assert fixture == rows
