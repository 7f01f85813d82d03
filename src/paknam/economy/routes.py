"""Smart Economy: the catalogue of attractions and community products, visitor figures,
growth and the proposal's two indicators. Reads are public; writes need an officer.

Every handler calls :mod:`paknam.economy.service` and serialises what it returns (store
work of the upload handlers runs in the thread pool); lists take ``limit`` and ``offset``
(:mod:`paknam.core.http.pagination`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, StoreDep, time_param
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, GeoJSONResponse
from paknam.core.media import MAX_PHOTO_BYTES, photo_response
from paknam.economy import service
from paknam.economy.catalogue import feature_collection
from paknam.economy.categories import all_categories
from paknam.economy.models import PlaceCreate, PlaceUpdate
from paknam.economy.visits import DEFINITIONS

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
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="Thai or English words")] = None,
    kind: Annotated[Literal["attraction", "product"] | None, Query()] = None,
    category: Annotated[str | None, Query(description="e.g. eco, history, food")] = None,
    district: Annotated[str | None, Query(description="Amphoe code, e.g. 1104")] = None,
    open_now: Annotated[bool | None, Query(description="Open (true) or closed (false)")] = None,
    at: Annotated[str | None, Query(description="ISO 8601 time for open_now (default now)")] = None,
    sample: Annotated[bool | None, Query(description="Only sample (true) or real (false)")] = None,
) -> GeoJSONResponse:
    """A FeatureCollection of one page of places, best text match first, with ``limit``
    and ``offset``; each place says whether it is sample content (``sample``)."""
    when = datetime.fromtimestamp(time_param(at, "at", 0), UTC) if at else None
    features = service.search_places(
        store,
        q=q,
        kind=kind,
        category=category,
        district=district,
        open_now=open_now,
        sample=sample,
        at=when,
        limit=page.limit,
        offset=page.offset,
    )
    return GeoJSONResponse(
        {**feature_collection(features), "limit": page.limit, "offset": page.offset}
    )


@router.get("/places/{place_id}", response_class=GeoJSONResponse, summary="One place (Feature)")
def get_place(place_id: PlaceId, store: StoreDep) -> GeoJSONResponse:
    return GeoJSONResponse(service.get_place(store, place_id))


@router.post("/places", status_code=201, summary="Add a place (officer)")
def post_place(new: PlaceCreate, store: StoreDep, _: OfficerDep) -> GeoJSONResponse:
    return GeoJSONResponse(service.add_place(store, new), status_code=201)


@router.patch("/places/{place_id}", summary="Change a place (officer)")
def patch_place(
    place_id: PlaceId, change: PlaceUpdate, store: StoreDep, _: OfficerDep
) -> GeoJSONResponse:
    return GeoJSONResponse(service.update_place(store, place_id, change))


@router.delete("/places/{place_id}", status_code=204, summary="Remove a place (officer)")
def delete_place(place_id: PlaceId, store: StoreDep, _: OfficerDep) -> Response:
    service.delete_place(store, place_id)
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
    added = await run_in_threadpool(service.add_photo, store, place_id, data)
    return FastJSONResponse(added, status_code=201)


@router.get("/places/{place_id}/photos/{photo_id}", response_class=Response)
def get_photo(
    place_id: PlaceId, photo_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep
) -> Response:
    kind, data = service.get_photo(store, place_id, photo_id)
    return photo_response(kind, data)


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
    months = service.monthly_visits(store, scope)
    definitions = {k: {"name_th": th, "name_en": en} for k, (th, en) in DEFINITIONS.items()}
    return FastJSONResponse({"scope": scope, "months": months, "definitions": definitions})


@router.get("/growth", summary="Growth: same month last year, year to date, 12 months, vs 2019")
def get_growth(
    store: StoreDep,
    scope: Annotated[str, Query(description="'province' or a place id")] = "province",
    month: Annotated[str | None, Query(description="YYYY-MM (default: newest)")] = None,
) -> FastJSONResponse:
    return FastJSONResponse(service.growth(store, scope, _month(month)))


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
    report = await run_in_threadpool(
        service.import_visits_file,
        store,
        data,
        file.filename or "upload.csv",
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
    return FastJSONResponse(service.indicator_records(store, year))
