"""OGC SensorThings API v1.1 (read, and creating Observations) at ``/sta/v1.1/``.

Modules: :mod:`.filter` (the ``$filter`` parser), :mod:`.options` (query options),
:mod:`.model` (entities from stations, series and quantities), :mod:`.evaluate` (filters
over those entities), :mod:`.sql` (Observations' filters as database conditions),
:mod:`.resources` (paths and answers), :mod:`.routes` (HTTP). See ``docs/opendata.md``.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """The SensorThings router, for :func:`paknam.api.app.create_app`."""
    from paknam.api.sensorthings import routes

    return [routes.router]
