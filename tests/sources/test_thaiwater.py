"""ThaiWater public telemetry (water level above MSL): the thaiwater30 API's latest-value
shapes (``waterlevel`` and ``waterlevel_load``), history catch-up after a gap through
``waterlevel_graph``, missing values, Thai time, station creation with bank levels, and
loud failure when the shape changes. Payload variants through httpx.MockTransport;
network faults through a real loopback server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources import health
from paknam.sources.http import HttpClient
from paknam.sources.runner import harvest_source
from paknam.sources.thaiwater import ThaiWaterLevels, warning_levels

from .loopback import Answer, loopback

BASE = "https://api-v3.thaiwater.net/api/v1/thaiwater30/public"


def record(sid: str, when: str, msl: Any, **station: Any) -> dict[str, Any]:
    st = {
        "id": sid,
        "tele_station_name": {"th": f"ปากคลอง {sid}", "en": f"Canal mouth {sid}"},
        "tele_station_lat": "13.5862",
        "tele_station_long": "100.5896",
        "tele_station_oldcode": f"SPK{sid}",
        "left_bank": "2.10",
        "right_bank": "1.90",
        "min_bank": "1.90",
        "ground_level": "-3.5",
        "critical_level_msl": "1.60",
        **station,
    }
    return {
        "id": 1,
        "waterlevel_datetime": when,
        "waterlevel_m": "1.0",
        "waterlevel_msl": msl,
        "waterlevel_msl_previous": "0.9",
        "discharge": None,
        "situation_level": 2,
        "station": st,
        "geocode": {"province_name": {"th": "สมุทรปราการ"}, "amphoe_name": {"th": "เมือง"}},
        "river_name": "แม่น้ำเจ้าพระยา",
        "agency": {"agency_shortname": {"en": "HII"}},
        "basin": {"basin_name": {"en": "Chao Phraya"}},
    }


def latest(*records: dict[str, Any]) -> dict[str, Any]:
    """The answer of ``waterlevel?province_code=``: a ``util/result.Result``."""
    return {"result": "OK", "data": list(records)}


def load(*records: dict[str, Any]) -> dict[str, Any]:
    """The answer of ``waterlevel_load``: the same list under ``waterlevel_data``."""
    return {
        "waterlevel_data": {"result": "OK", "data": list(records)},
        "basin": {"result": "OK", "data": []},
        "agency": {"result": "OK", "data": []},
        "scale": {"result": "OK", "data": []},
    }


def graph(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer of ``waterlevel_graph`` (``GetWaterlevelGraphByStationAndDateAnalystOutput``)."""
    return {"result": "OK", "data": {"graph_data": points, "min_bank": 1.9, "ground_level": -3.5}}


class Api:
    """A MockTransport answering the latest and the history endpoints."""

    def __init__(self, doc: Any, history: Callable[[dict[str, str]], Any] | None = None):
        self.doc, self.history = doc, history
        self.calls: list[httpx.URL] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url)
        path = request.url.path.rsplit("/", 1)[-1]
        if path == "waterlevel" and request.url.params.get("province_code") == "11":
            return httpx.Response(200, json=self.doc)
        if path == "waterlevel_load":
            return httpx.Response(200, json=self.doc)
        if path == "waterlevel_graph" and self.history is not None:
            return httpx.Response(200, json=self.history(dict(request.url.params)))
        return httpx.Response(404, text="not found")

    def source(self, **kw: Any) -> ThaiWaterLevels:
        client = HttpClient(transport=httpx.MockTransport(self), retries=0)
        return ThaiWaterLevels(client=client, **kw)


NOW = parse_time("2026-12-04T14:10:00+07:00")


def test_latest_levels_create_stations_and_store_msl_in_utc(store: Store) -> None:
    api = Api(
        latest(record("101", "2026-12-04 14:00", "1.23"), record("102", "2026-12-04 14:00", "-999"))
    )
    o = harvest_source(store, api.source(), now=NOW)
    assert o.ok and o.harvest is not None, o.error
    st = store.get_station("tw-101")
    assert (st.name_th, st.name_en, st.kind) == ("ปากคลอง 101", "Canal mouth 101", "water_level")
    assert (st.lon, st.lat) == (100.5896, 13.5862)
    assert [(s.quantity, s.datum) for s in st.series] == [("water_level", "MSL")]
    assert st.meta["min_bank"] == 1.9 and st.meta["ground_level"] == -3.5
    assert st.meta["warning_levels_m"] == {"warning": 1.6, "danger": 1.9}
    t = parse_time("2026-12-04T07:00:00Z")  # 14:00 Thai time
    assert [(p.time, p.value) for p in store.read_series("tw-101", "water_level", 0, 2**40)] == [
        (t, 1.23)
    ]
    assert store.read_series("tw-102", "water_level", 0, 2**40) == []
    assert any("tw-102: no level" in n and "missing" in n for n in o.harvest.notes)
    assert o.harvest.stored == 1 and o.harvest.newest_time_s == t
    # the same answer again stores nothing
    assert harvest_source(store, api.source(), now=NOW + 600).harvest.stored == 0  # type: ignore[union-attr]


