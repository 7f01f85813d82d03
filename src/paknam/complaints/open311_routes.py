"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) for citizens' complaints.

Every resource answers in JSON (``.json``) and XML (``.xml``). Errors follow the
specification: a list ``[{"code": <HTTP status>, "description": "..."}]`` (XML
``<errors><error>``), with the HTTP status 401 (api_key), 404, 409 (duplicate) or 422.
Submitting needs an ``api_key`` issued by an administrator (``paknam complaints key
create``); a retry can carry an ``Idempotency-Key`` header (or ``idempotency_key`` field).
Personal fields of the specification (email, phone, names, device_id, account_id) are
accepted but not stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from paknam.complaints import open311 as docs
from paknam.complaints import service
from paknam.complaints.intake import ComplaintIn
from paknam.core.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PaknamError,
    PermissionDenied,
    StoreUnavailable,
)
from paknam.core.http.deps import StoreDep
from paknam.core.http.responses import FastJSONResponse
from paknam.core.media import MAX_PHOTO_BYTES

router = APIRouter(prefix="/open311/v2", tags=["open311"])

_STATUS: list[tuple[type[PaknamError], int]] = [
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (StoreUnavailable, 503),
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text}
    for status, text in (
        (401, "api_key missing or wrong"),
        (404, "Not found"),
        (409, "Duplicate submission"),
        (422, "Invalid input"),
    )
}


def _render(fmt: str, root: str, item: str | None, doc: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(docs.to_xml(root, item, doc), status, media_type="application/xml")
    return FastJSONResponse(doc, status_code=status)


def _error(fmt: str, exc: PaknamError) -> Response:
    status = next((s for cls, s in _STATUS if isinstance(exc, cls)), 400)
    return _render(fmt, "errors", "error", docs.errors_doc(status, str(exc)), status)


def _answer(
    fmt: str, root: str, item: str | None, make: Callable[[], Any], ok: int = 200
) -> Response:
    try:
        return _render(fmt, root, item, make(), ok)
    except PaknamError as exc:
        return _error(fmt, exc)


# ---- services ----------------------------------------------------------------------------


@router.get("/services.json", summary="Service list (complaint categories)", responses=_ERRORS)
def services_json() -> Response:
    return _answer("json", "services", "service", docs.services_doc)


@router.get("/services.xml", summary="Service list (XML)", responses=_ERRORS)
def services_xml() -> Response:
    return _answer("xml", "services", "service", docs.services_doc)


@router.get("/services/{service_code}.json", summary="Service definition", responses=_ERRORS)
def definition_json(service_code: str) -> Response:
    return _answer("json", "service_definition", None, lambda: docs.definition_doc(service_code))


@router.get("/services/{service_code}.xml", summary="Service definition (XML)", responses=_ERRORS)
def definition_xml(service_code: str) -> Response:
    return _answer("xml", "service_definition", None, lambda: docs.definition_doc(service_code))


# ---- requests ----------------------------------------------------------------------------


def _query(store: StoreDep, request: Request) -> Callable[[], Any]:
    p = request.query_params
    return lambda: service.open311_requests(
        store,
        service_request_id=p.get("service_request_id"),
        service_code=p.get("service_code"),
        start_date=p.get("start_date"),
        end_date=p.get("end_date"),
        status=p.get("status"),
    )


_QUERY_DOC = {
    "parameters": [
        {
            "name": n,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": d,
        }
        for n, d in (
            ("service_request_id", "comma-separated ids (other parameters then ignored)"),
            ("service_code", "comma-separated service codes"),
            ("start_date", "ISO 8601 with offset (default: end_date − 90 days)"),
            ("end_date", "ISO 8601 with offset (default: now)"),
            ("status", "open, closed or open,closed"),
        )
    ]
}


@router.get(
    "/requests.json", summary="Service requests", responses=_ERRORS, openapi_extra=_QUERY_DOC
)
def requests_json(store: StoreDep, request: Request) -> Response:
    return _answer("json", "service_requests", "request", _query(store, request))


@router.get(
    "/requests.xml", summary="Service requests (XML)", responses=_ERRORS, openapi_extra=_QUERY_DOC
)
def requests_xml(store: StoreDep, request: Request) -> Response:
    return _answer("xml", "service_requests", "request", _query(store, request))


@router.get("/requests/{service_request_id}.json", summary="One service request", responses=_ERRORS)
def request_json(service_request_id: str, store: StoreDep) -> Response:
    return _answer(
        "json",
        "service_requests",
        "request",
        lambda: service.open311_request(store, service_request_id),
    )


@router.get(
    "/requests/{service_request_id}.xml", summary="One service request (XML)", responses=_ERRORS
)
def request_xml(service_request_id: str, store: StoreDep) -> Response:
    return _answer(
        "xml",
        "service_requests",
        "request",
        lambda: service.open311_request(store, service_request_id),
    )


def _float(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} {value!r} is not a number", field=name) from None
    if out != out or out in (float("inf"), float("-inf")):
        raise InvalidInput(f"{name} must be a finite number", field=name)
    return out


def _str(form: Any, name: str) -> str | None:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return None
    return str(value)


async def _complaint_from_form(store: StoreDep, request: Request) -> ComplaintIn:
    try:
        form = await request.form(max_files=5, max_fields=100)
    except Exception as exc:  # malformed bodies are the client's problem
        raise InvalidInput(f"the body is not a readable form: {exc}", field="body") from None
    try:
        client = await run_in_threadpool(service.client_for_key, store, _str(form, "api_key"))
        photos = []
        for upload in form.getlist("media"):
            if isinstance(upload, UploadFile):
                data = await upload.read(MAX_PHOTO_BYTES + 1)
                if data:
                    photos.append(data)
        attributes = {
            key[len("attribute[") : -1]: str(value)
            for key, value in form.multi_items()
            if key.startswith("attribute[") and key.endswith("]") and isinstance(value, str)
        }
        return ComplaintIn(
            service_code=_str(form, "service_code"),
            description=_str(form, "description"),
            lat=_float(_str(form, "lat"), "lat"),
            lon=_float(_str(form, "long"), "long"),
            address=_str(form, "address_string"),
            media_url=_str(form, "media_url") or None,
            attributes=attributes,
            photos=photos,
            client=client,
            idempotency_key=request.headers.get("idempotency-key") or _str(form, "idempotency_key"),
        )
    finally:
        await form.close()


_POST_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            ct: {
                "schema": {
                    "type": "object",
                    "required": ["api_key", "service_code", "lat", "long", "description"],
                    "properties": {
                        "api_key": {"type": "string"},
                        "service_code": {"type": "string"},
                        "lat": {"type": "number"},
                        "long": {"type": "number"},
                        "address_string": {"type": "string"},
                        "description": {"type": "string", "maxLength": 4000},
                        "media_url": {"type": "string"},
                        "attribute[urgent]": {"type": "string", "enum": ["yes", "no"]},
                        "idempotency_key": {"type": "string"},
                        **(
                            {"media": {"type": "string", "format": "binary"}}
                            if ct.startswith("multipart")
                            else {}
                        ),
                    },
                }
            }
            for ct in ("application/x-www-form-urlencoded", "multipart/form-data")
        },
    }
}


