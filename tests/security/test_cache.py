"""Issue 14, finding 10: a surge of citizens after an alert.

The public reads a surge hits are answered from memory (paknam.core.http.cache): strong
ETag, Last-Modified and Cache-Control, 304 on a matching If-None-Match, one computation per
answer at a time however many requests arrive cold, and a write shows within the stated
delay (at once from this process, within ``check_every`` = 1 s from another).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from paknam.api import indicators
from paknam.api.app import create_app
from paknam.core.errors import NotFound, StoreUnavailable
from paknam.core.http.cache import CachePolicy, ResponseCache, _Flight
from paknam.core.store import Store
from paknam.governance import service
from paknam.governance.alerts import AlertSpec
from tests.conftest import add_air_station, obs

FLOOD = AlertSpec(
    topic="flood",
    severity="severe",
    headline_th="น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
    headline_en="High tide flooding, Phra Samut Chedi",
    description_th="คาดว่าระดับน้ำสูงสุด 1.3 ม.",
    description_en="Water expected to peak at 1.3 m.",
    districts=["1105"],
)

ROUTES = (
    "/",
    "/alerts",
    "/station/18t",
    "/api/v1/stations",
    "/api/v1/stations/18t",
    "/api/v1/latest",
    "/api/v1/environment/aqi",
    "/api/v1/environment/wqi",
    "/api/v1/districts?simplify=0.0002",
    "/api/v1/warnings",
    "/api/v1/alerts?state=all",
    "/api/v1/alerts/{alert}",
    "/api/v1/alerts/{alert}.xml",
    "/api/v1/alerts.atom",
    "/api/v1/indicators",
)


def _iso(hours_ago: float) -> str:
    from paknam.core.timeutil import to_local_iso

    return to_local_iso(int(time.time() - hours_ago * 3600))


@pytest.fixture
def city(store: Store) -> tuple[Store, int]:
    """A station with a value and one alert; returns the store and the alert's id."""
    add_air_station(store)
    store.ingest_items([obs("18t", "pm25", _iso(1), 21.0)])
    alert = service.create_alert(store, FLOOD, "somchai")
    return store, int(alert["id"])


@pytest.fixture
def client(city: tuple[Store, int]) -> Iterator[TestClient]:
    with TestClient(create_app(city[0])) as c:
        yield c


@pytest.mark.parametrize("route", ROUTES)
def test_public_reads_carry_validators_and_answer_304(
    route: str, city: tuple[Store, int], client: TestClient
) -> None:
    path = route.replace("{alert}", str(city[1]))
    first = client.get(path)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')  # strong: not W/"..."
    cache_control = first.headers["cache-control"]
    assert cache_control.startswith("public, max-age=")
    assert "stale-while-revalidate=" in cache_control
    parsedate_to_datetime(first.headers["last-modified"])  # an HTTP date

    again = client.get(path)  # now from memory, before routing
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == etag
    assert again.headers["content-type"] == first.headers["content-type"]

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    since = client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_the_first_request_with_a_matching_etag_gets_304_from_the_route(
    city: tuple[Store, int],
) -> None:
    """Not only the fast path: a new process (empty cache) also answers 304."""
    with TestClient(create_app(city[0])) as c:
        etag = c.get("/api/v1/alerts.atom").headers["etag"]
    with TestClient(create_app(city[0])) as fresh:
        assert fresh.get("/api/v1/alerts.atom", headers={"If-None-Match": etag}).status_code == 304


def _pm25(client: TestClient) -> float:
    stations = client.get("/api/v1/stations").json()
    (feature,) = stations["features"]
    return float(feature["properties"]["latest"]["pm25"]["value"])


def test_a_write_by_this_process_shows_at_once(city: tuple[Store, int], client: TestClient) -> None:
    store, alert = city
    assert _pm25(client) == 21.0
    store.ingest_items([obs("18t", "pm25", _iso(0.5), 35.0)])
    assert _pm25(client) == 35.0
    cancel = client.get("/api/v1/alerts?state=active").json()["alerts"]
    assert [a["id"] for a in cancel] == [alert]
    service.cancel_alert(store, alert, "somchai", None, None)
    assert client.get("/api/v1/alerts?state=active").json()["alerts"] == []


