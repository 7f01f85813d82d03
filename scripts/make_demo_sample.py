"""Rebuild the demo sample in src/paknam/data/demo from ../shared/data.

Run from the repository root: ``python scripts/make_demo_sample.py``. The output is
committed (small); this script documents exactly how it was cut.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "paknam" / "data" / "demo"

AIR_STATIONS = ["08t", "16t", "17t", "18t", "19t"]
CANAL_IDS = {191, 192, 271, 272, 371, 461, 462, 463, 1201, 1291}
CANAL_QUANTITIES = {
    "TEMP. (oC)": "water_temperature",
    "  pH": "ph",
    "DO (mg/l)": "do",
    "BOD (mg/l)": "bod",
    "COD (mg/l)": "cod",
    "SS (mg/l)": "suspended_solids",
    "NH3N (mg/l)": "nh3n",
    "NO3 (mg/l)": "no3n",
    "T-P (mg/l)": "total_phosphorus",
}


def air() -> tuple[list[dict], pd.DataFrame]:
    meta = pd.read_csv(SHARED / "air" / "air4thai_stations.csv", dtype=str)
    meta = meta[meta.station_id.isin(AIR_STATIONS)]
    feed = pd.read_csv(SHARED / "air" / "air4thai_aqilast_hourly_2025-12_2026-08.csv.gz")
    feed = feed[feed.station_id.isin(AIR_STATIONS)]
    feed = feed.drop_duplicates(["station_id", "date", "time"])
    feed["iso"] = feed.date + "T" + feed.time + ":00+07:00"
    parts = []
    for col, q in (("pm25_value", "pm25_24h"), ("pm10_value", "pm10_24h")):
        ok = feed[feed[col] >= 0]
        parts.append(
            pd.DataFrame(
                {"station": ok.station_id, "quantity": q, "time": ok.iso, "value": ok[col]}
            )
        )
    obs = pd.concat(parts)
    stations = []
    for r in meta.itertuples():
        qs = sorted(obs[obs.station == r.station_id].quantity.unique())
        stations.append(
            {
                "id": r.station_id,
                "name_th": r.name_th.strip(),
                "name_en": r.name_en.strip(),
                "kind": "air",
                "lon": r.long,
                "lat": r.lat,
                "quantities": " ".join(qs),
                "source": "PCD air4thai (24 h rolling means from the AQILast feed)",
            }
        )
    return stations, obs


def canals() -> tuple[list[dict], pd.DataFrame]:
    raw = pd.read_csv(SHARED / "water" / "bma_canal_water_quality_2018_2020.csv")
    raw = raw[raw.Canal_id.isin(CANAL_IDS) & raw.Latitude.notna()]
    stations, parts = [], []
    for cid, grp in raw.groupby("Canal_id"):
        first = grp.iloc[0]
        sid = f"bma-{int(cid)}"
        stations.append(
            {
                "id": sid,
                "name_th": f"{first.Canal_name} {first.Sample_water_point}".strip(),
                "name_en": f"{first['Canal_name (EN)']}, {first['Sample_water_point (EN)']}",
                "kind": "water_quality",
                "lon": round(float(first.Longitude), 6),
                "lat": round(float(first.Latitude), 6),
                "quantities": " ".join(sorted(CANAL_QUANTITIES.values())),
                "source": "BMA canal monitoring, one grab sample a year; date not published, "
                "stored at 1 July; coordinates are canal-level",
            }
        )
        for col, q in CANAL_QUANTITIES.items():
            ok = grp[grp[col].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "station": sid,
                        "quantity": q,
                        "time": [f"{int(y) - 543}-07-01T00:00:00+07:00" for y in ok.year],
                        "value": ok[col].astype(float),
                    }
                )
            )
    return stations, pd.concat(parts)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    s1, o1 = air()
    s2, o2 = canals()
    with (OUT / "stations.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(s1[0]))
        writer.writeheader()
        writer.writerows(s1 + s2)
    obs = pd.concat([o1, o2]).sort_values(["station", "quantity", "time"])
    with gzip.open(OUT / "observations.csv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        obs.to_csv(fh, index=False)
    print(f"{len(s1) + len(s2)} stations, {len(obs)} observations -> {OUT}")


if __name__ == "__main__":
    main()
