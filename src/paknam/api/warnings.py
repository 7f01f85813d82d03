"""Warnings raised by every domain's rules (the platform's list, not one domain's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from paknam.core.http.deps import MaybePrincipalDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.registry import warning_kinds

router = APIRouter(prefix="/api/v1", tags=["warnings"], responses=ERROR_RESPONSES)


@router.get("/warnings", summary="Warnings raised by the rules (active by default)")
def get_warnings(
    store: StoreDep,
    page: PageDep,
    who: MaybePrincipalDep,
    status: Literal["active", "cleared", "all"] = "active",
    domain: Annotated[str | None, Query(description="environment, living, ...")] = None,
) -> FastJSONResponse:
    """Newest first as the store keeps them; ``limit``/``offset`` page through them.

    Anyone sees the warnings of kinds meant for citizens; an officer's session also shows
    the officer-only ones (energy findings, ``data_gap`` of a source, with its last error).
    """
    rows = store.list_warnings(status=None if status == "all" else status, domain=domain)
    officer = who is not None and who.kind == "user" and who.role in ("admin", "officer")
    if not officer:
        kinds = warning_kinds()
        rows = [w for w in rows if w["kind"] in kinds and kinds[w["kind"]].public]
    return FastJSONResponse(rows[page.offset : page.offset + page.limit])
