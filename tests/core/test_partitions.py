"""Migration 0017: observations partitioned by month on PostgreSQL (plain on SQLite), the
default partition, partitions created ahead, rows kept through the upgrade."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from paknam.cli import app
from paknam.core import observations, partitions, stations
from paknam.core.config import get_settings
from paknam.core.db import _alembic_config
from paknam.core.partitions import Month
from paknam.core.store import Store
from paknam.core.timeutil import now_s
from tests.conftest import PG_URL, _reset, add_air_station

DAY = 86_400


def _fresh_url(engine: str, tmp_path: object) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path}/old.sqlite3"
        return
    if not PG_URL:
        pytest.skip("PAKNAM_TEST_POSTGRES_URL is not set")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"paknam_part_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """An empty database of each engine (to be migrated by hand)."""
    yield from _fresh_url(request.param, tmp_path)


def _rows(store: Store) -> list[tuple[int, int, float]]:
    with store.read() as conn:
        q = observations.RowQuery(
            [s for s in range(1, 10)], order=(("series", False), ("time", False)), limit=10**6
        )
        return observations.query_rows(conn, q)


def test_upgrade_with_existing_rows_keeps_every_row_and_the_revision_trigger(old_url: str) -> None:
    store = Store(old_url)  # not migrated: brought to 0016 by hand, then filled
    try:
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0016")
        with store.write() as conn:
            stations.sync_quantities(conn)
        add_air_station(store)
        now = now_s()
        # 1990 and two years back (old months), last week (recent), one correction
        times = np.array([631_152_000, 631_155_600, now - 730 * DAY, now - 7 * DAY, now - 60])
        store.ingest_columns(["18t"] * 5, ["pm25"] * 5, times, np.array([1.0, 2, 3, 4, 5]))
        store.ingest_columns(["18t"] * 2, ["pm10"] * 2, times[3:], np.array([40.0, 50]))
        before = _rows(store)
        assert len(before) == 7
        store.migrate()  # 0016 -> 0017 and on to the head (what paknam db upgrade does)
        assert store.schema_change is not None and store.schema_change[0] == "0016"
        assert store.schema_change[1] >= "0017"
        assert _rows(store) == before
        # the upsert and the correction record still work on the new table
        r = store.ingest_columns(["18t"], ["pm25"], times[3:4], np.array([4.5]))
        assert r.stored == 1
        assert [x["new_value"] for x in store.revisions("18t", "pm25")] == [4.5]
        assert store.count_observations() == 7
        with store.read() as conn:
            if store.dialect == "postgresql":
                assert partitions.is_partitioned(conn)
                names = set(partitions.partition_names(conn))
                for t in times:  # every month with rows got its partition
                    assert Month.of(int(t)).name in names
                assert partitions.partition_rows(conn, partitions.DEFAULT_PARTITION) == 0
                for i in range(4):  # and the coming months
                    assert Month.of(now).plus(i).name in names
            else:
                assert not partitions.is_partitioned(conn)
    finally:
        store.close()


def test_far_dates_go_to_the_default_partition_and_move_into_a_new_month(store: Store) -> None:
    add_air_station(store)
    with store.read() as conn:
        sid = stations.series_id(conn, "18t", "pm25")
    far_past = 315_532_800  # 1980-01-01: no partition
    far_future = 4_102_444_800 + 3600  # 2100-01-01 01:00
    with store.write() as conn:
        n = observations.write_rows(
            conn, [(sid, far_past, 1.0), (sid, far_past + 60, 2.0), (sid, far_future, 3.0)]
        )
    assert n == 3
    assert store.count_observations() == 3
    if store.dialect != "postgresql":
        return
    with store.read() as conn:
        assert partitions.partition_rows(conn, partitions.DEFAULT_PARTITION) == 3
    month = Month.of(far_past)
    with store.write() as conn:
        assert partitions.ensure_month(conn, month) == 2  # moved out of the default
    with store.write() as conn:
        assert partitions.ensure_month(conn, month) is None  # already there
    with store.read() as conn:
        assert partitions.partition_rows(conn, month.name) == 2
        assert partitions.partition_rows(conn, partitions.DEFAULT_PARTITION) == 1
    pts = store.read_series("18t", "pm25", far_past, far_future + 1)
    assert [(p.time, p.value) for p in pts] == [
        (far_past, 1.0),
        (far_past + 60, 2.0),
        (far_future, 3.0),
    ]
    with store.write() as conn:  # the partition is clean again for the other tests
        partitions.drop_month(conn, month)


@pytest.fixture
def pg_store(request: pytest.FixtureRequest) -> Store:
    """The session's PostgreSQL store, emptied."""
    store = request.getfixturevalue("_pg_store")
    _reset(store)
    return store


@pytest.mark.postgres
def test_partitions_are_created_ahead_once(pg_store: Store) -> None:
    store = pg_store
    later = now_s() + 400 * DAY  # months no other test makes
    made = store.ensure_partitions(ahead=2, now=later)
    first = Month.of(later)
    assert made == [first.name, first.plus(1).name, first.plus(2).name]
    assert store.ensure_partitions(ahead=2, now=later) == []
    with store.read() as conn:
        names = partitions.partition_names(conn)
    assert set(made) <= set(names)
    with store.write() as conn:
        for i in range(3):
            partitions.drop_month(conn, first.plus(i))
    # paknam db upgrade makes a missing one and says so
    nxt = Month.of(now_s()).plus(1)
    with store.write() as conn:
        partitions.drop_month(conn, nxt)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["db", "upgrade"], env={"PAKNAM_DATABASE_URL": store.url})
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    assert f"1 partition(s) of observations created: {nxt.name}" in r.stdout


def test_months_and_names() -> None:
    m = Month.of(1_767_225_600)  # 2026-01-01T00:00:00Z
    assert (m.name, m.lo, m.plus(-1).name, m.plus(12).name) == (
        "observations_p202601",
        1_767_225_600,
        "observations_p202512",
        "observations_p202701",
    )
    assert m.hi - m.lo == 31 * DAY
    assert partitions.month_of_name("observations_p202613") is None
    assert partitions.month_of_name("observations_default") is None
    assert partitions.month_of_name("observations_p202602") == Month(2026, 2)
