"""``GET /api/v1/audit``: the audit trail (who did what, when) for officers.

Complaints (status, assignment, triage, notes, photos, escalation, reopening), CAP alerts
(issue, update, cancel, send) and water-level warning levels, newest first, paged with
``limit``/``offset``; see :mod:`paknam.core.audit`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from paknam.core.audit import KINDS, list_entries
from paknam.core.http.deps import OfficerDep, StoreDep, time_param
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=ERROR_RESPONSES)


@router.get("/audit", summary="The audit trail: who did what, when (officer)")
def audit_trail(
    store: StoreDep,
    _: OfficerDep,
    page: PageDep,
    kind: Annotated[str | None, Query(description=f"one of {', '.join(KINDS)}")] = None,
    object_id: Annotated[
        str | None, Query(max_length=100, description="a complaint id, alert id or station id")
    ] = None,
    actor: Annotated[str | None, Query(max_length=100, description="user name")] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 with offset (exclusive)")] = None,
) -> FastJSONResponse:
    """``total`` matching entries and ``items``, newest first: ``{id, at, actor, kind,
    kind_th, kind_en, action, object_id, details}``."""
    found = list_entries(
        store,
        kind=kind or None,
        object_id=object_id or None,
        actor=actor or None,
        action=action or None,
        since_s=time_param(since, "since", 0) if since else None,
        until_s=time_param(until, "until", 0) if until else None,
        limit=page.limit,
        offset=page.offset,
    )
    kinds = [{"kind": k, "name_th": th, "name_en": en} for k, (th, en) in KINDS.items()]
    return FastJSONResponse({**found, "limit": page.limit, "offset": page.offset, "kinds": kinds})
