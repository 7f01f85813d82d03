"""Answers of public reads kept ready, so that a surge of citizens costs no recomputation.

After an alert thousands of people open the map, the alert and its feed within minutes.
Each of those answers is the same for everybody, so each is computed once, kept in memory
as bytes and sent again until the store changes:

- **Invalidation by the store's generation.** :meth:`paknam.core.store.Store.generation`
  changes when any write is committed, by this process or another (``paknam serve
  --workers 2`` runs two processes, each with its own cache; the store is the one source of
  truth). The cache asks for it at most once per :attr:`ResponseCache.check_every` second,
  so a change shows within about a second plus the recomputation; a write made by this
  process (:attr:`~paknam.core.store.Store.local_generation`) shows at once.
- **A time to live** (:attr:`CachePolicy.ttl`) for answers that depend on the clock too
  (a value turns stale, an alert expires).
- **One computation per key at a time** (single flight). While one request recomputes an
  answer, the others get the previous answer at once (stale while revalidating) or, when
  there is none yet, wait for that one computation instead of starting their own.
- **HTTP validation.** Every answer carries a strong ``ETag`` (a hash of the bytes),
  ``Last-Modified`` (when this process first made these bytes) and ``Cache-Control``
  (``public, max-age=…, stale-while-revalidate=…``); ``If-None-Match`` or
  ``If-Modified-Since`` that still match get ``304 Not Modified`` without a body.

Routes use :func:`cached_response`::

    @router.get("/stations")
    async def list_stations(request: Request, kind: str | None = None) -> Response:
        return await cached_response(
            request, ("stations", kind), lambda: geojson_bytes(store_of(request), kind),
            LIVE,
        )

The key must name everything the answer depends on (validated query parameters, the base
URL written into links); the computation returns ``(body bytes, media type)`` and may
raise (a 404 is not cached). Only anonymous, public answers belong here.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from paknam.core.errors import StoreUnavailable
from paknam.core.http.responses import json_bytes
from paknam.core.replica import replica_allowed

log = logging.getLogger(__name__)

Computation = Callable[[], tuple[bytes, str]]
"""Makes an answer: its body and its media type."""


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long an answer is reused, on the server and by clients.

    Attributes
    ----------
    max_age : int
        ``Cache-Control: max-age`` (seconds a browser or proxy may reuse the answer).
    stale_while_revalidate : int
        ``stale-while-revalidate`` (seconds after that a client may still show it while
        it fetches the new one). The server likewise sends an answer up to ``ttl`` + this
        old to the other requests while one request recomputes it.
    ttl : float
        Seconds the server reuses an answer while the store is unchanged: the bound for
        answers that also depend on the clock.
    min_interval : float
        Seconds the server keeps an answer although the store changed: for costly
        computations that move slowly (the indicator board), 0 for everything else.
    """

    max_age: int = 15
    stale_while_revalidate: int = 60
    ttl: float = 15.0
    min_interval: float = 0.0
    control: str | None = None
    """``Cache-Control`` as given, instead of the one made from ``max_age``."""

    @property
    def cache_control(self) -> str:
        if self.control is not None:
            return self.control
        return (
            f"public, max-age={self.max_age}, stale-while-revalidate={self.stale_while_revalidate}"
        )


LIVE = CachePolicy()
"""Live data (stations with their latest values, alerts, the Atom feed): 15 s."""
SLOW = CachePolicy(max_age=60, stale_while_revalidate=600, ttl=300.0, min_interval=60.0)
"""Costly answers that move over months (the indicator board): recomputed at most every
minute after a change, every 5 minutes at most otherwise."""
REFERENCE = CachePolicy(max_age=300, stale_while_revalidate=3600, ttl=3600.0, min_interval=300.0)
"""Reference data that changes almost never (district boundaries): a change shows within
5 minutes, as browsers reuse it for that long anyway."""
PAGE = CachePolicy(max_age=60, stale_while_revalidate=600, ttl=300.0)
"""The dashboard's HTML shells (their data come from the API)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached answer."""

    body: bytes
    media_type: str
    etag: str
    last_modified_s: int
    generation: Hashable
    computed_at: float
    headers: dict[str, str]
    raw_headers: list[tuple[bytes, bytes]]
    """ETag, Last-Modified, Cache-Control as ASGI headers (for :class:`CacheFastPath`)."""


@dataclass(slots=True)
class _Flight:
    """A computation in progress, that other requests for the same key wait for."""

    done: threading.Event = field(default_factory=threading.Event)
    entry: Entry | None = None
    error: BaseException | None = None


def etag_of(body: bytes) -> str:
    """A strong entity tag: a hash of the bytes (the same in every process)."""
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def not_modified(headers: Any, etag: str, last_modified_s: int) -> bool:
    """Whether the request's validators still match (``If-None-Match`` wins, RFC 9110)."""
    inm = headers.get("if-none-match")
    if inm is not None:
        return etag_matches(inm, etag)
    ims = headers.get("if-modified-since")
    if ims:
        try:
            since = parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return last_modified_s <= since
    return False


