"""Complaints in the open data are anonymised: no name, contact, address, photo, token or
exact location appears in any open resource."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest

from paknam.complaints.opendata import mask_contacts, open_table
from paknam.core.config import get_settings
from tests.opendata.conftest import EXACT_LAT, EXACT_LON, SECRET_ADDRESS, OpenServer

SECRETS_FIXED = (
    "สมชาย",
    "081-234-5678",
    "somchai@example.com",
    SECRET_ADDRESS,
    "private-photo",
    "private-idem-key-123",
    repr(EXACT_LON),
    repr(EXACT_LAT),
)


def _secrets(server: OpenServer) -> tuple[str, ...]:
    token_hash = hashlib.sha256(server.token.encode()).hexdigest()
    return (*SECRETS_FIXED, server.token, token_hash)


def _open_texts(server: OpenServer) -> Iterator[tuple[str, str]]:
    """(where, text) of every open resource: the catalogue in every format, every dataset's
    CKAN record, every datastore table in full and as CSV, every linked API resource."""
    base = server.url
    for ext in ("ttl", "jsonld", "rdf"):
        yield f"/catalog.{ext}", httpx.get(f"{base}/catalog.{ext}", timeout=60).text
    names = httpx.get(f"{base}/api/3/action/package_list").json()["result"]
    for name in names:
        r = httpx.get(f"{base}/api/3/action/package_show", params={"id": name})
        yield f"package_show {name}", r.text
        for res in r.json()["result"]["resources"]:
            path = res["url"].split("://", 1)[1].split("/", 1)[1]
            if res["datastore_active"] and "observations" not in path:
                rows = httpx.get(
                    f"{base}/api/3/action/datastore_search",
                    params={"resource_id": res["id"], "limit": 32000},
                    timeout=60,
                )
                yield f"datastore {res['id']}", rows.text
            if "{" not in path and "observations" not in path:
                yield path, httpx.get(f"{base}/{path}", timeout=60).text


def test_no_personal_field_or_token_in_any_open_resource(open_server: OpenServer) -> None:
    secrets = _secrets(open_server)
    seen = 0
    for where, text in _open_texts(open_server):
        seen += 1
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaks in {where}"
    assert seen > 20


def test_the_complaint_is_there_with_a_rounded_location(open_server: OpenServer) -> None:
    rows = open_table(open_server.store).rows
    mine = next(r for r in rows if r["id"] == open_server.complaint_id)
    assert (mine["lon"], mine["lat"]) == (round(EXACT_LON, 3), round(EXACT_LAT, 3))
    assert "description" not in mine and "address" not in mine
    forbidden = set(
        [
            "address",
            "media_url",
            "token_hash",
            "fingerprint",
            "assignee",
            "photos",
            "rating_comment",
            "idempotency_key",
            "client",
            "attributes",
            "suggested",
        ]
    )
    assert not forbidden & set(mine)


@pytest.fixture
def text_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PAKNAM_OPENDATA_COMPLAINT_TEXT", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("PAKNAM_OPENDATA_COMPLAINT_TEXT")
    get_settings.cache_clear()


def test_text_only_when_allowed_and_then_contacts_masked(
    open_server: OpenServer, text_allowed: None
) -> None:
    rows = open_table(open_server.store).rows
    mine = next(r for r in rows if r["id"] == open_server.complaint_id)
    assert "ใจดี" in mine["description"]  # the setting keeps the text ...
    for contact in ("081-234-5678", "somchai@example.com"):
        assert contact not in mine["description"]  # ... but never a contact


@pytest.mark.parametrize(
    "text",
    ["โทร 0812345678", "call +66 81 234 5678", "mail a.b@c.co.th", "line id: somchai99",
     "ติดต่อ 02-123-4567"],
)  # fmt: skip
def test_mask_contacts(text: str) -> None:
    masked = mask_contacts(text)
    assert "[…]" in masked
    assert not any(ch.isdigit() for ch in masked.split("[…]")[-1][:3])
