"""Source attribution over the store: air (wind sectors) and canals (where a drop starts).

Glue between the store and :mod:`attribution_air` / :mod:`attribution_water`.

- Air: a station needs the pollutant, ``wind_speed`` and ``wind_direction``. Values are
  put on an hourly grid: concentration and speed as hourly means, direction as the
  direction of the hourly mean wind vector (directions cannot be averaged as numbers).
- Canals: the network comes from station metadata ``downstream`` (a station id or a list
  of them) on water-quality stations; samples are grouped by Bangkok sampling day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paknam.core.errors import InvalidInput
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.environment.attribution.air.explain import explain_air_source
from paknam.environment.attribution.water.explain import (
    canal_network,
    explain_water_drop,
    thai_standard_rule,
)

POLLUTANT_LABELS = {
    "pm25": ("PM2.5", "µg/m³"),
    "pm10": ("PM10", "µg/m³"),
    "o3": ("O3", "ppb"),
    "no2": ("NO2", "ppb"),
    "so2": ("SO2", "ppb"),
    "co": ("CO", "ppm"),
}


def _hourly(store: Store, station: str, quantity: str, start: int, end: int) -> pd.Series:
    pts = store.read_series(station, quantity, start, end, bucket="hour", agg="mean")
    idx = pd.to_datetime([p.time for p in pts], unit="s", utc=True)
    return pd.Series([p.value for p in pts], index=idx, dtype=float)


def _hourly_direction(store: Store, station: str, start: int, end: int) -> pd.Series:
    pts = store.read_series(station, "wind_direction", start, end)
    if not pts:
        return pd.Series(dtype=float)
    t = np.array([p.time - p.time % 3600 for p in pts])
    rad = np.radians([p.value for p in pts])
    frame = pd.DataFrame({"t": t, "u": np.sin(rad), "v": np.cos(rad)}).groupby("t").mean()
    deg = (np.degrees(np.arctan2(frame["u"], frame["v"])) + 360.0) % 360.0
    return pd.Series(deg.to_numpy(), index=pd.to_datetime(frame.index, unit="s", utc=True))


def air_attribution(
    store: Store,
    station: str,
    quantity: str,
    start: int,
    end: int,
    neighbours: list[str] | None = None,
) -> dict[str, Any]:
    """Explain where high values of ``quantity`` at ``station`` come from."""
    if quantity not in POLLUTANT_LABELS:
        raise InvalidInput(
            f"attribution works on 1-hour pollutant series {sorted(POLLUTANT_LABELS)}, "
            f"not {quantity!r}",
            field="quantity",
        )
    conc = _hourly(store, station, quantity, start, end)
    ws = _hourly(store, station, "wind_speed", start, end)
    wd = _hourly_direction(store, station, start, end)
    frame = pd.concat({"c": conc, "ws": ws, "wd": wd}, axis=1, sort=True).dropna()
    if frame.empty:
        raise InvalidInput(
            f"station {station!r} has no hours with {quantity}, wind speed and direction "
            "together in this range"
        )
    neigh = {n: _hourly(store, n, quantity, start, end) for n in neighbours or []}
    label, unit = POLLUTANT_LABELS[quantity]
    ex = explain_air_source(
        frame.index,
        frame["c"].to_numpy(),
        frame["ws"].to_numpy(),
        frame["wd"].to_numpy(),
        station=station,
        pollutant=label,
        unit=unit,
        neighbours=neigh or None,
    )
    return {
        "station": station,
        "quantity": quantity,
        "hours": len(frame),
        "verdict": ex.verdict,
        "weak": ex.weak,
        "text_th": ex.text_th,
        "text_en": ex.text_en,
        "evidence": dict(ex.evidence),
        "cpf": ex.cpf.to_frame().reset_index().to_dict("records"),
        "diurnal": ex.diurnal.to_frame().reset_index().to_dict("records"),
    }


def canal_drops(store: Store, parameter: str = "do", water_class: int = 3) -> dict[str, Any]:
    """Where a quality drop first appears along the canal network in the store."""
    stations = [s for s in store.list_stations() if any(x.quantity == parameter for x in s.series)]
    reaches = []
    for s in stations:
        down = s.meta.get("downstream")
        for d in [down] if isinstance(down, str) else list(down or []):
            reaches.append((s.id, str(d)))
    if not reaches:
        raise InvalidInput(
            "no canal network: give water-quality stations a 'downstream' station id in "
            "their metadata (paknam station add --meta downstream=ID)"
        )
    ids = sorted({x for r in reaches for x in r})
    network = canal_network(reaches, stations=ids)
    columns = {}
    for sid in ids:
        pts = store.read_series(sid, parameter, -(2**33), 2**33, bucket="day", agg="mean")
        columns[sid] = pd.Series(
            [p.value for p in pts],
            index=pd.to_datetime([p.time for p in pts], unit="s", utc=True).tz_convert(BANGKOK),
        )
    samples = pd.DataFrame(columns).sort_index()
    ex = explain_water_drop(network, samples, thai_standard_rule(parameter, water_class))
    return {
        "parameter": parameter,
        "water_class": water_class,
        "reaches": [{"upstream": u, "downstream": d} for u, d in reaches],
        "verdict": ex.verdict,
        "text_th": ex.text_th,
        "text_en": ex.text_en,
    }
