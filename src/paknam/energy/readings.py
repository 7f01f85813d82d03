"""Read a site's meter series onto one regular interval grid (on the caller's connection)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from paknam.core import observations, stations
from paknam.energy.periods import check_span

ENERGY_OR_POWER = {
    "gen": ("pv_energy", "pv_power"),
    "load": ("load_energy", "load_power"),
}


@dataclass
class SiteFrame:
    """Interval data of a site: aware UTC index on a regular grid (NaN = gap).

    Columns: ``gen_kwh``, ``load_kwh`` (energy per interval), ``pv_kw`` (mean power),
    ``poa``, ``ghi`` [W/m², as measured], ``temp_air`` [°C].
    """

    frame: pd.DataFrame
    step_s: int


def _points(conn: Connection, site: str, quantity: str, start: int, end: int) -> pd.Series:
    pts = observations.read_series(conn, stations.series_id(conn, site, quantity), start, end)
    if not pts:
        return pd.Series(dtype=float)
    t = np.fromiter((p.time for p in pts), dtype=np.int64, count=len(pts))
    v = np.fromiter((p.value for p in pts), dtype=float, count=len(pts))
    return pd.Series(v, index=t)


def infer_step(times: np.ndarray) -> int:
    """The interval length [s]: the most common spacing of the times."""
    if len(times) < 2:
        return 3600
    diffs = np.diff(np.sort(times))
    diffs = diffs[diffs > 0]
    if not len(diffs):
        return 3600
    values, counts = np.unique(diffs, return_counts=True)
    return int(values[np.argmax(counts)])


def site_frame(
    conn: Connection, site_id: str, meters: list[str], start: int, end: int
) -> SiteFrame:
    """The site's intervals in ``[start, end)`` (UTC epoch s)."""
    check_span(start, end)
    raw: dict[str, pd.Series] = {
        q: _points(conn, site_id, q, start, end)
        for q in meters
        if q
        in (
            "pv_energy",
            "pv_power",
            "load_energy",
            "load_power",
            "ghi",
            "poa_irradiance",
            "air_temperature",
        )
    }
    main = next(
        (
            raw[q]
            for q in ("pv_energy", "pv_power", "load_energy", "load_power")
            if q in raw and len(raw[q])
        ),
        None,
    )
    if main is None:
        return SiteFrame(pd.DataFrame(columns=["gen_kwh", "load_kwh", "pv_kw"]), 3600)
    step = infer_step(main.index.to_numpy())
    first = int(min(s.index.min() for s in raw.values() if len(s)))
    last = int(max(s.index.max() for s in raw.values() if len(s)))
    offset = first % step
    grid = np.arange(first - ((first - offset) % step), last + 1, step, dtype=np.int64)
    frame = pd.DataFrame(index=grid)
    hours = step / 3600.0
    for key, (energy_q, power_q) in ENERGY_OR_POWER.items():
        if energy_q in raw and len(raw[energy_q]):
            frame[f"{key}_kwh"] = raw[energy_q].reindex(grid)
        elif power_q in raw and len(raw[power_q]):
            frame[f"{key}_kwh"] = raw[power_q].reindex(grid) * hours
        else:
            frame[f"{key}_kwh"] = np.nan
    frame["pv_kw"] = frame["gen_kwh"] / hours
    for column, q in (("poa", "poa_irradiance"), ("ghi", "ghi"), ("temp_air", "air_temperature")):
        series = raw.get(q)
        frame[column] = series.reindex(grid) if series is not None and len(series) else np.nan
    frame.index = pd.to_datetime(grid, unit="s", utc=True)
    return SiteFrame(frame, step)
