"""Smart Environment: AQI, WQI, warnings, citizens' pollution reports, attribution, NGSI-LD.

The routes parse and check the request, call :mod:`paknam.environment.service` (which
opens the store's transactions) and serialise its answer: times, which the service gives
as UTC epoch seconds, become Thai-time ISO 8601 here. Record lists (reports, warnings) take
``limit`` and ``offset`` (:data:`paknam.core.http.pagination.PageDep`); the per-station
snapshots for the map (latest AQI, latest WQI) are not paged, like the stations.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import InvalidInput
from paknam.core.http.cache import JSON, LIVE, NOT_MODIFIED, cached_response
from paknam.core.http.deps import StoreDep, time_param
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, json_bytes
from paknam.core.media import MAX_PHOTO_BYTES, photo_response
from paknam.core.timeutil import now_s, to_local_iso
from paknam.environment import reports, service
from paknam.environment.wqi.daily import station_wqi_periods

router = APIRouter(prefix="/api/v1", tags=["environment"], responses=ERROR_RESPONSES)


def _aqi_json(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "time": to_local_iso(row["time"])}


def _wqi_json(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "date": row["date"].isoformat(), "time": to_local_iso(row["time"])}


@router.get(
    "/environment/aqi", summary="Latest Thai AQI of every air station", responses=NOT_MODIFIED
)
async def get_latest_aqi(request: Request, store: StoreDep) -> Response:
    """The newest hourly AQI per station with pollutant, level (1–5) and colour: one row
    per station, like ``GET /api/v1/stations`` (a snapshot for the map, not paged; from
    memory while the store is unchanged, ≤ 15 s, with ETag and Cache-Control)."""

    def compute() -> tuple[bytes, str]:
        return json_bytes([_aqi_json(r) for r in service.latest_aqi(store)]), JSON

    return await cached_response(request, ("environment.aqi",), compute, LIVE)


@router.get("/stations/{station_id}/aqi", summary="Hourly Thai AQI of a station")
def get_station_aqi(
    station_id: str,
    store: StoreDep,
    start: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
) -> FastJSONResponse:
    """Hourly AQI computed from the station's series (default: the last 7 days)."""
    end_s = time_param(end, "end", now_s())
    start_s = time_param(start, "start", end_s - 7 * 86400)
    if not 0 < end_s - start_s <= 400 * 86400:
        raise InvalidInput("start must be before end and at most 400 days earlier", field="start")
    rows = service.hourly_aqi(store, station_id, start_s, end_s).rows()
    return FastJSONResponse({"station": station_id, "points": [_aqi_json(r) for r in rows]})


@router.get("/environment/report-topics")
def report_topics() -> FastJSONResponse:
    return FastJSONResponse(
        [{"topic": k, "name_th": th, "name_en": en} for k, (th, en) in reports.TOPICS.items()]
    )


@router.post("/environment/reports", status_code=201, summary="A citizen reports pollution")
async def post_report(
    store: StoreDep,
    topic: Annotated[str, Form(description="See /environment/report-topics")],
    description: Annotated[str, Form(max_length=2000)],
    lon: Annotated[float, Form(ge=-180, le=180)],
    lat: Annotated[float, Form(ge=-90, le=90)],
    observed_at: Annotated[str, Form(description="ISO 8601 with offset")],
    photo: Annotated[UploadFile | None, File(description="JPEG, PNG or WebP ≤ 5 MB")] = None,
) -> FastJSONResponse:
    """Open to everyone (no personal data is asked). The report appears beside the
    station data of its area."""
    data = None
    if photo is not None:
        data = await photo.read(MAX_PHOTO_BYTES + 1)
        if not data:
            data = None
    report = reports.ReportIn(
        topic=topic,
        description=description,
        lon=lon,
        lat=lat,
        observed_at=time_param(observed_at, "observed_at", 0),
        photo=data,
    )
    saved = await run_in_threadpool(service.add_report, store, report)
    return FastJSONResponse(saved, status_code=201)


@router.get("/environment/reports", summary="Citizens' reports, newest first")
def get_reports(
    store: StoreDep,
    page: PageDep,
    lon: float | None = None,
    lat: float | None = None,
    radius_km: Annotated[float, Query(gt=0, le=100)] = 5.0,
    start: str | None = None,
    end: str | None = None,
) -> FastJSONResponse:
    if (lon is None) != (lat is None):
        raise InvalidInput("give both lon and lat, or neither", field="lon")
    rows = service.list_reports(
        store,
        near=(lon, lat) if lon is not None and lat is not None else None,
        radius_km=radius_km,
        start=time_param(start, "start", 0) if start else None,
        end=time_param(end, "end", 0) if end else None,
        limit=page.limit,
        offset=page.offset,
    )
    return FastJSONResponse(rows)


