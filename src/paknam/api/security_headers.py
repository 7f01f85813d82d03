"""Browser security headers on every response (a pure ASGI middleware).

Every answer — dashboard pages, JSON, GeoJSON, XML, static files, errors — carries:

- ``Content-Security-Policy`` (:data:`CSP`): scripts, styles, images and requests only from
  this server, no inline script, no plug-ins, no framing. The dashboard needs nothing else:
  it draws the map without tiles (no tile host to allow), its scripts are files, and
  Leaflet and uPlot set styles through the CSSOM (``element.style``), which ``style-src``
  does not govern.
- ``X-Content-Type-Options: nosniff``: a browser never runs or renders a file as anything
  but its declared type (an uploaded photo stays an image).
- ``X-Frame-Options: DENY`` (with ``frame-ancestors 'none'``): no clickjacking.
- ``Referrer-Policy: strict-origin-when-cross-origin``: citizen tokens in paths never leave
  in a ``Referer``; pages whose own address holds a token (:data:`NO_REFERRER_PAGES`,
  the citizen's ``/follow/{token}``) get ``no-referrer``, so not even their own scripts,
  styles and photos are requested with it.
- ``Permissions-Policy``: geolocation for this origin only (a citizen may report where a
  problem is), no camera, microphone, payment, USB...
- ``Cross-Origin-Opener-Policy: same-origin``.

A route that needs a different policy (the API documentation pages,
:mod:`paknam.api.docs`) sets its own header: the middleware only adds what is missing.

An unhandled exception (a bug) would otherwise be answered by Starlette's own error
middleware, which sits outside every middleware of the app, without these headers: when
no response has started, this middleware answers it itself — 500 with the JSON error
body of the API (no detail of the exception) and the headers — and re-raises, so the
server still logs the traceback.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""The policy of every page (no inline script or style element, nothing from elsewhere)."""

PERMISSIONS = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=()"
)
"""Powerful browser features: only geolocation, and only for this origin."""

HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
"""Header names and values added to every HTTP response that lacks them."""

NO_REFERRER_PAGES = ("/follow/",)
"""Path prefixes of pages holding a secret in their address: ``Referrer-Policy: no-referrer``."""


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response (kept if already set).

    Pure ASGI (no ``BaseHTTPMiddleware``): the body is passed through untouched, so
    streaming answers stay streaming and nothing is buffered.
    """

    def __init__(self, app: ASGIApp, headers: tuple[tuple[str, str], ...] = HEADERS) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if scope["path"].startswith(NO_REFERRER_PAGES):
                    headers.setdefault("Referrer-Policy", "no-referrer")
                for name, value in self.headers:
                    headers.setdefault(name, value)
            await send(message)

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if not started:
                await _internal_error(tracked)
            raise


INTERNAL_ERROR = orjson.dumps(
    {
        "error": {
            "code": "internal_error",
            "message": "internal server error; the server has logged it "
            "(ระบบขัดข้อง กรุณาลองใหม่ภายหลัง)",
        }
    }
)


async def _internal_error(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(INTERNAL_ERROR)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": INTERNAL_ERROR})
