"""Dashboard pages and their static files (all vendored: the dashboard works offline).

Every page is the same HTML shell with a different ES module; the module reads the public
API. Static files come from ``paknam/web/static``; paths outside it are refused.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from paknam.api.web_pages import PAGES, Page, render_page
from paknam.core.errors import NotFound
from paknam.core.http.cache import PAGE, CachePolicy, cached_response

router = APIRouter(tags=["pages"], include_in_schema=False)

STATIC_ROOT = Path(str(resources.files("paknam") / "web" / "static")).resolve()
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
"""Content types of the files the dashboard ships; anything else is refused."""


def static_file(path: str) -> Path:
    """The file under :data:`STATIC_ROOT` named by ``path``; NotFound outside it."""
    target = (STATIC_ROOT / path).resolve()
    if (
        not target.is_relative_to(STATIC_ROOT)
        or not target.is_file()
        or (target.suffix not in MEDIA_TYPES and target.name not in {"LICENSE", "VERSION"})
    ):
        raise NotFound(f"no static file {path!r}")
    return target


OWN_FILES = CachePolicy(ttl=60.0, min_interval=60.0, control="no-cache")
"""Our own files: browsers revalidate them on every use (their modules import one another
without a version in the URL); the server rereads a changed file within a minute."""
VENDORED = CachePolicy(ttl=60.0, min_interval=60.0, control="public, max-age=86400")
"""Vendored libraries change only with a release: browsers reuse them for a day."""


@router.get("/static/{path:path}")
async def get_static(path: str, request: Request) -> Response:
    """A dashboard file, from memory after the first read; 304 when the ETag matches."""

    def compute() -> tuple[bytes, str]:
        target = static_file(path)
        return target.read_bytes(), MEDIA_TYPES.get(target.suffix, "text/plain; charset=utf-8")

    vendored = path.startswith("vendor/")
    policy = VENDORED if vendored else OWN_FILES
    return await cached_response(request, ("static", path), compute, policy)


@router.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    """The icon a browser asks for by itself on a document that names none (the Atom feed,
    a CAP document, a JSON answer): the dashboard's SVG icon rather than a 404 each time."""
    return await get_static("img/icon.svg", request)


HTML = "text/html; charset=utf-8"


def _add_page(page: Page) -> None:
    async def show(request: Request, station_id: str | None = None) -> Response:
        params = {"station_id": station_id} if station_id is not None else {}

        def compute() -> tuple[bytes, str]:
            return render_page(request.app, page, **params).encode("utf-8"), HTML

        # the shell is the same for everybody: made once, then from memory (ETag, 304)
        return await cached_response(request, ("page", page.path, station_id), compute, PAGE)

    show.__name__ = f"page_{page.name}_{len(router.routes)}"
    router.add_api_route(page.path, show, methods=["GET"], response_class=HTMLResponse)


for _page in PAGES:
    # "/" lives in paknam.api.home (server-made district list), an alert's page in
    # paknam.api.alert_page (server-made content)
    if _page.name not in ("home", "alert"):
        _add_page(_page)