async def _post(fmt: str, store: StoreDep, request: Request) -> Response:
    try:
        complaint = await _complaint_from_form(store, request)
        done = await run_in_threadpool(service.submit, store, complaint)
    except PaknamError as exc:
        return _error(fmt, exc)
    doc = [
        {
            "service_request_id": str(done["id"]),
            "token": done["token"],
            "service_notice": "ติดตามด้วย token / follow with the token: "
            f"/api/v1/complaints/follow/{done['token']}",
            "account_id": None,
        }
    ]
    return _render(fmt, "service_requests", "request", doc, 201)


@router.post(
    "/requests.json",
    status_code=201,
    summary="Submit a service request",
    responses=_ERRORS,
    openapi_extra=_POST_DOC,
)
async def post_request_json(store: StoreDep, request: Request) -> Response:
    """Form fields as in the specification; ``media`` (multipart) may carry a photo (JPEG,
    PNG or WebP ≤ 5 MB). The answer holds ``service_request_id`` and the citizen's
    ``token`` (shown once: it lets the citizen follow, reopen and rate)."""
    return await _post("json", store, request)


@router.post(
    "/requests.xml",
    status_code=201,
    summary="Submit a service request (XML)",
    responses=_ERRORS,
    openapi_extra=_POST_DOC,
)
async def post_request_xml(store: StoreDep, request: Request) -> Response:
    return await _post("xml", store, request)


def _token(store: StoreDep, token: str) -> Callable[[], Any]:
    def make() -> list[dict[str, Any]]:
        cid = service.complaint_for_token(store, token)
        return [{"service_request_id": str(cid), "token": token}]

    return make


@router.get("/tokens/{token}.json", summary="Request id of a token", responses=_ERRORS)
def token_json(token: str, store: StoreDep) -> Response:
    return _answer("json", "service_requests", "request", _token(store, token))


@router.get("/tokens/{token}.xml", summary="Request id of a token (XML)", responses=_ERRORS)
def token_xml(token: str, store: StoreDep) -> Response:
    return _answer("xml", "service_requests", "request", _token(store, token))