def test_catch_up_from_history_after_a_gap(store: Store) -> None:
    api = Api(latest(record("101", "2026-12-04 08:00", "0.50")))
    assert harvest_source(store, api.source(), now=NOW).ok
    asked: list[dict[str, str]] = []

    def history(params: dict[str, str]) -> Any:
        asked.append(params)
        points = [
            {"datetime": f"2026-12-04 {h:02d}:00", "value": 0.5 + h / 100} for h in range(7, 15)
        ]
        points[3]["value"] = None  # 10:00 missing
        points.reverse()  # any order
        return graph(points)

    api.doc, api.history = latest(record("101", "2026-12-04 14:00", "0.64")), history
    o = harvest_source(store, api.source(), now=NOW)
    assert o.ok, o.error
    assert asked == [
        {
            "station_type": "tele_waterlevel",
            "station_id": "101",
            "start_date": "2026-12-04",
            "end_date": "2026-12-04 14:00",  # a bare date would mean its midnight
        }
    ]
    hours = [p.time for p in store.read_series("tw-101", "water_level", 0, 2**40)]
    base = parse_time("2026-12-04T08:00:00+07:00")
    assert hours == [base + h * 3600 for h in (0, 1, 3, 4, 5, 6)]  # 09, 11-14; 10 missing
    assert o.harvest is not None and o.harvest.stored == 5


SHAPES: list[tuple[Any, str]] = [
    ({"waterlevel": []}, 'no {"result", "data"} object'),
    ({"result": "OK", "data": {"101": {}}}, "is not a list"),
    (latest({"id": 1, "waterlevel_datetime": "x", "waterlevel_msl": "1"}), '"station"'),
    (latest({"station": {"id": 5}, "waterlevel_datetime": "2026-12-04 14:00"}), "lacks"),
    (latest(record("101", "04/12/2026 14:00", "1.0")), "matches"),
]


def test_changed_shape_is_a_non_retryable_error_in_health(store: Store) -> None:
    for n, (doc, what) in enumerate(SHAPES, start=1):
        o = harvest_source(store, Api(doc).source(), now=NOW)
        assert not o.ok and o.retryable is False, what
        assert "changed shape" in (o.error or "") and what in (o.error or "")
        with store.read() as conn:
            (row,) = health.list_health(conn, NOW)
        assert row["failures"] == n and "changed shape" in row["last_error"]
    assert store.list_stations() == []


def test_history_shape_change_fails_loudly(store: Store) -> None:
    api = Api(latest(record("101", "2026-12-04 08:00", "0.50")))
    harvest_source(store, api.source(), now=NOW)
    api.doc = latest(record("101", "2026-12-04 14:00", "0.64"))
    api.history = lambda _p: {"result": "OK", "data": {"series": []}}
    o = harvest_source(store, api.source(), now=NOW)
    assert not o.ok and o.retryable is False and "graph_data" in (o.error or "")


def test_station_leaving_and_future_reading(store: Store) -> None:
    api = Api(
        latest(record("101", "2026-12-04 14:00", "1.0"), record("102", "2026-12-04 14:00", "1.1"))
    )
    assert harvest_source(store, api.source(), now=NOW).ok
    api.doc = latest(record("102", "2026-12-04 16:00", "1.2"))  # 101 gone; 102 ahead
    o = harvest_source(store, api.source(), now=NOW + 600)
    assert o.ok and o.harvest is not None and o.harvest.stored == 0, o.error
    assert any("in the future" in n for n in o.harvest.notes)
    assert not any("waterlevel_graph" in str(u) for u in api.calls)  # no catch-up needed


def test_history_unavailable_keeps_the_gap_open(store: Store) -> None:
    api = Api(
        latest(record("101", "2026-12-04 08:00", "0.50"), record("102", "2026-12-04 14:00", "1.1"))
    )
    assert harvest_source(store, api.source(), now=NOW).ok
    api.doc = latest(
        record("101", "2026-12-04 14:00", "0.64"), record("102", "2026-12-04 14:10", "1.2")
    )
    o = harvest_source(store, api.source(), now=NOW)  # history answers 404
    assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
    assert any("tw-101: history for the gap unavailable" in n for n in o.harvest.notes)
    with store.read() as conn:
        cursor = health.get_cursor(conn, "thaiwater-wl")
    assert cursor is not None and cursor["newest"]["tw-101"] == parse_time(
        "2026-12-04T08:00:00+07:00"
    )


