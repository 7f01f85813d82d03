"""Database engines: SQLite (embedded default) and PostgreSQL (production), one code path.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed transaction survives a
crash of the process (kill -9); only a power loss can lose the last transactions (use
PostgreSQL where that matters; see docs/deploy.md).
Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so concurrent writers queue
on the busy timeout instead of failing on a lock upgrade. A new SQLite file is created with
mode 0600 (owner only: it holds complaints, photos and encrypted addresses); SQLite gives its
``-wal`` and ``-shm`` files the same mode.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from paknam.core.config import redact_url
from paknam.core.errors import StoreUnavailable

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_engine(url: str, *, connect_timeout: int | None = None) -> Engine:
    """An engine for ``url`` (``sqlite:///file`` or ``postgresql://...``) set up for paknam.

    ``connect_timeout`` (PostgreSQL, seconds): give up connecting after that long (a read
    replica that is down must not hold requests up)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
        return sa.create_engine(
            parsed, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args
        )
    raise StoreUnavailable(
        f"unsupported database URL {redact_url(url)!r}: use sqlite:///FILE or postgresql://..."
    )


def _create_private(path: Path) -> None:
    """Create the SQLite file ``path`` empty with mode 0600 unless it exists (an empty file is
    an empty database); warn when an existing one is readable by other users."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning(
                "database file %s is readable by other users: chmod 600 it (and its -wal and "
                "-shm files) unless that is meant",
                path,
            )
        return
    os.close(fd)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        parent = Path(database).expanduser().resolve().parent
        if not parent.is_dir():
            raise StoreUnavailable(f"folder {parent} of the SQLite file does not exist")
        if not database.startswith("file:"):
            _create_private(Path(database))
    engine = sa.create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("paknam_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


GENERATION_SEQUENCE = "paknam_generation"
"""PostgreSQL: a sequence advanced after every committed write (migration 0010)."""
_BUMP_SQLITE = (
    "INSERT INTO store_generation (id, token, n) VALUES (1, random() & 1073741823, 1) "
    "ON CONFLICT (id) DO UPDATE SET n = n + 1"
)
"""SQLite: one row counting writes (inside the write, which holds the lock anyway); made
again with a new random ``token`` if deleted, so that a count never repeats a value."""


@contextmanager
def write_transaction(engine: Engine, *, changes_answers: bool = True) -> Iterator[Connection]:
    """A connection in a write transaction, committed on success, rolled back on error.

    With ``changes_answers`` (the default; see ``Store.write``) the store's generation advances
    with it: on SQLite in the same transaction; on PostgreSQL once the transaction has
    committed, never before (a sequence has no lock to queue concurrent writers on, and
    a process that sees the new generation also sees the data). See
    :func:`read_generation`.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(paknam_write=True)
        sqlite = conn.dialect.name == "sqlite"
        with conn.begin():
            yield conn
            if sqlite and changes_answers:
                try:
                    conn.exec_driver_sql(_BUMP_SQLITE)
                except sa.exc.OperationalError as exc:  # not migrated yet: the write stands
                    if "no such table" not in str(exc.orig):
                        raise
        if not sqlite and changes_answers:
            try:
                conn.exec_driver_sql(f"SELECT nextval('{GENERATION_SEQUENCE}')")
                conn.commit()
            except sa.exc.ProgrammingError:  # not migrated yet; the write is committed
                conn.rollback()
            except sa.exc.OperationalError as exc:  # the write is committed: say it is
                log.warning(
                    "write committed, but the store's generation did not advance (cached "
                    "answers refresh when their time to live ends): %s",
                    exc.orig,
                )


def read_generation(conn: Connection) -> tuple[int, int]:
    """The store's generation: a value that changes with every committed write, by any
    process; ``(0, 0)`` before migration 0010."""
    try:
        if conn.dialect.name == "sqlite":
            row = conn.exec_driver_sql("SELECT token, n FROM store_generation WHERE id = 1").first()
            return (int(row[0]), int(row[1])) if row else (0, 0)
        value = conn.exec_driver_sql(f"SELECT last_value FROM {GENERATION_SEQUENCE}").scalar()
        return 0, int(value or 0)
    except sa.exc.ProgrammingError:  # PostgreSQL: no sequence yet
        conn.rollback()
        return 0, 0
    except sa.exc.OperationalError as exc:
        if conn.dialect.name == "sqlite" and "no such table" in str(exc.orig):
            return 0, 0
        raise


def _alembic_config() -> Config:
    cfg = Config()
    location = resources.files("paknam.core") / "migrations"
    cfg.set_main_option("script_location", str(location))
    return cfg


def schema_revision(conn: sa.Connection) -> str | None:
    """The schema's Alembic revision (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision (creating it on an empty database); returns
    the revision (before, after)."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        before = schema_revision(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        after = schema_revision(conn)
    return before, after
