"""Smart People: schools, PBL training, PBL device statements (xAPI) and the indicators.

Public reads give only counts per school (no teacher or student ids). Writes need an
officer session; statements may also come with the device key of a school's gateway
station (see ``paknam.people.statements``). Every handler calls
:mod:`paknam.people.service` and serialises what it returns (store work of the upload
handlers runs in the thread pool); lists take ``limit`` and ``offset``
(:mod:`paknam.core.http.pagination`)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, PrincipalDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.people import service
from paknam.people.imports import KINDS
from paknam.people.xapi import QUALIFYING_VERBS

router = APIRouter(prefix="/api/v1/people", tags=["people"], responses=ERROR_RESPONSES)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024
Kind = Literal["schools", "enrolments", "teachers", "courses", "completions", "devices"]
TermQuery = Annotated[str | None, Query(description="e.g. 2568-1 (default: current term)")]


@router.get("/terms", summary="School terms (Thai school year, Buddhist era)")
def get_terms(store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse([t.as_dict() for t in service.list_terms(store)])


class TermIn(BaseModel):
    start: date = Field(description="First day (local), inclusive")
    end: date = Field(description="Last day (local), inclusive")


@router.put("/terms/{term_id}", summary="Set the official dates of a term (officer)")
def put_term(
    term_id: Annotated[str, Path(pattern=r"^\d{4}-[12]$")],
    body: TermIn,
    store: StoreDep,
    _: OfficerDep,
) -> FastJSONResponse:
    term = service.set_term(store, term_id, body.start, body.end)
    return FastJSONResponse(term.as_dict())


@router.get("/schools", summary="Schools with their figures for a term")
def get_schools(store: StoreDep, page: PageDep, term: TermQuery = None) -> FastJSONResponse:
    """Teachers trained, students active on PBL devices, enrolment and share per school
    (one page of schools, by id, with ``limit`` and ``offset``)."""
    found = service.schools_for_term(store, term, limit=page.limit, offset=page.offset)
    return FastJSONResponse({**found, "limit": page.limit, "offset": page.offset})


@router.get("/schools/{school_id}", summary="One school's figures for a term")
def get_school(school_id: str, store: StoreDep, term: TermQuery = None) -> FastJSONResponse:
    return FastJSONResponse(service.school_figures(store, school_id, term))


@router.get("/indicators", summary="Teachers trained, schools covered, students on PBL devices")
def get_indicators(store: StoreDep, term: TermQuery = None) -> FastJSONResponse:
    return FastJSONResponse(service.indicator_records(store, term))


class RowsIn(BaseModel):
    rows: list[dict[str, Any]] = Field(max_length=10_000)
    skip_invalid: bool = False


@router.post("/rows/{kind}", summary="Add or replace rows of one kind (officer)")
def post_rows(kind: Kind, body: RowsIn, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    """Same columns and checks as the file import; errors are numbered from 0."""
    rows = list(enumerate(body.rows))
    report = service.import_rows(store, kind, rows, skip_invalid=body.skip_invalid)
    return FastJSONResponse(report.as_dict())


@router.post("/import/{kind}", summary="Import a CSV or Excel file of one kind (officer)")
async def post_import(
    kind: Kind,
    store: StoreDep,
    _: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or .xlsx with a header row")],
    skip_invalid: Annotated[bool, Form()] = False,
) -> FastJSONResponse:
    """Columns per kind: see ``GET /api/v1/people/import-columns``. Any bad row rejects the
    file (422 naming every bad line) unless ``skip_invalid``."""
    data = await file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"file larger than {MAX_FILE_BYTES} bytes", field="file")
    report = await run_in_threadpool(
        service.import_file,
        store,
        kind,
        data,
        file.filename or "upload.csv",
        skip_invalid=skip_invalid,
    )
    return FastJSONResponse(report.as_dict())


@router.get("/import-columns", summary="Columns of each importable kind")
def get_import_columns() -> FastJSONResponse:
    return FastJSONResponse(
        {
            name: [{"column": c.name, "required": c.required} for c in kind.columns]
            for name, kind in KINDS.items()
        }
    )


def _parse_statements(body: bytes) -> list[Any]:
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(f"body larger than {MAX_BODY_BYTES} bytes; split the batch")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise InvalidInput(f"body is not valid JSON: {exc}") from None
    if isinstance(doc, dict) and "statements" in doc:
        doc = doc["statements"]
    elif isinstance(doc, dict) and "actor" in doc:
        doc = [doc]
    if not isinstance(doc, list):
        raise InvalidInput(
            'body must be a statement, a list of statements or {"statements": [...]}',
            field="statements",
        )
    return doc


@router.post(
    "/statements",
    summary="PBL device events as xAPI statements (all or nothing, idempotent)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def post_statements(
    request: Request, store: StoreDep, principal: PrincipalDep
) -> FastJSONResponse:
    """Up to 1,000 statements: one, a list, or ``{"statements": [...]}``.

    Each needs a UUID ``id``, an ``actor.account`` (pseudonymous), ``verb.id``,
    ``object.id``, ``timestamp`` with offset and the device in
    ``context.extensions["urn:paknam:xapi:device"]``. Auth: an officer session, or the device
    key of the school's gateway station ``pbl-<school id>``. A retried statement is
    ``unchanged``; the same id with other content, or any bad item, rejects the batch (422
    listing every bad item).
    """
    items = await run_in_threadpool(_parse_statements, await request.body())
    result = await run_in_threadpool(service.ingest_statements, store, items, principal=principal)
    return FastJSONResponse(result.as_dict())


@router.get("/verbs", summary="Verbs that count as using a PBL device")
def get_verbs() -> FastJSONResponse:
    return FastJSONResponse(sorted(QUALIFYING_VERBS))
