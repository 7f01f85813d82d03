"""The air4thai feed harvester through the runner, against a loopback server serving the
getAQI JSON format: incremental hours, repeats and out-of-order hours stored once, a
station that leaves the feed, clock skew, malformed JSON, a changed format, and the
officer-only data_gap warning raised when stale and cleared when data flows again."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paknam.core.registry import warning_kinds
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.pipeline.flow import issue_alerts
from paknam.sources import health
from paknam.sources.air4thai_feed import Air4thaiFeed
from paknam.sources.http import HttpClient
from paknam.sources.runner import gap_key, harvest_source

from .loopback import Answer, Loopback, loopback

SAMPLE = json.loads(
    (
        Path(__file__).resolve().parents[1] / "data" / "air4thai_getAQI_sample_3stations.json"
    ).read_text(encoding="utf-8")
)
T0 = parse_time("2025-12-25T00:00:00+07:00")
NOW = T0 + 600  # ten minutes after the feed's hour


def feed(hours: dict[str, tuple[str, str, str]]) -> dict[str, Any]:
    """The sample feed with each listed station at (date, time, PM2.5); others dropped."""
    doc = {"stations": []}
    for s in SAMPLE["stations"]:
        if s["stationID"] in hours:
            s = copy.deepcopy(s)
            date, time, pm25 = hours[s["stationID"]]
            s["AQILast"].update(date=date, time=time)
            s["AQILast"]["PM25"]["value"] = pm25
            doc["stations"].append(s)
    return doc


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback() as lb:
        yield lb


def source(server: Loopback, **kw: Any) -> Air4thaiFeed:
    client = HttpClient(timeout_s=0.3, retries=1, backoff_s=0.0, sleep=lambda _s: None)
    return Air4thaiFeed(
        url=server.base + "/services/getNewAQI_JSON.php",
        stations=("16t", "18t"),
        client=client,
        **kw,
    )


PATH = "/services/getNewAQI_JSON.php"


def pm25(store: Store, sid: str) -> list[tuple[int, float]]:
    return [(p.time, p.value) for p in store.read_series(sid, "pm25_24h", 0, 2**40)]


def test_incremental_repeat_and_out_of_order_hours_are_stored_once(
    store: Store, server: Loopback
) -> None:
    src = source(server)
    server.play(
        PATH,
        Answer.json(
            feed(
                {
                    "16t": ("2025-12-25", "00:00", "32.5"),
                    "18t": ("2025-12-25", "00:00", "48.1"),
                    "29t": ("2025-11-23", "00:00", "12.4"),
                }
            )
        ),
    )
    o = harvest_source(store, src, now=NOW)
    assert o.ok and o.harvest is not None
    assert {s.id for s in store.list_stations()} == {"16t", "18t"}  # 29t not configured
    assert o.harvest.stored == 3  # 16t pm25_24h + pm10_24h, 18t pm25_24h
    assert pm25(store, "18t") == [(T0, 48.1)]
    with store.read() as conn:
        assert health.get_cursor(conn, src.id) == {"newest": {"16t": T0, "18t": T0}}

    # the same feed again (repeated rows): nothing new
    o = harvest_source(store, src, now=NOW + 900)
    assert o.ok and o.harvest.stored == 0 and o.harvest.received == 3

    # next hour for 18t, and 16t goes back an hour (out of order): only 18t's new hour
    server.play(
        PATH,
        Answer.json(
            feed({"16t": ("2025-12-24", "23:00", "99.0"), "18t": ("2025-12-25", "01:00", "50.0")})
        ),
    )
    o = harvest_source(store, src, now=NOW + 3600)
    assert o.ok and o.harvest.stored == 1
    assert pm25(store, "18t") == [(T0, 48.1), (T0 + 3600, 50.0)]
    assert pm25(store, "16t") == [(T0, 32.5)]
    rows = {r["source_id"]: r for r in health_rows(store, NOW + 3600)}
    assert rows[src.id]["rows_total"] == 4 and rows[src.id]["newest_time_s"] == T0 + 3600


def health_rows(store: Store, now: int) -> list[dict[str, Any]]:
    with store.read() as conn:
        return health.list_health(conn, now)


def test_station_leaving_the_feed_and_clock_skew(store: Store, server: Loopback) -> None:
    src = source(server)
    server.play(
        PATH,
        Answer.json(
            feed({"16t": ("2025-12-25", "00:00", "32.5"), "18t": ("2025-12-25", "00:00", "48.1")})
        ),
    )
    assert harvest_source(store, src, now=NOW).ok
    # 16t disappears; 18t's clock runs two hours ahead of now
    server.play(PATH, Answer.json(feed({"18t": ("2025-12-25", "03:00", "60.0")})))
    o = harvest_source(store, src, now=NOW + 3600)
    assert o.ok and o.harvest is not None and o.harvest.stored == 0
    assert any("16t: not in the feed" in n for n in o.harvest.notes)
    assert any("18t/pm25_24h" in n and "in the future" in n for n in o.harvest.notes)
    assert pm25(store, "18t") == [(T0, 48.1)]
    with store.read() as conn:  # the cursor did not move past the refused hour
        assert health.get_cursor(conn, src.id)["newest"]["18t"] == T0
    # once the clock catches up, the hour is accepted
    o = harvest_source(store, src, now=T0 + 3 * 3600 + 60)
    assert o.ok and o.harvest.stored == 1


def test_malformed_json_and_changed_format_are_recorded_not_raised(
    store: Store, server: Loopback
) -> None:
    src = source(server)
    server.play(PATH, Answer(200, b'{"stations": [{"stationID": "18t", "lat": '))
    o = harvest_source(store, src, now=NOW)
    assert not o.ok and o.retryable and "not JSON" in (o.error or "")
    assert server.hits(PATH) == 1  # malformed JSON is not retried within the harvest
    server.play(PATH, Answer.json({"data": {"stations": []}}))
    o = harvest_source(store, src, now=NOW + 60)
    assert not o.ok and o.retryable is False and "format may have changed" in (o.error or "")
    (row,) = health_rows(store, NOW + 60)
    assert row["failures"] == 2 and "format may have changed" in row["last_error"]
    assert row["last_success_at"] is None


def test_timeout_and_5xx_through_the_runner(store: Store, server: Loopback) -> None:
    src = source(server)
    server.play(
        PATH,
        Answer(503, b"maintenance"),
        Answer.json(feed({"18t": ("2025-12-25", "00:00", "48.1")})),
    )
    assert harvest_source(store, src, now=NOW).ok  # retried once inside the helper
    server.play(PATH, Answer.json({}, delay_s=1.0))
    o = harvest_source(store, src, now=NOW + 60)
    assert not o.ok and o.retryable and "no answer within" in (o.error or "")


def test_data_gap_raised_when_stale_and_cleared_when_data_returns(
    store: Store, server: Loopback
) -> None:
    assert warning_kinds()["data_gap"].public is False
    src = source(server, stale_after_s=3 * 3600)
    server.play(PATH, Answer.json(feed({"18t": ("2025-12-25", "00:00", "48.1")})))
    assert harvest_source(store, src, now=NOW).gap is None
    # the feed keeps its old hour: 3 h later still within the window, then stale
    assert harvest_source(store, src, now=T0 + 3 * 3600).stale is False
    o = harvest_source(store, src, now=T0 + 3 * 3600 + 60)
    assert o.ok and o.stale and o.gap == "raised"
    (w,) = store.list_warnings(domain="sources")
    assert w["kind"] == "data_gap" and w["station_id"] == gap_key(src.id)
    assert "air4thai" in w["headline_en"] and w["details"]["lag_s"] == 3 * 3600 + 60
    # the feed fails as well: still one warning, updated, naming the error
    server.play(PATH, Answer(500, b"down"))
    o = harvest_source(store, src, now=T0 + 4 * 3600)
    assert not o.ok and o.gap == "updated"
    (w,) = store.list_warnings(domain="sources")
    assert "HTTP 500" in w["description_en"]
    # officer-only: the pipeline issues no alert and does not call it unregistered
    run = issue_alerts(store)
    assert run.alert == [] and run.queued == [] and run.unregistered == []
    # data flows again: cleared
    server.play(PATH, Answer.json(feed({"18t": ("2025-12-25", "04:00", "40.0")})))
    o = harvest_source(store, src, now=T0 + 4 * 3600 + 600)
    assert o.ok and not o.stale and o.gap == "cleared"
    assert store.list_warnings(domain="sources") == []


def test_source_that_never_delivered_is_stale_after_failing_that_long(
    store: Store, server: Loopback
) -> None:
    src = source(server, every_s=3600, stale_after_s=2 * 3600)
    server.play(PATH, Answer(404, b"moved"))
    assert harvest_source(store, src, now=NOW).stale is False
    o = harvest_source(store, src, now=NOW + 3600)
    assert o.stale and o.gap == "raised"
    (w,) = store.list_warnings(domain="sources")
    assert "never received" in w["description_en"]
