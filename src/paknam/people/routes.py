"""Smart People: schools, PBL training, PBL device statements (xAPI) and the indicators.

Public reads give only counts per school (no teacher or student ids). Writes need an
officer session; statements may also come with the device key of a school's gateway
station (see ``paknam.people.statements``)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, PrincipalDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.store import Store
from paknam.core.tabular import parse_table
from paknam.core.timeutil import BANGKOK
from paknam.people import terms
from paknam.people.imports import KINDS, import_rows, import_table
from paknam.people.indicators import (
    people_indicators,
    resolve_term,
    school_indicators,
    school_table,
)
from paknam.people.schema import schools
from paknam.people.statements import ingest_statements
from paknam.people.xapi import QUALIFYING_VERBS

router = APIRouter(prefix="/api/v1/people", tags=["people"], responses=ERROR_RESPONSES)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024
Kind = Literal["schools", "enrolments", "teachers", "courses", "completions", "devices"]
TermQuery = Annotated[str | None, Query(description="e.g. 2568-1 (default: current term)")]


@router.get("/terms", summary="School terms (Thai school year, Buddhist era)")
def get_terms(store: StoreDep) -> FastJSONResponse:
    with store.read() as conn:
        return FastJSONResponse([t.as_dict() for t in terms.all_terms(conn).values()])


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
    term = terms.make_term(term_id, body.start, body.end)
    with store.write() as conn:
        terms.set_term(conn, term)
    return FastJSONResponse(term.as_dict())


@router.get("/schools", summary="Schools with their figures for a term")
def get_schools(store: StoreDep, term: TermQuery = None) -> FastJSONResponse:
    """Teachers trained, students active on PBL devices, enrolment and share per school."""
    with store.read() as conn:
        t = resolve_term(conn, term, datetime.now(BANGKOK).date())
        if t is None:
            rows = [dict(r._mapping) for r in conn.execute(sa.select(schools))]
            return FastJSONResponse({"term": None, "schools": rows})
        return FastJSONResponse({"term": t.as_dict(), "schools": school_table(conn, t)})


@router.get("/schools/{school_id}", summary="One school's figures for a term")
def get_school(school_id: str, store: StoreDep, term: TermQuery = None) -> FastJSONResponse:
    return FastJSONResponse(school_indicators(store, school_id, term))


@router.get("/indicators", summary="Teachers trained, schools covered, students on PBL devices")
def get_indicators(store: StoreDep, term: TermQuery = None) -> FastJSONResponse:
    return FastJSONResponse(people_indicators(store, term))


class RowsIn(BaseModel):
    rows: list[dict[str, Any]] = Field(max_length=10_000)
    skip_invalid: bool = False


@router.post("/rows/{kind}", summary="Add or replace rows of one kind (officer)")
def post_rows(kind: Kind, body: RowsIn, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    """Same columns and checks as the file import; errors are numbered from 0."""
    with store.write() as conn:
        report = import_rows(conn, kind, list(enumerate(body.rows)), skip_invalid=body.skip_invalid)
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
    table = parse_table(data, file.filename or "upload.csv")
    with store.write() as conn:
        report = import_table(conn, kind, table, skip_invalid=skip_invalid)
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


def _ingest(store: Store, items: list[Any], principal: Any) -> dict[str, object]:
    with store.write() as conn:
        return ingest_statements(conn, items, principal=principal).as_dict()


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
    items = _parse_statements(await request.body())
    return FastJSONResponse(await run_in_threadpool(_ingest, store, items, principal))


@router.get("/verbs", summary="Verbs that count as using a PBL device")
def get_verbs() -> FastJSONResponse:
    return FastJSONResponse(sorted(QUALIFYING_VERBS))
