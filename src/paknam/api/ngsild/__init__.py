"""NGSI-LD read at ``/ngsi-ld/v1/``: the current state of the stations as Smart Data Models
``AirQualityObserved`` / ``WaterQualityObserved`` and the active alerts as ``Alert``
(:mod:`.entities`), queried with ``type``, ``id``, ``q``, ``georel`` ... (:mod:`.query`,
:mod:`.routes`). See ``docs/opendata.md``.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """The NGSI-LD router, for :func:`paknam.api.app.create_app`."""
    from paknam.api.ngsild import routes

    return [routes.router]
