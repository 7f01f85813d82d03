"""The FastAPI application factory: routers, error mapping, OpenAPI."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import NoMatchFound

from paknam import __version__
from paknam.api import (
    access_log,
    audit,
    auth,
    docs,
    home,
    indicators,
    jobs,
    limits,
    meta,
    ngsild,
    observations,
    opendata,
    rules,
    sensorthings,
    sources,
    stations,
    warnings,
)
from paknam.api.read_routing import ReadRouting
from paknam.api.security_headers import SecurityHeaders
from paknam.core.errors import (
    AuthenticationFailed,
    BatchRejected,
    Conflict,
    InvalidInput,
    NotFound,
    PaknamError,
    PermissionDenied,
    StoreUnavailable,
    TooManyRequests,
)
from paknam.core.http.cache import CacheFastPath
from paknam.core.http.responses import FastJSONResponse, error_body
from paknam.core.registry import domains, start_domains
from paknam.core.store import Store

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[PaknamError], int, str]] = [
    (BatchRejected, 422, "batch_rejected"),
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (AuthenticationFailed, 401, "unauthenticated"),
    (PermissionDenied, 403, "forbidden"),
    (StoreUnavailable, 503, "store_unavailable"),
    (TooManyRequests, 429, "rate_limited"),
]

DESCRIPTION = """
City data platform for Samut Prakan. Public data (stations, series, districts) needs no
login; every write needs a bearer token: a **device key** (`pkd_...`, from
`paknam key create`) or an officer **session** (`pks_...`, from `POST /api/v1/auth/login`).

Times are ISO 8601 with an offset; answers use Thai time (+07:00). Geometry is GeoJSON
(lon, lat). Errors: `{"error": {"code", "message", "items"?, "fields"?}}`.
"""


def _paknam_error(_: Request, exc: Exception) -> FastJSONResponse:
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            extra: dict[str, object] = {}
            if isinstance(exc, BatchRejected):
                extra["items"] = [e.as_dict() for e in exc.errors]
            elif isinstance(exc, InvalidInput) and exc.field:
                extra["fields"] = [{"field": exc.field, "reason": str(exc)}]
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(exc, TooManyRequests):
                headers = {"Retry-After": str(exc.retry_after)}
            return FastJSONResponse(
                error_body(code, str(exc), **extra), status_code=status, headers=headers
            )
    return FastJSONResponse(error_body("error", str(exc)), status_code=400)


def _validation_error(_: Request, exc: Exception) -> FastJSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
            "reason": err.get("msg", "invalid"),
        }
        for err in exc.errors()
    ]
    message = "; ".join(f"{f['field']}: {f['reason']}" for f in fields[:5])
    return FastJSONResponse(error_body("invalid_input", message, fields=fields), status_code=422)


def _http_error(_: Request, exc: Exception) -> FastJSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}.get(
        exc.status_code, "http_error"
    )
    return FastJSONResponse(
        error_body(code, str(exc.detail)),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def _warm_up(app: FastAPI) -> None:
    try:
        indicators.warm_up(app)
    except Exception:  # the board is then computed on the first request
        log.warning("warming up the indicator board failed", exc_info=True)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    if app.state.warm_up:  # in the background: the server answers at once
        threading.Thread(target=_warm_up, args=(app,), name="paknam-warm-up", daemon=True).start()
    yield


def create_app(store: Store | None = None, *, warm_up: bool | None = None) -> FastAPI:
    """The paknam HTTP application on ``store`` (default: the configured store).

    With ``warm_up`` (default: when no store is given, i.e. ``paknam serve``) every route
    is resolved now (:func:`resolve_routes`) and the server computes the costly public
    answers (the indicator board) when it starts, so that a surge of citizens right after
    a start does not wait for them. (Without it, as in most tests, FastAPI resolves the
    routes on the first requests.)
    """
    app = FastAPI(
        title="paknam — Samut Prakan city data platform",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=FastJSONResponse,
        docs_url=None,  # /docs and /redoc come from paknam.api.docs (vendored, CSP-clean)
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.warm_up = store is None if warm_up is None else warm_up
    app.state.store = store or Store.open()
    app.add_middleware(CacheFastPath)  # first, so innermost: other middlewares see its answers
    access_log.install()  # no citizen's token in the access log
    limits.install(app)  # body caps, rate limits, login backoff (paknam.api.limits)
    app.add_exception_handler(PaknamError, _paknam_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for module in (observations, stations, warnings):
        app.include_router(module.router)
    for domain in domains():  # each domain's routers, from its domain.py
        for router in domain.routers():
            app.include_router(router)
    for module in (rules, indicators, jobs, sources, meta, auth, home, docs):
        app.include_router(module.router)
    app.include_router(audit.router)  # GET /api/v1/audit (officers)
    for router in opendata.routers():  # CKAN Action API (read), DCAT-AP catalogue
        app.include_router(router)
    for router in sensorthings.routers():  # OGC SensorThings API v1.1 at /sta/v1.1/
        app.include_router(router)
    for router in ngsild.routers():  # NGSI-LD read at /ngsi-ld/v1/
        app.include_router(router)
    start_domains(app.state.store)  # domains' listeners (LINE follow-up of complaints)
    if app.state.store.replica is not None:  # anonymous public reads from the replica
        app.add_middleware(ReadRouting)
    # Last added = outermost: every answer (also other middlewares' own) gets CSP, nosniff...
    app.add_middleware(SecurityHeaders)
    if app.state.warm_up:
        resolve_routes(app)
    return app


def resolve_routes(app: FastAPI) -> None:
    """Resolve every route of ``app`` now, in the thread that builds the app.

    FastAPI (≥ 0.13x) resolves an included router's routes (signatures, dependencies, body
    fields) on the first request that reaches the router, in the routing step, on the
    event loop: about 0.25 s of CPU for this app, during which no other request is
    answered (a health check sent just after the first CKAN request of a new server waited
    2 s behind it under load). Looking up a route name that does not exist walks every
    router and leaves the resolved routes cached (~0.15 s of CPU: done for ``paknam
    serve``, not for every test's app).
    """
    with suppress(NoMatchFound):
        app.url_path_for("paknam: resolve every route")
