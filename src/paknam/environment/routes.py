"""Smart Environment: AQI, warnings, citizens' pollution reports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import StoreDep, time_param
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.media import MAX_PHOTO_BYTES
from paknam.core.timeutil import now_s, parse_time
from paknam.environment import fiware, reports
from paknam.environment.air_service import hourly_aqi, latest_aqi
from paknam.environment.aqi.levels import LEVELS
from paknam.environment.attribution_service import air_attribution, canal_drops
from paknam.environment.indicators import good_air_indicator
from paknam.environment.water_service import (
    latest_wqi,
    station_wqi_days,
    station_wqi_periods,
    wqi_indicator,
)

router = APIRouter(prefix="/api/v1", tags=["environment"], responses=ERROR_RESPONSES)
AQI_LEVEL_KEYS = {lv.number: lv.key for lv in LEVELS}


@router.get("/environment/aqi", summary="Latest Thai AQI of every air station")
def get_latest_aqi(store: StoreDep) -> FastJSONResponse:
    """The newest hourly AQI per station with pollutant, level (1–5) and colour."""
    return FastJSONResponse(latest_aqi(store))


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
    rows = hourly_aqi(store, station_id, start_s, end_s).rows()
    return FastJSONResponse({"station": station_id, "points": rows})


@router.get("/warnings", summary="Warnings raised by the rules (active by default)")
def get_warnings(
    store: StoreDep,
    status: Literal["active", "cleared", "all"] = "active",
    domain: Annotated[str | None, Query(description="environment, living, ...")] = None,
) -> FastJSONResponse:
    return FastJSONResponse(
        store.list_warnings(status=None if status == "all" else status, domain=domain)
    )


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
    with store.write() as conn:
        saved = reports.add_report(conn, report)
    return FastJSONResponse(saved, status_code=201)


@router.get("/environment/reports", summary="Citizens' reports, newest first")
def get_reports(
    store: StoreDep,
    lon: float | None = None,
    lat: float | None = None,
    radius_km: Annotated[float, Query(gt=0, le=100)] = 5.0,
    start: str | None = None,
    end: str | None = None,
) -> FastJSONResponse:
    if (lon is None) != (lat is None):
        raise InvalidInput("give both lon and lat, or neither", field="lon")
    with store.read() as conn:
        rows = reports.list_reports(
            conn,
            near=(lon, lat) if lon is not None and lat is not None else None,
            radius_km=radius_km,
            start=time_param(start, "start", 0) if start else None,
            end=time_param(end, "end", 0) if end else None,
        )
    return FastJSONResponse(rows)


@router.get("/environment/reports/{report_id}/photo", response_class=Response)
def get_report_photo(
    report_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep
) -> Response:
    with store.read() as conn:
        kind, data = reports.get_photo(conn, report_id)
    return Response(data, media_type=kind)


@router.get("/stations/{station_id}/reports", summary="Citizens' reports near a station")
def get_station_reports(
    station_id: str,
    store: StoreDep,
    radius_km: Annotated[float, Query(gt=0, le=100)] = 5.0,
) -> FastJSONResponse:
    station = store.get_station(station_id)
    with store.read() as conn:
        rows = reports.list_reports(conn, near=(station.lon, station.lat), radius_km=radius_km)
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
    """NGSI-LD normalized entities, one per observation time (default: the last 7 days)."""
    s = store.get_station(station)
    entity_type = fiware.entity_type_for(x.quantity for x in s.series)
    if entity_type is None:
        raise InvalidInput(f"station {station!r} has no air or water quality series")
    end_s = time_param(end, "end", now_s() + 1)
    start_s = time_param(start, "start", end_s - 7 * 86400)
    if end_s <= start_s:
        raise InvalidInput("end must be after start", field="end")
    by_time: dict[int, dict[str, float]] = {}
    for series in s.series:
        for p in store.read_series(station, series.quantity, start_s, end_s, limit=limit):
            by_time.setdefault(p.time, {})[series.quantity] = p.value
    extra: dict[int, dict[str, object]] = {}
    if entity_type == "AirQualityObserved":
        try:
            for row in hourly_aqi(store, station, start_s, end_s).rows():
                extra[parse_time(row["time"])] = {
                    "airQualityIndex": row["aqi"],
                    "airQualityLevel": AQI_LEVEL_KEYS[row["level"]],
                }
        except InvalidInput:
            pass
    entities = [
        fiware.entity(entity_type, s.id, s.name_en, s.lon, s.lat, t, values, extra=extra.get(t))
        for t, values in sorted(by_time.items())[:limit]
    ]
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
        [good_air_indicator(store, year, base), wqi_indicator(store, year, base)]
    )


@router.get("/environment/wqi", summary="Latest Thai WQI of every water-quality station")
def get_latest_wqi(store: StoreDep) -> FastJSONResponse:
    """Newest daily WQI per station, with band, completeness and the curves' provenance."""
    return FastJSONResponse(latest_wqi(store))


@router.get("/stations/{station_id}/wqi", summary="Daily, monthly and yearly WQI of a station")
def get_station_wqi(station_id: str, store: StoreDep) -> FastJSONResponse:
    """Every sampled day's WQI; monthly = lowest day, yearly = lowest month (PCD rule)."""
    days = station_wqi_days(store, station_id)
    return FastJSONResponse({"station": station_id, "days": days, **station_wqi_periods(days)})


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
    return FastJSONResponse(air_attribution(store, station_id, quantity, start_s, end_s, names))


@router.get("/environment/canal-drops", summary="Where along the canals quality first drops")
def get_canal_drops(
    store: StoreDep,
    parameter: Literal["do", "bod", "nh3n"] = "do",
    water_class: Annotated[int, Query(ge=2, le=4)] = 3,
) -> FastJSONResponse:
    """Uses the canal network of the stations' ``downstream`` metadata."""
    return FastJSONResponse(canal_drops(store, parameter, water_class))
