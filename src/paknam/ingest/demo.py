"""Load the packaged real sample (see ``paknam/data/demo/README.md``) into a store."""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources

import numpy as np
import pandas as pd

from paknam.core import stations
from paknam.core.models import StationCreate
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import parse_time


def _demo_file(name: str):  # type: ignore[no-untyped-def]
    return resources.files("paknam") / "data" / "demo" / name


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
    from paknam.core.models import SeriesSpec
    from paknam.core.timeutil import now_s
    from paknam.living import forecast_store
    from paknam.living.simulate import POM_PHRACHUN, simulate

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
                        "cycle + AR residual (paknam.living.simulate); never report skill on it",
                    },
                    quantities=[SeriesSpec(quantity="water_level", datum="MSL (simulated)")],
                ),
            )
            forecast_store.set_warning_levels(conn, SIMULATED_ID, DEMO_LEVELS, "demo")
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


def load_demo(store: Store) -> tuple[int, IngestResult]:
    """Register the demo stations (if missing) and load their observations.

    Idempotent: running it twice stores nothing new. Returns (new stations, result).
    """
    existing = {s.id for s in store.list_stations()}
    added = 0
    text = _demo_file("stations.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        if row["id"] in existing:
            continue
        store.add_station(
            StationCreate(
                id=row["id"],
                name_th=row["name_th"],
                name_en=row["name_en"],
                kind=row["kind"],
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                meta={"source": row["source"], "sample": True},
                quantities=row["quantities"].split(),
            )
        )
        added += 1
    with (
        _demo_file("observations.csv.gz").open("rb") as raw,
        gzip.open(raw, "rt", encoding="utf-8") as fh,
    ):
        frame = pd.read_csv(fh, dtype={"station": str, "quantity": str, "time": str})
    times = np.fromiter((parse_time(t) for t in frame["time"]), dtype=np.int64, count=len(frame))
    result = store.ingest_columns(
        frame["station"].to_numpy(dtype=object),
        frame["quantity"].to_numpy(dtype=object),
        times,
        frame["value"].to_numpy(dtype=float),
    )
    return added, result
