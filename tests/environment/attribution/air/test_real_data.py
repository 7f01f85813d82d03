"""Air-source attribution on real air4thai 1-hour data with wind (eastern Thailand, 2023-24).

Two levels:

- always: station 29t (Map Ta Phut, Rayong) from ``tests/data/attribution_air4thai_29t_*``
  (see ``tests/data/attribution_README.md``);
- ``shared_data``: every station of ``shared/data/air/air4thai_east_1h_met_2023-12_2024-02.csv.gz``;
  stations without a wind sensor (WS and WD constant 0) must be refused, the others must
  give a sane explanation. Skipped when ``../shared`` is absent.

The assertions are structural (counts add up, values in range, Thai and English texts,
refusals); the explanations are printed (``pytest -s``) for a human to read. The one
finding asserted is the SO2 direction at 29t, which is overwhelming in this record (about
95 % of the hours with wind from the SSW are high, against about a third overall).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paknam.environment.attribution.air.explain import (
    WindNotMeasuredError,
    conditional_probability,
    explain_air_source,
    station_agreement,
)

TESTS = Path(__file__).resolve().parents[3]
FIXTURE = TESTS / "data" / "attribution_air4thai_29t_1h_met_2023-12_2024-02.csv"
SHARED_DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data"
EAST = SHARED_DATA / "air" / "air4thai_east_1h_met_2023-12_2024-02.csv.gz"

VERDICTS = {
    "nearby_source",
    "distant_or_elevated_source",
    "source_direction",
    "regional_haze",
    "calm_local",
    "no_clear_sector",
    "too_few_hours",
    "no_variation",
}
NO_WIND_SENSOR = ("74t", "77t", "o21", "o61", "33t")  # WS constant 0 (SOURCES.md + 33t)
WITH_WIND = ("29t", "28t", "31t", "34t", "60t", "71t", "87t", "100t", "105t", "o38")
NEAR_29T = ("28t", "31t", "74t", "o38")  # within 30 km of 29t (air4thai_stations.csv)


def _times(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col).dt.tz_localize("Asia/Bangkok")  # Thai time, no offset in file


def _check_structure(e, n_rows: int) -> None:
    assert e.verdict in VERDICTS
    assert e.text_en and e.text_th
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in e.text_th)  # Thai script
    c = e.cpf
    assert c.windy_hours + c.calm_hours + c.missing_hours == n_rows
    assert c.hours.sum() == c.windy_hours == e.rose.windy_hours
    assert c.cell_hours.sum() == c.windy_hours
    assert (c.high_hours <= c.hours).all() and (c.runs <= c.hours).all()
    assert (c.effective_hours <= c.hours + 1e-9).all()
    ok = ~np.isnan(c.cpf)
    assert ((c.cpf[ok] >= 0) & (c.cpf[ok] <= 1)).all()
    assert (c.ci_low[ok] <= c.cpf[ok] + 1e-12).all() and (c.cpf[ok] <= c.ci_high[ok] + 1e-12).all()
    assert 0 <= c.baseline <= 1
    assert len(e.diurnal.labels) == 24 and len(e.weekly.labels) == 7
    if e.verdict in ("nearby_source", "distant_or_elevated_source", "source_direction"):
        assert c.clear.any() and e.evidence["sector"] in e.text_en
    if e.verdict == "no_clear_sector":
        assert e.weak and not c.clear.any()


def test_real_29t_fixture_pm25_and_so2_explained():
    d = pd.read_csv(FIXTURE)
    t = _times(d.datetime)
    for pollutant, unit in (("PM25", "µg/m³"), ("SO2", "ppb")):
        name = pollutant.replace("PM25", "PM2.5")
        e = explain_air_source(
            t, d[pollutant], d.WS, d.WD, station="29t", pollutant=name, unit=unit, hour_ending=True
        )
        print(f"\n29t {pollutant}: {e.verdict}\n{e.text_en}\n{e.text_th}")
        _check_structure(e, len(d))
        assert e.evidence["days"] >= 80  # 2023-12-01 .. 2024-02-20
    # SO2 comes with winds from the south to south-west (the industrial estate side)
    so2 = conditional_probability(t, d.SO2, d.WS, d.WD, station="29t")
    k = so2.strongest()
    assert k is not None and 168.75 <= so2.sectors[k].center_deg <= 236.25


@pytest.mark.shared_data
@pytest.mark.parametrize("station", NO_WIND_SENSOR)
def test_real_stations_without_wind_sensor_refused(station):
    if not EAST.exists():
        pytest.skip(f"shared data file {EAST} is absent (it lives outside the repo)")
    d = pd.read_csv(EAST)
    s = d[d.station_id == station]
    with pytest.raises(WindNotMeasuredError, match=f"station {station}.*does not measure wind"):
        explain_air_source(_times(s.datetime), s.PM25, s.WS, s.WD, station=station)


@pytest.mark.shared_data
def test_real_eastern_stations_explained_and_29t_against_neighbours():
    if not EAST.exists():
        pytest.skip(f"shared data file {EAST} is absent (it lives outside the repo)")
    d = pd.read_csv(EAST)
    d["t"] = _times(d.datetime)
    by = {sid: g for sid, g in d.groupby("station_id")}
    neighbours = {sid: by[sid].set_index("t")["PM25"] for sid in NEAR_29T}
    verdicts = {}
    for sid in WITH_WIND:
        s = by[sid]
        nb = neighbours if sid == "29t" else None
        e = explain_air_source(
            s.t, s.PM25, s.WS, s.WD, station=sid, neighbours=nb, hour_ending=True
        )
        print(f"\n{sid}: {e.verdict}{' (weak)' if e.weak else ''}\n{e.text_en}")
        if sid == "29t":
            print(e.text_th)
        _check_structure(e, len(s))
        verdicts[sid] = e.verdict
    a = station_agreement({"29t": by["29t"].set_index("t")["PM25"], **neighbours}, "29t")
    print(f"\n29t agreement: {a.verdict}, median r {a.median_r:.2f}, shared {a.shared_share:.2f}")
    assert a.verdict in ("regional", "local", "mixed", "unknown")
    assert -1 <= a.median_r <= 1 and 0 <= a.shared_share <= 1
    assert set(a.correlation) == set(NEAR_29T)
    # not every station can have "its" source: the method must also say "no clear sector"
    assert len(set(verdicts.values())) > 1
