"""``GET /api/v1/jobs``: the scheduler's jobs, their last run and next due time; with
``?job=NAME`` the runs of one job (newest first, paged). Public: no personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from paknam.core.errors import NotFound
from paknam.core.http.deps import StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.store import Store
from paknam.core.timeutil import local_iso, utcnow
from paknam.pipeline.scheduler import leases, runs
from paknam.pipeline.scheduler.jobs import Job, jobs_from_registry

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=ERROR_RESPONSES)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else local_iso(dt)


def _run(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "holder": r["holder"],
        "started_at": _iso(r["started_at"]),
        "finished_at": _iso(r["finished_at"]),
        "status": r["status"],
        "error": r["error"],
        "result": r["result"],
    }


def jobs_overview(store: Store, jobs: list[Job], now: datetime) -> list[dict[str, Any]]:
    """Each job (and each job name found only in ``job_runs``) with its state."""
    with store.read() as conn:
        latest = runs.latest_runs(conn)
        ok = runs.last_ok(conn)
        held = leases.current(conn, now)
    known = {j.name: j for j in jobs}
    names = list(known) + sorted(n for n in latest if n not in known)
    out = []
    for name in names:
        job = known.get(name)
        last = latest.get(name)
        every = job.every_s if job else None
        enabled = bool(job and job.enabled)
        next_due: datetime | None = None
        if enabled and every:
            next_due = now if last is None else last["started_at"] + timedelta(seconds=every)
        lease = held.get(name)
        out.append(
            {
                "name": name,
                "summary": job.summary if job else "",
                "every_s": every,
                "enabled": enabled,
                "running": lease is not None,
                "holder": lease[0] if lease else None,
                "lease_expires_at": _iso(lease[1]) if lease else None,
                "last_run": None if last is None else _run(last),
                "last_ok_at": _iso(ok.get(name)),
                "next_due": _iso(next_due),
            }
        )
    return out


@router.get("/jobs", summary="Scheduled jobs and their runs (งานตามกำหนดเวลา)")
def list_jobs(
    store: StoreDep,
    page: PageDep,
    job: Annotated[str | None, Query(max_length=64, description="runs of this job")] = None,
) -> FastJSONResponse:
    """Every periodic job of ``paknam run``: period (``every_s``; ``enabled`` false when
    switched off), whether it runs now (and who holds its lease), its last run (start,
    end, status ``running``/``ok``/``error``, error text, result counts), when it last
    succeeded and when it is due next. Times in Thai time (+07:00). With ``job=NAME``:
    that job's runs, newest first (``limit``/``offset``)."""
    now = utcnow()
    jobs = jobs_from_registry()
    if job is None:
        return FastJSONResponse({"now": local_iso(now), "jobs": jobs_overview(store, jobs, now)})
    with store.read() as conn:
        found, total = runs.list_runs(conn, job, page.limit, page.offset)
    if total == 0 and job not in {j.name for j in jobs}:
        known = ", ".join(j.name for j in jobs)
        raise NotFound(f"no job {job!r} (known: {known})")
    return FastJSONResponse(
        {
            "job": job,
            "runs": [_run(r) for r in found],
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


__all__ = ["router"]
