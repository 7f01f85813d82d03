"""Warnings raised by every domain's rules (the platform's list, not one domain's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from paknam.core.http.deps import StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse

router = APIRouter(prefix="/api/v1", tags=["warnings"], responses=ERROR_RESPONSES)


@router.get("/warnings", summary="Warnings raised by the rules (active by default)")
def get_warnings(
    store: StoreDep,
    page: PageDep,
    status: Literal["active", "cleared", "all"] = "active",
    domain: Annotated[str | None, Query(description="environment, living, ...")] = None,
) -> FastJSONResponse:
    """Newest first as the store keeps them; ``limit``/``offset`` page through them."""
    rows = store.list_warnings(status=None if status == "all" else status, domain=domain)
    return FastJSONResponse(rows[page.offset : page.offset + page.limit])
