"""Finding 7: deeply nested JSON is the client's error (422 naming the body), never a 500.

On 3209bca, ``[[[[...]]]]`` to ``POST /api/v1/observations`` or
``POST /api/v1/people/statements`` raised RecursionError (orjson refuses past 1024 levels,
then the stdlib fallback that reads NaN recursed). Every route taking a JSON body is swept
too, as an officer, so that no other parser is left behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.store import Store
from tests.api.conftest import login
from tests.conftest import add_air_station

DEEP = b'{"observations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
"""100,000 levels: past every parser's recursion limit."""
MEDIUM = b'{"observations": [{"station": "18t", "value": ' + b"[" * 500 + b"]" * 500 + b"}]}"
"""500 levels: orjson reads it; it must still be refused before anything walks it."""


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    add_air_station(sqlite_store)
    with TestClient(create_app(sqlite_store)) as c:
        yield c


@pytest.fixture
def officer(client: TestClient, sqlite_store: Store) -> dict[str, str]:
    return login(client, sqlite_store, "officer")


def _too_deep(r) -> bool:  # type: ignore[no-untyped-def]
    body = r.json()
    return (
        r.status_code == 422
        and "nested deeper" in body["error"]["message"]
        and body["error"]["fields"][0]["field"] == "body"
    )


@pytest.mark.parametrize("payload", [DEEP, MEDIUM, DEEP.replace(b"[]", b"[NaN]", 1)])
def test_deep_observations_are_refused(
    client: TestClient, officer: dict[str, str], payload: bytes
) -> None:
    r = client.post(
        "/api/v1/observations",
        content=payload,
        headers={**officer, "content-type": "application/json"},
    )
    assert _too_deep(r), r.text


@pytest.mark.parametrize("payload", [DEEP, MEDIUM])
def test_deep_statements_are_refused(
    client: TestClient, officer: dict[str, str], payload: bytes
) -> None:
    r = client.post(
        "/api/v1/people/statements",
        content=payload.replace(b"observations", b"statements"),
        headers={**officer, "content-type": "application/json"},
    )
    assert _too_deep(r), r.text


def test_ordinary_batches_still_pass(client: TestClient, officer: dict[str, str]) -> None:
    item = {"station": "18t", "quantity": "pm25", "time": "2025-01-01T07:00:00+07:00", "value": 1}
    r = client.post("/api/v1/observations", json={"observations": [item]}, headers=officer)
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text


def test_no_json_route_answers_5xx_to_deep_nesting(
    client: TestClient, officer: dict[str, str]
) -> None:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    writes = [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("post", "put", "patch")
    ]
    assert len(writes) > 20
    nested = b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    for method, path in writes:
        r = client.request(
            method, path, content=nested, headers={**officer, "content-type": "application/json"}
        )
        assert r.status_code < 500, (method, path, r.status_code, r.text[:300])


def test_deep_free_form_fields_are_refused_not_500(
    client: TestClient, officer: dict[str, str]
) -> None:
    """A place's ``details`` nested 300 deep passed validation and broke the JSON encoder
    on storing (500); now it is a 422 naming the field."""
    deep: object = []
    for _ in range(300):
        deep = [deep]
    place = {
        "id": "deep-place",
        "kind": "attraction",
        "category": "eco",
        "name_th": "ที่ลึก",
        "name_en": "Deep",
        "lon": 100.6,
        "lat": 13.6,
        "details": {"x": deep},
    }
    r = client.post("/api/v1/economy/places", json=place, headers=officer)
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "details", r.text
