"""JSON responses encoded with orjson, and the error body every endpoint shares.

Errors look like ``{"error": {"code": "invalid_input", "message": "...", "items": [...]}}``;
``items`` (per-item reasons of a rejected batch) and ``fields`` (per-field reasons) appear
where they apply.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response


def _default(obj: Any) -> Any:
    """What orjson cannot encode itself: dates and pandas/numpy odds and ends."""
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def json_bytes(content: Any) -> bytes:
    """``content`` as JSON bytes, the way every answer of the API encodes it."""
    return orjson.dumps(
        content, default=_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    )


class FastJSONResponse(Response):
    """JSON via orjson (much faster than the stdlib for large series)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


class GeoJSONResponse(FastJSONResponse):
    media_type = "application/geo+json"


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "index": {"type": "integer"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
            "required": ["code", "message"],
        }
    },
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    for status, text in (
        (401, "Missing or wrong credentials"),
        (403, "Not allowed"),
        (404, "Not found"),
        (422, "Invalid input; each bad item or field is named"),
    )
}
