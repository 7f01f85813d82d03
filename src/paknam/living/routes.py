"""Smart Living: water-level forecasts and warning levels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.living import forecast_store

router = APIRouter(prefix="/api/v1", tags=["living"], responses=ERROR_RESPONSES)


def _water_level_station(store: StoreDep, station_id: str):  # type: ignore[no-untyped-def]
    station = store.get_station(station_id)
    if not any(s.quantity == "water_level" for s in station.series):
        raise InvalidInput(f"station {station_id!r} has no water_level series")
    return station


@router.get("/stations/{station_id}/forecast", summary="Newest 72 h water-level forecast")
def get_forecast(station_id: str, store: StoreDep) -> FastJSONResponse:
    """Hourly forecast (tide + residual) with 80 % and 95 % intervals, its issue time and
    the station's warning levels. Earlier forecasts are kept for scoring."""
    station = _water_level_station(store, station_id)
    with store.read() as conn:
        fc = forecast_store.latest_forecast(conn, station_id)
        levels = forecast_store.get_warning_levels(conn, station_id)
    datum = next((s.datum for s in station.series if s.quantity == "water_level"), None)
    simulated = bool(station.meta.get("simulated"))
    return FastJSONResponse(
        {**fc, "datum": datum, "warning_levels": levels, "simulated": simulated}
    )


@router.get("/stations/{station_id}/warning-levels")
def get_levels(station_id: str, store: StoreDep) -> FastJSONResponse:
    _water_level_station(store, station_id)
    with store.read() as conn:
        return FastJSONResponse(forecast_store.get_warning_levels(conn, station_id))


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
    _water_level_station(store, station_id)
    with store.write() as conn:
        return FastJSONResponse(
            forecast_store.set_warning_levels(conn, station_id, levels, officer.name)
        )
