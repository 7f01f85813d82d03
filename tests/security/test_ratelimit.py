"""Finding 2: anonymous writes are rate limited per client IP (429, JSON, Retry-After).

Measured on 3209bca: 60 web complaints in 0.2 s were all accepted, and 30 "+1"s with
made-up supporter ids all counted. Limits come from the settings (``rate_limit_*``); the
tests set them low through ``app.state.limits``.
"""

from __future__ import annotations

import re
import socket
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.api.limits import RATE_RULES, Limits
from paknam.core.config import Settings
from paknam.core.store import Store
from tests.complaints.helpers import CITY_HALL

COMPLAINT = {
    "service_code": "cleanliness",
    "description": "ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็น",
    "lat": CITY_HALL[0],
    "lon": CITY_HALL[1],
}


@pytest.fixture
def app(sqlite_store: Store) -> FastAPI:
    return create_app(sqlite_store)


def _client(app: FastAPI, ip: str = "192.0.2.1") -> TestClient:
    return TestClient(app, client=(ip, 50000))


def _is_429(r) -> bool:  # type: ignore[no-untyped-def]
    return (
        r.status_code == 429
        and r.json()["error"]["code"] == "rate_limited"
        and int(r.headers["Retry-After"]) >= 1
    )


def test_web_complaints_are_limited_per_address(app: FastAPI) -> None:
    app.state.limits = Limits(Settings(rate_limit_complaints="5/hour"))
    with _client(app) as c:
        codes = [
            c.post("/api/v1/complaints", data={**COMPLAINT, "description": f"ขยะล้น จุดที่ {i}"})
            for i in range(8)
        ]
    assert [r.status_code for r in codes[:5]] == [201] * 5
    assert all(_is_429(r) for r in codes[5:]), codes[5].text
    assert 3000 <= int(codes[5].headers["Retry-After"]) <= 3600
    with _client(app, "198.51.100.7") as other:  # another address is not affected
        r = other.post("/api/v1/complaints", data={**COMPLAINT, "description": "ขยะอีกที่"})
        assert r.status_code == 201, r.text


def test_default_limits_stop_a_burst_of_complaints(app: FastAPI) -> None:
    """The defaults (no test override): 60 complaints in a burst are not all accepted."""
    with _client(app) as c:
        codes = [
            c.post(
                "/api/v1/complaints", data={**COMPLAINT, "description": f"ขยะล้น จุดที่ {i}"}
            ).status_code
            for i in range(60)
        ]
    assert codes.count(201) <= 10 and codes.count(429) >= 50


def test_made_up_supporters_from_one_address_count_a_few_times_only(app: FastAPI) -> None:
    """Default settings: one address may "+1" one complaint 3 times a day (a household
    behind one router), not 30 times with invented ids."""
    with _client(app, "203.0.113.5") as citizen:
        cid = citizen.post("/api/v1/complaints", data=COMPLAINT).json()["id"]
    with _client(app) as c:
        answers = [
            c.post(f"/api/v1/complaints/{cid}/support", json={"supporter": f"made-up-{i}"})
            for i in range(30)
        ]
    counted = [r.json()["supporters"] for r in answers if r.status_code == 200]
    assert len(counted) == 3 and counted[-1] == 3
    assert all(_is_429(r) for r in answers[3:])
    with _client(app, "198.51.100.8") as neighbour:  # someone else still may
        r = neighbour.post(f"/api/v1/complaints/{cid}/support", json={"supporter": "real-1"})
        assert r.status_code == 200 and r.json()["supporters"] == 4


def test_support_is_limited_across_complaints_too(app: FastAPI) -> None:
    app.state.limits = Limits(Settings(rate_limit_support="4/hour"))
    with _client(app) as c:
        codes = [
            c.post(f"/api/v1/complaints/{i}/support", json={"supporter": "abc"}).status_code
            for i in range(1, 7)
        ]
    assert codes[:4] == [404] * 4 and codes[4:] == [429, 429]


