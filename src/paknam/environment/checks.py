"""Run the environment rules over the store and keep the warnings in step."""

from __future__ import annotations

from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.core.warnings import Signal, SyncResult
from paknam.environment.air_service import latest_aqi
from paknam.environment.rules import DROP_WINDOW, aqi_signal, do_signals, wqi_signal
from paknam.environment.water_service import latest_wqi

KINDS = ["aqi", "do_low", "do_drop", "wqi_poor"]


def run_environment_checks(store: Store) -> SyncResult:
    """Evaluate every station once; raise, update or clear ``environment`` warnings."""
    signals: list[Signal] = []
    evaluated: list[str | None] = []
    for row in latest_aqi(store):
        evaluated.append(row["station"])
        s = aqi_signal(
            row["station"],
            row["name_th"],
            row["name_en"],
            row["aqi"],
            row["pollutant"],
            parse_time(row["time"]),
            district_code=row["district_code"],
        )
        if s:
            signals.append(s)
    for station in store.list_stations():
        if not any(s.quantity == "do" for s in station.series):
            continue
        evaluated.append(station.id)
        points = store.last_points(station.id, "do", DROP_WINDOW + 1)
        wc = station.meta.get("water_class")
        signals += do_signals(
            station.id,
            station.name_th,
            station.name_en,
            [(p.time, p.value) for p in points],
            water_class=int(wc) if isinstance(wc, int | str) and str(wc).isdigit() else None,
            district_code=station.district_code,
        )
    for row in latest_wqi(store):
        if row["station"] not in evaluated:
            evaluated.append(row["station"])
        w = wqi_signal(
            row["station"],
            row["name_th"],
            row["name_en"],
            row,
            parse_time(row["time"]),
            district_code=row["district_code"],
        )
        if w:
            signals.append(w)
    return store.sync_warnings("environment", signals, evaluated=evaluated, kinds=KINDS)
