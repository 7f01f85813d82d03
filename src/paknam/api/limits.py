"""Limits of the public surface, applied before a request is read.

One pure ASGI middleware (:class:`LimitsMiddleware`) does two things for every request:

* **Body caps by route** (:data:`BODY_CAPS`; 1 MiB elsewhere, setting ``max_body_bytes``).
  A ``Content-Length`` above the cap is answered 413 at once, without reading a byte of
  the body; a chunked body is counted as it streams in and the request is answered 413 as
  soon as the count passes the cap (the rest is never read, and multipart files are never
  spooled beyond the cap).
* **Rate limits on anonymous writes** (:data:`RATE_RULES`), per client IP (an IPv6
  client per /64 network), with the ``limits`` library's moving window: in process by
  default, in Redis when ``rate_limit_storage`` names one (needed when several workers
  serve). A request over a limit gets 429 with a JSON error and ``Retry-After``.

Login has its own guard (:class:`LoginGuard`, used by ``POST /api/v1/auth/login``):
exponential backoff per username and per client IP after a few failures, and a bound on
the number of password hashes computed at once (argon2 takes 64 MiB each).

The limits of an app live on ``app.state.limits`` (:func:`install`); tests replace it with
``Limits(Settings(...))`` to set other numbers.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paknam.api import observations
from paknam.complaints.traffy import routes as traffy_routes
from paknam.core.config import Settings, get_settings
from paknam.core.errors import AuthenticationFailed, TooManyRequests
from paknam.core.http.responses import FastJSONResponse, error_body
from paknam.core.media import MAX_PHOTO_BYTES
from paknam.core.open_upload import MAX_FILE_BYTES as MAX_OPEN_UPLOAD_BYTES
from paknam.economy import routes as economy_routes
from paknam.energy import routes as energy_routes
from paknam.people import routes as people_routes

log = logging.getLogger(__name__)
T = TypeVar("T")

_FORM_SLACK = 1024 * 1024
"""Room for the form fields and multipart framing around an uploaded file."""
PHOTO_FORM_BYTES = MAX_PHOTO_BYTES + _FORM_SLACK
"""A form carrying one photo (5 MB) and its text fields: 6 MiB."""

BODY_CAPS: list[tuple[str, re.Pattern[str], int]] = [
    ("POST", re.compile(r"/api/v1/observations"), observations.MAX_BODY_BYTES),
    ("POST", re.compile(r"/api/v1/people/statements"), people_routes.MAX_BODY_BYTES),
    ("POST", re.compile(r"/api/v1/people/rows/[^/]+"), people_routes.MAX_BODY_BYTES),
    (
        "POST",
        re.compile(r"/api/v1/people/import/[^/]+"),
        people_routes.MAX_FILE_BYTES + _FORM_SLACK,
    ),
    (
        "POST",
        re.compile(r"/api/v1/economy/visits/import"),
        economy_routes.MAX_FILE_BYTES + _FORM_SLACK,
    ),
    (
        "POST",
        re.compile(r"/api/v1/energy/sites/[^/]+/readings"),
        energy_routes.MAX_UPLOAD_BYTES + _FORM_SLACK,
    ),
    ("POST", re.compile(r"/api/v1/complaints"), PHOTO_FORM_BYTES),
    ("POST", re.compile(r"/api/v1/complaints/[^/]+/photos"), PHOTO_FORM_BYTES),
    ("POST", re.compile(r"/api/v1/economy/places/[^/]+/photos"), PHOTO_FORM_BYTES),
    ("POST", re.compile(r"/api/v1/environment/reports"), PHOTO_FORM_BYTES),
    ("POST", re.compile(r"/open311/v2/requests\.(json|xml)"), PHOTO_FORM_BYTES),
    ("POST", re.compile(r"/api/v1/complaints/traffy/webhook"), traffy_routes.MAX_BODY_BYTES),
    ("PATCH", re.compile(r"/api/v1/complaints/traffy/webhook"), traffy_routes.MAX_BODY_BYTES),
    # officers' open datasets (CSV/.xlsx uploads, paknam.core.open_upload)
    ("POST", re.compile(r"/api/v1/opendata/datasets"), MAX_OPEN_UPLOAD_BYTES + _FORM_SLACK),
    (
        "PUT",
        re.compile(r"/api/v1/opendata/datasets/[^/]+/file"),
        MAX_OPEN_UPLOAD_BYTES + _FORM_SLACK,
    ),
    # SensorThings: one Observation per request
    ("POST", re.compile(r"/sta/v1\.1/(Datastreams\(\d+\)/)?Observations"), 64 * 1024),
]
"""(method, path, largest body in bytes) of the routes allowed more than ``max_body_bytes``."""


@dataclass(frozen=True)
class RateRule:
    """Anonymous writes matching ``method`` and ``path`` count against the limits named
    by ``buckets`` (settings ``rate_limit_<bucket>``), per client; a bucket written
    ``name:group`` counts per client *and* the path's ``group`` (e.g. per complaint)."""

    method: str
    path: re.Pattern[str]
    buckets: tuple[str, ...]


