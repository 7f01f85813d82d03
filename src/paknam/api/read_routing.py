"""Which HTTP requests may read from the read replica (a pure ASGI middleware).

With ``PAKNAM_DATABASE_READ_URL`` set, a request reads from the replica only when it is

- ``GET`` or ``HEAD``,
- anonymous (no ``Authorization`` header: officers, devices and API keys see what they
  have just done, so they read from the primary), and
- on a public read path (:data:`REPLICA_PATHS`: observations, stations, warnings and
  alerts, indicators, the catalogue and open data, SensorThings, NGSI-LD) and not on one
  of :data:`PRIMARY_PATHS` (what a citizen has just sent).

Everything else — writes, the officer desk, log-in, subscriptions, complaints and their
follow pages, Open311, health — reads from the primary. So does the rest of a request
once it has written (:func:`paknam.core.replica.note_write`). The decision is this
module's; the store picks the engine (:meth:`paknam.core.store.Store.read`). A new public
route reads from the primary until its path is added here: the safe default.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from paknam.core.replica import replica_reads

REPLICA_PATHS = (
    "/api/v1/stations",
    "/api/v1/latest",
    "/api/v1/districts",
    "/api/v1/quantities",
    "/api/v1/station-kinds",
    "/api/v1/indicators",
    "/api/v1/warnings",
    "/api/v1/alerts",
    "/api/v1/sources",
    "/api/v1/environment/",
    "/api/v1/governance/",
    "/api/v1/people/",
    "/api/v1/economy/",
    "/api/v1/energy/",
    "/api/3/action/",
    "/catalog.",
    "/opendata/",
    "/sta/v1.1/",
    "/ngsi-ld/v1/",
)
"""Path prefixes of anonymous public reads that may come from the replica."""

PRIMARY_PATHS = ("/api/v1/environment/reports",)
"""Exceptions under :data:`REPLICA_PATHS`: citizens look at what they have just sent."""


def may_read_replica(scope: Scope) -> bool:
    """Whether the request of ``scope`` may read from the replica."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path: str = scope["path"]
    if not path.startswith(REPLICA_PATHS) or path.startswith(PRIMARY_PATHS):
        return False
    return all(name != b"authorization" for name, _ in scope["headers"])


class ReadRouting:
    """Opens :func:`~paknam.core.replica.replica_reads` for the requests that may use it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not may_read_replica(scope):
            await self.app(scope, receive, send)
            return
        with replica_reads():
            await self.app(scope, receive, send)
