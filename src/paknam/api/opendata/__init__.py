"""Open city data: the catalogue and the standard interfaces over it (CKAN Action API,
DCAT-AP 3, OGC SensorThings API, NGSI-LD). See ``docs/opendata.md``."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """Every open-data router, for :func:`paknam.api.app.create_app`."""
    from paknam.api.opendata import ckan, dcat, uploads

    return [ckan.router, dcat.router, uploads.router]
