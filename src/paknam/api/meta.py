"""Reference data: quantities, districts, health."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from shapely import set_precision
from shapely.geometry import mapping, shape

from paknam import __version__
from paknam.core import stations
from paknam.core.http.cache import GEOJSON, NOT_MODIFIED, REFERENCE, cached_response
from paknam.core.http.deps import StoreDep
from paknam.core.http.responses import FastJSONResponse, GeoJSONResponse, json_bytes
from paknam.core.models import STATION_KINDS
from paknam.core.quantities import QUANTITIES

router = APIRouter(prefix="/api/v1", tags=["reference"])


def _geometry(geojson: str | None, tolerance: float) -> dict[str, Any] | None:
    if not geojson:
        return None
    geometry = json.loads(geojson)
    if tolerance <= 0:
        return geometry
    thin = shape(geometry).simplify(tolerance, preserve_topology=True)
    return dict(mapping(set_precision(thin, 1e-6)))


@router.get("/quantities", summary="The quantity registry: units and valid ranges")
def list_quantities() -> FastJSONResponse:
    return FastJSONResponse([{**q.as_dict(), "fresh_s": q.fresh_s} for q in QUANTITIES])


@router.get("/station-kinds")
def station_kinds() -> FastJSONResponse:
    return FastJSONResponse(
        [{"kind": k, "name_th": th, "name_en": en} for k, (th, en) in STATION_KINDS.items()]
    )


@router.get(
    "/districts",
    response_class=GeoJSONResponse,
    summary="Districts (amphoe) GeoJSON",
    responses=NOT_MODIFIED,
)
async def list_districts(
    request: Request,
    store: StoreDep,
    simplify: Annotated[
        float,
        Query(ge=0, le=0.01, description="tolerance [deg] to simplify outlines for display"),
    ] = 0.0,
) -> Response:
    """Districts with Thai and English names, as a GeoJSON FeatureCollection.

    ``simplify`` (degrees; 0.0002 ≈ 22 m) thins the outlines for maps: the dashboard asks
    for it, which makes the answer ~10× smaller and the map draw faster. Without it the
    stored outlines come whole.

    Boundaries: Royal Thai Survey Department via OCHA/HDX COD-AB (CC BY-IGO). The answer
    is made once and kept in memory until the districts change; it carries an ``ETag``,
    ``Last-Modified`` and ``Cache-Control: public, max-age=300, stale-while-revalidate``;
    send ``If-None-Match`` to get ``304 Not Modified`` while the boundaries are unchanged.
    """

    def compute() -> tuple[bytes, str]:
        with store.read() as conn:
            rows = stations.list_districts(conn, geometry=True)
        features = [
            {
                "type": "Feature",
                "id": r["code"],
                "geometry": _geometry(r["geojson"], simplify),
                "properties": {
                    "code": r["code"],
                    "name_th": r["name_th"],
                    "name_en": r["name_en"],
                    "province_code": r["province_code"],
                },
            }
            for r in rows
        ]
        body = {
            "type": "FeatureCollection",
            "attribution": "Administrative boundaries: Royal Thai Survey Department via "
            "OCHA/HDX COD-AB (CC BY-IGO)",
            "features": features,
        }
        return json_bytes(body), GEOJSON

    return await cached_response(request, ("districts", simplify), compute, REFERENCE)


@router.get("/health", summary="Liveness and store check")
def health(store: StoreDep) -> FastJSONResponse:
    """The primary answers (else 503); with a read replica, its state and lag too (a
    replica that is down or behind makes reads slower, not wrong: the status stays ok)."""
    with store.read(primary=True) as conn:
        stations.count_stations(conn)  # a real query: the store answers and holds its tables
    body: dict[str, Any] = {"status": "ok", "version": __version__, "engine": store.dialect}
    replica = store.replica_status()
    if replica is not None:
        body["replica"] = replica
    return FastJSONResponse(body)
