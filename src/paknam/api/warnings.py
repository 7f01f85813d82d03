"""Warnings raised by every domain's rules (the platform's list, not one domain's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from paknam.core.http.cache import JSON, LIVE, NOT_MODIFIED, cached_response
from paknam.core.http.deps import MaybePrincipalDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, json_bytes
from paknam.core.registry import warning_kinds

router = APIRouter(prefix="/api/v1", tags=["warnings"], responses=ERROR_RESPONSES)


@router.get(
    "/warnings", summary="Warnings raised by the rules (active by default)", responses=NOT_MODIFIED
)
async def get_warnings(
    request: Request,
    store: StoreDep,
    page: PageDep,
    who: MaybePrincipalDep,
    status: Literal["active", "cleared", "all"] = "active",
    domain: Annotated[str | None, Query(description="environment, living, ...")] = None,
) -> Response:
    """Newest first as the store keeps them; ``limit``/``offset`` page through them.

    Anyone sees the warnings of kinds meant for citizens; an officer's session also shows
    the officer-only ones (energy findings, ``data_gap`` of a source, with its last error).
    The citizens' list is kept in memory while the store is unchanged (≤ 15 s, ETag, 304);
    an officer's is made for each request and marked ``private, no-store``.
    """
    officer = who is not None and who.kind == "user" and who.role in ("admin", "officer")

    def compute() -> tuple[bytes, str]:
        rows = store.list_warnings(status=None if status == "all" else status, domain=domain)
        if not officer:
            kinds = warning_kinds()
            rows = [w for w in rows if w["kind"] in kinds and kinds[w["kind"]].public]
        return json_bytes(rows[page.offset : page.offset + page.limit]), JSON

    if officer:
        body, media_type = await run_in_threadpool(compute)
        return Response(body, media_type=media_type, headers={"Cache-Control": "private, no-store"})
    key = ("warnings", status, domain, page.limit, page.offset)
    return await cached_response(request, key, compute, LIVE)
