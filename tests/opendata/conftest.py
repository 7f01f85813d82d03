"""A real paknam server on the demo data (as ``paknam demo`` loads it) plus one complaint
full of personal details, for the open-data clients (ckanapi, frost-sta-client, pyshacl).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from paknam.complaints import service as complaints
from paknam.complaints.intake import ComplaintIn
from tests.conftest import demo_store
from tests.web.conftest import Server, serve

SECRET_TEXT = "นายสมชาย ใจดี โทร 081-234-5678 somchai@example.com บ้านเลขที่ 99/1"
SECRET_ADDRESS = "99/1 หมู่ 7 ซอยลับเฉพาะ"
EXACT_LON, EXACT_LAT = 100.5978123, 13.5991234


@dataclass
class OpenServer(Server):
    token: str = ""
    complaint_id: int = 0


@pytest.fixture(scope="session")
def open_server(
    tmp_path_factory: pytest.TempPathFactory, _demo_template: Path
) -> Iterator[OpenServer]:
    store = demo_store(_demo_template, tmp_path_factory.mktemp("opendata"))
    made = complaints.submit(
        store,
        ComplaintIn(
            service_code="road",
            description=SECRET_TEXT,
            lat=EXACT_LAT,
            lon=EXACT_LON,
            address=SECRET_ADDRESS,
            media_url="https://example.com/private-photo.jpg",
            client="web",
            idempotency_key="private-idem-key-123",
        ),
    )
    for url in serve(store):
        yield OpenServer(url, store, token=made["token"], complaint_id=made["id"])
    store.close()
