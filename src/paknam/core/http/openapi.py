"""JSON schemas of pydantic models for hand-written OpenAPI request bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` with its ``$defs`` written in place.

    ``model_json_schema()`` refers to nested models as ``#/$defs/Name``; inside an OpenAPI
    document (``openapi_extra``) such a reference points at the document's root, where
    there is no ``$defs``: ReDoc refuses the whole description ("Invalid reference token")
    and other tools skip the body. Nested models must not be recursive.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return dict(resolve(schema))
