"""Stations (GeoJSON), their latest values and their series (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput
from paknam.core.http.cache import GEOJSON, JSON, LIVE, NOT_MODIFIED, cached_response
from paknam.core.http.deps import AdminDep, OfficerDep, StoreDep, time_param
from paknam.core.http.responses import (
    ERROR_RESPONSES,
    FastJSONResponse,
    GeoJSONResponse,
    error_body,
    json_bytes,
)
from paknam.core.models import (
    DeviceKeyCreated,
    SeriesSpec,
    StationCreate,
    StationPublic,
    StationUpdate,
)
from paknam.core.quantities import fresh_s_of, get_quantity
from paknam.core.timeutil import (
    now_s,
    to_local_iso,
    to_local_iso_many,
)

router = APIRouter(prefix="/api/v1", tags=["stations"], responses=ERROR_RESPONSES)

DEFAULT_SPAN_S = {"raw": 7 * 86400, "hour": 31 * 86400, "day": 366 * 86400}


def _latest_by_station(store: Any) -> dict[str, dict[str, Any]]:
    """Latest value per station and quantity; ``stale`` once older than the quantity's
    validity window, with ``stale_since`` (when it stopped describing the present)."""
    out: dict[str, dict[str, Any]] = {}
    now = now_s()
    for (station, quantity), (t, v) in store.latest().items():
        until = t + fresh_s_of(quantity)
        out.setdefault(station, {})[quantity] = {
            "time": to_local_iso(t),
            "value": v,
            "stale": until < now,
            "stale_since": to_local_iso(until) if until < now else None,
        }
    return out


def _feature(station: StationPublic, latest: dict[str, Any]) -> dict[str, Any]:
    props = station.model_dump(mode="json", exclude={"lon", "lat"})
    props["latest"] = latest
    return {
        "type": "Feature",
        "id": station.id,
        "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
        "properties": props,
    }


def stations_geojson(store: Any, kind: str | None = None, district: str | None = None) -> bytes:
    """The body of ``GET /api/v1/stations``."""
    latest = _latest_by_station(store)
    features = [
        _feature(s, latest.get(s.id, {})) for s in store.list_stations(kind=kind, district=district)
    ]
    return json_bytes({"type": "FeatureCollection", "features": features})


@router.get(
    "/stations",
    response_class=GeoJSONResponse,
    summary="All stations as a GeoJSON FeatureCollection (lon, lat) with latest values",
    responses=NOT_MODIFIED,
)
async def list_stations(
    request: Request,
    store: StoreDep,
    kind: Annotated[str | None, Query(description="Filter by station kind")] = None,
    district: Annotated[str | None, Query(description="Filter by amphoe code")] = None,
) -> Response:
    """Every station with its latest values (``stale`` once older than the quantity's
    validity window). Served from memory while the store is unchanged (at most 15 s):
    ``ETag``, ``Last-Modified``, ``Cache-Control: public, max-age=15``; a matching
    ``If-None-Match`` gets ``304``."""
    return await cached_response(
        request,
        ("stations", kind, district),
        lambda: (stations_geojson(store, kind, district), GEOJSON),
        LIVE,
    )


@router.get(
    "/stations/{station_id}",
    response_class=GeoJSONResponse,
    responses=NOT_MODIFIED,
)
async def get_station(station_id: str, request: Request, store: StoreDep) -> Response:
    """One station as a GeoJSON Feature with its latest values (cached like the list)."""

    def compute() -> tuple[bytes, str]:
        station = store.get_station(station_id)
        latest = _latest_by_station(store).get(station_id, {})
        return json_bytes(_feature(station, latest)), GEOJSON

    return await cached_response(request, ("station", station_id), compute, LIVE)


@router.post("/stations", status_code=201, response_model=StationPublic)
def create_station(new: StationCreate, store: StoreDep, _: OfficerDep) -> StationPublic:
    """Register a station (officer or admin)."""
    return store.add_station(new)


@router.patch("/stations/{station_id}", response_model=StationPublic)
def update_station(
    station_id: str, change: StationUpdate, store: StoreDep, _: OfficerDep
) -> StationPublic:
    return store.update_station(station_id, change)


@router.post("/stations/{station_id}/series", status_code=201, response_model=StationPublic)
def add_series(station_id: str, spec: SeriesSpec, store: StoreDep, _: OfficerDep) -> StationPublic:
    """Declare one more quantity the station measures."""
    return store.add_series(station_id, spec)


@router.post("/stations/{station_id}/keys", status_code=201, response_model=DeviceKeyCreated)
def create_key(station_id: str, store: StoreDep, _: AdminDep) -> DeviceKeyCreated:
    """A new device key for this station (admin). The key is shown in this answer only."""
    key_id, key, prefix = store.create_device_key([station_id])
    return DeviceKeyCreated(
        id=key_id, key=key, prefix=prefix, stations=[station_id], label=station_id
    )


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep, _: AdminDep
) -> Response:
    store.revoke_device_key(key_id)
    return Response(status_code=204)


@router.get("/stations/{station_id}/series", summary="A time series, raw or in buckets")
def get_series(
    station_id: str,
    store: StoreDep,
    quantity: Annotated[str, Query(description="Quantity code, e.g. pm25")],
    start: Annotated[str | None, Query(description="ISO 8601 with offset (inclusive)")] = None,
    end: Annotated[str | None, Query(description="ISO 8601 with offset (exclusive)")] = None,
    bucket: Literal["raw", "hour", "day"] = "raw",
    agg: Literal["mean", "min", "max", "sum", "count"] = "mean",
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Points of one series between ``start`` and ``end``.

    Buckets are aligned to Asia/Bangkok (a day is 00:00–24:00 +07:00). Defaults: ``end``
    now, ``start`` 7 days (raw), 31 days (hour) or 366 days (day) before ``end``. Times in
    the answer are Thai time with offset; ``count`` is the number of samples per bucket.
    ``format=csv`` downloads the same points as CSV.

    Where raw data has expired (retention, docs/retention.md): ``bucket=raw`` wholly
    before it is a 410 (``raw_expired``); a range reaching into it adds
    ``raw_expired_before``, ``raw_keep_days`` and ``notice`` (buckets come from the
    hourly roll-up, which is kept for ever).
    """
    end_s = time_param(end, "end", now_s() + 1)
    start_s = time_param(start, "start", end_s - DEFAULT_SPAN_S[bucket])
    if end_s <= start_s:
        raise InvalidInput("end must be after start", field="end")
    if end_s - start_s > 20 * 366 * 86400:
        raise InvalidInput("range longer than 20 years; narrow it", field="start")
    q = get_quantity(quantity)
    expiry = store.raw_expiry(station_id, quantity)
    if bucket == "raw" and expiry is not None and end_s <= expiry.before:
        return _raw_expired(station_id, quantity, expiry)
    cap = get_settings().max_raw_points
    points = store.read_series(
        station_id, quantity, start_s, end_s, bucket=bucket, agg=agg, limit=cap + 1
    )
    if bucket == "raw" and len(points) > cap:
        raise InvalidInput(
            f"more than {cap} raw points in this range; use bucket=hour or day, or a shorter range",
            field="bucket",
        )
    unit = "1" if agg == "count" and bucket != "raw" else q.unit
    if format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["time", f"{quantity}_{unit}", "count"])
        for p in points:
            writer.writerow([to_local_iso(p.time), repr(p.value), p.count])
        name = f"{station_id}_{quantity}_{bucket}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if expiry is not None and start_s < expiry.before:
            headers["X-Raw-Expired-Before"] = to_local_iso(expiry.before)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    extra: dict[str, Any] = {}
    if expiry is not None and start_s < expiry.before:
        extra = _expiry_notice(expiry, bucket)
    return FastJSONResponse(
        {
            **extra,
            "station": station_id,
            "quantity": quantity,
            "unit": unit,
            "bucket": bucket,
            "agg": agg if bucket != "raw" else None,
            "start": to_local_iso(start_s),
            "end": to_local_iso(end_s),
            "points": [
                {"time": t, "value": p.value, "count": p.count}
                for t, p in zip(to_local_iso_many([p.time for p in points]), points, strict=True)
            ],
        }
    )


