"""NGSI-LD read (ETSI GS CIM 009 v1.6): ``GET /ngsi-ld/v1/entities``,
``GET /ngsi-ld/v1/entities/{id}`` and ``GET /ngsi-ld/v1/types``.

``Accept: application/ld+json`` gives each entity its ``@context`` (Smart Data Models and
the NGSI-LD core); otherwise (``application/json``) the context comes in a ``Link``
header. Errors are NGSI-LD ProblemDetails (``type``, ``title``, ``detail``) with paknam's
``error`` object: 400 ``BadRequestData`` naming the parameter, 404 ``ResourceNotFound``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from paknam.api.ngsild import entities as E
from paknam.api.ngsild.query import NgsiError, parse_geo, parse_q, project
from paknam.core.config import DEFAULT_PUBLIC_BASE_URL, get_settings
from paknam.core.errors import InvalidInput
from paknam.core.http.responses import FastJSONResponse, error_body

router = APIRouter(prefix="/ngsi-ld/v1", tags=["open data: NGSI-LD"])

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
LD_JSON = "application/ld+json"


def _problem(status: int, kind: str, detail: str, param: str | None = None) -> FastJSONResponse:
    extra = {"fields": [{"field": param, "reason": detail}]} if param else {}
    code = "invalid_input" if status == 400 else "not_found"
    return FastJSONResponse(
        {
            "type": ERRORS + kind,
            "title": kind,
            "detail": detail,
            **error_body(code, detail, **extra),
        },
        status_code=status,
    )


def _base(request: Request) -> str:
    configured = get_settings().public_base_url.rstrip("/")
    if configured != DEFAULT_PUBLIC_BASE_URL:
        return configured
    return str(request.base_url).rstrip("/")


def _wants_ld(request: Request) -> bool:
    return LD_JSON in request.headers.get("accept", "")


def _answer(request: Request, body: Any, headers: dict[str, str] | None = None) -> FastJSONResponse:
    """``body`` (an entity or a list) as JSON-LD, or as JSON with the context linked."""
    headers = dict(headers or {})
    if _wants_ld(request):
        return FastJSONResponse(body, media_type=LD_JSON, headers=headers)
    items = body if isinstance(body, list) else [body]
    contexts = {str(e.get("type")): e.pop("@context", None) for e in items}
    first = next((c for c in contexts.values() if c), None)
    if first:
        sdm = first[0] if isinstance(first, list) else first
        headers["Link"] = (
            f'<{sdm}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
        )
    return FastJSONResponse(body, headers=headers)


def _int(params: dict[str, str], name: str, default: int, hi: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d+", raw) or int(raw) > hi:
        raise NgsiError(name, f"{name} is a whole number from 0 to {hi}, not {raw!r}")
    return int(raw)


def _list(params: dict[str, str], name: str) -> list[str] | None:
    raw = params.get(name)
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else None


MAX_QUANTIFIERS = 3


def _check_pattern(pattern: str) -> None:
    """Refuse an ``idPattern`` that could backtrack for long: groups, more than
    :data:`MAX_QUANTIFIERS` quantifiers, or longer than 200 characters."""
    plain = re.sub(r"\\.", "", pattern)  # escaped characters are literals
    quantifiers = len(re.findall(r"[*+?]|\{\d", plain))
    if len(pattern) > 200 or "(" in plain or quantifiers > MAX_QUANTIFIERS:
        raise NgsiError(
            "idPattern",
            f"idPattern: at most 200 characters and {MAX_QUANTIFIERS} quantifiers, no groups "
            "(e.g. urn:ngsi-ld:AirQualityObserved:paknam:1.*)",
        )


def _query(request: Request) -> FastJSONResponse:
    params = dict(request.query_params)
    try:
        types = _list(params, "type")
        ids = _list(params, "id")
        if not types and not ids and not ({"q", "georel", "idPattern"} & set(params)):
            raise NgsiError(
                "type", f"give type (one or more of {', '.join(E.TYPES)}), id, q or georel"
            )
        if not types:
            types = sorted({E.type_of_id(i) or "" for i in ids} - {""}) if ids else list(E.TYPES)
        limit = _int(params, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        offset = _int(params, "offset", 0, 10**9)
        attrs = _list(params, "attrs")
        options = set(_list(params, "options") or [])
        unknown = options - {"keyValues", "simplified", "normalized", "count"}
        if unknown:
            raise NgsiError("options", f"unknown option(s) {sorted(unknown)}")
        preds = []
        if "q" in params:
            preds.append(parse_q(params["q"]))
        if "georel" in params:
            preds.append(
                parse_geo(params["georel"], params.get("geometry"), params.get("coordinates"))
            )
        pattern = None
        if params.get("idPattern"):
            _check_pattern(params["idPattern"])
            try:
                pattern = re.compile(params["idPattern"])
            except re.error as exc:
                raise NgsiError(
                    "idPattern", f"idPattern is not a regular expression: {exc}"
                ) from None
        try:
            found = E.entities_of(request.app.state.store, types, _base(request))
        except InvalidInput as exc:
            raise NgsiError("type", str(exc)) from None
    except NgsiError as exc:
        return _problem(400, "BadRequestData", str(exc), exc.param)
    found = [
        e
        for e in found
        if (ids is None or e["id"] in ids)
        and (pattern is None or pattern.fullmatch(e["id"]))
        and all(p(e) for p in preds)
    ]
    key_values = bool(options & {"keyValues", "simplified"})
    page = [project(e, attrs, key_values) for e in found[offset : offset + limit]]
    count = params.get("count") == "true" or "count" in options
    headers = {"NGSILD-Results-Count": str(len(found))} if count else None
    return _answer(request, page, headers)


@router.get(
    "/entities", summary="NGSI-LD entities: AirQualityObserved, WaterQualityObserved, Alert"
)
async def query_entities(request: Request) -> FastJSONResponse:
    """``type`` (or ``id``/``q``/``georel``), ``id``, ``idPattern``, ``q``, ``attrs``,
    ``georel`` + ``geometry`` + ``coordinates``, ``limit`` (default 20, at most 1000),
    ``offset``, ``count=true`` (``NGSILD-Results-Count``), ``options=keyValues``."""
    return await run_in_threadpool(_query, request)


def _one(request: Request, entity_id: str) -> FastJSONResponse:
    params = dict(request.query_params)
    found = E.entity_by_id(request.app.state.store, entity_id, _base(request))
    if found is None:
        return _problem(404, "ResourceNotFound", f"no entity {entity_id!r}")
    options = set(_list(params, "options") or [])
    e = project(found, _list(params, "attrs"), bool(options & {"keyValues", "simplified"}))
    return _answer(request, e)


@router.get("/entities/{entity_id}", summary="One NGSI-LD entity by id")
async def get_entity(entity_id: str, request: Request) -> FastJSONResponse:
    return await run_in_threadpool(_one, request, entity_id)


@router.get("/types", summary="The entity types offered")
async def list_types(request: Request) -> FastJSONResponse:
    return _answer(
        request,
        {
            "id": "urn:ngsi-ld:EntityTypeList:paknam",
            "type": "EntityTypeList",
            "typeList": list(E.TYPES),
            "@context": E.CORE_CONTEXT,
        },
    )
