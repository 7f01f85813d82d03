"""The real CUEE 8 kWp rooftop through the whole stack: demo loader, store, service."""

from __future__ import annotations

from pathlib import Path

import pytest

from paknam.core.store import Store
from paknam.energy.demo import CUEE_ID, load_demo_energy
from paknam.energy.periods import year_bounds
from paknam.energy.service import run_energy_checks, site_performance


@pytest.mark.shared_data
@pytest.mark.slow
def test_cuee_step_found_from_the_store(sqlite_store: Store, shared_data: Path) -> None:
    result = load_demo_energy(sqlite_store, shared_dir=shared_data)
    assert CUEE_ID in result.sites_added and not result.notes
    start, _ = year_bounds(2023)
    _, end = year_bounds(2024)
    perf = site_performance(sqlite_store, CUEE_ID, start, end)
    assert perf["irradiance_basis"] == "measured_poa" and perf["step_s"] == 900
    steps = [f for f in perf["flags"] if f["kind"] == "step_drop"]
    assert [s["start"] for s in steps] == ["2023-08-02"]
    months = {m["month"]: m["pr"] for m in perf["months"]}
    assert months["2023-03"] == pytest.approx(0.586, abs=0.005)
    assert months["2024-12"] == pytest.approx(0.301, abs=0.005)
    # the low level lasts to the end of the data, so the step is still a live warning
    run_energy_checks(sqlite_store)
    kinds = {w["kind"] for w in sqlite_store.list_warnings(domain="energy")}
    assert "energy_step_drop" in kinds
