"""Smart Living: water-level forecasts and warning levels.

The routes translate HTTP to :mod:`paknam.living.service` and back; they run no SQL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.living import service

router = APIRouter(prefix="/api/v1", tags=["living"], responses=ERROR_RESPONSES)


@router.get("/stations/{station_id}/forecast", summary="Newest 72 h water-level forecast")
def get_forecast(station_id: str, store: StoreDep) -> FastJSONResponse:
    """Hourly forecast (tide + residual) with 80 % and 95 % intervals, its issue time and
    the station's warning levels. Earlier forecasts are kept for scoring."""
    return FastJSONResponse(service.forecast_view(store, station_id))


@router.get("/stations/{station_id}/warning-levels")
def get_levels(station_id: str, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.warning_levels(store, station_id))


@router.put("/stations/{station_id}/warning-levels", summary="Set warning levels (officer)")
def put_levels(
    station_id: str,
    store: StoreDep,
    officer: OfficerDep,
    levels: Annotated[
        dict[str, float],
        Body(examples=[{"watch": 1.0, "warning": 1.1, "danger": 1.2}]),
    ],
) -> FastJSONResponse:
    """Metres above the station's datum; must rise from watch to warning to danger."""
    service.water_level_station(store, station_id)
    return FastJSONResponse(service.set_warning_levels(store, station_id, levels, officer.name))
