"""The generic polled JSON/CSV source against a real loopback server: timeouts, 5xx,
malformed JSON and CSV, repeated and out-of-order rows, a station that disappears from
the answer, and clock skew at the agency."""

from __future__ import annotations

from typing import Any

from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources import health
from paknam.sources.http import HttpClient
from paknam.sources.polled import PolledSource
from paknam.sources.runner import harvest_source

from .loopback import Answer, loopback
from .test_polled_and_config import add_canal

NOW = parse_time("2026-12-04T12:00:00+07:00")
PATH = "/api/quality"


def row(station: str, quantity: str, time: str, value: Any) -> dict[str, Any]:
    return {"site": station, "param": quantity, "obs_time": time, "reading": value}


def source(base: str, kind: str = "json", **kw: Any) -> PolledSource:
    client = HttpClient(timeout_s=0.5, retries=kw.pop("retries", 0), backoff_s=0.0)
    fields = ({"records": "rows"} if kind == "json" else {}) | {
        "station": "site",
        "quantity": "param",
        "value": "reading",
        "time": "obs_time",
    }
    return PolledSource("agency", kind=kind, url=base + PATH, client=client, **fields, **kw)


def test_timeout_5xx_and_malformed_json_are_recorded_not_raised(store: Store) -> None:
    add_canal(store)
    ok = {"rows": [row("sp-canal-01", "do", "2026-12-04T11:00:00+07:00", 4.0)]}
    with loopback() as lb:
        lb.play(PATH, Answer(502, b"bad gateway"), Answer.json(ok))
        o = harvest_source(store, source(lb.base, retries=1), now=NOW)
        assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
        assert lb.hits(PATH) == 2  # the 502 was retried
        lb.play(PATH, Answer(503, b"down"))
        o = harvest_source(store, source(lb.base), now=NOW)
        assert not o.ok and o.retryable and "503" in (o.error or "")
        lb.play(PATH, Answer.json(ok, delay_s=1.0))
        o = harvest_source(store, source(lb.base), now=NOW)
        assert not o.ok and o.retryable and "no answer within 0.5 s" in (o.error or "")
        lb.play(PATH, Answer(200, b'{"rows": [{"site": "sp', {"Content-Type": "application/json"}))
        o = harvest_source(store, source(lb.base), now=NOW)
        assert not o.ok and o.retryable and "not JSON" in (o.error or "")
    with store.read() as conn:
        (h,) = health.list_health(conn, NOW)
    assert h["failures"] == 3 and h["rows_total"] == 1 and "not JSON" in h["last_error"]
    assert store.count_observations() == 1


def test_repeated_out_of_order_disappearing_station_and_clock_skew(store: Store) -> None:
    add_canal(store)
    add_canal(store, "sp-canal-02")
    first = {
        "rows": [
            row("sp-canal-01", "do", "2026-12-04T10:00:00+07:00", 4.0),
            row("sp-canal-02", "do", "2026-12-04T10:00:00+07:00", 5.0),
        ]
    }
    second = {
        "rows": [
            row("sp-canal-01", "do", "2026-12-04T11:00:00+07:00", 4.2),
            row("sp-canal-01", "do", "2026-12-04T11:00:00+07:00", 4.2),  # repeated
            row("sp-canal-01", "do", "2026-12-04T10:00:00+07:00", 4.0),  # older again
            row("sp-canal-01", "ph", "2026-12-04T09:00:00+07:00", 7.1),  # late, other series
            row("sp-canal-01", "ph", "2026-12-04T13:30:00+07:00", 7.0),  # 1.5 h ahead: skew
            # sp-canal-02 is gone from this answer
        ]
    }
    with loopback() as lb:
        lb.play(PATH, Answer.json(first), Answer.json(second))
        src = source(lb.base)
        assert harvest_source(store, src, now=NOW).ok
        o = harvest_source(store, src, now=NOW)
    assert o.ok and o.harvest is not None, o.error
    assert o.harvest.stored == 2 and o.harvest.rejected == 1
    assert any("in the future" in n for n in o.harvest.notes)
    assert store.count_observations() == 4
    assert [p.value for p in store.read_series("sp-canal-01", "do", 0, 2**40)] == [4.0, 4.2]
    assert o.stale is False  # one station leaving the answer is no source gap


def test_csv_faults(store: Store) -> None:
    add_canal(store)
    csv_ok = "site,param,obs_time,reading\nsp-canal-01,do,2026-12-04T11:00:00+07:00,4.0\n"
    with loopback() as lb:
        lb.play(
            PATH,
            Answer(200, b"\xff\xfe not utf-8", {"Content-Type": "text/csv"}),
            Answer(200, b"", {"Content-Type": "text/csv"}),
            Answer(200, b"a,b\n1,2\n", {"Content-Type": "text/csv"}),
            Answer(200, csv_ok.encode(), {"Content-Type": "text/csv"}),
        )
        src = source(lb.base, kind="csv")
        o = harvest_source(store, src, now=NOW)
        assert not o.ok and o.retryable is False and "not UTF-8" in (o.error or "")
        o = harvest_source(store, src, now=NOW)
        assert not o.ok and o.retryable and "no header" in (o.error or "")
        o = harvest_source(store, src, now=NOW)
        assert not o.ok and o.retryable is False, o.error  # columns changed
        o = harvest_source(store, src, now=NOW)
        assert o.ok and o.harvest is not None and o.harvest.stored == 1, o.error
