"""Reference data: quantities, districts, health."""

from __future__ import annotations

import json

import sqlalchemy as sa
from fastapi import APIRouter

from paknam import __version__
from paknam.api.deps import StoreDep
from paknam.api.responses import FastJSONResponse, GeoJSONResponse
from paknam.core.models import STATION_KINDS
from paknam.core.quantities import QUANTITIES
from paknam.core.schema import districts

router = APIRouter(prefix="/api/v1", tags=["reference"])


@router.get("/quantities", summary="The quantity registry: units and valid ranges")
def list_quantities() -> FastJSONResponse:
    return FastJSONResponse([q.as_dict() for q in QUANTITIES])


@router.get("/station-kinds")
def station_kinds() -> FastJSONResponse:
    return FastJSONResponse(
        [{"kind": k, "name_th": th, "name_en": en} for k, (th, en) in STATION_KINDS.items()]
    )


@router.get("/districts", response_class=GeoJSONResponse, summary="Districts (amphoe) GeoJSON")
def list_districts(store: StoreDep) -> GeoJSONResponse:
    """Districts with Thai and English names, as a GeoJSON FeatureCollection.

    Boundaries: Royal Thai Survey Department via OCHA/HDX COD-AB (CC BY-IGO).
    """
    with store.read() as conn:
        rows = conn.execute(sa.select(districts).order_by(districts.c.code)).all()
    features = [
        {
            "type": "Feature",
            "id": r.code,
            "geometry": json.loads(r.geojson) if r.geojson else None,
            "properties": {
                "code": r.code,
                "name_th": r.name_th,
                "name_en": r.name_en,
                "province_code": r.province_code,
            },
        }
        for r in rows
    ]
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "attribution": "Administrative boundaries: Royal Thai Survey Department via "
            "OCHA/HDX COD-AB (CC BY-IGO)",
            "features": features,
        }
    )


@router.get("/health", summary="Liveness and store check")
def health(store: StoreDep) -> FastJSONResponse:
    with store.read() as conn:
        conn.execute(sa.text("SELECT 1"))
    return FastJSONResponse({"status": "ok", "version": __version__, "engine": store.dialect})
