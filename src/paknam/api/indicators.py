"""The indicator board: every indicator of the proposal, computed from the store by the
domain that owns it (the page the governor opens first)."""

from __future__ import annotations

import json
import logging
import threading
import weakref
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paknam.core.http.cache import (
    JSON,
    NOT_MODIFIED,
    SLOW,
    Computation,
    ResponseCache,
    cache_of,
    cached_response,
)
from paknam.core.http.deps import StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, json_bytes
from paknam.core.registry import domains
from paknam.core.store import Store

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["indicators"], responses=ERROR_RESPONSES)


def board(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """All indicators. A domain that fails shows one record with status ``error`` (and the
    reason) instead of taking the whole board down."""
    records: list[dict[str, Any]] = []
    for d in domains():  # in the proposal's order of the domains
        if d.indicators is None:
            continue
        domain = d.name
        try:
            records.extend(i.as_dict() for i in d.indicators(store, year))
        except Exception as exc:
            log.exception("indicators of %s failed", domain)
            records.append(
                {
                    "id": f"{domain}_error",
                    "domain": domain,
                    "name_th": "คำนวณตัวชี้วัดไม่สำเร็จ",
                    "name_en": "Indicators could not be computed",
                    "unit": None,
                    "value": None,
                    "baseline": None,
                    "target": None,
                    "period": None,
                    "status": "error",
                    "details": {"error": f"{type(exc).__name__}: {exc}"},
                }
            )
    return records


_records_caches: weakref.WeakKeyDictionary[Store, ResponseCache] = weakref.WeakKeyDictionary()
_records_lock = threading.Lock()


def cached_board(store: Store, year: int | None) -> list[dict[str, Any]]:
    """The board's records for callers outside the HTTP answer cache (the open-data
    catalogue's indicator table), kept per store by the same rule as ``GET
    /api/v1/indicators`` (:data:`BOARD`): made again at most a minute after the store's
    generation changed, by any process, and at most every 5 minutes otherwise. So every
    worker and host answers the same records at most :data:`BOARD_AGREES_WITHIN_S` after
    a change."""
    with _records_lock:
        cache = _records_caches.get(store)
        if cache is None:
            ref = weakref.ref(store)  # a strong one would keep the key alive for ever
            cache = _records_caches[store] = ResponseCache(
                lambda: _alive(ref).generation(),
                local_generation=lambda: _alive(ref).local_generation,
                max_entries=8,
            )
    entry = cache.get(("indicator-records", year), _board_json(store, year), BOARD)
    records: list[dict[str, Any]] = json.loads(entry.body)
    return records


def _alive(ref: weakref.ref[Store]) -> Store:
    store = ref()
    assert store is not None  # the cache is only asked for its own, live store
    return store


BOARD = SLOW
"""The board is recomputed at most every 5 minutes, and at most once a minute after the
store changed (a year of hourly AQI for every station is seconds of work; indicators move
over months). One computation at a time: a cold board under a surge is computed once while
the other requests wait for it, or get the previous board."""

BOARD_AGREES_WITHIN_S = BOARD.min_interval + 1.0
"""After a change to the store, every worker and host answers the same board within this
(the minute :data:`BOARD` holds a costly board, plus the generation check of
:class:`~paknam.core.http.cache.ResponseCache`; the recomputation itself comes on top)."""


@router.get(
    "/indicators",
    summary="Every indicator of the proposal, with target and status",
    responses=NOT_MODIFIED,
)
async def get_indicators(
    request: Request,
    store: StoreDep,
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="default: current / newest complete")
    ] = None,
    fresh: Annotated[bool, Query(description="recompute now instead of the ≤ 5 min copy")] = False,
) -> Response:
    """One record per indicator: ``id``, ``domain``, Thai and English names, ``unit``,
    ``value`` (null without data), ``target``, ``baseline``, ``period``, ``status``
    (on_track, off_track, insufficient_data, no_data) and ``details``. Computed at most
    every 5 minutes (a minute after data changed); ``fresh=true`` forces it, though
    requests that arrive while it runs share that one computation."""
    return await cached_response(
        request, ("indicators", year), _board_json(store, year), BOARD, force=fresh
    )


def _board_json(store: Store, year: int | None) -> Computation:
    return lambda: (json_bytes(board(store, year)), JSON)


def warm_up(app: Any) -> None:
    """Compute the board of the current year into ``app``'s cache (blocking), so that the
    first citizens after a start need not wait for it."""
    cache_of(app).get(("indicators", None), _board_json(app.state.store, None), BOARD)
