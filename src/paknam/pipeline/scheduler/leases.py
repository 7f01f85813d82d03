"""Leases: a job runs only while its holder has an unexpired row in ``job_leases``.

One atomic statement claims a lease on SQLite and on PostgreSQL alike::

    INSERT INTO job_leases (job, holder, expires_at) VALUES (:job, :holder, :now + ttl)
    ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE job_leases.expires_at < :now
    RETURNING job

A row comes back only when the lease was free (no row) or expired; otherwise the
conflicting row is left alone and nothing is returned. On PostgreSQL the conflicting row
is locked and the ``WHERE`` is evaluated on its newest committed version, so of two
processes racing for one job exactly one gets a row; on SQLite write transactions are
serialised (``BEGIN IMMEDIATE``). A holder that dies stops renewing; its lease expires and
another holder takes the job.

Times are UTC datetimes from the caller's clock (hosts sharing one database keep their
clocks in step with NTP; a lease lasts far longer than any skew). Every function takes a
Connection (inside the caller's transaction) or a Store (its own write transaction).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from paknam.core.store import Store
from paknam.core.timeutil import utcnow
from paknam.pipeline.scheduler.schema import job_leases

ConnOrStore = Connection | Store


def default_holder() -> str:
    """``host:pid`` of this process (who holds a lease, shown in ``job_runs``)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


@contextmanager
def _conn(target: ConnOrStore) -> Iterator[Connection]:
    if isinstance(target, Store):
        with target.write(changes_answers=False) as conn:  # no public answer shows leases
            yield conn
    else:
        yield target


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError(f"lease time {now!r} has no time zone (pass an aware UTC datetime)")
    return now.astimezone(UTC)


def acquire(
    target: ConnOrStore, job: str, holder: str, ttl_s: float, now: datetime | None = None
) -> bool:
    """Claim the lease of ``job`` for ``holder`` for ``ttl_s`` seconds; True when claimed.

    False while any holder (this one included) has an unexpired lease on the job.
    """
    if ttl_s <= 0:
        raise ValueError(f"lease of job {job!r}: ttl_s must be > 0 s, got {ttl_s}")
    t = _now(now)
    with _conn(target) as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(job_leases).values(
            job=job, holder=holder, expires_at=t + timedelta(seconds=ttl_s)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[job_leases.c.job],
            set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
            where=job_leases.c.expires_at < t,
        ).returning(job_leases.c.job)
        return conn.execute(stmt).first() is not None


def renew(
    target: ConnOrStore, job: str, holder: str, ttl_s: float, now: datetime | None = None
) -> bool:
    """Extend ``holder``'s lease on ``job`` to ``now + ttl_s``; False when the lease is no
    longer this holder's (it expired and another holder took the job, or was released)."""
    t = _now(now)
    with _conn(target) as conn:
        n = conn.execute(
            job_leases.update()
            .where(job_leases.c.job == job, job_leases.c.holder == holder)
            .values(expires_at=t + timedelta(seconds=ttl_s))
        ).rowcount
    return n == 1


def release(target: ConnOrStore, job: str, holder: str) -> bool:
    """Give up ``holder``'s lease on ``job``; False when it held none."""
    with _conn(target) as conn:
        n = conn.execute(
            job_leases.delete().where(job_leases.c.job == job, job_leases.c.holder == holder)
        ).rowcount
    return n == 1


def current(conn: Connection, now: datetime | None = None) -> dict[str, tuple[str, datetime]]:
    """Unexpired leases: job -> (holder, expires_at in UTC)."""
    t = _now(now)
    rows = conn.execute(sa.select(job_leases).where(job_leases.c.expires_at >= t)).all()
    return {r.job: (r.holder, _utc(r.expires_at)) for r in rows}


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


__all__ = ["acquire", "current", "default_holder", "release", "renew"]
