"""The core reads SensorThings adds: the ``("series", ids)`` condition and the time
bounds of series by index seeks (both engines)."""

from __future__ import annotations

from paknam.core import observations
from paknam.core.observations import RowQuery
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from tests.conftest import add_air_station, obs


def test_series_condition_and_time_bounds(store: Store) -> None:
    add_air_station(store)
    add_air_station(store, "16t", lon=100.5562, lat=13.618)
    store.ingest_items(
        [
            obs(s, "pm25", f"2026-01-01T{h:02d}:00:00+07:00", h)
            for s in ("18t", "16t")
            for h in (7, 8, 9)
        ]
    )
    ids = {s: sid for (s, q), sid in store.catalog().items() if q == "pm25"}
    empty = next(sid for (s, q), sid in store.catalog().items() if q == "pm10")
    t8 = parse_time("2026-01-01T08:00:00+07:00")
    where = ("or", ("series", [ids["16t"]]), ("and", ("series", []), ("cmp", "ge", "time", t8)))
    rows = store.query_observations(RowQuery(list(ids.values()), where=where))
    assert {s for s, _, _ in rows} == {ids["16t"]} and len(rows) == 3
    assert store.count_observations_where(RowQuery(list(ids.values()), where=("series", []))) == 0
    with store.read() as conn:
        bounds = observations.time_bounds(conn, [ids["18t"], ids["16t"], empty])
    t7, t9 = parse_time("2026-01-01T07:00:00+07:00"), parse_time("2026-01-01T09:00:00+07:00")
    assert bounds == {ids["18t"]: (t7, t9), ids["16t"]: (t7, t9)}
