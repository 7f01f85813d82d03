"""The read replica: public reads from a PostgreSQL hot standby, everything else from the
primary (``PAKNAM_DATABASE_READ_URL``; docs/deploy.md, "Read replica").

Where a read goes is decided in one place, :meth:`paknam.core.store.Store.read`, from two
facts:

- **May this work read stale data?** Only code running inside :func:`replica_reads` may.
  The HTTP edge opens it for anonymous public reads (``paknam.api.read_routing``); the
  CLI, the workers, officers and every request that writes never do.
- **Has this work written yet?** :meth:`~paknam.core.store.Store.write` calls
  :func:`note_write`: every later read of the same request goes to the primary and sees
  the write (read-after-write), although the replica may not have replayed it yet.

The replica is skipped, and the primary answers, for :attr:`ReadReplica.retry_after_s`
seconds after a failed connection, and while its replay lag exceeds ``max_lag_s`` (checked
at most once per :attr:`ReadReplica.check_every_s`). Both are logged and shown by
``/api/v1/health`` (:meth:`ReadReplica.status`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from paknam.core.config import redact_url
from paknam.core.db import create_engine
from paknam.core.errors import StoreUnavailable

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_S = 2
_STANDBY_STATE = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
    "CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
)
"""Whether the server is a standby, what it has replayed, and how far behind it is [s]:
0 when it has replayed everything it received (an idle primary writes nothing, so the age
of the last replayed transaction says nothing then), else that age. The receive position
of a standby that is not streaming is NULL: then the age too (conservative)."""


class _Route:
    """The read routing of one unit of work (an HTTP request)."""

    __slots__ = ("wrote",)

    def __init__(self) -> None:
        self.wrote = False


_ROUTE: ContextVar[_Route | None] = ContextVar("paknam_read_route", default=None)
"""Set by :func:`replica_reads`; a mutable object, so that a write in a worker thread
(which runs in a copy of the context) is seen by the reads after it."""


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads of the store may come from the read replica (slightly
    stale), until the block writes."""
    token = _ROUTE.set(_Route())
    try:
        yield
    finally:
        _ROUTE.reset(token)


def replica_allowed() -> bool:
    """Whether a read here may go to the replica."""
    route = _ROUTE.get()
    return route is not None and not route.wrote


def note_write() -> None:
    """A write is made here: the reads after it go to the primary."""
    route = _ROUTE.get()
    if route is not None:
        route.wrote = True


def lsn_int(lsn: str | None) -> int | None:
    """A PostgreSQL WAL position (``'0/3000148'``) as a byte offset."""
    if not lsn:
        return None
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


_UNREACHABLE = (DBAPIError, psycopg.Error, sqlite3.Error, OSError)


class ReadReplica:
    """A hot standby serving reads, with the state that decides whether to use it."""

    def __init__(
        self,
        url: str,
        *,
        max_lag_s: float = 30.0,
        retry_after_s: float = 5.0,
        check_every_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine: Engine = create_engine(url, connect_timeout=_CONNECT_TIMEOUT_S)
        if self.engine.dialect.name != "postgresql":
            self.engine.dispose()
            raise StoreUnavailable(
                f"the read replica {redact_url(url)!r} must be PostgreSQL (a hot standby)"
            )
        self.url = url
        self.max_lag_s = max_lag_s
        self.retry_after_s = retry_after_s
        self.check_every_s = check_every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._skip_until = float("-inf")
        self._checked_at = float("-inf")
        self.lag_s: float | None = None
        """Replay lag at the last check [s] (None: not checked or unreachable)."""
        self.problem: str | None = None
        """Why reads go to the primary now (None: they go to the replica)."""
        self.fallbacks = 0
        """Reads this process sent to the primary because the replica was unusable."""

    def __repr__(self) -> str:
        return f"ReadReplica({redact_url(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def _give_up(self, problem: str) -> None:
        """Send reads to the primary for :attr:`retry_after_s` seconds."""
        if problem.startswith("unreachable"):
            self.lag_s = None
        with self._lock:
            self._skip_until = self._clock() + self.retry_after_s
            if self.problem != problem:
                log.warning(
                    "read replica %s: %s; reading from the primary (retry in %.0f s)",
                    redact_url(self.url),
                    problem,
                    self.retry_after_s,
                )
            self.problem = problem

    def _check(self, conn: Connection) -> tuple[str | None, int | None]:
        """Measure the replica's state on ``conn``: why it must not serve reads (or None),
        and the WAL position it has replayed."""
        in_recovery, lsn, lag = conn.exec_driver_sql(_STANDBY_STATE).one()
        conn.rollback()
        self._checked_at = self._clock()
        if not in_recovery:
            self.lag_s = None
            return "not a standby (promoted?): it may hold other data than the primary", None
        self.lag_s = float(lag or 0.0)
        if self.lag_s > self.max_lag_s:
            return f"replay lag {self.lag_s:.1f} s exceeds {self.max_lag_s:g} s", lsn_int(lsn)
        return None, lsn_int(lsn)

    def connect(self) -> Connection | None:
        """A connection to the replica, or None when reads must go to the primary."""
        if self._clock() < self._skip_until:
            self.fallbacks += 1
            return None
        try:
            conn = self.engine.connect()
        except _UNREACHABLE as exc:
            self.fallbacks += 1
            self._give_up(f"unreachable ({_first_line(exc)})")
            return None
        try:
            due = self._clock() - self._checked_at >= self.check_every_s
            problem = self._check(conn)[0] if due else None
        except _UNREACHABLE as exc:
            problem = f"unreachable ({_first_line(exc)})"
        if problem is not None:
            conn.close()
            self.fallbacks += 1
            self._give_up(problem)
            return None
        self._back()
        return conn

    def _back(self) -> None:
        """The replica is usable (again): reads go to it."""
        if self.problem is not None:
            with self._lock:
                if self.problem is not None:
                    log.warning("read replica %s: back, reading from it", redact_url(self.url))
                    self.problem = None
                    self._skip_until = float("-inf")

    def replay_position(self) -> int | None:
        """The WAL position the replica has replayed (None while it is not used)."""
        if self._clock() < self._skip_until:
            return None
        try:
            with self.engine.connect() as conn:
                return lsn_int(conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()").scalar())
        except _UNREACHABLE as exc:
            self._give_up(f"unreachable ({_first_line(exc)})")
            return None

    def status(self, primary: Engine) -> dict[str, Any]:
        """The replica as ``/api/v1/health`` shows it: state, lag in seconds and bytes."""
        doc: dict[str, Any] = {"url": redact_url(self.url), "fallbacks": self.fallbacks}
        try:
            with self.engine.connect() as conn:
                problem, replayed = self._check(conn)
        except _UNREACHABLE as exc:
            problem, replayed = f"unreachable ({_first_line(exc)})", None
        if problem is None:
            self._back()
        else:
            self._give_up(problem)
        doc["state"] = "ok" if problem is None else "unusable"
        doc["reads_from"] = "replica" if problem is None else "primary"
        if problem is not None:
            doc["problem"] = problem
        doc["lag_s"] = None if self.lag_s is None else round(self.lag_s, 3)
        doc["lag_bytes"] = None
        if replayed is not None:
            try:
                with primary.connect() as conn:
                    written = lsn_int(conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar())
                if written is not None:
                    doc["lag_bytes"] = max(0, written - replayed)
            except _UNREACHABLE:
                pass
        return doc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return (text.splitlines()[0] if text else type(orig).__name__)[:160]