LOW = Settings(
    rate_limit_open311="2/hour",
    rate_limit_citizen="2/hour",
    rate_limit_subscriptions="2/hour",
    rate_limit_reports="2/hour",
    rate_limit_classify="2/minute",
    rate_limit_subscription_verify="2/hour",
)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/open311/v2/requests.json"),
        ("POST", "/open311/v2/requests.xml"),
        ("POST", "/api/v1/complaints/follow/pkc_not-a-token/reopen"),
        ("POST", "/api/v1/complaints/follow/pkc_not-a-token/rate"),
        ("POST", "/api/v1/subscriptions"),
        ("DELETE", "/api/v1/subscriptions/me"),
        ("POST", "/api/v1/subscriptions/verify"),
        ("POST", "/api/v1/environment/reports"),
        ("POST", "/api/v1/complaints/classify"),
    ],
)
def test_each_anonymous_write_is_limited(app: FastAPI, method: str, path: str) -> None:
    """Refused requests (422, 401, 404) count too: probing costs the same as writing."""
    app.state.limits = Limits(LOW)
    with _client(app) as c:
        answers = [c.request(method, path, data={"x": "y"}) for _ in range(3)]
    assert all(r.status_code != 429 for r in answers[:2]), [r.text for r in answers]
    assert _is_429(answers[2]), answers[2].text


def test_every_anonymous_write_in_the_openapi_has_a_rule(app: FastAPI) -> None:
    """A new public write route cannot be added without a limit (or a reason here)."""
    not_limited = {
        ("POST", "/api/v1/line/webhook"),  # signed by LINE (X-Line-Signature)
        ("POST", "/api/v1/auth/login"),  # its own backoff: tests/security/test_login.py
    }
    spec = app.openapi()
    anonymous_writes = {
        (m.upper(), p)
        for p, ops in spec["paths"].items()
        for m, op in ops.items()
        if m in ("post", "put", "patch", "delete") and not op.get("security")
    }
    assert len(anonymous_writes) >= 10
    for method, path in sorted(anonymous_writes - not_limited):
        concrete = re.sub(r"\{[^}]+\}", "7", path)
        assert any(r.method == method and r.path.fullmatch(concrete) for r in RATE_RULES), (
            f"{method} {path} is an anonymous write without a rate limit (paknam.api.limits)"
        )


def test_officer_routes_are_not_slowed(app: FastAPI) -> None:
    app.state.limits = Limits(Settings(rate_limit_complaints="1/hour"))
    with _client(app) as c:
        codes = [c.get("/api/v1/complaints/states").status_code for _ in range(20)]
    assert codes == [200] * 20


def test_exempt_network_and_switch(app: FastAPI) -> None:
    app.state.limits = Limits(
        Settings(rate_limit_complaints="1/hour", rate_limit_exempt_ips=["10.20.0.0/16"])
    )
    with _client(app, "10.20.3.4") as relay:
        codes = [relay.post("/api/v1/complaints", data={"x": "1"}).status_code for _ in range(3)]
    assert 429 not in codes
    app.state.limits = Limits(Settings(rate_limit_complaints="1/hour", rate_limits_enabled=False))
    with _client(app) as c:
        codes = [c.post("/api/v1/complaints", data={"x": "1"}).status_code for _ in range(3)]
    assert 429 not in codes


def test_ipv6_clients_count_by_their_64(app: FastAPI) -> None:
    app.state.limits = Limits(Settings(rate_limit_complaints="2/hour"))
    codes = []
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"):
        with _client(app, host) as c:
            codes.append(c.post("/api/v1/complaints", data={"x": "1"}).status_code)
    assert codes[:2] != [429, 429] and codes[2] == 429


def test_bad_limit_settings_fail_at_start() -> None:
    with pytest.raises(ValueError):
        Limits(Settings(rate_limit_complaints="a lot"))


def _redis_up() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379 (or no redis package)")
def test_redis_storage_is_shared_by_workers(sqlite_store: Store) -> None:
    """Two apps (two workers) on one Redis share the count."""
    settings = Settings(rate_limit_storage="redis://127.0.0.1:6379", rate_limit_complaints="3/hour")
    workers = [create_app(sqlite_store), create_app(sqlite_store)]
    for w in workers:
        w.state.limits = Limits(settings)
    ip = f"2001:db8:{uuid.uuid4().int % 65536:x}::1"  # a fresh address each run
    codes = []
    for i in range(5):
        with _client(workers[i % 2], ip) as c:
            codes.append(c.post("/api/v1/complaints", data={"x": "1"}).status_code)
    assert 429 not in codes[:3] and codes[3:] == [429, 429]
