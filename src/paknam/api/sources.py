"""``GET /api/v1/sources``: each source connector's health (ที่มาของข้อมูล)."""

from __future__ import annotations

from fastapi import APIRouter

from paknam.core.http.deps import MaybePrincipalDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.sources.config import configured_sources
from paknam.sources.status import source_status

router = APIRouter(prefix="/api/v1", tags=["sources"], responses=ERROR_RESPONSES)


@router.get("/sources", summary="Health of every data source (สถานะแหล่งข้อมูล)")
def get_sources(store: StoreDep, page: PageDep, who: MaybePrincipalDep) -> FastJSONResponse:
    """Every configured source (also those that never ran) and every source the store
    has a health record of: last attempt, last success, rows, lag [s], last error,
    consecutive failures, and whether it is stale (no new data for longer than its
    ``stale_after_s``). Times in Thai time (+07:00). Error texts name the URL without its
    query string and are shown to officers only (anonymous callers get ``last_error``
    null; ``failures`` still says that a source fails). A broken ``PAKNAM_SOURCES``
    configuration answers 422 naming the entry.
    """
    rows = source_status(store, configured_sources())
    if who is None:
        rows = [{**r, "last_error": None} for r in rows]
    return FastJSONResponse(rows[page.offset : page.offset + page.limit])
