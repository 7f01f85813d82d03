"""Smart Energy: sites, performance, findings, balance, communities, indicator.

Reads are public; every write needs an officer session. Anything simulated says so in a
``simulated`` field (and its id starts with ``sim-``). Every handler calls
:mod:`paknam.energy.service` and serialises what it returns; lists take ``limit`` and
``offset`` (:mod:`paknam.core.http.pagination`).
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, StoreDep, time_param
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, GeoJSONResponse
from paknam.core.timeutil import now_s
from paknam.energy import service
from paknam.energy.community import CommunityCreate
from paknam.energy.periods import check_span
from paknam.energy.sites import SiteCreate, geojson

router = APIRouter(prefix="/api/v1/energy", tags=["energy"], responses=ERROR_RESPONSES)
SiteId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _span(start: str | None, end: str | None, default_days: int) -> tuple[int, int]:
    end_s = time_param(end, "end", now_s())
    start_s = time_param(start, "start", end_s - default_days * 86400)
    check_span(start_s, end_s)
    return start_s, end_s


@router.get("/sites", summary="Alternative-energy sites (GeoJSON)", response_class=GeoJSONResponse)
def get_sites(store: StoreDep, page: PageDep) -> GeoJSONResponse:
    """A FeatureCollection of one page of sites (ordered by id), with ``limit`` and ``offset``."""
    found = service.list_sites(store, limit=page.limit, offset=page.offset)
    return GeoJSONResponse({**geojson(found), "limit": page.limit, "offset": page.offset})


@router.post("/sites", status_code=201, summary="Register a site with its PV arrays (officer)")
def post_site(new: SiteCreate, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.add_site(store, new), status_code=201)


@router.get("/sites/{site_id}", summary="One site: arrays, meters, communities")
def get_site_detail(site_id: SiteId, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.get_site(store, site_id))


@router.get(
    "/sites/{site_id}/performance",
    summary="Daily performance ratio (IEC 61724) and expected vs actual energy",
)
def get_performance(
    site_id: SiteId,
    store: StoreDep,
    start: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
) -> FastJSONResponse:
    """Per Thai day: E_ac, modelled E, H_POA, Y_f, Y_r, PR, ratio to the model, coverage;
    monthly PR; findings (default: the last 90 days)."""
    return FastJSONResponse(service.site_performance(store, site_id, *_span(start, end, 90)))


@router.get("/sites/{site_id}/flags", summary="Under-performance findings with their reason")
def get_flags(
    site_id: SiteId,
    store: StoreDep,
    start: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
) -> FastJSONResponse:
    perf = service.site_performance(store, site_id, *_span(start, end, 365))
    return FastJSONResponse(
        {"site": site_id, "simulated": perf["simulated"], "flags": perf["flags"]}
    )


@router.get("/sites/{site_id}/balance", summary="Monthly energy balance of a site")
def get_site_balance(
    site_id: SiteId, store: StoreDep, year: Annotated[int, Query(ge=1990, le=2100)]
) -> FastJSONResponse:
    """Self-consumption and self-sufficiency (per interval), grid and CO2 avoided."""
    return FastJSONResponse(service.site_balance(store, site_id, year))


@router.get("/balance", summary="Energy balance of all sites, by month and for the year")
def get_total_balance(
    store: StoreDep, year: Annotated[int, Query(ge=1990, le=2100)]
) -> FastJSONResponse:
    return FastJSONResponse(service.total_balance(store, year))


@router.post(
    "/sites/{site_id}/readings",
    summary="Import meter readings from a CSV or Excel file (officer)",
)
async def post_readings(
    site_id: SiteId,
    store: StoreDep,
    _: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or .xlsx")],
    thai_time: Annotated[bool, Query(description="Read times without offset as +07:00")] = False,
    skip_invalid: Annotated[bool, Query(description="Store good rows, report bad")] = False,
) -> FastJSONResponse:
    """All or nothing unless ``skip_invalid``; bad rows are listed by line number."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"file is larger than {MAX_UPLOAD_BYTES} bytes", field="file")
    suffix = FilePath(file.filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput("file must be .csv or .xlsx", field="file")
    rep = await run_in_threadpool(
        service.import_site_readings,
        store,
        site_id,
        data,
        suffix,
        thai_time=thai_time,
        skip_invalid=skip_invalid,
    )
    return FastJSONResponse(
        {
            **rep.result.as_dict(),
            "columns": rep.columns,
            "errors": [e.as_dict() for e in rep.errors],
        }
    )


@router.get("/communities", summary="Energy communities")
def get_communities(store: StoreDep, page: PageDep) -> FastJSONResponse:
    """One page of communities, in id order (a JSON array)."""
    return FastJSONResponse(service.list_communities(store, limit=page.limit, offset=page.offset))


@router.post("/communities", status_code=201, summary="Create a community (officer)")
def post_community(new: CommunityCreate, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.add_community(store, new), status_code=201)


@router.get("/communities/{community_id}", summary="One community with members and tariffs")
def get_community_detail(community_id: SiteId, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.get_community(store, community_id))


@router.post(
    "/communities/{community_id}/settlements",
    status_code=201,
    summary="Settle a month: append the statement to the ledger (officer)",
)
def post_settlement(
    community_id: SiteId,
    store: StoreDep,
    officer: OfficerDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (Thai time)")],
) -> FastJSONResponse:
    return FastJSONResponse(
        service.settle(store, community_id, month, officer.name), status_code=201
    )


@router.get(
    "/communities/{community_id}/statements/{month}",
    summary="Monthly statement per member (kWh and THB) from the ledger",
)
def get_statement(
    community_id: SiteId,
    store: StoreDep,
    month: Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")],
) -> FastJSONResponse:
    return FastJSONResponse(service.monthly_statement(store, community_id, month))


@router.get("/indicator", summary="Alternative-energy share of consumption, year on year")
def get_indicator(
    store: StoreDep,
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="Default: trailing 12 months")
    ] = None,
) -> FastJSONResponse:
    return FastJSONResponse(service.alternative_share(store, year))