def test_a_write_by_another_process_shows_within_the_check_interval(
    city: tuple[Store, int], client: TestClient
) -> None:
    """Another worker of ``paknam serve --workers 2`` has its own store object and cache;
    the store's generation tells this one, checked at most once per second."""
    store, _ = city
    assert _pm25(client) == 21.0
    etag = client.get("/api/v1/stations").headers["etag"]
    other = Store.open(store.url, migrate=False)
    try:
        other.ingest_items([obs("18t", "pm25", _iso(0.5), 47.0)])
        service.create_alert(other, FLOOD, "somsri")
    finally:
        other.close()
    time.sleep(ResponseCache(lambda: 0).check_every + 0.05)
    assert _pm25(client) == 47.0
    assert client.get("/api/v1/stations").headers["etag"] != etag
    assert len(client.get("/api/v1/alerts?state=active").json()["alerts"]) == 2
    assert client.get("/api/v1/stations", headers={"If-None-Match": etag}).status_code == 200


def test_the_store_generation_counts_writes_that_change_answers(store: Store) -> None:
    before, local = store.generation(), store.local_generation
    with store.write(changes_answers=False):  # e.g. the hourly roll-up refreshed
        pass
    assert (store.generation(), store.local_generation) == (before, local)
    other = Store.open(store.url, migrate=False)
    try:
        with other.write():
            pass
    finally:
        other.close()
    assert store.generation() != before  # seen by every process
    assert store.local_generation == local  # the other process wrote, not this one
    with store.write():
        pass
    assert store.local_generation != local


def _concurrently(app: Any, path: str, n: int) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return list(await asyncio.gather(*(c.get(path) for _ in range(n))))

    # a thread of its own: a browser test earlier in this worker (Playwright's sync API)
    # leaves an event loop running in the main thread, where asyncio.run() is refused
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(run())).result()


