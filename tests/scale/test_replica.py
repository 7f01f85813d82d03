"""Read replica and failover on real PostgreSQL 15 servers (issue #20, item 1).

A throwaway primary and a streaming hot standby (made by deploy/postgres/make-replica.sh,
synchronous: the primary's commits wait until the standby has the WAL) run in a temporary
folder on free ports, as the ``postgres`` OS user; the shared server on 5432 is untouched.
The failover test stops the primary, so it runs last.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.api.read_routing import may_read_replica
from paknam.core.errors import StoreUnavailable
from paknam.core.replica import ReadReplica, lsn_int, replica_reads
from paknam.core.store import Store
from tests.conftest import IN_CI, add_air_station, obs
from tests.scale.pg_clusters import Cluster, Clusters, free_port, missing, wait_until

T0 = 1_735_664_400  # 2025-01-01T00:00:00+07:00
OBS = "/api/v1/observations"


@dataclass
class Pair:
    clusters: Clusters
    primary: Cluster
    standby: Cluster


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """A migrated paknam primary and its synchronous streaming standby ``replica1``."""
    reason = missing()
    if reason:
        if IN_CI:
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)
    clusters = Clusters()
    try:
        primary = clusters.primary()
        Store.open(primary.url).close()  # the schema, copied with the rest
        standby = clusters.replica(primary, "replica1")
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'replica1'")
        primary.psql("SELECT pg_reload_conf()")
        assert wait_until(
            lambda: primary.psql("SELECT sync_state FROM pg_stat_replication") == "sync"
        )
        yield Pair(clusters, primary, standby)
    finally:
        clusters.close()


def _replayed_everything(store: Store) -> bool:
    assert store.replica is not None
    with store.engine.connect() as conn:
        written = lsn_int(conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar())
    with store.replica.engine.connect() as conn:
        replayed = lsn_int(conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()").scalar())
    return replayed is not None and written is not None and replayed >= written


def _ensure_station(store: Store) -> None:
    """Station 18t, unless an earlier test made it (each test can also run alone)."""
    if "18t" not in {s.id for s in store.list_stations()}:
        add_air_station(store)


def _ids(features: list[dict[str, object]]) -> set[object]:
    return {f["id"] for f in features}


def test_which_requests_may_read_the_replica() -> None:
    def scope(method: str, path: str, auth: bool = False) -> dict[str, object]:
        headers = [(b"authorization", b"Bearer pks_x")] if auth else []
        return {"type": "http", "method": method, "path": path, "headers": headers}

    assert may_read_replica(scope("GET", "/api/v1/stations/18t/series"))
    assert may_read_replica(scope("HEAD", "/sta/v1.1/Things"))
    assert not may_read_replica(scope("GET", "/api/v1/stations", auth=True))  # officer, device
    assert not may_read_replica(scope("POST", "/api/v1/observations"))
    assert not may_read_replica(scope("GET", "/api/v1/environment/reports"))  # just sent
    assert not may_read_replica(scope("GET", "/api/v1/complaints/follow/tok"))
    assert not may_read_replica(scope("GET", "/api/v1/health"))


def test_a_replica_needs_postgresql(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreUnavailable, match="needs a PostgreSQL primary"):
        Store(f"sqlite:///{tmp_path / 'p.sqlite3'}", read_url="postgresql://x@127.0.0.1/x")


def test_public_reads_come_from_the_replica_and_writes_see_themselves(pair: Pair) -> None:
    store = Store.open(pair.primary.url, read_url=pair.standby.url)
    try:
        add_air_station(store)
        assert wait_until(lambda: _replayed_everything(store))
        pair.standby.psql("SELECT pg_wal_replay_pause()")  # the replica now lags for sure
        try:
            add_air_station(store, "16t", lon=100.5562, lat=13.618)  # on the primary only
            with replica_reads():  # a public read...
                assert [s.id for s in store.list_stations()] == ["18t"]  # ...from the replica
                _, key, _ = store.create_device_key(["18t"])  # ...that writes: then the primary
                assert [s.id for s in store.list_stations()] == ["16t", "18t"]
            assert [s.id for s in store.list_stations()] == ["16t", "18t"]  # no context
            _lag_limit_sends_reads_to_the_primary_until_the_replica_catches_up(pair)

            with TestClient(create_app(store, warm_up=False)) as client:
                public = client.get("/api/v1/stations")
                assert public.status_code == 200
                assert _ids(public.json()["features"]) == {"18t"}
                device = {"Authorization": f"Bearer {key}"}  # like an officer's session
                seen = client.get("/api/v1/stations", headers=device).json()["features"]
                assert _ids(seen) == {"16t", "18t"}  # callers with a token: the primary
                health = client.get("/api/v1/health").json()
                assert health["status"] == "ok"
                replica = health["replica"]
                assert replica["state"] == "ok" and replica["reads_from"] == "replica"
                assert replica["lag_bytes"] > 0 and replica["lag_s"] >= 0
                assert "@127.0.0.1" in replica["url"]

                pair.standby.psql("SELECT pg_wal_replay_resume()")
                assert wait_until(  # the cached public answer follows the replica's replay
                    lambda: (
                        _ids(client.get("/api/v1/stations").json()["features"]) == {"16t", "18t"}
                    ),
                    timeout=10,
                    every=0.2,
                )
                assert client.get("/api/v1/health").json()["replica"]["lag_bytes"] >= 0
                _every_public_read_works_on_the_replica(client)
        finally:
            pair.standby.psql("SELECT pg_wal_replay_resume()")
    finally:
        store.close()


def _lag_limit_sends_reads_to_the_primary_until_the_replica_catches_up(pair: Pair) -> None:
    now = [0.0]
    store = Store(pair.primary.url)
    store.replica = ReadReplica(pair.standby.url, max_lag_s=0.0, clock=lambda: now[0])
    try:
        with replica_reads():  # the replica is behind (replay paused): the primary answers
            assert [s.id for s in store.list_stations()] == ["16t", "18t"]
        assert (store.replica.problem or "").startswith("replay lag")
        store.replica.max_lag_s = 3600.0  # PAKNAM_DATABASE_READ_MAX_LAG_S
        now[0] += 1.0  # still within the 5 s before the replica is tried again
        with replica_reads():
            assert [s.id for s in store.list_stations()] == ["16t", "18t"]
        now[0] += 5.0
        with replica_reads():  # tried again, within the limit now: the replica (paused)
            assert [s.id for s in store.list_stations()] == ["18t"]
        assert store.replica.problem is None and store.replica.fallbacks == 2
    finally:
        store.close()


def _every_public_read_works_on_the_replica(client: TestClient) -> None:
    """Each public GET route that reads from the replica answers without a server error (a
    write inside a read, refused by the hot standby, would be a 500)."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    tried = []
    for path, ops in paths.items():
        url = re.sub(r"\{[^}]+\}", "x", path)
        scope = {"type": "http", "method": "GET", "path": url, "headers": []}
        if "get" not in ops or not may_read_replica(scope):
            continue
        r = client.get(url.replace("{ext}", "json"))
        assert r.status_code < 500, (url, r.status_code, r.text[:300])
        tried.append(url)
    assert len(tried) >= 40


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    store = Store.open(pair.primary.url, read_url=nowhere)
    try:
        _ensure_station(store)
        on_primary = {s.id for s in store.list_stations()}
        with caplog.at_level(logging.WARNING, logger="paknam.core.replica"), replica_reads():
            assert {s.id for s in store.list_stations()} == on_primary
            assert {s.id for s in store.list_stations()} == on_primary
        assert store.replica is not None and store.replica.fallbacks == 2
        warned = [r.getMessage() for r in caplog.records]
        assert len(warned) == 1 and "unreachable" in warned[0] and "from the primary" in warned[0]
        with TestClient(create_app(store, warm_up=False)) as client:
            assert _ids(client.get("/api/v1/stations").json()["features"]) == on_primary
            health = client.get("/api/v1/health")
            assert health.status_code == 200 and health.json()["status"] == "ok"
            replica = health.json()["replica"]
            assert replica["state"] == "unusable" and replica["reads_from"] == "primary"
            assert replica["problem"].startswith("unreachable")
            assert replica["lag_s"] is None and replica["lag_bytes"] is None
    finally:
        store.close()


