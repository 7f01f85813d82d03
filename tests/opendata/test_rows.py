"""The filtered observation reads under the datastore (both engines)."""

from __future__ import annotations

from paknam.core.observations import RowQuery
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from tests.conftest import add_air_station, obs

T0 = "2026-01-01T07:00:00+07:00"


def _load(store: Store) -> dict[str, int]:
    add_air_station(store)
    add_air_station(store, "16t", lon=100.5562, lat=13.618)
    items = [
        obs(s, "pm25", f"2026-01-01T{h:02d}:00:00+07:00", v + h)
        for s, v in (("18t", 10.0), ("16t", 50.0))
        for h in range(7, 12)
    ]
    store.ingest_items(items, now=parse_time("2026-01-02T00:00:00+07:00"))
    return {s: sid for (s, q), sid in store.catalog().items() if q == "pm25"}


def test_rows_filter_order_page_and_count(store: Store) -> None:
    ids = _load(store)
    t9 = parse_time("2026-01-01T09:00:00+07:00")
    where = (
        "and",
        ("cmp", "ge", "time", t9),
        ("or", ("cmp", "lt", "value", 20), ("cmp", "gt", "value", 60)),
    )
    q = RowQuery(list(ids.values()), where=where, order=(("value", True),), limit=2, offset=1)
    everything = RowQuery(list(ids.values()), where=where, order=(("value", True),), limit=100)
    # 18t: 17..21 µg/m³ from 7 to 11 h; 16t: 57..61. From 9 h, below 20 or above 60:
    assert [v for _, _, v in store.query_observations(everything)] == [61.0, 19.0]
    assert [v for _, _, v in store.query_observations(q)] == [19.0]  # offset 1
    assert store.count_observations_where(q) == 2
    negated = RowQuery([ids["18t"]], where=("not", ("cmp", "ne", "value", 19)))
    assert [(s, t) for s, t, _ in store.query_observations(negated)] == [(ids["18t"], t9)]
    assert store.count_observations_where(RowQuery([ids["18t"]])) == 5
    assert store.query_observations(RowQuery([])) == []
    spans = store.time_spans(list(ids.values()))
    assert spans[ids["18t"]] == (parse_time(T0), parse_time("2026-01-01T11:00:00+07:00"), 5)
