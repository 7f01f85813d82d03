"""HTTP side of the Traffy Fondue bridge.

* ``POST`` / ``PATCH /api/v1/complaints/traffy/webhook?key=SECRET`` — the URL registered
  with Traffy Fondue for its webhooks (new ticket: ``POST``; status: ``PATCH``; chat,
  comment, rating: ``POST`` with ``event``). Traffy's webhooks carry no credentials of
  their own, so the URL holds a shared secret (``traffy_webhook_secret``; also accepted in
  an ``X-Traffy-Key`` header); the access log never shows it (``key=`` is redacted). The
  body is capped (:data:`MAX_BODY_BYTES`) and rate limited per client IP like every
  anonymous write. Bad input → 4xx with a JSON body naming the field.
* Officers: ``GET /api/v1/complaints/traffy`` (configured? last sync, tickets, outbox,
  quota), ``POST .../traffy/sync`` and ``POST .../traffy/push`` (do it now).

While the app runs with a Traffy account configured, the change hook
(:class:`paknam.complaints.traffy.hook.PushOnChange`) sends officers' changes at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from paknam.complaints.traffy import bridge
from paknam.complaints.traffy.errors import TraffyError
from paknam.complaints.traffy.hook import PushOnChange
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.jsonbody import parse_json_body
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, error_body

MAX_BODY_BYTES = 64 * 1024
"""Largest webhook body (a ticket is a few hundred bytes; photos come as URLs)."""


@asynccontextmanager
async def _push_hook(app: FastAPI) -> AsyncIterator[None]:
    hook = None
    if bridge.configured():
        store = app.state.store
        hook = PushOnChange(store, lambda: bridge.make_client(store)).install()
    try:
        yield
    finally:
        if hook is not None:
            hook.uninstall()


router = APIRouter(
    prefix="/api/v1/complaints/traffy",
    tags=["complaints"],
    responses=ERROR_RESPONSES,
    lifespan=_push_hook,
)


async def _webhook(
    request: Request, store: Any, key: str | None, header_key: str | None
) -> FastJSONResponse:
    bridge.check_secret(key or header_key)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(f"webhook body larger than {MAX_BODY_BYTES} bytes", field="body")
    doc = parse_json_body(body)
    client = bridge.make_client(store) if bridge.configured() else None
    try:
        status, answer = await run_in_threadpool(
            bridge.receive_webhook, store, request.method, doc, client=client
        )
    except TraffyError as exc:
        return _upstream(exc)
    finally:
        if client is not None:
            client.close()
    return FastJSONResponse(answer, status_code=status)


KeyQuery = Annotated[str | None, Query(max_length=200, description="the shared secret")]
KeyHeader = Annotated[str | None, Header(alias="X-Traffy-Key", max_length=200)]


@router.post("/webhook", summary="Traffy Fondue webhook: a new ticket, or a chat/comment")
async def webhook_post(
    request: Request, store: StoreDep, key: KeyQuery = None, x_traffy_key: KeyHeader = None
) -> FastJSONResponse:
    return await _webhook(request, store, key, x_traffy_key)


@router.patch("/webhook", summary="Traffy Fondue webhook: a ticket's status changed")
async def webhook_patch(
    request: Request, store: StoreDep, key: KeyQuery = None, x_traffy_key: KeyHeader = None
) -> FastJSONResponse:
    return await _webhook(request, store, key, x_traffy_key)


@router.get("", summary="The Traffy Fondue bridge: last sync, tickets, outbox, quota")
def bridge_status(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(bridge.status(store))


def _upstream(exc: TraffyError) -> FastJSONResponse:
    """Traffy Fondue failed us: 502 with its message (quota, credentials, no answer)."""
    return FastJSONResponse(error_body("traffy_error", str(exc)), status_code=502)


def _client(store: Any) -> Any:
    if not bridge.configured():
        raise NotFound("no Traffy Fondue account is configured (PAKNAM_TRAFFY_USER/PASS)")
    return bridge.make_client(store)


@router.post("/sync", summary="Import Traffy Fondue tickets now (officer)")
def sync_now(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    with _client(store) as client:
        try:
            return FastJSONResponse(bridge.sync(store, client, settings=get_settings()))
        except TraffyError as exc:
            return _upstream(exc)


@router.post("/push", summary="Send paknam's queued changes to Traffy Fondue now (officer)")
def push_now(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    with _client(store) as client:
        try:
            return FastJSONResponse(bridge.push(store, client))
        except TraffyError as exc:
            return _upstream(exc)
