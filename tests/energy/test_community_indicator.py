"""Community settlement and ledger, the indicator, and the demo loader (both engines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from paknam.core.errors import InvalidInput
from paknam.core.store import Store
from paknam.energy.community import CommunityCreate
from paknam.energy.demo import CITYLEARN_KW, COMMUNITY_ID, citylearn_sample, load_demo_energy
from paknam.energy.schema import energy_ledger
from paknam.energy.science.sharing import Tariffs, statement
from paknam.energy.service import (
    add_community,
    alternative_share,
    monthly_statement,
    settle,
    site_balance,
    total_balance,
)
from tests.energy.helpers import add_pv_site, ingest_frame


@pytest.fixture
def demo(store: Store, tmp_path: Path) -> Store:
    result = load_demo_energy(store, shared_dir=tmp_path)  # no ../shared here: CUEE skipped
    assert len(result.sites_added) == 6 and "absent" in result.notes[0]
    return store


def test_demo_is_simulated_and_idempotent(demo: Store, tmp_path: Path) -> None:
    again = load_demo_energy(demo, shared_dir=tmp_path)
    assert again.sites_added == [] and again.observations_stored == 0
    site = demo.get_station("sim-citylearn-b01")
    assert site.meta["simulated"] is True and "simulated" in site.name_en


def test_demo_balance_matches_the_pure_computation(demo: Store) -> None:
    data = citylearn_sample()
    bal = site_balance(demo, "sim-citylearn-b01", 2016)
    g, load = data["b01_pv_kwh"].to_numpy(), data["b01_load_kwh"].to_numpy()
    used = np.minimum(g, load).sum()
    assert [m["period"] for m in bal["months"]] == ["2016-08", "2016-09", "2016-10"]
    assert bal["total"]["self_consumption"] == pytest.approx(used / g.sum())
    assert bal["total"]["self_sufficiency"] == pytest.approx(used / load.sum())
    tot = total_balance(demo, 2016)
    assert tot["includes_simulated"] is True and len(tot["sites"]) == 6
    assert tot["total"]["generation_kwh"] == pytest.approx(
        sum(data[f"{h}_pv_kwh"].sum() for h in CITYLEARN_KW)
    )


def test_settlement_statement_and_append_only_ledger(demo: Store) -> None:
    st = settle(demo, COMMUNITY_ID, "2016-09", "officer1")
    assert st["settled"] and st["simulated"] and len(st["members"]) == 6
    # same figures as the pure statement on the September hours
    data = citylearn_sample()
    local = data.index.tz_convert("Asia/Bangkok")
    sep = data[(local.month == 9)]
    homes = list(CITYLEARN_KW)
    rows = statement(
        sep[[f"{h}_pv_kwh" for h in homes]].to_numpy(),
        sep[[f"{h}_load_kwh" for h in homes]].to_numpy(),
        [f"sim-citylearn-{h}" for h in homes],
        Tariffs(loss_fraction=0.03),
    )
    by_member = {m["member"]: m for m in st["members"]}
    for r in rows:
        m = by_member[r["member"]]
        assert m["net_thb"] == pytest.approx(r["net_thb"], abs=0.01)
        assert m["entries"]["community_in"]["kwh"] == pytest.approx(r["community_in_kwh"], abs=1e-3)
    money = sum(
        m["entries"]["community_in"]["thb"] + m["entries"]["community_out"]["thb"]
        for m in st["members"]
    )
    assert money == pytest.approx(0.0, abs=0.05)
    assert st["members"][0]["entries"]["grid_export"]["name_th"] == "ขายไฟฟ้าคืนการไฟฟ้า"
    # settling again appends a reversing run: the month's sums do not change
    again = settle(demo, COMMUNITY_ID, "2016-09", "officer2")
    assert len(again["runs"]) == 2 and again["runs"][1]["supersedes"] == again["runs"][0]["id"]
    assert {m["member"]: m["net_thb"] for m in again["members"]} == {
        m["member"]: m["net_thb"] for m in st["members"]
    }
    with demo.read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(energy_ledger)).scalar()
    assert n == 6 * 6 * 3  # first run, its reversal, the new run
    with pytest.raises(Exception, match="append-only"), demo.write() as conn:
        conn.execute(energy_ledger.update().values(thb=0.0))
    assert monthly_statement(demo, COMMUNITY_ID, "2016-07")["settled"] is False


def test_settlement_refuses_incomplete_month(demo: Store) -> None:
    with pytest.raises(InvalidInput, match="no readings"):
        settle(demo, COMMUNITY_ID, "2016-11", "officer1")
    with demo.write() as conn:  # one member has lost a meter series
        conn.exec_driver_sql(
            "DELETE FROM observations WHERE series_id = (SELECT min(series.id) FROM series "
            "JOIN stations ON stations.pk = series.station_pk "
            "WHERE stations.id = 'sim-citylearn-b02')"
        )
    with pytest.raises(InvalidInput, match="coverage: sim-citylearn-b02 0%"):
        settle(demo, COMMUNITY_ID, "2016-10", "officer1")
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        settle(demo, COMMUNITY_ID, "2016-13", "officer1")


def test_community_needs_energy_sites(demo: Store) -> None:
    with pytest.raises(InvalidInput, match="not energy sites"):
        add_community(
            demo,
            CommunityCreate(id="c2", name_th="ก", name_en="c", members=["sim-citylearn-b01", "x"]),
        )


def test_indicator_on_demo_is_insufficient(demo: Store) -> None:
    ind = alternative_share(demo, 2016)
    assert ind["id"] == "energy_alternative_share" and ind["status"] == "insufficient_data"
    assert 0 < ind["value"] < 1 and ind["coverage"] < 0.3
    assert ind["details"]["includes_simulated"] is True
    assert alternative_share(demo, 2020)["status"] == "no_data"


def _two_years(store: Store, gen_2023: float, gen_2024: float, gap_2024: bool = False) -> None:
    add_pv_site(store, "pv-y", meters=["pv_energy", "load_energy"], irradiance_plane="none")
    t = pd.date_range("2023-01-01", "2024-12-31 23:00", freq="h", tz="Asia/Bangkok")
    noon = (t.hour >= 10) & (t.hour < 14)
    gen = np.where(noon, np.where(t.year == 2023, gen_2023, gen_2024), 0.0)
    frame = pd.DataFrame({"g": gen, "l": 1.0}, index=t.tz_convert("UTC"))
    if gap_2024:
        frame = frame[~((t.year == 2024) & (t.month == 6))]  # a month missing: 92 % < ...
        frame = frame[
            ~(
                (frame.index.tz_convert("Asia/Bangkok").month == 7)
                & (frame.index.tz_convert("Asia/Bangkok").year == 2024)
            )
        ]
    ingest_frame(store, "pv-y", frame, {"g": "pv_energy", "l": "load_energy"})


def test_indicator_year_on_year_on_track(store: Store) -> None:
    _two_years(store, 0.6, 0.75)
    ind = alternative_share(store, 2024)
    assert ind["baseline"] == pytest.approx(0.6 * 4 / 24)
    assert ind["value"] == pytest.approx(0.75 * 4 / 24)
    assert ind["target"] == pytest.approx(1.1 * ind["baseline"])
    assert ind["status"] == "on_track" and ind["coverage"] == pytest.approx(1.0)
    trailing = alternative_share(
        store, as_of=int(pd.Timestamp("2025-01-01", tz="Asia/Bangkok").timestamp())
    )
    assert trailing["period"] == "2024-01-01/2025-01-01" and trailing["status"] == "on_track"


def test_indicator_off_track_and_gaps(store: Store) -> None:
    _two_years(store, 0.6, 0.63, gap_2024=True)
    ind = alternative_share(store, 2024)
    assert ind["coverage"] < 0.9 and ind["status"] == "insufficient_data"
    assert alternative_share(store, 2023)["status"] == "insufficient_data"  # no 2022