RATE_RULES: list[RateRule] = [
    RateRule("POST", re.compile(r"/api/v1/complaints"), ("complaints",)),
    RateRule("POST", re.compile(r"/open311/v2/requests\.(json|xml)"), ("open311",)),
    RateRule(
        "POST",
        re.compile(r"/api/v1/complaints/(?P<complaint>[^/]+)/support"),
        ("support", "support_per_complaint:complaint"),
    ),
    RateRule("POST", re.compile(r"/api/v1/complaints/follow/[^/]+/(reopen|rate)"), ("citizen",)),
    # the same with the token in the X-Complaint-Token header
    RateRule("POST", re.compile(r"/api/v1/complaints/follow/(reopen|rate)"), ("citizen",)),
    RateRule("POST", re.compile(r"/api/v1/complaints/classify"), ("classify",)),
    RateRule("POST", re.compile(r"/api/v1/subscriptions"), ("subscriptions",)),
    RateRule("DELETE", re.compile(r"/api/v1/subscriptions/me"), ("subscriptions",)),
    RateRule("POST", re.compile(r"/api/v1/environment/reports"), ("reports",)),
    # CKAN clients may call the (read-only) Action API with POST: counted, generously
    RateRule("POST", re.compile(r"/api/(3/)?action/[^/]+"), ("opendata",)),
    # Traffy Fondue's webhooks (a shared secret in the URL, not a login)
    RateRule("POST", re.compile(r"/api/v1/complaints/traffy/webhook"), ("traffy",)),
    RateRule("PATCH", re.compile(r"/api/v1/complaints/traffy/webhook"), ("traffy",)),
    # codes and links of verified subscriptions (the codes sent are limited per IP by the
    # "subscriptions" rule above, per address and in all by Limits.hit in the route)
    RateRule("POST", re.compile(r"/api/v1/subscriptions/verify"), ("subscription_verify",)),
    # SensorThings Observations (device key checked after the count: probing costs too)
    RateRule(
        "POST", re.compile(r"/sta/v1\.1/(Datastreams\([^)/]*\)/)?Observations"), ("sensorthings",)
    ),
]
"""Every anonymous write (tests/security/test_ratelimit.py checks that none is missing).
Not here: the LINE webhook (signed by LINE) and login (:class:`LoginGuard`)."""

BUCKETS = (
    "complaints",
    "open311",
    "support",
    "support_per_complaint",
    "citizen",
    "classify",
    "subscriptions",
    "reports",
    "opendata",
    "traffy",
    "subscription_verify",
    "subscription_address",
    "subscription_codes",
    "sensorthings",
)


def client_key(scope: Scope) -> str:
    """Who is asking, for counting: the client address (behind a proxy, the one uvicorn
    took from ``X-Forwarded-For`` of a trusted proxy); an IPv6 client by its /64."""
    client = scope.get("client")
    host = client[0] if client else "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _retry_after(reset_time: float) -> int:
    return max(1, math.ceil(reset_time - time.time()))


