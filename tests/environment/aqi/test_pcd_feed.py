"""The Thai AQI against what PCD itself published (air4thai ``AQILast`` feed, 2025-26).

Two levels:

- always: the 3,309 distinct (pollutant, value, sub-index) cases and 95 tied rows kept in
  ``tests/data/air4thai_aqilast_*`` (see ``tests/data/air4thai_README.md``);
- ``shared_data``: every row of ``shared/data/air/air4thai_aqilast_hourly_2025-12_2026-08.csv.gz``
  (530,902 rows, 1,172,393 published sub-indices). Skipped when the file is absent.

Rows left out, and why: a sub-index is checked wherever the feed gives a value; where the
value is the ``-1`` sentinel (not measured) the feed's sub-index is a sentinel too (``-1``,
``-999`` or ``-9999``) and there is nothing to check. The overall AQI is checked on every
row but one: ``bkp88t`` 2026-05-31 23:00 has no value at all (``aqi`` −999, yet
``aqi_param`` PM10). Five stale rows dated before the span (2025-03 … 2025-11) are kept:
their values are valid and are checked like the others.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.environment.aqi.array import aqi_array, sub_index_array
from paknam.environment.aqi.index import compute_aqi, sub_index
from paknam.environment.aqi.tables import (
    POLLUTANT_KEYS,
    POLLUTANTS,
    TABLE_CHANGE_DATE,
    TIE_ORDER_BMA,
    TIE_ORDER_PCD,
    tie_order_for_station,
)

TESTS = Path(__file__).resolve().parents[2]
CASES = TESTS / "data" / "air4thai_aqilast_subindex_cases_2025-12_2026-08.csv"
TIES = TESTS / "data" / "air4thai_aqilast_ties_2025-12_2026-08.csv"
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
FEED = SHARED_DATA / "air" / "air4thai_aqilast_hourly_2025-12_2026-08.csv.gz"
FEED_DAY = dt.date(2026, 1, 1)  # every row of the fixtures is from the current table
FEED_CODE = {POLLUTANTS[k].feed_code: k for k in POLLUTANT_KEYS}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_pcd_subindex_cases_scalar_reproduced():
    cases = _read(CASES)
    got = [
        sub_index(p, v, date=FEED_DAY) for p, v in zip(cases.pollutant, cases.value, strict=True)
    ]
    bad = cases[np.array(got) != cases.pcd_sub_index.astype(int).to_numpy()]
    assert bad.empty, bad.head(20).to_string()
    assert len(cases) == 3309


def test_pcd_subindex_cases_vectorised_reproduced():
    cases = _read(CASES)
    for p, group in cases.groupby("pollutant"):
        got = sub_index_array(p, group.value.astype(float).to_numpy(), date=FEED_DAY)
        np.testing.assert_array_equal(got, group.pcd_sub_index.astype(int).to_numpy(), err_msg=p)


def test_pcd_tied_rows_aqi_param_reproduced():
    rows = _read(TIES)
    for row in rows.itertuples():
        values = {
            k: getattr(row, f"{k}_value")
            for k in POLLUTANT_KEYS
            if not getattr(row, f"{k}_value").startswith("-")
        }
        r = compute_aqi(values, date=FEED_DAY, tie_order=tie_order_for_station(row.station_id))
        assert (r.aqi, r.pollutant) == (int(row.aqi), FEED_CODE[row.aqi_param]), row


def _check_subindices(feed: pd.DataFrame, is_pre: np.ndarray) -> tuple[dict, dict]:
    """Vectorised and scalar sub-indices of every published value; returns the figures."""
    counts: dict[str, dict[str, int]] = {}
    subs: dict[str, np.ndarray] = {}
    tables = {False: FEED_DAY, True: TABLE_CHANGE_DATE - dt.timedelta(days=1)}
    for k in POLLUTANT_KEYS:
        value = feed[f"{k}_value"].to_numpy(dtype=float)
        pcd = feed[f"{k}_aqi"].to_numpy(dtype=int)
        valid = value >= 0  # the feed's "-1" means not measured
        # a missing value always comes with a sentinel sub-index, and only then
        assert ((pcd < 0) == ~valid).all(), k
        x = np.where(valid, value, np.nan)
        vec = np.full(len(feed), -1, dtype=np.int32)
        scalar = np.full(len(feed), -1, dtype=np.int32)
        for pre, day in tables.items():
            rows = is_pre == pre
            vec[rows] = sub_index_array(k, x[rows], date=day)
            # the scalar, exact-decimal path on every distinct published value
            chosen = rows & valid
            distinct, inverse = np.unique(value[chosen], return_inverse=True)
            exact = np.array([sub_index(k, float(v), date=day) for v in distinct], dtype=np.int32)
            scalar[chosen] = exact[inverse]
        counts[k] = {
            "checked": int(valid.sum()),
            "vector_match": int((vec[valid] == pcd[valid]).sum()),
            "scalar_match": int((scalar[valid] == pcd[valid]).sum()),
            "excluded_missing": int((~valid).sum()),
        }
        subs[k] = vec
    return counts, subs


@pytest.mark.shared_data
def test_pcd_feed_all_subindices_and_overall_reproduced():
    if not FEED.exists():
        pytest.skip(f"shared data file {FEED} is absent (it lives outside the repo)")
    feed = pd.read_csv(FEED, dtype={"station_id": str, "date": str, "aqi_param": str})
    is_pre = (feed.date < TABLE_CHANGE_DATE.isoformat()).to_numpy()
    counts, subs = _check_subindices(feed, is_pre)

    # overall AQI and the pollutant named, with the station network's tie order
    has_aqi = feed.aqi.to_numpy(dtype=int) >= 0
    bma = feed.station_id.str.lower().str.startswith("bkp").to_numpy()
    pcd_r, bma_r = (
        aqi_array(subs, tie_order=TIE_ORDER_PCD),
        aqi_array(subs, tie_order=TIE_ORDER_BMA),
    )
    aqi = np.where(bma, bma_r.aqi, pcd_r.aqi)
    name = np.where(bma, bma_r.pollutant_keys(), pcd_r.pollutant_keys())
    want_name = feed.aqi_param.map(FEED_CODE).fillna("").to_numpy(dtype=str)
    aqi_ok = int((aqi[has_aqi] == feed.aqi.to_numpy(dtype=int)[has_aqi]).sum())
    name_ok = int((name[has_aqi] == want_name[has_aqi]).sum())

    checked = sum(c["checked"] for c in counts.values())
    matched = sum(min(c["vector_match"], c["scalar_match"]) for c in counts.values())
    lines = [f"PCD air4thai feed, {len(feed):,} rows ({int(is_pre.sum())} before 2023-06-01)"]
    for k, c in counts.items():
        lines.append(
            f"  {k:5s} checked {c['checked']:>8,}  vector {c['vector_match']:>8,}  "
            f"scalar {c['scalar_match']:>8,}  excluded (-1 = not measured) "
            f"{c['excluded_missing']:>8,}"
        )
    lines.append(f"  sub-indices: {matched:,} / {checked:,} = {100 * matched / checked:.4f} %")
    lines.append(
        f"  overall aqi {aqi_ok:,} / {int(has_aqi.sum()):,}, aqi_param {name_ok:,} / "
        f"{int(has_aqi.sum()):,}; excluded {int((~has_aqi).sum())} row(s) with no value at all"
    )
    report = "\n".join(lines)
    print(report)

    assert checked > 1_150_000, report
    assert matched == checked, report
    assert aqi_ok == name_ok == int(has_aqi.sum()), report
    assert int((~has_aqi).sum()) == 1, report
