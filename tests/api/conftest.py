from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.models import UserCreate
from paknam.core.store import Store
from tests.conftest import add_air_station


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


@pytest.fixture
def device_key(store: Store) -> str:
    add_air_station(store)
    add_air_station(store, "16t", lon=100.5562, lat=13.618)
    _, key, _ = store.create_device_key(["18t"])
    return key


def login(client: TestClient, store: Store, role: str) -> dict[str, str]:
    name = f"{role}1"
    store.add_user(UserCreate(username=name, password="a long password", role=role))
    r = client.post("/api/v1/auth/login", data={"username": name, "password": "a long password"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
