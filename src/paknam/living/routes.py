"""Smart Living: water-level forecasts and warning levels.

The routes translate HTTP to :mod:`paknam.living.service` and back; they run no SQL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from fastapi.responses import Response

from paknam.core.config import get_settings
from paknam.core.errors import NotFound
from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.living import report_files, service

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


REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; sandbox"
"""A report page runs nothing: its own inline style and its figures, in a sandbox."""
PRIVATE = {"Cache-Control": "private, no-store"}


@router.get("/living/backtest-report", summary="The latest forecast backtest report (officer)")
def get_backtest_report(officer: OfficerDep) -> FastJSONResponse:
    """Whether a report folder is configured (``PAKNAM_TIDES_REPORT_DIR``) and holds a
    report of ``paknam tides backtest --report``; the newest one's time, files and
    scores (station, held-out test period, POD/FAR/CSI per lead against the baselines)."""
    view = report_files.report_view(get_settings().tides_report_dir)
    return FastJSONResponse(view, headers=PRIVATE)


@router.get(
    "/living/backtest-report/{name}", summary="A file of the latest backtest report (officer)"
)
def get_backtest_report_file(name: str, officer: OfficerDep) -> Response:
    """``index.html``, the four SVG figures, ``backtest.json`` or ``figures.json`` of the
    newest report, read-only; 404 for any other name or without a report."""
    report = report_files.latest_report(get_settings().tides_report_dir)
    if report is None:
        raise NotFound(
            "no backtest report: set PAKNAM_TIDES_REPORT_DIR to where "
            "`paknam tides backtest --report DIR` writes"
        )
    body, media = report_files.report_file(report, name)
    headers = dict(PRIVATE)
    if name.endswith((".html", ".svg")):
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=media, headers=headers)