def test_warning_levels_from_banks() -> None:
    assert warning_levels({"left_bank": "2.0", "right_bank": "1.8"}) == {"danger": 1.8}
    assert warning_levels({"min_bank": "1.5", "critical_level_msl": "1.7"}) == {"danger": 1.5}
    assert warning_levels({"min_bank": None}) == {}


def test_timeout_and_5xx_on_a_real_server(store: Store) -> None:
    with loopback() as lb:
        path = "/api/v1/thaiwater30/public/waterlevel"
        lb.play(
            path,
            Answer(502, b"bad gateway"),
            Answer.json(latest(record("101", "2026-12-04 14:00", "1.0"))),
        )
        client = HttpClient(timeout_s=0.3, retries=1, backoff_s=0.0)
        src = ThaiWaterLevels(base_url=lb.base + "/api/v1/thaiwater30/public", client=client)
        assert harvest_source(store, src, now=NOW).ok
        assert lb.requests[0][1] == {"province_code": ["11"]}
        lb.play(path, Answer.json({}, delay_s=0.6))
        o = harvest_source(store, src, now=NOW + 600)
        assert not o.ok and o.retryable and "no answer within 0.3 s" in (o.error or "")


def test_waterlevel_load_shape_for_every_station(store: Store) -> None:
    api = Api(load(record("101", "2026-12-04 14:00", 1.23), record("7", "2026-12-04 14:00", None)))
    o = harvest_source(store, api.source(province_code=None), now=NOW)
    assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
    assert [u.path.rsplit("/", 1)[-1] for u in api.calls] == ["waterlevel_load"]
    assert {s.id for s in store.list_stations()} == {"tw-101", "tw-7"}


def test_records_of_another_province_are_left_out(store: Store) -> None:
    other = record("201", "2026-12-04 14:00", "2.0")
    other["geocode"] = {"province_code": "10", "province_name": {"th": "กรุงเทพมหานคร"}}
    api = Api(latest(record("101", "2026-12-04 14:00", "1.0"), other))
    o = harvest_source(store, api.source(), now=NOW)
    assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
    assert [s.id for s in store.list_stations()] == ["tw-101"]


def test_result_no_is_a_retryable_error(store: Store) -> None:
    o = harvest_source(store, Api({"result": "NO", "data": "pq: timeout"}).source(), now=NOW)
    assert not o.ok and o.retryable is True and "'NO'" in (o.error or "")
    assert "pq: timeout" in (o.error or "")


def test_history_answering_no_keeps_the_gap_open(store: Store) -> None:
    api = Api(latest(record("101", "2026-12-04 08:00", "0.50")))
    assert harvest_source(store, api.source(), now=NOW).ok
    api.doc = latest(record("101", "2026-12-04 14:00", "0.64"))
    api.history = lambda _p: {"result": "NO", "data": "No station id"}
    o = harvest_source(store, api.source(), now=NOW)
    assert o.ok and o.harvest is not None and o.harvest.stored == 0, o.error
    assert any("history for the gap unavailable" in n for n in o.harvest.notes)


def test_history_point_variants_are_read() -> None:
    """Points named like the latest records, with seconds or an offset."""
    api = Api(
        latest(),
        lambda _p: graph(
            [
                {"waterlevel_datetime": "2026-12-04 09:00:00", "waterlevel_msl": "0.6"},
                {"datetime": "2026-12-04T10:00+07:00", "value": 0.7},
            ]
        ),
    )
    src = api.source()
    got = src._history("101", NOW - 86400, NOW)
    base = parse_time("2026-12-04T09:00:00+07:00")
    assert got == [(base, 0.6), (base + 3600, 0.7)]


def test_malformed_json_and_repeated_rows(store: Store) -> None:
    with loopback() as lb:
        path = "/api/v1/thaiwater30/public/waterlevel"
        rec = record("101", "2026-12-04 14:00", "1.0")
        lb.play(
            path, Answer(200, b'{"result": "OK", "data": [', {"Content-Type": "application/json"})
        )
        client = HttpClient(timeout_s=2, retries=0)
        src = ThaiWaterLevels(base_url=lb.base + "/api/v1/thaiwater30/public", client=client)
        o = harvest_source(store, src, now=NOW)
        assert not o.ok and o.retryable and "not JSON" in (o.error or "")
        lb.play(path, Answer.json(latest(rec, rec)))  # the same row twice in one answer
        o = harvest_source(store, src, now=NOW)
        assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
        assert store.count_observations() == 1
