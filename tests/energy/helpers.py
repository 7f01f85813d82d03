"""Small builders shared by the energy tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from paknam.core.store import Store
from paknam.energy.science.pvmodel import ArraySpec, expected_power
from paknam.energy.service import add_site
from paknam.energy.sites import ArrayIn, SiteCreate

LON, LAT = 100.5969, 13.5996


def add_pv_site(store: Store, site_id: str = "pv-hall", **kw: object) -> dict:
    fields: dict[str, object] = {
        "id": site_id,
        "name_th": "ศาลากลางจังหวัด โซลาร์รูฟ",
        "name_en": "Provincial hall solar roof",
        "lon": LON,
        "lat": LAT,
        "irradiance_plane": "poa",
        "meters": ["pv_power", "load_power", "air_temperature"],
        "arrays": [ArrayIn(kwp=8.0, tilt_deg=10, azimuth_deg=180, inverter_ac_kw=7.0)],
    }
    fields.update(kw)
    return add_site(store, SiteCreate(**fields))  # type: ignore[arg-type]


def synthetic_pv(
    days: int, start: str = "2024-01-01", factor: np.ndarray | None = None, seed: int = 0
) -> pd.DataFrame:
    """15-min interval means: POA (cloudy clear sky), air temperature, PV = model × factor."""
    t = pd.date_range(start, periods=days * 96, freq="15min", tz="Asia/Bangkok")
    mid = t + pd.Timedelta(minutes=7.5)
    rng = np.random.default_rng(seed)
    arr = [ArraySpec(8.0, 10, 180, inverter_ac_kw=7.0)]
    cs = expected_power(mid, LAT, LON, arr)
    cloud = np.repeat(rng.uniform(0.6, 1.0, days), 96)
    poa = cs["poa"].to_numpy() * cloud
    model = expected_power(mid, LAT, LON, arr, poa=pd.Series(poa, index=mid), temp_air=30.0)
    f = np.ones(days) if factor is None else factor
    pv = model["ac_kw"].to_numpy() * np.repeat(f, 96)
    return pd.DataFrame(
        {"poa": poa, "pv": pv, "temp": 30.0, "load": 2.0}, index=t.tz_convert("UTC")
    )


def ingest_frame(store: Store, site_id: str, frame: pd.DataFrame, columns: dict[str, str]) -> int:
    t = frame.index.as_unit("s").asi8
    st, qs, ts, vs = [], [], [], []
    for col, q in columns.items():
        st += [site_id] * len(t)
        qs += [q] * len(t)
        ts.append(t)
        vs.append(frame[col].to_numpy(dtype=float))
    r = store.ingest_columns(
        np.array(st, dtype=object),
        np.array(qs, dtype=object),
        np.concatenate(ts),
        np.concatenate(vs),
    )
    return r.stored