@router.get("/environment/reports/{report_id}/photo", response_class=Response)
def get_report_photo(
    report_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep
) -> Response:
    kind, data = service.report_photo(store, report_id)
    return photo_response(kind, data)


@router.get("/stations/{station_id}/reports", summary="Citizens' reports near a station")
def get_station_reports(
    station_id: str,
    store: StoreDep,
    page: PageDep,
    radius_km: Annotated[float, Query(gt=0, le=100)] = 5.0,
) -> FastJSONResponse:
    rows = service.station_reports(
        store, station_id, radius_km=radius_km, limit=page.limit, offset=page.offset
    )
    return FastJSONResponse(rows)


@router.get(
    "/environment/ngsi-ld",
    summary="Observations as FIWARE AirQualityObserved / WaterQualityObserved (NGSI-LD)",
)
def get_ngsi_ld(
    store: StoreDep,
    station: Annotated[str, Query(description="Station id")],
    start: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> FastJSONResponse:
    """NGSI-LD normalized entities, one per observation time (default: the last 7 days).

    An export of observations, not a list of records: it keeps its own ``limit`` (at most
    that many observation times, default 1000, up to 10,000) and takes no ``offset``;
    narrow ``start``/``end`` to page through a long record.
    """
    s, entity_type = service.ngsi_ld_station(store, station)
    end_s = time_param(end, "end", now_s() + 1)
    start_s = time_param(start, "start", end_s - 7 * 86400)
    if end_s <= start_s:
        raise InvalidInput("end must be after start", field="end")
    entities = service.ngsi_ld_entities(store, s, entity_type, start_s, end_s, limit)
    return FastJSONResponse(entities, media_type="application/ld+json")


@router.get("/environment/indicators", summary="Smart Environment indicators of the proposal")
def get_environment_indicators(
    store: StoreDep,
    year: Annotated[int, Query(ge=1990, le=2100)],
    baseline_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> FastJSONResponse:
    """Good-air time (share of hours with AQI ≤ 50) and the mean yearly WQI, each against
    the baseline year (default: the year before), with coverage and status."""
    base = baseline_year or year - 1
    return FastJSONResponse(
        [
            service.good_air_indicator(store, year, base),
            service.wqi_indicator(store, year, base),
        ]
    )


@router.get(
    "/environment/wqi",
    summary="Latest Thai WQI of every water-quality station",
    responses=NOT_MODIFIED,
)
async def get_latest_wqi(request: Request, store: StoreDep) -> Response:
    """Newest daily WQI per station, with band, completeness and the curves' provenance:
    one row per station (a snapshot for the map, not paged; cached like the AQI)."""

    def compute() -> tuple[bytes, str]:
        return json_bytes([_wqi_json(r) for r in service.latest_wqi(store)]), JSON

    return await cached_response(request, ("environment.wqi",), compute, LIVE)


@router.get("/stations/{station_id}/wqi", summary="Daily, monthly and yearly WQI of a station")
def get_station_wqi(station_id: str, store: StoreDep) -> FastJSONResponse:
    """Every sampled day's WQI; monthly = lowest day, yearly = lowest month (PCD rule)."""
    days = service.station_wqi_days(store, station_id)
    return FastJSONResponse(
        {
            "station": station_id,
            "days": [_wqi_json(d) for d in days],
            **station_wqi_periods(days),
        }
    )


@router.get(
    "/stations/{station_id}/attribution",
    summary="Where high pollution at a station likely comes from (wind sectors, CPF)",
)
def get_attribution(
    station_id: str,
    store: StoreDep,
    quantity: Annotated[str, Query(description="1-hour pollutant: pm25, pm10, o3, ...")] = "pm25",
    start: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset")] = None,
    neighbours: Annotated[
        str | None, Query(description="Comma-separated nearby station ids (regional check)")
    ] = None,
) -> FastJSONResponse:
    """Conditional probability by wind sector and speed, daily profile and, with
    neighbours, regional agreement, explained in Thai and English (default: 90 days)."""
    end_s = time_param(end, "end", now_s())
    start_s = time_param(start, "start", end_s - 90 * 86400)
    if not 0 < end_s - start_s <= 800 * 86400:
        raise InvalidInput("start must be before end and at most 800 days earlier", field="start")
    names = [n.strip() for n in (neighbours or "").split(",") if n.strip()]
    return FastJSONResponse(
        service.air_attribution(store, station_id, quantity, start_s, end_s, names)
    )


@router.get("/environment/canal-drops", summary="Where along the canals quality first drops")
def get_canal_drops(
    store: StoreDep,
    parameter: Literal["do", "bod", "nh3n"] = "do",
    water_class: Annotated[int, Query(ge=2, le=4)] = 3,
) -> FastJSONResponse:
    """Uses the canal network of the stations' ``downstream`` metadata."""
    return FastJSONResponse(service.canal_drops(store, parameter, water_class))
