"""An app with the complaints routers (included here until app.py registers them)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.complaints import open311_routes as open311
from paknam.complaints import routes as complaints
from paknam.complaints.apikeys import create_api_key
from paknam.core.store import Store


def complaints_app(store: Store) -> FastAPI:
    app = create_app(store)
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/open311/v2/services.json" not in paths:
        app.include_router(open311.router)
    if "/api/v1/complaints/states" not in paths:
        app.include_router(complaints.router)
    return app


def complaints_client(store: Store) -> Iterator[TestClient]:
    """Body of the test files' ``cclient`` fixture."""
    with TestClient(complaints_app(store)) as c:
        yield c


def new_api_key(store: Store) -> str:
    with store.write() as conn:
        return create_api_key(conn, "test client")[1]
