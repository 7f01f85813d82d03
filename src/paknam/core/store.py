"""The store: one interface over SQLite (embedded default) and PostgreSQL (production).

Every other part of paknam reads and writes city data through :class:`Store`. It owns the
engine, runs migrations, and exposes stations, series, observations and credentials.
Domain packages add their own tables through migrations and use :meth:`Store.read` /
:meth:`Store.write` for their own queries.

Example
-------
>>> store = Store.open("sqlite:///paknam.sqlite3")          # doctest: +SKIP
>>> store.ingest_items([{"station": "18t", "quantity": "pm25_24h",
...                      "time": "2026-01-01T07:00:00+07:00", "value": 31.2}])  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from paknam.core import auth, observations, partitions, retention, stations
from paknam.core.config import get_settings, redact_url
from paknam.core.db import create_engine, migrate, read_generation, write_transaction
from paknam.core.errors import (
    BatchRejected,
    Conflict,
    PermissionDenied,
    StoreUnavailable,
)
from paknam.core.ingest import Checked, check_columns, check_items
from paknam.core.models import (
    SeriesSpec,
    StationCreate,
    StationPublic,
    StationUpdate,
    UserCreate,
    UserPublic,
)
from paknam.core.replica import ReadReplica, note_write, replica_allowed
from paknam.core.schema import districts
from paknam.core.timeutil import now_s
from paknam.core.warnings import Signal, SyncResult, list_warnings, sync_warnings

DEFAULT_DISTRICTS = "samut_prakan_amphoe.geojson"
_CATALOG_FINGERPRINT = sa.text(
    "SELECT (SELECT count(*) FROM series), (SELECT coalesce(max(id), 0) FROM series), "
    "(SELECT max(created_at) FROM series), (SELECT max(created_at) FROM stations), "
    "(SELECT count(*) FROM stations WHERE active), "
    "(SELECT coalesce(sum(pk), 0) FROM stations WHERE active)"
)
_UNAVAILABLE = (OperationalError, sqlite3.OperationalError, psycopg.OperationalError)
"""Errors that mean "busy or unreachable, try again" (psycopg's covers deadlocks)."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to an accepted batch."""

    received: int
    stored: int  # rows new or changed
    unchanged: int  # rows identical to what was stored
    duplicates: int  # repeated within the batch, counted once
    rejected: int = 0  # only with skip_invalid

    def as_dict(self) -> dict[str, int]:
        return {
            "received": self.received,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


log = logging.getLogger(__name__)


def short_reason(exc: BaseException) -> str:
    """What went wrong, for people: the database's own first line, without the driver's
    class name, SQL or links (the full error goes to the log)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    text = re.sub(r"^\([\w.]+\)\s*", "", text)
    text = re.sub(r"\s*\(Background on this error at:.*$", "", text)
    return text[:200]


class Store:
    """The city data store. Create with :meth:`open`."""

    def __init__(self, url: str, read_url: str | None = None) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.dialect = self.engine.dialect.name
        settings = get_settings()
        self.replica: ReadReplica | None = None
        """The read replica (``read_url``) that anonymous public reads may use."""
        if read_url:
            if self.dialect != "postgresql":
                self.engine.dispose()
                raise StoreUnavailable("a read replica needs a PostgreSQL primary")
            self.replica = ReadReplica(read_url, max_lag_s=settings.database_read_max_lag_s)
        self.max_future_s = settings.max_future_seconds
        self._catalog_cache: tuple[tuple[object, ...], dict[tuple[str, str], int]] | None = None
        self.schema_change: tuple[str | None, str | None] | None = None
        """(revision before, after) of the last :meth:`migrate` in this process."""
        self.partitions_created: list[str] = []
        """PostgreSQL: monthly partitions the last :meth:`migrate` created."""
        self._writes = itertools.count(1)  # next() is atomic: no lock for the counter
        self._local_generation = 0

    @classmethod
    def open(
        cls, url: str | None = None, *, migrate: bool = True, read_url: str | None = None
    ) -> Store:
        """Open the store at ``url`` (default: ``PAKNAM_DATABASE_URL``), migrating it.

        ``read_url`` names a read replica of it (see :mod:`paknam.core.replica`); without
        ``url`` it defaults to ``PAKNAM_DATABASE_READ_URL`` (a replica of that store), with
        ``url`` to none.
        """
        settings = get_settings()
        if read_url is None and url is None:
            read_url = settings.database_read_url
        store = cls(url or settings.database_url, read_url)
        if migrate:
            store.migrate()
        return store

    def __repr__(self) -> str:
        return f"Store({redact_url(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- plumbing ------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the schema, sync the quantity registry, seed districts.
        :attr:`schema_change` then says what it did: (revision before, after)."""
        try:
            self.schema_change = migrate(self.engine)
        except OperationalError as exc:
            raise StoreUnavailable(
                f"cannot open the store at {redact_url(self.url)}: {short_reason(exc)}"
            ) from None
        with self.write() as conn:
            stations.sync_quantities(conn)
            if conn.execute(sa.select(sa.func.count()).select_from(districts)).scalar() == 0:
                data = resources.files("paknam") / "data" / "geo" / DEFAULT_DISTRICTS
                stations.load_districts(conn, json.loads(data.read_text(encoding="utf-8")))
        if self.dialect == "postgresql":
            try:
                self.partitions_created = self.ensure_partitions()
            except StoreUnavailable as exc:  # a long transaction held the table: the
                log.warning("partitions not created now (db.partitions retries): %s", exc)

    def ensure_partitions(self, ahead: int | None = None, now: int | None = None) -> list[str]:
        """PostgreSQL: create the monthly partitions of ``observations`` for the current
        month and ``ahead`` months after it (default ``PAKNAM_PARTITIONS_AHEAD_MONTHS``)
        that are missing; returns their names (none on SQLite or when all exist).
        See :mod:`paknam.core.partitions`."""
        if self.dialect != "postgresql":
            return []
        ahead = get_settings().partitions_ahead_months if ahead is None else ahead
        when = now_s() if now is None else now
        with self.read() as conn:
            if not partitions.is_partitioned(conn):
                return []
            missing = partitions.missing_months(conn, when, ahead)
        made = []
        for month in missing:
            with self.write(changes_answers=False) as conn:
                if partitions.ensure_month(conn, month) is not None:
                    made.append(month.name)
        return made

    def _read_connection(self, primary: bool) -> Connection:
        """The one place that picks the engine of a read (see :mod:`paknam.core.replica`)."""
        if not primary and self.replica is not None and replica_allowed():
            conn = self.replica.connect()
            if conn is not None:
                return conn
        return self.engine.connect()

    @contextmanager
    def read(self, *, primary: bool = False) -> Iterator[Connection]:
        """A connection for reads (one transaction).

        Inside :func:`~paknam.core.replica.replica_reads` (anonymous public HTTP reads)
        and before any write of that request, it is a connection to the read replica when
        one is configured and usable; otherwise, or with ``primary``, to the primary.
        """
        try:
            with self._read_connection(primary) as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            log.warning("store unavailable: %s", exc)
            raise StoreUnavailable(f"store unavailable: {short_reason(exc)}") from None

    @contextmanager
    def write(self, *, changes_answers: bool = True) -> Iterator[Connection]:
        """A connection in a write transaction, committed when the block ends.

        A unique-constraint race becomes :class:`Conflict`; a lock timeout, deadlock or lost
        connection becomes :class:`StoreUnavailable` (try again); nothing is committed.
        Each write advances the store's :meth:`generation` (cached public answers are made
        again), except with ``changes_answers=False``: for writes that change no public
        answer (the hourly roll-up refreshed from the observations, the scheduler's leases).
        A wrong ``False`` shows late, not never: cached answers also expire with time.
        """
        note_write()  # this request's later reads must see the write: the primary's
        try:
            with write_transaction(self.engine, changes_answers=changes_answers) as conn:
                yield conn
        except IntegrityError as exc:
            log.info("conflicting change: %s", exc)
            raise Conflict(f"conflicting change, nothing stored: {short_reason(exc)}") from None
        except _UNAVAILABLE as exc:
            log.warning("store busy or unreachable: %s", exc)
            raise StoreUnavailable(
                f"store busy or unreachable, nothing stored: {short_reason(exc)}"
            ) from None
        if changes_answers:
            self._local_generation = next(self._writes)  # after the commit, never before

    @property
    def local_generation(self) -> int:
        """How many write transactions this object has committed (no query: it changes
        at once when this process writes)."""
        return self._local_generation

    def generation(self) -> tuple[int | None, ...]:
        """A value that changes whenever any process commits a write to the store (see
        :func:`~paknam.core.db.write_transaction`): one cheap query.

        Answers cached from the store compare it (with :attr:`local_generation`) to tell
        that they are out of date (:mod:`paknam.core.http.cache`). ``(0, 0)`` on a store
        whose schema predates it (not migrated).

        With a read replica, the WAL position it has replayed follows (None while it is
        unused): an answer read from the replica is made again once the replica has caught
        up, never kept as the answer of a write it had not replayed yet.
        """
        try:
            with self.engine.connect() as conn:
                primary = read_generation(conn)
        except OperationalError as exc:
            raise StoreUnavailable(f"store unavailable: {exc.orig}") from None
        if self.replica is None:
            return primary
        return (*primary, self.replica.replay_position())

    def replica_status(self) -> dict[str, Any] | None:
        """The read replica's state and lag (None: no replica configured)."""
        return None if self.replica is None else self.replica.status(self.engine)

    # ---- stations ------------------------------------------------------------------------

    def add_station(self, new: StationCreate) -> StationPublic:
        with self.write() as conn:
            return stations.add_station(conn, new)

    def update_station(self, station_id: str, change: StationUpdate) -> StationPublic:
        with self.write() as conn:
            return stations.update_station(conn, station_id, change)

    def add_series(self, station_id: str, spec: SeriesSpec) -> StationPublic:
        with self.write() as conn:
            return stations.add_series(conn, station_id, spec)

    def get_station(self, station_id: str) -> StationPublic:
        with self.read() as conn:
            return stations.get_station(conn, station_id)

    def list_stations(
        self, *, kind: str | None = None, district: str | None = None
    ) -> list[StationPublic]:
        with self.read() as conn:
            return stations.list_stations(conn, kind=kind, district=district)

    def list_districts(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            return stations.list_districts(conn)

    def load_districts(self, geojson: dict[str, Any]) -> int:
        with self.write() as conn:
            return stations.load_districts(conn, geojson)

    def catalog(self) -> dict[tuple[str, str], int]:
        """``(station id, quantity) -> series id`` of every active series.

        Cached per process; a cheap fingerprint query (series count and newest id, active
        station count and ids' checksum) tells when another process changed it.
        """
        with self.read() as conn:
            mark = tuple(conn.execute(_CATALOG_FINGERPRINT).one())
            cached = self._catalog_cache
            if cached is not None and cached[0] == mark:
                return cached[1]
            catalog = stations.series_catalog(conn)
        self._catalog_cache = (mark, catalog)
        return catalog

    # ---- observations --------------------------------------------------------------------

    @staticmethod
    def _authorise(
        checked: Checked,
        principal: auth.Principal | None,
        catalog: dict[tuple[str, str], int],
    ) -> None:
        if principal is None:
            return
        if principal.kind == "user" and principal.role not in ("admin", "officer"):
            raise PermissionDenied(f"user {principal.name!r} ({principal.role}) may not write")
        known = {s for s, _ in catalog}
        denied = sorted(
            s for s in checked.stations if s in known and not principal.may_write_station(s)
        )
        if denied:
            raise PermissionDenied(
                f"{principal.kind} {principal.name!r} may not write station(s) "
                f"{', '.join(map(repr, denied))}"
            )

    def _commit(self, checked: Checked, received: int, rejected: int = 0) -> IngestResult:
        rows = checked.rows()
        dirty = (
            observations.dirty_hours_of(checked.series_ids, checked.times)
            if self.dialect == "sqlite"
            else None
        )
        with self.write() as conn:
            stored = observations.write_rows(conn, rows, dirty)
        return IngestResult(
            received=received,
            stored=stored,
            unchanged=len(rows) - stored,
            duplicates=checked.duplicates,
            rejected=rejected,
        )

    def ingest_items(
        self,
        items: Sequence[object],
        *,
        principal: auth.Principal | None = None,
        defaults: dict[str, object] | None = None,
        now: int | None = None,
    ) -> IngestResult:
        """Validate and store a batch of ``{station, quantity, time, value}`` objects.

        All or nothing: any bad item raises :class:`BatchRejected` listing every bad item
        and nothing is stored. A ``principal`` that may not write a named station raises
        :class:`PermissionDenied`. Returns only after the batch is committed.
        """
        catalog = self.catalog()
        checked = check_items(
            items,
            catalog,
            now=now_s() if now is None else now,
            max_future_s=self.max_future_s,
            defaults=defaults,
        )
        self._authorise(checked, principal, catalog)
        if not checked.ok:
            raise BatchRejected(checked.errors, len(items))
        return self._commit(checked, len(items))

    def check_columns(
        self,
        station: Sequence[str] | np.ndarray,
        quantity: Sequence[str] | np.ndarray,
        time_s: np.ndarray,
        value: np.ndarray,
        *,
        now: int | None = None,
        index_base: Sequence[int] | None = None,
        skip: np.ndarray | None = None,
    ) -> Checked:
        """Validate observations given as columns, storing nothing."""
        return check_columns(
            station,
            quantity,
            time_s,
            value,
            self.catalog(),
            now=now_s() if now is None else now,
            max_future_s=self.max_future_s,
            index_base=index_base,
            skip=skip,
        )

    def store_checked(self, checked: Checked, received: int, rejected: int = 0) -> IngestResult:
        """Store the valid rows of a checked batch in one transaction."""
        return self._commit(checked, received, rejected)

    def store_batches(self, batches: Sequence[Checked]) -> int:
        """Store several checked batches (e.g. a burst of MQTT messages) in one transaction.

        Where two batches give the same series and time, the later one wins. The hourly
        roll-up is kept up to date as for every other write. Returns rows new or changed.
        """
        merged: dict[tuple[int, int], float] = {}
        for checked in batches:
            for sid, t, v in checked.rows():
                merged[(sid, t)] = v
        if not merged:
            return 0
        rows = [(sid, t, v) for (sid, t), v in sorted(merged.items())]
        dirty = None
        if self.dialect == "sqlite":
            sids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            times = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            dirty = observations.dirty_hours_of(sids, times)
        with self.write() as conn:
            return observations.write_rows(conn, rows, dirty)

    def ingest_columns(
        self,
        station: Sequence[str] | np.ndarray,
        quantity: Sequence[str] | np.ndarray,
        time_s: np.ndarray,
        value: np.ndarray,
        *,
        skip_invalid: bool = False,
        now: int | None = None,
    ) -> IngestResult:
        """The bulk path: validate and store observations given as columns.

        Any bad row raises :class:`BatchRejected` and nothing is stored, unless
        ``skip_invalid``: then the valid rows are stored and ``rejected`` counts the rest.
        """
        checked = self.check_columns(station, quantity, time_s, value, now=now)
        if not checked.ok and not skip_invalid:
            raise BatchRejected(checked.errors, len(time_s))
        return self._commit(checked, len(time_s), rejected=len(checked.errors))

    def read_series(
        self,
        station_id: str,
        quantity: str,
        start: int,
        end: int,
        *,
        bucket: str = "raw",
        agg: str = "mean",
        limit: int | None = None,
    ) -> list[observations.Point]:
        """Points of one series in ``[start, end)`` (UTC epoch seconds)."""
        with self.read() as conn:
            sid = stations.series_id(conn, station_id, quantity)
            stale = bucket != "raw" and observations.has_dirty_hours(conn, sid, start, end)
        if stale:
            with self.write(changes_answers=False) as conn:  # the roll-up follows the data
                observations.refresh_rollup(conn, sid, start, end)
        with self.read() as conn:
            return observations.read_series(
                conn, sid, start, end, bucket=bucket, agg=agg, limit=limit
            )

    def raw_expiry(self, station_id: str, quantity: str) -> retention.Expiry | None:
        """Where raw observations of a series were removed by retention (None: all kept)."""
        with self.read() as conn:
            return retention.expiry_of(conn, stations.series_id(conn, station_id, quantity))

    def series_index(self) -> list[dict[str, Any]]:
        """Every series of an active station with its ids (:func:`stations.series_index`)."""
        with self.read() as conn:
            return stations.series_index(conn)

    def query_observations(self, q: observations.RowQuery) -> list[observations.Row]:
        """Observations of several series matching a condition, ordered and paged."""
        with self.read() as conn:
            return observations.query_rows(conn, q)

    def time_spans(self, series_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """``series id -> (first, last, count)`` of the series that have observations."""
        with self.read() as conn:
            return observations.time_spans(conn, series_ids)

    def count_observations_where(self, q: observations.RowQuery) -> int:
        """How many observations ``q`` selects."""
        with self.read() as conn:
            return observations.count_rows(conn, q)

    def last_points(self, station_id: str, quantity: str, n: int) -> list[observations.Point]:
        """The ``n`` newest points of one series, oldest first."""
        with self.read() as conn:
            return observations.last_points(conn, stations.series_id(conn, station_id, quantity), n)

    def sync_warnings(
        self, domain: str, signals: list[Signal], *, evaluated: list[str | None], kinds: list[str]
    ) -> SyncResult:
        """Raise, update and clear the warnings of one rule set (see core.warnings)."""
        with self.write() as conn:
            return sync_warnings(conn, domain, signals, evaluated=evaluated, kinds=kinds)

    def list_warnings(
        self, *, status: str | None = "active", domain: str | None = None
    ) -> list[dict[str, Any]]:
        with self.read() as conn:
            return list_warnings(conn, status=status, domain=domain)

    def latest(self) -> dict[tuple[str, str], tuple[int, float]]:
        """``(station id, quantity) -> (time, value)`` of the newest observation of each."""
        with self.read() as conn:
            by_sid = observations.latest(conn)
            catalog = stations.series_catalog(conn)
        return {key: by_sid[sid] for key, sid in catalog.items() if sid in by_sid}

    def revisions(self, station_id: str, quantity: str) -> list[dict[str, object]]:
        with self.read() as conn:
            sid = stations.series_id(conn, station_id, quantity)
            return observations.revisions(conn, sid)

    def count_observations(self) -> int:
        with self.read() as conn:
            return observations.count(conn)

    # ---- credentials ---------------------------------------------------------------------

    def add_user(self, new: UserCreate) -> UserPublic:
        with self.write() as conn:
            return auth.add_user(conn, new)

    def login(self, username: str, password: str) -> str:
        """A session token; the slow password check runs outside the write lock."""
        with self.read() as conn:
            user_id, rehash = auth.verify_credentials(conn, username, password)
        with self.write() as conn:
            if rehash:
                auth.rehash_password(conn, user_id, password)
            return auth.create_session(conn, user_id, get_settings().session_hours)

    def logout(self, token: str) -> None:
        with self.write() as conn:
            auth.logout(conn, token)

    def principal(self, token: str) -> auth.Principal:
        with self.read(primary=True) as conn:  # a session made a moment ago counts
            return auth.principal_for_token(conn, token)

    def create_device_key(self, station_ids: list[str], label: str = "") -> tuple[int, str, str]:
        with self.write() as conn:
            return auth.create_device_key(conn, station_ids, label)

    def revoke_device_key(self, key_id: int) -> None:
        with self.write() as conn:
            auth.revoke_device_key(conn, key_id)
