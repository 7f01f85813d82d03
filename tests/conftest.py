"""Fixtures shared by the suite: a store on each engine, an app, services.

The store tests run on SQLite always and on PostgreSQL when ``PAKNAM_TEST_POSTGRES_URL``
names a server (``.ci/run`` sets it). In CI (``CI=true``) a missing PostgreSQL or
Mosquitto is an error, not a skip.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from paknam.core.models import StationCreate
from paknam.core.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("PAKNAM_TEST_POSTGRES_URL")
MQTT_HOST = os.environ.get("PAKNAM_TEST_MQTT_HOST", "127.0.0.1")
MQTT_PORT = int(os.environ.get("PAKNAM_TEST_MQTT_PORT", "1883"))
# personal data in tests is encrypted with a throw-away key (never a key file in the repo)
os.environ.setdefault("PAKNAM_SECRET_KEY", Fernet.generate_key().decode())

_KEEP_TABLES = frozenset({"alembic_version", "quantities", "districts", "spatial_ref_sys"})
"""Tables seeded by the migrations: everything else is emptied between tests."""


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not PG_URL:
        _skip_or_fail("PAKNAM_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"paknam_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        _skip_or_fail(f"PostgreSQL at PAKNAM_TEST_POSTGRES_URL unreachable: {exc.orig}")
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        )
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_store(pg_url: str) -> Iterator[Store]:
    store = Store.open(pg_url)
    yield store
    store.close()


_USED_SEQUENCES = """
SELECT DISTINCT t.relname, ps.sequencename FROM pg_sequences ps
JOIN pg_class s ON s.relname = ps.sequencename AND s.relkind = 'S'
JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = ps.schemaname
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
WHERE ps.schemaname = current_schema() AND ps.last_value IS NOT NULL
"""
"""Tables whose identity or serial sequence has handed out a value since its last restart,
with that sequence."""


def _reset(store: Store) -> None:
    """Empty every table but :data:`_KEEP_TABLES`, and restart the tables' id sequences.

    PostgreSQL: one query finds the tables that hold a row or whose sequence was used (a
    test touches a few of the ~70); as a superuser (the test server) their rows are deleted
    with the foreign-key triggers off (``session_replication_role``), else they are
    truncated. ``TRUNCATE`` of every table, as before, cost 0.2–1 s per test under load.
    """
    with store.write() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t not in _KEEP_TABLES]
        if store.dialect != "postgresql":
            for table in tables:
                conn.exec_driver_sql(f"DELETE FROM {table}")
            return
        holding = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in tables
        )
        dirty = set(conn.exec_driver_sql(holding).scalars())
        sequences = {
            seq: table for table, seq in conn.exec_driver_sql(_USED_SEQUENCES) if table in tables
        }
        dirty |= set(sequences.values())
        if not dirty:
            return
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar()
        if not superuser:
            names = ", ".join(sorted(dirty))
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in sorted(dirty):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        for seq in sorted(sequences):
            conn.exec_driver_sql(f"ALTER SEQUENCE {seq} RESTART")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store migrated once per test process: each test gets a copy
    (migrating a new file costs 0.2 s, a copy 0.04 s, and a thousand tests use one)."""
    path = tmp_path_factory.mktemp("template") / "paknam.sqlite3"
    Store.open(f"sqlite:///{path}").close()
    return path


def _fresh_sqlite(template: Path, tmp_path: Path) -> Store:
    target = tmp_path / "paknam.sqlite3"
    target.touch(mode=0o600)  # as Store.open makes a new file: personal data inside
    with sqlite3.connect(template) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # the SQLite backup API: a consistent copy, WAL or not
    src.close()
    dst.close()
    return Store.open(f"sqlite:///{target}")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store loaded with the demo's samples at their recorded times (``run_demo``;
    ``paknam demo --no-serve`` replays them up to now instead, so this store holds no rule
    alert: tests/web/test_demo_walk.py loads its own) once per test process (~5 s
    of CPU): each demo server of the web and open-data tests serves a copy of its own
    (:func:`demo_store`, 0.02 s), so that what one module adds never reaches another."""
    from paknam.pipeline.demo import run_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    try:
        run_demo(store)
    finally:
        store.close()
    return path


def demo_store(template: Path, directory: Path) -> Store:
    """A new store in ``directory``: a copy of the demo ``template`` (``_demo_template``)."""
    return _fresh_sqlite(template, directory)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on each engine."""
    if request.param == "sqlite":
        s = _fresh_sqlite(request.getfixturevalue("_sqlite_template"), tmp_path)
        yield s
        s.close()
    else:
        s = request.getfixturevalue("_pg_store")
        _reset(s)
        yield s


@pytest.fixture
def sqlite_store(_sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    s = _fresh_sqlite(_sqlite_template, tmp_path)
    yield s
    s.close()


def add_air_station(store: Store, station_id: str = "18t", **kw: object) -> None:
    """Register a Samut Prakan air station measuring pm25 and pm10."""
    fields: dict[str, object] = {
        "id": station_id,
        "name_th": "ศาลากลางจังหวัดสมุทรปราการ",
        "name_en": "City Hall, Samut Prakan",
        "kind": "air",
        "lon": 100.597345,
        "lat": 13.599149,
        "quantities": ["pm25", "pm10"],
    }
    fields.update(kw)
    store.add_station(StationCreate(**fields))  # type: ignore[arg-type]


def obs(station: str, quantity: str, time: str, value: object) -> dict[str, object]:
    return {"station": station, "quantity": quantity, "time": time, "value": value}


@pytest.fixture
def mqtt_broker() -> tuple[str, int]:
    """Address of a running MQTT broker (Mosquitto)."""
    try:
        with socket.create_connection((MQTT_HOST, MQTT_PORT), timeout=2):
            pass
    except OSError as exc:
        _skip_or_fail(f"no MQTT broker at {MQTT_HOST}:{MQTT_PORT}: {exc}")
    return MQTT_HOST, MQTT_PORT


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: opt-in test on the shared real data skipped")
    return SHARED_DATA
