"""``POST /api/v1/observations``: devices send batches of observations."""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput
from paknam.core.http.deps import PrincipalDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse

router = APIRouter(prefix="/api/v1", tags=["observations"])

MAX_BODY_BYTES = 16 * 1024 * 1024


class ObservationIn(BaseModel):
    station: str = Field(examples=["18t"])
    quantity: str = Field(examples=["pm25"])
    time: str = Field(
        description="ISO 8601 with UTC offset, whole seconds",
        examples=["2025-01-01T07:00:00+07:00"],
    )
    value: float = Field(description="In the quantity's canonical unit (GET /api/v1/quantities)")


class ObservationBatch(BaseModel):
    observations: list[ObservationIn] = Field(max_length=10_000)


class IngestAnswer(BaseModel):
    received: int
    stored: int = Field(description="Rows new or changed")
    unchanged: int = Field(description="Rows identical to what was stored")
    duplicates: int = Field(description="Repeated within the batch, counted once")
    rejected: int


def _parse_batch(body: bytes) -> list[Any]:
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(f"body larger than {MAX_BODY_BYTES} bytes; split the batch")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        # NaN / Infinity are not JSON, but common (Python's json writes them): read them
        # so that the batch is rejected item by item with a reason, not as a whole
        try:
            doc = json.loads(body)
        except ValueError:
            raise InvalidInput(f"body is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("observations"), list):
        raise InvalidInput('body must be {"observations": [...]}', field="observations")
    items = doc["observations"]
    limit = get_settings().max_batch_items
    if len(items) > limit:
        raise InvalidInput(
            f"batch of {len(items)} items is larger than {limit}; split it",
            field="observations",
        )
    return items


@router.post(
    "/observations",
    response_model=IngestAnswer,
    responses=ERROR_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ObservationBatch.model_json_schema()}},
        }
    },
    summary="Send a batch of observations (all or nothing)",
)
async def post_observations(
    request: Request, store: StoreDep, principal: PrincipalDep
) -> FastJSONResponse:
    """Store up to 10,000 observations in one transaction.

    Needs a device key (``Authorization: Bearer pkd_...``) that owns every station named,
    or an officer session. If any item is bad, nothing is stored and the 422 answer lists
    each bad item by index with its reason. The answer comes after the commit.
    Re-sending a batch stores nothing new (``unchanged`` counts it).
    """
    items = await run_in_threadpool(_parse_batch, await request.body())
    result = await run_in_threadpool(store.ingest_items, items, principal=principal)
    return FastJSONResponse(result.as_dict())