def _raw_expired(station_id: str, quantity: str, expiry: Any) -> FastJSONResponse:
    """410: every raw point asked for was removed by retention (the roll-up has them)."""
    when = to_local_iso(expiry.before)
    message = (
        f"raw data of {quantity} at {station_id} before {when} has expired (raw data is kept "
        f"{expiry.keep_days} days); ask bucket=hour or bucket=day: the hourly roll-up is kept "
        "for ever"
    )
    return FastJSONResponse(
        error_body(
            "raw_expired",
            message,
            expired_before=when,
            keep_days=expiry.keep_days,
            fields=[{"field": "bucket", "reason": message}],
        ),
        status_code=410,
    )


def _expiry_notice(expiry: Any, bucket: str) -> dict[str, Any]:
    """Fields of a series answer whose range reaches into expired raw data."""
    when = to_local_iso(expiry.before)
    if bucket == "raw":
        notice = (
            f"raw data before {when} has expired (kept {expiry.keep_days} days): points "
            "start there; bucket=hour or day covers the earlier part"
        )
    else:
        notice = f"buckets before {when} come from the hourly roll-up (raw data expired)"
    return {"raw_expired_before": when, "raw_keep_days": expiry.keep_days, "notice": notice}


@router.get("/stations/{station_id}/revisions")
def get_revisions(station_id: str, quantity: str, store: StoreDep) -> FastJSONResponse:
    """Corrections recorded for a series (old and new value, newest first)."""
    rows = store.revisions(station_id, quantity)
    return FastJSONResponse(
        [
            {
                "time": to_local_iso(int(str(r["time_s"]))),
                "old_value": r["old_value"],
                "new_value": r["new_value"],
                "changed_at": r["changed_at"],
            }
            for r in rows
        ]
    )


@router.get(
    "/latest",
    summary="Latest value of every series",
    responses=NOT_MODIFIED,
)
async def latest(
    request: Request, store: StoreDep, quantity: Annotated[str | None, Query()] = None
) -> Response:
    """Cached like ``GET /api/v1/stations``."""

    def compute() -> tuple[bytes, str]:
        out = []
        for (station, q), (t, v) in sorted(store.latest().items()):
            if quantity is None or q == quantity:
                out.append({"station": station, "quantity": q, "time": to_local_iso(t), "value": v})
        return json_bytes(out), JSON

    return await cached_response(request, ("latest", quantity), compute, LIVE)
