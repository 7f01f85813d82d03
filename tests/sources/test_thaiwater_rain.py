"""ThaiWater 24-hour rainfall (``rain_24h``): the thaiwater30 API's shape, the province
filter and ``include_zero``, gauges shared with water level, missing values, repeated and
out-of-order answers, a gauge that disappears, clock skew, and the network faults on a
real loopback server."""

from __future__ import annotations

from typing import Any

import httpx

from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources import health
from paknam.sources.http import HttpClient
from paknam.sources.runner import harvest_source
from paknam.sources.thaiwater import ThaiWaterLevels
from paknam.sources.thaiwater_rain import ThaiWaterRain

from .loopback import Answer, loopback
from .test_thaiwater import latest as wl_latest
from .test_thaiwater import record as wl_record

NOW = parse_time("2026-12-04T14:10:00+07:00")
PATH = "/api/v1/thaiwater30/public/rain_24h"


def rain(sid: str, when: str, mm: Any, province: str = "11", **extra: Any) -> dict[str, Any]:
    """One ``Struct_Rainfall24H`` record."""
    return {
        "id": 20753329,
        "rain_24h": mm,
        "rainfall_datetime": when,
        "station_type": "rainfall_24h",
        "agency": {"agency_shortname": {"th": "สสน.", "en": "HII"}},
        "geocode": {"province_code": province, "province_name": {"th": "สมุทรปราการ"}},
        "station": {
            "id": int(sid),
            "tele_station_name": {"th": f"ฝน {sid}"},
            "tele_station_lat": 13.60,
            "tele_station_long": 100.60,
            "tele_station_oldcode": f"SPK{sid}",
            "tele_station_type": "R",
        },
        "basin": {"basin_name": {"th": "เจ้าพระยา"}},
        **extra,
    }


def answer(*records: dict[str, Any]) -> dict[str, Any]:
    return {"result": "OK", "data": list(records)}


def source(lb: Any, **kw: Any) -> ThaiWaterRain:
    client = HttpClient(timeout_s=0.5, retries=kw.pop("retries", 0), backoff_s=0.0)
    return ThaiWaterRain(base_url=lb.base + "/api/v1/thaiwater30/public", client=client, **kw)


def values(store: Store, sid: str) -> list[tuple[int, float]]:
    return [(p.time, p.value) for p in store.read_series(sid, "rainfall_24h", 0, 2**40)]


def test_rain_24h_stored_with_the_province_and_zero_gauges(store: Store) -> None:
    with loopback() as lb:
        lb.play(
            PATH,
            Answer.json(
                answer(
                    rain("501", "2026-12-04 14:00", "12.5", rain_1h=3.0),
                    rain("502", "2026-12-04 14:00", 0),
                    rain("503", "2026-12-04 13:50", None),  # missing
                    rain("601", "2026-12-04 14:00", 40, province="10"),  # another province
                )
            ),
        )
        o = harvest_source(store, source(lb), now=NOW)
        assert o.ok and o.harvest is not None, o.error
        assert lb.requests[0][1] == {"include_zero": ["1"], "province_code": ["11"]}
    t = parse_time("2026-12-04T14:00:00+07:00")
    assert values(store, "tw-501") == [(t, 12.5)]
    assert values(store, "tw-502") == [(t, 0.0)]
    assert values(store, "tw-503") == []
    assert any("tw-503: no rain_24h" in n for n in o.harvest.notes)
    st = store.get_station("tw-501")
    assert st.kind == "weather" and [s.quantity for s in st.series] == ["rainfall_24h"]
    assert st.name_th == "ฝน 501" and st.name_en == "SPK501" and st.meta["tele_station_type"] == "R"
    assert {s.id for s in store.list_stations()} == {"tw-501", "tw-502", "tw-503"}


def test_a_level_station_gets_a_rain_series_and_both_cursors_hold(store: Store) -> None:
    levels = ThaiWaterLevels(
        client=HttpClient(
            transport=httpx.MockTransport(
                lambda r: httpx.Response(
                    200, json=wl_latest(wl_record("501", "2026-12-04 14:00", "1.1"))
                )
            ),
            retries=0,
        )
    )
    assert harvest_source(store, levels, now=NOW).ok
    with loopback() as lb:
        lb.play(PATH, Answer.json(answer(rain("501", "2026-12-04 14:00", "5.0"))))
        o = harvest_source(store, source(lb), now=NOW)
    assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
    st = store.get_station("tw-501")
    assert st.kind == "water_level"  # created by the level source; rain added as a series
    assert sorted(s.quantity for s in st.series) == ["rainfall_24h", "water_level"]
    with store.read() as conn:
        assert health.get_cursor(conn, "thaiwater-rain") == {
            "newest": {"tw-501|rainfall_24h": parse_time("2026-12-04T14:00:00+07:00")}
        }


def test_repeated_out_of_order_disappearing_and_future_rows(store: Store) -> None:
    with loopback() as lb:
        lb.play(
            PATH,
            Answer.json(
                answer(rain("501", "2026-12-04 13:00", 2), rain("502", "2026-12-04 13:00", 1))
            ),
        )
        src = source(lb)
        assert harvest_source(store, src, now=NOW).ok
        # 501 repeated, 501 older (out of order), 502 gone, 503 from the future (skew)
        lb.play(
            PATH,
            Answer.json(
                answer(
                    rain("501", "2026-12-04 13:00", 2),
                    rain("501", "2026-12-04 12:00", 1.5),
                    rain("503", "2026-12-04 19:00", 9),
                )
            ),
        )
        o = harvest_source(store, src, now=NOW)
    assert o.ok and o.harvest is not None, o.error
    assert o.harvest.stored == 0 and o.harvest.rejected == 1
    assert any("tw-503" in n and "in the future" in n for n in o.harvest.notes)
    assert store.count_observations() == 2
    assert o.stale is False  # a gauge leaving the answer is not a source gap


def test_timeouts_5xx_malformed_json_and_shape_change(store: Store) -> None:
    with loopback() as lb:
        lb.play(
            PATH,
            Answer(503, b"maintenance"),
            Answer.json(answer(rain("501", "2026-12-04 14:00", 1))),
        )
        o = harvest_source(store, source(lb, retries=1), now=NOW)
        assert o.ok, o.error  # the 503 was retried
        lb.play(PATH, Answer.json(answer(), delay_s=1.0))
        o = harvest_source(store, source(lb), now=NOW)
        assert not o.ok and o.retryable and "no answer within 0.5 s" in (o.error or "")
        lb.play(PATH, Answer(200, b'{"result": "OK", "da', {"Content-Type": "application/json"}))
        o = harvest_source(store, source(lb), now=NOW)
        assert not o.ok and o.retryable and "not JSON" in (o.error or "")
        lb.play(PATH, Answer.json({"result": "OK", "data": [{"station": {"id": 1}}]}))
        o = harvest_source(store, source(lb), now=NOW)
        assert (
            not o.ok
            and o.retryable is False
            and "lacks rainfall_datetime, rain_24h" in (o.error or "")
        )
        lb.play(PATH, Answer.json(answer(rain("501", "04/12/2026 14:00", 1))))
        o = harvest_source(store, source(lb), now=NOW)
        assert not o.ok and o.retryable is False and "rainfall_datetime" in (o.error or "")
    with store.read() as conn:
        (row,) = health.list_health(conn, NOW)
    assert row["failures"] == 4 and row["rows_total"] == 1
