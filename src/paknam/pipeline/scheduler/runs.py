"""The record of job runs in ``job_runs`` (every function takes a Connection).

A run is recorded when it starts (status ``running``) and completed when it ends (``ok``
with its result, or ``error`` with the error text). Only runs that actually started are
recorded: a job whose lease another process holds is simply not run here. A run left
``running`` by a process that died is marked ``error`` (``interrupted``) by the holder that
takes over the job's lease (:func:`mark_interrupted`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from paknam.pipeline.scheduler.schema import job_runs as table

ERROR_MAX_CHARS = 2000
"""Longest error text kept (the rest is cut with an ellipsis)."""
STATUSES = ("running", "ok", "error", "skipped")


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def json_safe(result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``result`` as plain JSON (dates and other objects as text)."""
    if result is None:
        return None
    return dict(json.loads(json.dumps(dict(result), default=str, ensure_ascii=False)))


def cut(text: str, limit: int = ERROR_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def start_run(conn: Connection, job: str, holder: str, started_at: datetime) -> int:
    """Record that ``holder`` started ``job``; returns the run id."""
    return int(
        conn.execute(
            table.insert()
            .values(job=job, holder=holder, started_at=started_at, status="running")
            .returning(table.c.id)
        ).scalar_one()
    )


def finish_run(
    conn: Connection,
    run_id: int,
    status: str,
    finished_at: datetime,
    result: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """Record how run ``run_id`` ended (``ok`` or ``error``)."""
    if status not in ("ok", "error"):
        raise ValueError(f"run {run_id}: a finished run is 'ok' or 'error', not {status!r}")
    conn.execute(
        table.update()
        .where(table.c.id == run_id)
        .values(
            status=status,
            finished_at=finished_at,
            result=json_safe(result),
            error=None if error is None else cut(error),
        )
    )


def mark_interrupted(conn: Connection, job: str, by: str) -> list[int]:
    """Mark every run of ``job`` still ``running`` as ``error``: its holder stopped before
    the run ended (call only while holding the job's lease). Returns their ids."""
    rows = conn.execute(
        sa.select(table.c.id, table.c.holder).where(table.c.job == job, table.c.status == "running")
    ).all()
    for r in rows:
        conn.execute(
            table.update()
            .where(table.c.id == r.id)
            .values(
                status="error",
                error=(
                    f"interrupted: holder {r.holder} stopped before the run ended; its lease "
                    f"expired and {by} took the job over"
                ),
            )
        )
    return [r.id for r in rows]


def last_started(conn: Connection, job: str) -> datetime | None:
    """Start of the newest run of ``job`` (UTC), whoever ran it."""
    return _utc(
        conn.execute(
            sa.select(table.c.started_at)
            .where(table.c.job == job)
            .order_by(table.c.id.desc())
            .limit(1)
        ).scalar()
    )


def prune(conn: Connection, job: str, keep: int) -> int:
    """Delete all but the newest ``keep`` runs of ``job``; returns how many were deleted."""
    cutoff = conn.execute(
        sa.select(table.c.id)
        .where(table.c.job == job)
        .order_by(table.c.id.desc())
        .offset(keep)
        .limit(1)
    ).scalar()
    if cutoff is None:
        return 0
    return int(
        conn.execute(table.delete().where(table.c.job == job, table.c.id <= cutoff)).rowcount
    )


def as_dict(row: Row[Any]) -> dict[str, Any]:
    """A run row as a dict with UTC datetimes."""
    return {
        "id": row.id,
        "job": row.job,
        "holder": row.holder,
        "started_at": _utc(row.started_at),
        "finished_at": _utc(row.finished_at),
        "status": row.status,
        "result": row.result,
        "error": row.error,
    }


def latest_runs(conn: Connection) -> dict[str, dict[str, Any]]:
    """The newest run of each job that ever ran."""
    newest = sa.select(sa.func.max(table.c.id)).group_by(table.c.job).scalar_subquery()
    rows = conn.execute(sa.select(table).where(table.c.id.in_(newest))).all()
    return {r.job: as_dict(r) for r in rows}


def last_ok(conn: Connection) -> dict[str, datetime]:
    """When each job's newest successful run ended (UTC)."""
    rows = conn.execute(
        sa.select(table.c.job, sa.func.max(table.c.finished_at))
        .where(table.c.status == "ok")
        .group_by(table.c.job)
    ).all()
    return {job: dt for job, at in rows if (dt := _utc(at)) is not None}


def list_runs(
    conn: Connection, job: str, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Runs of ``job``, newest first, and how many there are."""
    rows = conn.execute(
        sa.select(table)
        .where(table.c.job == job)
        .order_by(table.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = conn.execute(
        sa.select(sa.func.count()).select_from(table).where(table.c.job == job)
    ).scalar_one()
    return [as_dict(r) for r in rows], int(total)
