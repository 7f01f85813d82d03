"""The environment demo: the packaged real sample of air4thai stations and canal sampling
points (see ``paknam/data/demo/README.md``) loaded into a store."""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np
import pandas as pd

from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import parse_time


def _demo_file(name: str) -> Traversable:
    return resources.files("paknam") / "data" / "demo" / name


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
                quantities=[SeriesSpec(quantity=q) for q in row["quantities"].split()],
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
