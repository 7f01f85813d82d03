"""The environment demo: the packaged real sample of air4thai stations and canal sampling
points (see ``paknam/data/demo/README.md``) loaded into a store."""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import numpy as np
import pandas as pd

from paknam.core.models import SeriesSpec, StationCreate, StationUpdate
from paknam.core.registry import DemoPlan, HeldReadings
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import parse_time


def _demo_file(name: str) -> Traversable:
    return resources.files("paknam") / "data" / "demo" / name


LIVE_AHEAD_S = 2 * 86400
"""In a live demo the hourly air record is shifted to end this far after now, so readings
keep arriving (in real time) once the demo's clock has caught up."""


def _replay_meta(old: dict[str, Any], offset: int, since: int, recorded: str) -> dict[str, Any]:
    """Station metadata saying the data is replayed: offset segments (time − offset =
    the original time, for readings from ``since`` on)."""
    replay = dict(old.get("replay") or {})
    segments = [list(x) for x in replay.get("segments", [])]
    if not segments or segments[-1][1] != offset:
        segments.append([since, offset])
    replay.update(
        segments=segments,
        recorded=recorded,
        note="real recorded samples replayed, shifted in time / ข้อมูลจริงที่บันทึกไว้ "
        "นำมาเล่นซ้ำโดยเลื่อนเวลา",
    )
    return {**old, "replayed": True, "replay": replay}


def _offsets(
    frame: pd.DataFrame, times: np.ndarray, kinds: dict[str, str], plan: DemoPlan
) -> dict[str, int]:
    """Offset per station: the hourly air record to end ``LIVE_AHEAD_S`` after now (whole
    hours: it is what the live demo streams); the canal samples (a few a year) by whole days
    to just before the held-back window, so that the newest is loaded at once and still
    fresh (canal samples stay valid for two days)."""
    is_air = np.array([kinds.get(s) == "air" for s in frame["station"]], dtype=bool)
    out: dict[str, int] = {}
    groups = ((is_air, 3600, LIVE_AHEAD_S), (~is_air, 86400, -plan.hold_back_s))
    for mask, step, ahead in groups:
        if not mask.any():
            continue
        off = plan.shift_for(int(times[mask].max()), step, ahead)
        for sid in set(frame["station"][mask]):
            out[sid] = off
    return out


def load_demo(store: Store, plan: DemoPlan | None = None) -> tuple[int, IngestResult]:
    """Register the demo stations (if missing) and load their observations.

    Without a ``plan`` (or with ``plan.now`` None) the samples keep their recorded times.
    With ``plan.now`` they are **replayed**: shifted by whole hours (air) or days (canal
    samples) to reach now, the station's ``meta["replay"]`` saying by how much; readings
    after ``now − plan.hold_back_s`` go to ``plan.held`` for the live stream instead of
    the store. Idempotent: running it twice stores nothing new; a later run with a new
    offset continues each series after its last stored reading.
    Returns (new stations, result).
    """
    plan = plan or DemoPlan()
    existing = {s.id: s for s in store.list_stations()}
    added = 0
    kinds: dict[str, str] = {}
    text = _demo_file("stations.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        kinds[row["id"]] = row["kind"]
        if row["id"] in existing:
            continue
        existing[row["id"]] = store.add_station(
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
    stations_col = frame["station"].to_numpy(dtype=object)
    keep = np.ones(len(frame), dtype=bool)
    if plan.now is not None:
        offsets = _offsets(frame, times, kinds, plan)
        latest: dict[str, int] = {}
        for (sid, _q), (t, _v) in store.latest().items():
            latest[sid] = max(latest.get(sid, t), t)
        shift = np.array([offsets.get(s, 0) for s in stations_col], dtype=np.int64)
        times = times + shift
        for sid, off in offsets.items():
            station = existing[sid]
            old = (station.meta.get("replay") or {}).get("segments") or [[0, None]]
            mask = stations_col == sid
            if old[-1][1] != off and sid in latest:  # continue after what is stored
                keep &= ~mask | (times > latest[sid])
            elif old[-1][1] == off:  # the same segment again: what it began with, not the
                keep &= ~mask | (times >= int(old[-1][0]))  # earlier segments' hours
            mine = times[mask & keep]
            if mine.size == 0:
                continue
            recorded = frame["time"][mask]
            meta = _replay_meta(
                station.meta, off, int(mine.min()), f"{recorded.min()}/{recorded.max()}"
            )
            if meta != station.meta:
                store.update_station(sid, StationUpdate(meta=meta))
        cut = plan.now - plan.hold_back_s
        later = keep & (times > cut)
        if later.any():
            plan.held.append(
                HeldReadings(
                    stations=list(stations_col[later]),
                    quantities=list(frame["quantity"].to_numpy(dtype=object)[later]),
                    times=[int(t) for t in times[later]],
                    values=[float(v) for v in frame["value"].to_numpy(dtype=float)[later]],
                )
            )
        keep &= times <= cut
    result = store.ingest_columns(
        stations_col[keep],
        frame["quantity"].to_numpy(dtype=object)[keep],
        times[keep],
        frame["value"].to_numpy(dtype=float)[keep],
    )
    return added, result