def _batch(i: int) -> list[dict[str, object]]:
    """Batch ``i``: 10 readings of one station at distinct times and values."""
    return [
        obs("18t", "pm25", datetime.fromtimestamp(t, UTC).isoformat(), v)
        for t, v in _expected(i).items()
    ]


def _stored(store: Store) -> dict[int, float]:
    points = store.read_series("18t", "pm25", T0, T0 + 10**8)
    return {p.time: p.value for p in points}


def test_failover_loses_no_acknowledged_write(pair: Pair) -> None:
    """Writes over HTTP while the primary dies: promote the standby, point paknam at it,
    writes resume, and every acknowledged reading is there with its value."""
    assert pair.primary.psql("SELECT sync_state FROM pg_stat_replication") == "sync"
    assert pair.primary.psql("SHOW synchronous_commit") == "on"
    store = Store.open(pair.primary.url)
    acked: dict[int, float] = {}
    failures: list[int] = []
    enough = threading.Event()
    try:
        _ensure_station(store)
        _, key, _ = store.create_device_key(["18t"])
        device = {"Authorization": f"Bearer {key}"}
        with TestClient(create_app(store, warm_up=False)) as client:

            def write() -> None:
                for i in range(100_000):
                    r = client.post(OBS, json={"observations": _batch(i)}, headers=device)
                    if r.status_code != 200:
                        failures.append(r.status_code)
                        return
                    assert r.json()["stored"] == 10
                    acked.update(_expected(i))
                    if i == 30:
                        enough.set()

            writer = threading.Thread(target=write)
            writer.start()
            assert enough.wait(30), "the writer made no progress"
            pair.primary.stop("immediate")  # in the middle of the stream of writes
            writer.join(30)
            assert not writer.is_alive()
        assert failures and failures[0] == 503  # the store is gone: 503, never 500
    finally:
        store.close()

    printed = pair.clusters.promote(pair.standby)
    assert "now a primary" in printed
    with pytest.raises(RuntimeError, match="not a standby"):  # promote.sh twice: refused
        pair.clusters.promote(pair.standby)
    promoted = Store.open(pair.standby.url)  # PAKNAM_DATABASE_URL pointed at it
    try:
        stored = _stored(promoted)
        lost = {t: v for t, v in acked.items() if stored.get(t) != v}
        assert not lost, f"{len(lost)} acknowledged readings missing or changed"
        assert len(acked) >= 310
        assert len(stored) - len(acked) in (0, 10)  # at most the batch in flight
        _, key, _ = promoted.create_device_key(["18t"])
        with TestClient(create_app(promoted, warm_up=False)) as client:
            device = {"Authorization": f"Bearer {key}"}
            r = client.post(OBS, json={"observations": _batch(90_000)}, headers=device)
            assert r.status_code == 200, r.text
            assert r.json()["stored"] == 10  # writes resume
        assert len(_stored(promoted)) == len(stored) + 10
    finally:
        promoted.close()


def _expected(i: int) -> dict[int, float]:
    return {T0 + (i * 10 + j) * 60: round(i % 500 + j / 100, 2) for j in range(10)}