def _counting(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str, delay: float = 0.3
) -> list[int]:
    calls: list[int] = []
    real: Callable[..., Any] = getattr(target, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(delay)  # long enough that every request arrives while it runs
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
    return calls


def test_a_cold_indicator_board_is_computed_once_for_a_crowd(
    city: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch, indicators, "board")
    app = create_app(city[0])
    answers = _concurrently(app, "/api/v1/indicators", 16)
    assert [r.status_code for r in answers] == [200] * 16
    assert len({r.content for r in answers}) == 1
    assert len(calls) == 1


def test_cold_stations_are_computed_once_for_a_crowd(
    city: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = city[0]
    calls = _counting(monkeypatch, store, "latest")
    app = create_app(store)
    answers = _concurrently(app, "/api/v1/stations", 16)
    assert [r.status_code for r in answers] == [200] * 16
    assert len(calls) == 1


def test_fresh_board_requests_share_one_computation(
    city: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fresh=true`` cannot be used to make the server compute the board once per request."""
    app = create_app(city[0])
    _concurrently(app, "/api/v1/indicators", 1)
    calls = _counting(monkeypatch, indicators, "board")
    answers = _concurrently(app, "/api/v1/indicators?fresh=true", 16)
    assert [r.status_code for r in answers] == [200] * 16
    assert len(calls) <= 2  # one, or one more begun after the first ended


def test_an_officer_is_never_answered_from_the_citizens_copy(
    city: tuple[Store, int], client: TestClient
) -> None:
    from paknam.core.timeutil import now_s
    from paknam.core.warnings import Signal
    from tests.api.conftest import login

    store = city[0]
    signal = Signal(
        domain="energy",
        kind="energy_outage",
        station_id="18t",
        severity="moderate",
        headline_th="หัวข้อ",
        headline_en="Headline",
        description_th="รายละเอียด",
        description_en="Details",
        observed_at=now_s() - 600,
    )
    store.sync_warnings("energy", [signal], evaluated=["18t"], kinds=["energy_outage"])
    for _ in range(2):  # the second one comes from memory
        assert client.get("/api/v1/warnings").json() == []
    officer = login(client, store, "officer")
    seen = client.get("/api/v1/warnings", headers=officer)
    assert [w["kind"] for w in seen.json()] == ["energy_outage"]
    assert seen.headers["cache-control"] == "private, no-store"
    bad = client.get("/api/v1/warnings", headers={"Authorization": "Bearer pks_nonsense"})
    assert bad.status_code == 401


def test_a_missing_alert_is_404_and_not_kept(client: TestClient) -> None:
    for _ in range(2):
        r = client.get("/api/v1/alerts/999999.xml")
        assert r.status_code == 404 and "etag" not in r.headers


# ---- the cache itself ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _cache(clock: Clock, generation: list[int]) -> ResponseCache:
    return ResponseCache(lambda: generation[0], clock=clock, wall_clock=lambda: 1.7e9)


def _answer(text: str, calls: list[str]) -> Callable[[], tuple[bytes, str]]:
    def compute() -> tuple[bytes, str]:
        calls.append(text)
        return text.encode(), "text/plain"

    return compute


def test_cache_reuses_until_generation_or_ttl_changes(clock: Clock) -> None:
    generation = [1]
    cache = _cache(clock, generation)
    policy = CachePolicy(ttl=15.0)
    calls: list[str] = []
    first = cache.get("k", _answer("a", calls), policy)
    assert cache.get("k", _answer("b", calls), policy) is first
    generation[0] = 2
    clock.now += 0.5  # the generation is read at most once a second
    assert cache.get("k", _answer("b", calls), policy) is first
    clock.now += 0.6
    changed = cache.get("k", _answer("b", calls), policy)
    assert changed.body == b"b" and changed.etag != first.etag
    clock.now += 15.0  # the clock alone
    again = cache.get("k", _answer("b", calls), policy)
    assert calls == ["a", "b", "b"]
    assert again.last_modified_s == changed.last_modified_s  # same bytes: not modified


def test_cache_min_interval_holds_a_costly_answer(clock: Clock) -> None:
    generation = [1]
    cache = _cache(clock, generation)
    policy = CachePolicy(ttl=300.0, min_interval=60.0)
    calls: list[str] = []
    cache.get("k", _answer("a", calls), policy)
    generation[0] = 2
    clock.now += 30.0
    assert cache.get("k", _answer("b", calls), policy).body == b"a"
    clock.now += 31.0
    assert cache.get("k", _answer("b", calls), policy).body == b"b"


def test_cache_serves_the_previous_answer_while_one_request_recomputes(clock: Clock) -> None:
    generation = [1]
    cache = _cache(clock, generation)
    policy = CachePolicy(ttl=15.0)
    cache.get("k", _answer("old", []), policy)
    generation[0] = 2
    clock.now += 2.0
    started, release = threading.Event(), threading.Event()

    def slow() -> tuple[bytes, str]:
        started.set()
        release.wait(10)
        return b"new", "text/plain"

    leader = threading.Thread(target=cache.get, args=("k", slow, policy))
    leader.start()
    assert started.wait(10)
    follower = cache.get("k", _answer("never", []), policy)
    assert follower.body == b"old"  # at once, not after the recomputation
    assert cache.peek("k", policy) is not None  # also without I/O, on the event loop
    release.set()
    leader.join(10)
    assert cache.get("k", _answer("never", []), policy).body == b"new"


def test_cache_waiters_share_the_leaders_error(clock: Clock) -> None:
    cache = _cache(clock, [1])
    policy = CachePolicy()
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    errors: list[BaseException] = []

    def missing() -> tuple[bytes, str]:
        calls.append(1)
        started.set()
        release.wait(10)
        raise NotFound("no alert 7")

    def ask() -> None:
        try:
            cache.get("k", missing, policy)
        except NotFound as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(5)]
    threads[0].start()
    assert started.wait(10)
    for t in threads[1:]:
        t.start()
    time.sleep(0.1)
    release.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(errors) == 5
    assert cache.peek("k", policy) is None  # an error is not kept


def test_cache_keeps_a_bounded_number_of_answers(clock: Clock) -> None:
    cache = ResponseCache(lambda: 1, clock=clock, max_entries=3)
    for i in range(10):
        cache.get(("page", i), _answer(str(i), []), CachePolicy())
    assert len(cache._entries) == 3
    assert cache.peek(("page", 9), CachePolicy()) is not None
    assert cache.peek(("page", 0), CachePolicy()) is None


def test_cache_stale_answers_are_bounded_while_revalidating(clock: Clock) -> None:
    cache = _cache(clock, [1])
    policy = CachePolicy(ttl=10.0, stale_while_revalidate=5)
    cache.get("k", _answer("old", []), policy)
    clock.now += 20.0  # older than ttl + stale-while-revalidate
    with cache._lock:
        cache._flights["k"] = _Flight()  # another request is recomputing
    assert cache.peek("k", policy) is None  # too old to send: wait for the new one


def test_cache_keeps_answering_when_the_generation_cannot_be_read(clock: Clock) -> None:
    down = [False]

    def generation() -> int:
        if down[0]:
            raise StoreUnavailable("store unavailable: connection refused")
        return 1

    cache = ResponseCache(generation, clock=clock)
    first = cache.get("k", _answer("a", []), CachePolicy(ttl=15.0))
    down[0] = True
    clock.now += 2.0
    assert cache.get("k", _answer("b", []), CachePolicy(ttl=15.0)) is first
