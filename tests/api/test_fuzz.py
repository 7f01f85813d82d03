"""Schema fuzzing with schemathesis: no request generated from /openapi.json gives a 5xx.

Bounded: eight generated requests per operation, as a public caller and as an
admin (so the write paths are exercised too), on an SQLite store with two stations.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from paknam.api.app import create_app
from paknam.core.models import UserCreate
from paknam.core.store import Store
from tests.conftest import add_air_station, obs

_tmp = Path(tempfile.mkdtemp(prefix="paknam-fuzz-"))
_store = Store.open(f"sqlite:///{_tmp / 'fuzz.sqlite3'}")
add_air_station(_store)
add_air_station(_store, "16t", lon=100.5562, lat=13.618)
_store.ingest_items([obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 12.0)])
_store.add_user(UserCreate(username="fuzzadmin", password="fuzz password 1", role="admin"))
ADMIN = {"Authorization": f"Bearer {_store.login('fuzzadmin', 'fuzz password 1')}"}
atexit.register(lambda: (_store.close(), shutil.rmtree(_tmp, ignore_errors=True)))

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_store))


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.parametrize("as_admin", [False, True], ids=["public", "admin"])
def test_fuzz_no_server_errors(case, as_admin: bool) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=ADMIN if as_admin else None, checks=[not_a_server_error])
