"""Smart Economy: the catalogue of attractions and community products, visitor figures,
growth and the proposal's two indicators. Reads are public; writes need an officer."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, StoreDep, time_param
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, GeoJSONResponse
from paknam.core.media import MAX_PHOTO_BYTES
from paknam.core.tabular import parse_table
from paknam.economy import catalogue
from paknam.economy.categories import all_categories
from paknam.economy.imports import import_visits
from paknam.economy.indicators import economy_indicators
from paknam.economy.models import PlaceCreate, PlaceUpdate
from paknam.economy.visits import DEFINITIONS, growth_report, monthly_table

router = APIRouter(prefix="/api/v1/economy", tags=["economy"], responses=ERROR_RESPONSES)
PlaceId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
MAX_FILE_BYTES = 10 * 1024 * 1024
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@router.get("/categories", summary="Kinds and categories of the catalogue (Thai and English)")
def get_categories() -> FastJSONResponse:
    return FastJSONResponse(all_categories())


@router.get(
    "/places",
    response_class=GeoJSONResponse,
    summary="Search and filter attractions and community products (GeoJSON)",
)
def get_places(
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=200, description="Thai or English words")] = None,
    kind: Annotated[Literal["attraction", "product"] | None, Query()] = None,
    category: Annotated[str | None, Query(description="e.g. eco, history, food")] = None,
    district: Annotated[str | None, Query(description="Amphoe code, e.g. 1104")] = None,
    open_now: Annotated[bool | None, Query(description="Open (true) or closed (false)")] = None,
    at: Annotated[str | None, Query(description="ISO 8601 time for open_now (default now)")] = None,
    sample: Annotated[bool | None, Query(description="Only sample (true) or real (false)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> GeoJSONResponse:
    """A FeatureCollection; each place says whether it is sample content (``sample``)."""
    when = datetime.fromtimestamp(time_param(at, "at", 0), UTC) if at else None
    with store.read() as conn:
        features = catalogue.search_places(
            conn,
            q=q,
            kind=kind,
            category=category,
            district=district,
            open_now=open_now,
            sample=sample,
            at=when,
            limit=limit,
        )
    return GeoJSONResponse(catalogue.feature_collection(features))


@router.get("/places/{place_id}", response_class=GeoJSONResponse, summary="One place (Feature)")
def get_place(place_id: PlaceId, store: StoreDep) -> GeoJSONResponse:
    with store.read() as conn:
        return GeoJSONResponse(catalogue.get_place(conn, place_id))


@router.post("/places", status_code=201, summary="Add a place (officer)")
def post_place(new: PlaceCreate, store: StoreDep, _: OfficerDep) -> GeoJSONResponse:
    with store.write() as conn:
        return GeoJSONResponse(catalogue.add_place(conn, new), status_code=201)


@router.patch("/places/{place_id}", summary="Change a place (officer)")
def patch_place(
    place_id: PlaceId, change: PlaceUpdate, store: StoreDep, _: OfficerDep
) -> GeoJSONResponse:
    with store.write() as conn:
        return GeoJSONResponse(catalogue.update_place(conn, place_id, change))


@router.delete("/places/{place_id}", status_code=204, summary="Remove a place (officer)")
def delete_place(place_id: PlaceId, store: StoreDep, _: OfficerDep) -> Response:
    with store.write() as conn:
        catalogue.delete_place(conn, place_id)
    return Response(status_code=204)


@router.post("/places/{place_id}/photos", status_code=201, summary="Upload a photo (officer)")
async def post_photo(
    place_id: PlaceId,
    store: StoreDep,
    _: OfficerDep,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP ≤ 5 MB")],
) -> FastJSONResponse:
    """The image type is read from the content (magic bytes), not from the file name."""
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    if not data:
        raise InvalidInput("the photo is empty", field="photo")
    with store.write() as conn:
        return FastJSONResponse(catalogue.add_photo(conn, place_id, data), status_code=201)


@router.get("/places/{place_id}/photos/{photo_id}", response_class=Response)
def get_photo(
    place_id: PlaceId, photo_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep
) -> Response:
    with store.read() as conn:
        kind, data = catalogue.get_photo(conn, place_id, photo_id)
    return Response(data, media_type=kind)


def _month(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"month {value!r} is not YYYY-MM", field="month")
    return int(match.group(1)), int(match.group(2))


@router.get("/visits", summary="Monthly visitors and revenue of the province or a place")
def get_visits(
    store: StoreDep,
    scope: Annotated[str, Query(description="'province' or a place id")] = "province",
) -> FastJSONResponse:
    """One entry per month: from a monthly return, else from complete daily counters
    (``days_counted``). ``null`` means missing (not collected), never zero."""
    with store.read() as conn:
        months = monthly_table(conn, scope)
    definitions = {k: {"name_th": th, "name_en": en} for k, (th, en) in DEFINITIONS.items()}
    return FastJSONResponse({"scope": scope, "months": months, "definitions": definitions})


@router.get("/growth", summary="Growth: same month last year, year to date, 12 months, vs 2019")
def get_growth(
    store: StoreDep,
    scope: Annotated[str, Query(description="'province' or a place id")] = "province",
    month: Annotated[str | None, Query(description="YYYY-MM (default: newest)")] = None,
) -> FastJSONResponse:
    with store.read() as conn:
        return FastJSONResponse(growth_report(conn, scope, _month(month)))


class VisitsAnswer(BaseModel):
    received: int
    stored: int
    unchanged: int
    rejected: int
    other_province: int
    zero_as_missing_lines: list[int] = Field(description="All-zero months stored as missing")
    ignored_columns: list[str]
    errors: list[dict[str, Any]]


@router.post("/visits/import", response_model=VisitsAnswer, summary="Import figures (officer)")
async def post_visits_import(
    store: StoreDep,
    _: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or .xlsx; see docs/economy.md")],
    granularity: Annotated[Literal["month", "day"], Form()] = "month",
    scope: Annotated[str | None, Form(description="Default scope for rows without one")] = None,
    definition: Annotated[str, Form(description="visitors | entries | tickets")] = "visitors",
    source: Annotated[str, Form(max_length=300)] = "",
    skip_invalid: Annotated[bool, Form()] = False,
) -> FastJSONResponse:
    """Monthly returns or daily counters. Any bad row rejects the file (422 naming every
    bad line) unless ``skip_invalid``; re-importing a file stores nothing new."""
    data = await file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"file larger than {MAX_FILE_BYTES} bytes", field="file")
    table = parse_table(data, file.filename or "upload.csv")
    with store.write() as conn:
        report = import_visits(
            conn,
            table,
            granularity=granularity,
            scope=scope,
            definition=definition,
            source=source,
            skip_invalid=skip_invalid,
        )
    return FastJSONResponse(report.as_dict())


@router.get("/indicators", summary="Tourists (+5 %/yr) and tourism revenue (+10 %/yr)")
def get_indicators(
    store: StoreDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Default: newest full")] = None,
) -> FastJSONResponse:
    return FastJSONResponse(economy_indicators(store, year))