class ResponseCache:
    """Answers by key, revalidated against ``generation`` (see the module text).

    Parameters
    ----------
    generation : callable
        The store's generation (:meth:`paknam.core.store.Store.generation`), asked at
        most every ``check_every`` seconds.
    local_generation : callable
        Changes when this process writes (:attr:`paknam.core.store.Store.local_generation`),
        asked at every lookup: it must not do I/O.
    check_every : float
        Seconds between two calls of ``generation``: a change by another process shows
        after at most this long.
    max_entries : int
        Keys kept (least recently made first out), a bound against keys made up by clients.
    wait_timeout : float
        Seconds a request waits for another's computation before it gives up (503).
    owner : object
        What the answers come from (the store), so that a new one gets a new cache.
    """

    def __init__(
        self,
        generation: Callable[[], Hashable],
        *,
        local_generation: Callable[[], Hashable] = lambda: None,
        owner: object = None,
        check_every: float = 1.0,
        max_entries: int = 512,
        wait_timeout: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._read_generation = generation
        self._local_generation = local_generation
        self.owner = owner
        self.check_every = check_every
        self.max_entries = max_entries
        self.wait_timeout = wait_timeout
        self._clock = clock
        self._wall = wall_clock
        self._generation: Hashable = None
        self._checked_at = float("-inf")
        self._check_lock = threading.Lock()
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._aliases: dict[tuple[Any, ...], tuple[Hashable, CachePolicy]] = {}
        self.computations = 0
        """How many answers were computed (for tests and the benchmark)."""

    # ---- generation --------------------------------------------------------------------

    def _generation_now(self, *, may_check: bool) -> tuple[Hashable, bool]:
        """The store's generation as last read, and whether it is recent enough.

        With ``may_check`` (off the event loop) a due check is made; only one thread makes
        it, the others meanwhile use the value read before.
        """
        local = self._local_generation()
        if self._clock() - self._checked_at < self.check_every:
            return (local, self._generation), True
        if not may_check:
            return (local, self._generation), False
        if self._check_lock.acquire(blocking=False):
            try:
                if self._clock() - self._checked_at >= self.check_every:
                    try:
                        self._generation = self._read_generation()
                    except StoreUnavailable:  # keep answering what is kept; retry later
                        log.warning("cannot read the store's generation", exc_info=True)
                    self._checked_at = self._clock()
            finally:
                self._check_lock.release()
        return (local, self._generation), True

    def invalidate(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()
        self._checked_at = float("-inf")

    # ---- requests already seen (for the fast path) ---------------------------------------

    def remember(self, request_key: tuple[Any, ...], key: Hashable, policy: CachePolicy) -> None:
        """That a request like ``request_key`` (see :func:`request_key`) was answered from
        ``key``: the next such request may be answered before routing."""
        if request_key in self._aliases:
            return
        if len(self._aliases) >= 4 * self.max_entries:
            self._aliases.clear()  # made-up query strings: start again
        self._aliases[request_key] = (key, policy)

    def answer_for(self, request_key: tuple[Any, ...]) -> Entry | None:
        """The fresh answer for a request seen before, without I/O; ``None`` otherwise."""
        known = self._aliases.get(request_key)
        if known is None:
            return None
        return self.peek(*known)

    # ---- lookups -----------------------------------------------------------------------

    @staticmethod
    def _fresh(entry: Entry, generation: Hashable, now: float, policy: CachePolicy) -> bool:
        age = now - entry.computed_at
        if age >= policy.ttl:
            return False
        return entry.generation == generation or age < policy.min_interval

    def _usable_while_revalidating(self, entry: Entry, policy: CachePolicy) -> bool:
        """Whether a stale answer may still be sent while another request recomputes it."""
        return self._clock() - entry.computed_at < policy.ttl + policy.stale_while_revalidate

    def peek(self, key: Hashable, policy: CachePolicy) -> Entry | None:
        """The answer when it can be sent without any I/O (safe on the event loop): fresh,
        or being recomputed by another request. ``None``: call :meth:`get`."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        generation, recent = self._generation_now(may_check=False)
        if not recent:
            return None
        if self._fresh(entry, generation, self._clock(), policy):
            return entry
        if key in self._flights and self._usable_while_revalidating(entry, policy):
            return entry
        return None

    def get(
        self, key: Hashable, compute: Computation, policy: CachePolicy, *, force: bool = False
    ) -> Entry:
        """The answer for ``key``, computed by ``compute`` when missing or out of date.

        Blocking (it may query the store): call it from a worker thread. One computation
        per key runs at a time; ``force`` skips a fresh answer but still joins a
        computation already running.
        """
        generation, _ = self._generation_now(may_check=True)
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and not force and self._fresh(entry, generation, now, policy):
            return entry
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            if entry is not None and not force and self._usable_while_revalidating(entry, policy):
                return entry  # stale while one request revalidates
            if not flight.done.wait(self.wait_timeout):
                raise StoreUnavailable("the answer is still being computed; try again")
            if flight.error is not None:
                raise flight.error
            assert flight.entry is not None
            return flight.entry
        try:
            body, media_type = compute()
            self.computations += 1
            flight.entry = self._keep(key, body, media_type, generation, policy, entry)
            return flight.entry
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def _keep(
        self,
        key: Hashable,
        body: bytes,
        media_type: str,
        generation: Hashable,
        policy: CachePolicy,
        previous: Entry | None,
    ) -> Entry:
        etag = etag_of(body)
        if previous is not None and previous.etag == etag:
            last_modified_s = previous.last_modified_s  # same bytes: not modified
        else:
            last_modified_s = int(self._wall())
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(last_modified_s, usegmt=True),
            "Cache-Control": policy.cache_control,
        }
        entry = Entry(
            body=body,
            media_type=media_type,
            etag=etag,
            last_modified_s=last_modified_s,
            generation=generation,
            computed_at=self._clock(),
            headers=headers,
            raw_headers=[(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()],
        )
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry


_create_lock = threading.Lock()


def response_cache(request: Request) -> ResponseCache:
    """The cache of the request's application and store (made on first use)."""
    return cache_of(request.app)


def cache_of(app: Any) -> ResponseCache:
    """The cache of ``app`` (a FastAPI application) and its store (made on first use)."""
    state = app.state
    store = state.store
    cache = getattr(state, "response_cache", None)
    if not isinstance(cache, ResponseCache) or cache.owner is not store:
        with _create_lock:
            cache = getattr(state, "response_cache", None)
            if not isinstance(cache, ResponseCache) or cache.owner is not store:
                cache = ResponseCache(
                    store.generation,
                    local_generation=lambda: store.local_generation,
                    owner=store,
                )
                state.response_cache = cache
    return cache


def respond(request: Request, entry: Entry) -> Response:
    """The cached answer, or ``304 Not Modified`` when the client's copy is current."""
    if not_modified(request.headers, entry.etag, entry.last_modified_s):
        return Response(status_code=304, headers=entry.headers)
    return Response(entry.body, media_type=entry.media_type, headers=entry.headers)


async def cached_response(
    request: Request,
    key: Hashable,
    compute: Computation,
    policy: CachePolicy = LIVE,
    *,
    force: bool = False,
) -> Response:
    """Answer ``request`` from the cache: from memory on the event loop when the answer is
    fresh, else in a worker thread (a generation check, or the one computation).

    A request without credentials is remembered, so that the same request (path, query,
    host) is answered next time by :class:`CacheFastPath` before routing.

    With a read replica, a request that must read from the primary (an officer's, see
    :mod:`paknam.core.replica`) has answers of its own: never one read from the replica
    before the replica had replayed that officer's last change.
    """
    cache = response_cache(request)
    if getattr(request.app.state.store, "replica", None) is not None and not replica_allowed():
        key = ("primary", key)
    entry = None if force else cache.peek(key, policy)
    if entry is None:
        entry = await run_in_threadpool(cache.get, key, compute, policy, force=force)
    if not force:
        seen = request_key(request.scope)
        if seen is not None:
            cache.remember(seen, key, policy)
    return respond(request, entry)


def request_key(scope: Any) -> tuple[Any, ...] | None:
    """What identifies a GET for the fast path: scheme, host, root path, path and query
    string; ``None`` for a request that carries credentials (never answered from memory
    on sight: its answer may depend on who asks)."""
    host = b""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return None
        if name == b"host":
            host = value
    return (
        scope.get("scheme"),
        host,
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b""),
    )


class CacheFastPath:
    """ASGI middleware: a GET that a cached route answered before, from the same address
    and without credentials, is answered from memory before routing, while its answer is
    fresh (FastAPI's routing and parameter checks cost more than the rest of such a
    request). Anything else goes on to the application unchanged.

    Add it first (innermost), so that every other middleware still sees these answers.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            cache = getattr(scope["app"].state, "response_cache", None)
            if isinstance(cache, ResponseCache):
                seen = request_key(scope)
                entry = cache.answer_for(seen) if seen is not None else None
                if entry is not None:
                    await _send(entry, scope, send)
                    return
        await self.app(scope, receive, send)


async def _send(entry: Entry, scope: Any, send: Any) -> None:
    validators: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name == b"if-none-match" or name == b"if-modified-since":
            validators[name.decode()] = value.decode("latin-1")
    if validators and not_modified(validators, entry.etag, entry.last_modified_s):
        await send({"type": "http.response.start", "status": 304, "headers": entry.raw_headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [
        (b"content-length", str(len(entry.body)).encode()),
        (b"content-type", entry.media_type.encode("latin-1")),
        *entry.raw_headers,
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})


JSON = "application/json"
GEOJSON = "application/geo+json"
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match or If-Modified-Since matched)"}
}
"""For ``responses=`` of a cached route's OpenAPI description."""
__all__ = [
    "GEOJSON",
    "JSON",
    "LIVE",
    "NOT_MODIFIED",
    "PAGE",
    "REFERENCE",
    "SLOW",
    "CacheFastPath",
    "CachePolicy",
    "Entry",
    "ResponseCache",
    "cache_of",
    "cached_response",
    "json_bytes",
    "respond",
    "response_cache",
]
