"""Schemathesis over the whole OpenAPI: no generated request gives a 5xx, and every XML
answer is well-formed.

Bounded (about a minute on two shared cores): a few generated requests per operation, as a
public caller, as an officer (session token) and as an admin, on an SQLite store with two
stations, an observation and one complaint stored with control characters (a row from
before intake refused them: finding 6), whose Open311 XML must still parse. Rate limits are
raised for the run so that the public writes are exercised rather than answered 429.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from paknam.api.app import create_app
from paknam.api.limits import Limits
from paknam.complaints import service as complaints
from paknam.complaints.intake import ComplaintIn
from paknam.complaints.schema import complaints as complaints_table
from paknam.core.config import Settings
from paknam.core.models import UserCreate
from paknam.core.store import Store
from tests.conftest import add_air_station, obs

_tmp = Path(tempfile.mkdtemp(prefix="paknam-fuzz-"))
_store = Store.open(f"sqlite:///{_tmp / 'fuzz.sqlite3'}")
add_air_station(_store)
add_air_station(_store, "16t", lon=100.5562, lat=13.618)
_store.ingest_items([obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 12.0)])
_done = complaints.submit(
    _store,
    ComplaintIn(service_code="road", description="ถนนพังหน้าตลาด", lat=13.5996, lon=100.5969),
)
with _store.write() as _conn:  # as stored before control characters were refused
    _conn.execute(
        complaints_table.update()
        .where(complaints_table.c.id == _done["id"])
        .values(description="ถนนพัง\x0b\x01หน้าตลาด")
    )
_store.add_user(UserCreate(username="fuzzadmin", password="fuzz password 1", role="admin"))
_store.add_user(UserCreate(username="fuzzofficer", password="fuzz password 2", role="officer"))
HEADERS: dict[str, dict[str, str] | None] = {
    "public": None,
    "officer": {"Authorization": f"Bearer {_store.login('fuzzofficer', 'fuzz password 2')}"},
    "admin": {"Authorization": f"Bearer {_store.login('fuzzadmin', 'fuzz password 1')}"},
}
atexit.register(lambda: (_store.close(), shutil.rmtree(_tmp, ignore_errors=True)))

_app = create_app(_store)
_app.state.limits = Limits(
    Settings(
        **{f"rate_limit_{b}": "100000/hour" for b in ("complaints", "open311", "support")},
        **{f"rate_limit_{b}": "100000/hour" for b in ("citizen", "subscriptions", "reports")},
        rate_limit_support_per_complaint="100000/hour",
        rate_limit_classify="100000/hour",
        rate_limit_subscription_verify="100000/hour",
        rate_limit_subscription_address="100000/hour",
        rate_limit_subscription_codes="100000/hour",
        login_free_failures_user=100000,
        login_free_failures_ip=100000,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


def xml_is_well_formed(ctx: Any, response: Any, case: Any) -> None:
    """Any answer that says it is XML parses (Open311 lists, CAP, Atom)."""
    content_type = " ".join(response.headers.get("content-type", []))
    if "xml" in content_type and response.content:
        try:
            ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise AssertionError(f"{case.operation.label}: ill-formed XML: {exc}") from None


def test_the_schema_covers_the_whole_api() -> None:
    paths = _app.openapi()["paths"]
    for expected in (
        "/api/v1/observations",
        "/api/v1/complaints",
        "/open311/v2/requests.xml",
        "/api/v1/subscriptions",
        "/api/v1/auth/login",
        "/api/v1/people/statements",
    ):
        assert expected in paths
    assert sum(len(ops) for ops in paths.values()) >= 120


def test_stored_bad_row_is_listed_as_well_formed_xml() -> None:
    """The fixture row with control characters is in the list the fuzzing reads."""
    from fastapi.testclient import TestClient

    with TestClient(_app) as c:
        r = c.get("/open311/v2/requests.xml")
    assert r.status_code == 200
    ET.fromstring(r.content)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_fuzz_no_server_errors(case) -> None:  # type: ignore[no-untyped-def]
    """Each generated request is sent three times: public, officer, admin."""
    for headers in HEADERS.values():
        case.call_and_validate(headers=headers, checks=[not_a_server_error, xml_is_well_formed])
