"""Reading a JSON request body by hand: bounded nesting, NaN tolerated, clear 422s.

orjson refuses nesting deeper than 1024 levels, and Python's ``json`` (the fallback that
reads NaN/Infinity) raises RecursionError on deep input: either way a body of
``[[[[...]]]]`` must be the client's error, not a 500. Documents deeper than
``max_json_depth`` (setting, default 32; the deepest body paknam expects, an xAPI
statement, has 6 levels) are refused before anything walks them recursively.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput


def _depth_exceeds(doc: Any, limit: int) -> bool:
    """True if ``doc`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _too_deep(limit: int) -> InvalidInput:
    return InvalidInput(
        f"body is JSON nested deeper than {limit} levels (JSON ซ้อนกันลึกเกินไป)", field="body"
    )


def parse_json_body(body: bytes, *, max_depth: int | None = None) -> Any:
    """The JSON document in ``body``; :class:`InvalidInput` (field ``body``) when it is not
    JSON or nests deeper than ``max_depth`` (default: the ``max_json_depth`` setting).

    NaN and Infinity (not JSON, but written by Python's ``json``) are read, so that the
    items holding them can be refused one by one with a reason.
    """
    limit = max_depth if max_depth is not None else get_settings().max_json_depth
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower():
            raise _too_deep(limit) from None
        try:
            doc = json.loads(body)
        except RecursionError:
            raise _too_deep(limit) from None
        except ValueError:
            raise InvalidInput(f"body is not valid JSON: {exc}", field="body") from None
    if isinstance(doc, dict | list) and _depth_exceeds(doc, limit):
        raise _too_deep(limit)
    return doc


def _shallow(value: dict[str, Any]) -> dict[str, Any]:
    limit = get_settings().max_json_depth
    if _depth_exceeds(value, limit):
        raise ValueError(f"nested deeper than {limit} levels (ซ้อนกันลึกเกินไป)")
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_shallow)]
"""A free-form JSON object field of a pydantic body, its nesting bounded like
:func:`parse_json_body` (storing it must not hit the encoder's depth limit: 500)."""