class Limits:
    """Caps, rate limiters and the login guard of one app, from ``settings``."""

    def __init__(self, settings: Settings | None = None) -> None:
        s = settings or get_settings()
        self.settings = s
        self.default_cap = s.max_body_bytes
        self.enabled = s.rate_limits_enabled
        storage = storage_from_string(s.rate_limit_storage)
        if not isinstance(storage, Storage):
            raise ValueError(
                f"rate_limit_storage {s.rate_limit_storage!r}: use memory:// or redis://host:port"
            )
        self.storage = storage
        self.remote = not isinstance(self.storage, MemoryStorage)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items: dict[str, list[RateLimitItem]] = {
            b: parse_many(getattr(s, f"rate_limit_{b}")) for b in BUCKETS
        }
        self.exempt = [ipaddress.ip_network(n, strict=False) for n in s.rate_limit_exempt_ips]
        self.login = LoginGuard(self, s)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the storage: at once in memory, in a thread for Redis."""
        if not self.remote:
            return fn(*args)
        return await anyio.to_thread.run_sync(partial(fn, *args))

    def body_cap(self, method: str, path: str) -> int:
        for m, pattern, cap in BODY_CAPS:
            if m == method and pattern.fullmatch(path):
                return cap
        return self.default_cap

    def is_exempt(self, scope: Scope) -> bool:
        if not self.exempt or not scope.get("client"):
            return False
        try:
            ip = ipaddress.ip_address(scope["client"][0])
        except ValueError:
            return False
        return any(ip in net for net in self.exempt)

    async def check_rate(self, scope: Scope, method: str, path: str) -> int | None:
        """None if the request may go on; else the seconds until it may be retried."""
        if not self.enabled:
            return None
        rule = next((r for r in RATE_RULES if r.method == method and r.path.fullmatch(path)), None)
        if rule is None or self.is_exempt(scope):
            return None
        match = rule.path.fullmatch(path)
        assert match is not None
        who = client_key(scope)
        for bucket in rule.buckets:
            name, _, group = bucket.partition(":")
            keys = ("paknam", name, who, *((match.group(group),) if group else ()))
            for item in self.items[name]:
                try:
                    allowed = await self.call(self.limiter.hit, item, *keys)
                    if not allowed:
                        stats = await self.call(self.limiter.get_window_stats, item, *keys)
                        return _retry_after(stats.reset_time)
                except Exception:  # a limiter that cannot be reached must not stop citizens
                    log.warning("rate limit storage failed; request let through", exc_info=True)
                    return None
        return None

    async def hit(self, bucket: str, *keys: str) -> int | None:
        """Count one request against ``bucket`` (setting ``rate_limit_<bucket>``) for
        ``keys`` (e.g. an address's keyed hash): None if allowed, else the seconds until
        it may be retried. For limits a route applies itself, on what it has read."""
        if not self.enabled:
            return None
        for item in self.items[bucket]:
            try:
                if not await self.call(self.limiter.hit, item, "paknam", bucket, *keys):
                    stats = await self.call(self.limiter.get_window_stats, item, "paknam",
                                            bucket, *keys)  # fmt: skip
                    return _retry_after(stats.reset_time)
            except Exception:  # a limiter that cannot be reached must not stop citizens
                log.warning("rate limit storage failed; request let through", exc_info=True)
                return None
        return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class LoginGuard:
    """Exponential backoff after failed logins, per username and per client IP, and a
    bound on concurrent password hashing.

    After ``login_free_failures_user`` failures of one username (``..._ip`` from one
    address) within ``login_failure_window_s``, each further failure locks the username
    (address) for ``login_backoff_base_s * 2**k`` seconds, at most ``login_backoff_max_s``;
    a login while locked — even with the right password — gets 429 with ``Retry-After``
    and costs no password hash. A success clears the username's failures (not the
    address's, or one valid account would let an address try others freely).
    """

    MAX_WAITING = 64
    """Logins queued for a hashing slot beyond this get 429 at once."""

    def __init__(self, limits: Limits, settings: Settings) -> None:
        self.limits = limits
        self.s = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: anyio.CapacityLimiter | None = None

    def _keys(self, kind: str, who: str) -> tuple[str, str]:
        return f"paknam/login/fail/{kind}/{who}", f"paknam/login/lock/{kind}/{who}"

    def _subjects(self, username: str, client: str) -> list[tuple[str, str, int]]:
        return [
            ("user", _digest(username.strip().casefold()), self.s.login_free_failures_user),
            ("ip", _digest(client), self.s.login_free_failures_ip),
        ]

    async def check(self, username: str, client: str) -> None:
        """:class:`TooManyRequests` while the username or the address is locked."""
        storage = self.limits.storage
        for kind, who, _ in self._subjects(username, client):
            _, lock = self._keys(kind, who)
            try:
                if await self.limits.call(storage.get, lock) > 0:
                    retry = _retry_after(await self.limits.call(storage.get_expiry, lock))
                    what = "account" if kind == "user" else "address"
                    raise TooManyRequests(
                        f"too many failed logins for this {what}; "
                        f"try again in {retry} s (เข้าสู่ระบบผิดหลายครั้ง โปรดรอ {retry} วินาที)",
                        retry_after=retry,
                    )
            except TooManyRequests:
                raise
            except Exception:
                log.warning("login backoff storage failed", exc_info=True)

    async def failed(self, username: str, client: str) -> None:
        storage = self.limits.storage
        for kind, who, free in self._subjects(username, client):
            fails, lock = self._keys(kind, who)
            try:
                n = await self.limits.call(storage.incr, fails, self.s.login_failure_window_s)
                if n > free:
                    wait = min(
                        self.s.login_backoff_max_s,
                        self.s.login_backoff_base_s * 2 ** min(n - free - 1, 30),
                    )
                    await self.limits.call(storage.clear, lock)
                    await self.limits.call(storage.incr, lock, max(1, int(wait)))
            except Exception:
                log.warning("login backoff storage failed", exc_info=True)

    async def succeeded(self, username: str) -> None:
        storage = self.limits.storage
        kind, who, _ = self._subjects(username, "")[0]
        for key in self._keys(kind, who):
            try:
                await self.limits.call(storage.clear, key)
            except Exception:
                log.warning("login backoff storage failed", exc_info=True)

    def _hash_slots(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._loop = loop
            self._slots = anyio.CapacityLimiter(max(1, self.s.password_hash_concurrency))
        return self._slots

    async def attempt(
        self, login: Callable[[str, str], T], username: str, password: str, client: str
    ) -> T:
        """One login under the backoff: the lock is checked again once a hashing slot is
        free and a failure is recorded before the slot is let go, so guesses sent all at
        once are judged one after another, as if they had come in turn."""
        await self.check(username, client)  # cheap early answer while locked
        # at most password_hash_concurrency hashes at once; the others wait on the event
        # loop, not in threads, so a flood of logins neither takes memory nor starves
        # other routes
        slots = self._hash_slots()
        if slots.statistics().tasks_waiting >= self.MAX_WAITING:
            raise TooManyRequests(
                "too many logins at once; try again shortly "
                "(มีการเข้าสู่ระบบพร้อมกันมากเกินไป โปรดลองใหม่)",
                retry_after=2,
            )
        async with slots:
            await self.check(username, client)
            try:
                token = await anyio.to_thread.run_sync(partial(login, username, password))
            except AuthenticationFailed:
                await self.failed(username, client)
                raise
        await self.succeeded(username)
        return token


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Any:
    return FastJSONResponse(error_body(code, message), status_code=status, headers=headers)


def _too_large(cap: int) -> Any:
    return _error(
        413,
        "body_too_large",
        f"request body larger than {cap} bytes (ข้อมูลที่ส่งมีขนาดใหญ่เกิน {cap} ไบต์)",
        {"Connection": "close"},
    )


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes its cap."""


class LimitsMiddleware:
    """Body caps and rate limits (see the module docstring), before the app reads a byte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits: Limits = scope["app"].state.limits
        method: str = scope["method"]
        path = _route_path(scope)
        cap = limits.body_cap(method, path)
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > cap:
            await _too_large(cap)(scope, receive, send)
            return
        retry = await limits.check_rate(scope, method, path)
        if retry is not None:
            await _error(
                429,
                "rate_limited",
                f"too many requests of this kind from your address; try again in {retry} s "
                f"(ส่งคำขอถี่เกินไป โปรดลองใหม่ในอีก {retry} วินาที)",
                {"Retry-After": str(retry)},
            )(scope, receive, send)
            return
        await self._capped(cap, scope, receive, send)

    async def _capped(self, cap: int, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        over = False  # the body passed the cap: the rest is never read
        started = False  # a response has begun
        replaced = False  # the app's answer is being dropped for our 413

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    over = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return
            if message["type"] == "http.response.start" and not started:
                started = True
                if over:  # whatever the app answers to a body cut short (400, 422): 413
                    replaced = True
                    await _too_large(cap)(scope, _no_body, send)
                    return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if over and not started:
                await _too_large(cap)(scope, _no_body, send)
                return
            raise


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def install(app: FastAPI) -> None:
    """Limits from the settings on ``app.state.limits``, applied by the middleware."""
    app.state.limits = Limits()
    app.add_middleware(LimitsMiddleware)
