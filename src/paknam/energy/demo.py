"""Demo energy data: a simulated community from shipped CityLearn data (MIT), and the real
CUEE Bangkok 8 kWp rooftop from ``../shared`` when it is there.

- ``sim-citylearn-bNN``: 6 real homes of CityLearn 2022 (California), relabelled to Thai
  time and placed near the provincial hall — **simulated** placement, said in the id, the
  name and ``simulated: true``; grouped in the community ``sim-community-citylearn``.
- ``cuee-bkk-8kwp``: the real Chulalongkorn rooftop (PV, irradiance, air temperature every
  15 min, 2023–2024). Its data has no licence, so it is never copied into the repo: it is
  read from ``../shared/data/energy`` when present and skipped (with a note) otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.energy import service
from paknam.energy.community import CommunityCreate
from paknam.energy.errors import UnknownCommunity, UnknownSite
from paknam.energy.sites import ArrayIn, SiteCreate

CITYLEARN_FILE = "citylearn2022_6homes_hourly_2016-08_2016-10.csv.gz"
CITYLEARN_KW = {"b01": 4.0, "b02": 4.0, "b08": 4.0, "b09": 4.0, "b10": 5.0, "b11": 5.0}
CUEE_FILE = "cuee_bangkok_pv8kwp_15min_2023_2024.csv.gz"
COMMUNITY_ID = "sim-community-citylearn"
CUEE_ID = "cuee-bkk-8kwp"
HALL = (100.5969, 13.5996)


@dataclass
class DemoEnergyResult:
    """What the demo loader did."""

    sites_added: list[str] = field(default_factory=list)
    observations_stored: int = 0
    notes: list[str] = field(default_factory=list)


def _shared_dir() -> Path:
    env = os.environ.get("PAKNAM_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _exists(store: Store, site_id: str) -> bool:
    try:
        service.get_site(store, site_id)
    except UnknownSite:
        return False
    return True


def citylearn_sample() -> pd.DataFrame:
    """The shipped sample: interval start (UTC index, relabelled Thai time), kWh columns."""
    path = resources.files("paknam") / "data" / "energy" / CITYLEARN_FILE
    with resources.as_file(path) as p:
        raw = pd.read_csv(p)
    local = pd.to_datetime(raw["interval_start"]).dt.tz_localize(BANGKOK)
    out = pd.DataFrame(index=pd.DatetimeIndex(local).tz_convert("UTC"))
    for home, kw in CITYLEARN_KW.items():
        out[f"{home}_load_kwh"] = raw[f"{home}_load_kwh"].to_numpy()
        out[f"{home}_pv_kwh"] = raw[f"{home}_pv_w_per_kw"].to_numpy() * kw / 1000.0
    return out


def years_to_recent(index: pd.DatetimeIndex, now: int | None) -> int:
    """Whole years that bring the sample's last interval into the 12 months before
    ``now`` (0 without ``now``): the season and the hour of day are kept."""
    if now is None:
        return 0
    end = index.max().tz_convert(BANGKOK)
    at = pd.Timestamp(now, unit="s", tz="UTC").tz_convert(BANGKOK)
    years = at.year - end.year
    while years > 0 and end + pd.DateOffset(years=years) > at:
        years -= 1
    return max(years, 0)


def _load_citylearn(store: Store, result: DemoEnergyResult, shift_to: int | None) -> None:
    data = citylearn_sample()
    years = years_to_recent(pd.DatetimeIndex(data.index), shift_to)
    if years:
        data.index = pd.DatetimeIndex(data.index) + pd.DateOffset(years=years)
        result.notes.append(
            f"the simulated CityLearn homes are replayed {years} years later "
            "(recorded 2016-08/10) / ข้อมูลจำลองเลื่อนเวลามาเป็นปีปัจจุบัน"
        )
    t = pd.DatetimeIndex(data.index).as_unit("s").asi8
    for i, (home, kw) in enumerate(CITYLEARN_KW.items()):
        sid = f"sim-citylearn-{home}"
        if not _exists(store, sid):
            service.add_site(
                store,
                SiteCreate(
                    id=sid,
                    name_th=f"บ้านตัวอย่าง {home} (จำลอง: ข้อมูลจริงจาก CityLearn แคลิฟอร์เนีย)",
                    name_en=f"Sample home {home} (simulated: real CityLearn data, California)",
                    lon=HALL[0] + 0.002 * (i % 3),
                    lat=HALL[1] + 0.002 * (i // 3),
                    irradiance_plane="none",
                    meters=["pv_energy", "load_energy"],
                    arrays=[ArrayIn(kwp=kw, tilt_deg=20, azimuth_deg=180)],
                    simulated=True,
                    source="CityLearn 2022 (MIT), real homes in California relabelled to "
                    "Thai time; array tilt/azimuth assumed",
                ),
            )
            result.sites_added.append(sid)
        n = len(t)
        r = service.ingest_readings(
            store,
            np.array([sid] * 2 * n, dtype=object),
            np.array(["pv_energy"] * n + ["load_energy"] * n, dtype=object),
            np.concatenate([t, t]),
            np.concatenate(
                [data[f"{home}_pv_kwh"].to_numpy(), data[f"{home}_load_kwh"].to_numpy()]
            ),
        )
        result.observations_stored += r.stored
    if not _exists_community(store):
        service.add_community(
            store,
            CommunityCreate(
                id=COMMUNITY_ID,
                name_th="ชุมชนพลังงานตัวอย่าง (จำลอง)",
                name_en="Sample energy community (simulated)",
                members=[f"sim-citylearn-{h}" for h in CITYLEARN_KW],
                loss_fraction=0.03,
                simulated=True,
            ),
        )


def _exists_community(store: Store) -> bool:
    try:
        service.get_community(store, COMMUNITY_ID)
    except UnknownCommunity:
        return False
    return True


def _load_cuee(store: Store, shared: Path, result: DemoEnergyResult) -> None:
    path = shared / "energy" / CUEE_FILE
    if not path.is_file():
        result.notes.append(f"{path} absent: the real CUEE 8 kWp site was skipped")
        return
    if not _exists(store, CUEE_ID):
        service.add_site(
            store,
            SiteCreate(
                id=CUEE_ID,
                name_th="หลังคาโซลาร์ 8 kWp จุฬาลงกรณ์มหาวิทยาลัย (CUEE)",
                name_en="Chulalongkorn University 8 kWp rooftop (CUEE)",
                lon=100.5226,
                lat=13.7364,
                irradiance_plane="poa",
                meters=["pv_power", "air_temperature"],
                arrays=[ArrayIn(kwp=8.0, tilt_deg=10, azimuth_deg=180)],
                source="energyCUEE/CUEE-solar-data @44d0486 (no licence: read from ../shared, "
                "not redistributed); location inferred; tilt/azimuth assumed; irradiance "
                "sensor plane not stated, treated as in-plane",
            ),
        )
        result.sites_added.append(CUEE_ID)
    frame = pd.read_csv(path)
    t = pd.to_datetime(frame["timestamp"], format="ISO8601", utc=True)
    epoch = pd.DatetimeIndex(t).as_unit("s").asi8
    stations: list[np.ndarray] = []
    quantities: list[np.ndarray] = []
    times: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for col, q in (
        ("pv_ac_kw", "pv_power"),
        ("irradiance_wm2", "poa_irradiance"),
        ("temp_air_c", "air_temperature"),
    ):
        v = frame[col].to_numpy(dtype=float)
        ok = ~np.isnan(v)
        n = int(ok.sum())
        stations.append(np.full(n, CUEE_ID, dtype=object))
        quantities.append(np.full(n, q, dtype=object))
        times.append(epoch[ok])
        values.append(v[ok])
    r = service.ingest_readings(
        store,
        np.concatenate(stations),
        np.concatenate(quantities),
        np.concatenate(times),
        np.concatenate(values),
    )
    result.observations_stored += r.stored


def load_demo_energy(
    store: Store, shared_dir: Path | None = None, *, shift_to: int | None = None
) -> DemoEnergyResult:
    """Register and fill the demo energy sites (idempotent: a second run adds nothing).

    ``shift_to``: move the simulated CityLearn homes by whole years so that their months
    fall in the 12 months before this time (the live demo); the real CUEE rooftop keeps
    its recorded times.
    """
    result = DemoEnergyResult()
    _load_citylearn(store, result, shift_to)
    _load_cuee(store, shared_dir or _shared_dir(), result)
    return result


def demo_month() -> str:
    """A complete month of the shipped community sample (for statements)."""
    return dt.date(2016, 9, 1).strftime("%Y-%m")
