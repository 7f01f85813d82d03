"""HTTP routes of the SensorThings API v1.1 at ``/sta/v1.1/``: read every entity set,
create Observations with a device key. See ``docs/opendata.md``.

Errors are JSON with status 400 (a bad query option or body: ``fields`` names it), 404
(a path that names nothing), 401/403 (no key, or a key of another station); the body has
FROST-Server's ``code``/``type``/``message`` and paknam's ``error`` object.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from paknam.api.sensorthings.model import NAVIGATION, Graph, build_graph, observation_id
from paknam.api.sensorthings.options import OptionError, parse_options
from paknam.api.sensorthings.resources import (
    Context,
    ObsRow,
    collection,
    observations_json,
    resolve_path,
    single_json,
)
from paknam.core import observations as core_observations
from paknam.core.auth import Principal
from paknam.core.config import DEFAULT_PUBLIC_BASE_URL, get_settings
from paknam.core.errors import AuthenticationFailed, BatchRejected, InvalidInput, NotFound
from paknam.core.http.jsonbody import parse_json_body
from paknam.core.http.responses import FastJSONResponse, error_body
from paknam.core.store import Store
from paknam.core.timeutil import TimeParseError, now_s, parse_time, to_local_iso

PREFIX = "/sta/v1.1"
router = APIRouter(prefix=PREFIX, tags=["open data: SensorThings API"])

MAX_BODY_BYTES = 64 * 1024
"""Largest body of a created Observation (one observation is a few hundred bytes)."""

CONFORMANCE = [
    "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data/order",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data/filter",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data/expand",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data/select",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data/pagination",
]
"""The STA 1.1 requirement classes served (creating is offered for Observations only)."""

_bearer = HTTPBearer(auto_error=False, description="Device key (pkd_...) or session (pks_...)")


def _error(status: int, code: str, message: str, option: str | None = None) -> FastJSONResponse:
    extra = {"fields": [{"field": option, "reason": message}]} if option else {}
    return FastJSONResponse(
        {"code": status, "type": "error", "message": message, **error_body(code, message, **extra)},
        status_code=status,
    )


def _base(request: Request) -> str:
    """``public_base_url`` when it is set; else (development) the address asked."""
    configured = get_settings().public_base_url.rstrip("/")
    if configured != DEFAULT_PUBLIC_BASE_URL:
        return configured + PREFIX
    return str(request.base_url).rstrip("/") + PREFIX


BOUNDS_TTL_S = 10.0
"""How long the Datastreams' first/last times are kept (two index seeks per series: 50 ms
for 1000 series) while observations keep coming: a ``phenomenonTime`` range may lag the
newest observation by this much. Observations themselves are always read live."""


def _bounds(request: Request, store: Store, ids: list[int]) -> dict[int, tuple[int, int]]:
    state = request.app.state
    cached = getattr(state, "sta_bounds", None)
    now = time.monotonic()
    if cached is not None and now - cached[0] < BOUNDS_TTL_S and set(ids) <= cached[2]:
        bounds: dict[int, tuple[int, int]] = cached[1]
        return bounds
    with store.read() as conn:
        bounds = core_observations.time_bounds(conn, ids)
    state.sta_bounds = (now, bounds, frozenset(ids))
    return bounds


def _graph(request: Request, store: Store, base: str) -> Graph:
    """The entity graph, made again when the store changed (its time ranges at most
    :data:`BOUNDS_TTL_S` old)."""
    key = (store.generation(), store.local_generation, base)
    cached = getattr(request.app.state, "sta_graph", None)
    if cached is not None and cached[0] == key:
        graph: Graph = cached[1]
        return graph
    index = store.series_index()
    bounds = _bounds(request, store, [r["series_id"] for r in index])
    site = base[: -len(PREFIX)]
    graph = build_graph(store.list_stations(), index, bounds, site)
    request.app.state.sta_graph = (key, graph)
    return graph


def _context(request: Request) -> Context:
    store: Store = request.app.state.store
    base = _base(request)
    return Context(store, _graph(request, store, base), base)


@router.get("", include_in_schema=False)
@router.get("/", summary="SensorThings service root: entity sets and conformance")
async def service_root(request: Request) -> FastJSONResponse:
    base = _base(request)
    return FastJSONResponse(
        {
            "value": [{"name": name, "url": f"{base}/{name}"} for name in NAVIGATION],
            "serverSettings": {"conformance": CONFORMANCE},
        }
    )


def _read(request: Request, path: str) -> FastJSONResponse:
    ctx = _context(request)
    params = dict(request.query_params)
    try:
        target = resolve_path(ctx, path)
        opts = parse_options(params, target.set)
        if target.entity is not None or target.prop is not None:
            return FastJSONResponse(single_json(ctx, target, opts))
        return FastJSONResponse(collection(ctx, target, opts, f"{ctx.base}/{target.path}", params))
    except OptionError as exc:
        return _error(400, "invalid_option", str(exc), exc.option)
    except NotFound as exc:
        return _error(404, "not_found", str(exc))


@router.get(
    "/{path:path}",
    summary="Entities: Things, Locations, HistoricalLocations, Datastreams, Sensors, "
    "ObservedProperties, Observations, FeaturesOfInterest (paths, $filter, $expand ...)",
)
async def read(path: str, request: Request) -> FastJSONResponse:
    """Any STA resource path, e.g. ``Things``, ``Things('18t')/Datastreams``,
    ``Datastreams(5)/Observations?$filter=phenomenonTime ge 2025-01-01T00:00:00Z``."""
    return await run_in_threadpool(_read, request, path)


# ---- creating Observations -----------------------------------------------------------


def _principal(request: Request, store: Store) -> Principal:
    """The caller's device key (or officer session), as ``Bearer`` or as the password of
    HTTP Basic (FROST clients' ``AuthHandler``)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    token = value.strip()
    if scheme.lower() == "basic" and token:
        try:
            token = base64.b64decode(token, validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            token = ""
    elif scheme.lower() != "bearer":
        token = ""
    if not token:
        raise AuthenticationFailed(
            "creating Observations needs a device key: 'Authorization: Bearer pkd_...'"
        )
    return store.principal(token)


def _datastream_id(body: dict[str, Any], from_path: int | None) -> int:
    link = body.get("Datastream")
    given = link.get("@iot.id") if isinstance(link, dict) else None
    if given is not None and (not isinstance(given, int) or isinstance(given, bool)):
        raise InvalidInput("Datastream @iot.id must be an integer", field="Datastream")
    if from_path is not None:
        if given is not None and given != from_path:
            raise InvalidInput(
                f"the body names Datastream {given} but the path Datastream {from_path}",
                field="Datastream",
            )
        return from_path
    if given is None:
        raise InvalidInput(
            'an Observation needs its Datastream: {"Datastream": {"@iot.id": 5}}',
            field="Datastream",
        )
    return given


def _observation_item(body: Any, graph: Graph, from_path: int | None) -> tuple[dict[str, Any], int]:
    """The ``{station, quantity, time, value}`` item of an STA Observation body."""
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object (an Observation)", field="body")
    sid = _datastream_id(body, from_path)
    info = graph.series.get(sid)
    if info is None:
        raise NotFound(f"no Datastream {sid}")
    result = body.get("result")
    if not isinstance(result, int | float) or isinstance(result, bool):
        raise InvalidInput("result must be a number (OM_Measurement)", field="result")
    when = body.get("phenomenonTime")
    if when is None:  # STA: the server's time when none is given
        when = to_local_iso(now_s())
    elif isinstance(when, str) and "/" not in when:
        try:
            parse_time(when)
        except TimeParseError as exc:
            raise InvalidInput(f"phenomenonTime: {exc}", field="phenomenonTime") from None
    else:
        raise InvalidInput(
            "phenomenonTime must be one time (ISO 8601 with offset), not an interval",
            field="phenomenonTime",
        )
    foi = body.get("FeatureOfInterest")
    if isinstance(foi, dict) and foi.get("@iot.id") not in (None, info.station):
        raise InvalidInput(
            f"the FeatureOfInterest of Datastream {sid} is {info.station!r}",
            field="FeatureOfInterest",
        )
    item = {"station": info.station, "quantity": info.quantity, "time": when, "value": result}
    return item, sid


def _create(request: Request, body: bytes, from_path: int | None) -> FastJSONResponse:
    store: Store = request.app.state.store
    principal = _principal(request, store)  # 401 before the body is looked at
    ctx = _context(request)
    try:
        if len(body) > MAX_BODY_BYTES:
            raise InvalidInput(f"body larger than {MAX_BODY_BYTES} bytes", field="body")
        item, sid = _observation_item(parse_json_body(body), ctx.graph, from_path)
        store.ingest_items([item], principal=principal)
    except BatchRejected as exc:
        reasons = "; ".join(e.reason for e in exc.errors) or str(exc)
        return _error(400, "invalid_observation", reasons, "result")
    except NotFound as exc:
        return _error(404, "not_found", str(exc))
    except InvalidInput as exc:
        return _error(400, "invalid_observation", str(exc), exc.field or "body")
    row = ObsRow(sid, parse_time(item["time"]), float(item["value"]))
    answer = observations_json(ctx, [row], parse_options({}, "Observations"))[0]
    location = f"{ctx.base}/Observations({observation_id(sid, row.time)})"
    return FastJSONResponse(answer, status_code=201, headers={"Location": location})


_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"description": "Created; ``Location`` names the new Observation"},
    400: {"description": "A bad Observation (the reason names the field)"},
    401: {"description": "No device key"},
    403: {"description": "A key of another station"},
}


@router.post(
    "/Observations",
    status_code=201,
    responses=_CREATED,
    openapi_extra={"security": [{"HTTPBearer": []}]},
    summary="Create an Observation (device key); the body names its Datastream",
)
async def create_observation(request: Request) -> FastJSONResponse:
    """``{"Datastream": {"@iot.id": 5}, "phenomenonTime": "...+07:00", "result": 12.5}``,
    checked and stored as ``POST /api/v1/observations`` does (the same again stores
    nothing new)."""
    body = await request.body()
    return await run_in_threadpool(_create, request, body, None)


@router.post(
    "/Datastreams({datastream_id})/Observations",
    status_code=201,
    responses=_CREATED,
    openapi_extra={"security": [{"HTTPBearer": []}]},
    summary="Create an Observation of this Datastream (device key)",
)
async def create_datastream_observation(datastream_id: int, request: Request) -> FastJSONResponse:
    body = await request.body()
    return await run_in_threadpool(_create, request, body, datastream_id)
