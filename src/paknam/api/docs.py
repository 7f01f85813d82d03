"""``GET /docs`` (Swagger UI) and ``GET /redoc`` (ReDoc) from vendored files.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline
script; both fail offline and the second fails under this server's
Content-Security-Policy (``script-src 'self'``, :mod:`paknam.api.security_headers`). These
pages load the copies under ``static/vendor/swagger-ui`` and ``static/vendor/redoc`` and
start them with a script file (``static/js/docs/``); the OpenAPI URL is passed as a data
attribute.

ReDoc injects ``<style>`` elements (styled-components), so ``/redoc`` alone allows inline
styles (:data:`REDOC_CSP`); scripts stay ``'self'`` only, and ReDoc's search runs in a
``blob:`` worker. ``/docs`` keeps the site-wide policy.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from paknam import __version__

router = APIRouter(include_in_schema=False)

SWAGGER = "/static/vendor/swagger-ui"
REDOC = "/static/vendor/redoc"

REDOC_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""The policy of ``/redoc``: the site's, with inline styles and ``blob:`` workers."""


def _openapi_url(request: Request) -> str:
    return escape(request.app.openapi_url or "/openapi.json")


def _title(request: Request, what: str) -> str:
    return escape(f"{request.app.title} — {what}")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    """Interactive API documentation (Swagger UI), served from vendored files."""
    v = escape(__version__)
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_title(request, "Swagger UI")}</title>
<link rel="icon" type="image/png" href="{SWAGGER}/favicon-32x32.png">
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{_openapi_url(request)}"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/static/js/docs/swagger.js?v={v}"></script>
</body>
</html>
"""
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """Reference API documentation (ReDoc), served from vendored files."""
    v = escape(__version__)
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_title(request, "ReDoc")}</title>
<link rel="icon" type="image/png" href="{SWAGGER}/favicon-32x32.png">
</head>
<body>
<div id="redoc" data-openapi-url="{_openapi_url(request)}"></div>
<script src="{REDOC}/redoc.standalone.js"></script>
<script src="/static/js/docs/redoc.js?v={v}"></script>
</body>
</html>
""",
        headers={"Content-Security-Policy": REDOC_CSP},
    )
