"""The living demo: the **simulated** Pom Phrachun water-level station, labelled as such."""

from __future__ import annotations

import numpy as np

from paknam.core import stations
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import now_s
from paknam.living import store as living_store
from paknam.living.forecast.simulate import POM_PHRACHUN, simulate

SIMULATED_ID = "sim-pomphrachun"
SIMULATION_ORIGIN_S = 1767200400  # 2026-01-01T00:00+07:00: hour 0 of the simulated record
SIMULATED_DAYS = 180
DEMO_LEVELS = {"watch": 1.0, "warning": 1.1, "danger": 1.2}
"""Sample warning levels [m above MSL] for the simulated station (not official levels)."""


def load_simulated_water_level(store: Store, now: int | None = None) -> IngestResult:
    """The **simulated** Pom Phrachun water-level station: last 180 days up to now.

    Deterministic per hour (the simulation always starts at the same origin), so
    re-running the demo only adds the new hours. Labelled simulated everywhere.
    """
    if SIMULATED_ID not in {s.id for s in store.list_stations()}:
        with store.write() as conn:  # the station and its levels together, or neither
            stations.add_station(
                conn,
                StationCreate(
                    id=SIMULATED_ID,
                    name_th="(จำลอง) ระดับน้ำป้อมพระจุลจอมเกล้า",
                    name_en="(SIMULATED) Pom Phrachun water level",
                    kind="water_level",
                    lon=POM_PHRACHUN["lon"],
                    lat=POM_PHRACHUN["lat"],
                    meta={
                        "simulated": True,
                        "sample": True,
                        "source": "SIMULATED: Ko Lak TICON-4 tide + PSMSL Pom Phrachun seasonal "
                        "cycle + AR residual (paknam.living.forecast.simulate); "
                        "never report skill on it",
                    },
                    quantities=[SeriesSpec(quantity="water_level", datum="MSL (simulated)")],
                ),
            )
            living_store.set_warning_levels(conn, SIMULATED_ID, DEMO_LEVELS, "demo")
    now = now_s() if now is None else now
    hours = max((now - SIMULATION_ORIGIN_S) // 3600 + 1, 1)
    times, values = simulate(SIMULATION_ORIGIN_S, int(hours))
    keep = times >= now - SIMULATED_DAYS * 86400
    n = int(keep.sum())
    return store.ingest_columns(
        np.array([SIMULATED_ID] * n, dtype=object),
        np.array(["water_level"] * n, dtype=object),
        times[keep],
        values[keep],
    )


HINDCAST_DAYS = 30
HINDCAST_EVERY_H = 12


def hindcast_simulated(store: Store, now: int | None = None) -> int:
    """Forecasts of the **simulated** station as the service would have issued them every
    ``HINDCAST_EVERY_H`` h over the ``HINDCAST_DAYS`` days that end 3 days before now (so
    that each can be checked against what followed): what the accuracy indicator scores,
    shown apart as simulated. Idempotent (a forecast per issue time)."""
    from paknam.living.service import hindcast_station

    now = now_s() if now is None else now
    last = now - 72 * 3600
    last -= last % (HINDCAST_EVERY_H * 3600)
    issues = [
        last - k * HINDCAST_EVERY_H * 3600 for k in range(HINDCAST_DAYS * 24 // HINDCAST_EVERY_H)
    ]
    return hindcast_station(store, store.get_station(SIMULATED_ID), issues)
