"""Browser security headers on every answer (issue 14, finding 5).

Every kind of answer — dashboard pages, JSON, GeoJSON, XML, static files, 304s, errors —
carries a Content-Security-Policy with no inline script, ``frame-ancestors 'none'``,
``nosniff``, a referrer policy, a permissions policy and ``X-Frame-Options``; and the
pages' HTML has no inline script or handler for the policy to break. That in Chromium the
policy is in force (an inline script added to a page does not run) and that no dashboard
page breaks it is checked in every view of every page, on the demo data, by
tests/web/test_every_page.py (the browser loads each page once for all its checks).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.api.web_pages import PAGES
from paknam.core.store import Store
from tests.conftest import add_air_station


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('headers') / 'h.sqlite3'}")
    add_air_station(store)
    with TestClient(create_app(store)) as c:
        yield c
    store.close()


def _csp(value: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name.lower()] = sources
    return directives


def assert_security_headers(headers: Any) -> None:
    """The headers every answer must carry (``headers``: an httpx headers mapping)."""
    csp = _csp(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] in {"strict-origin-when-cross-origin", "no-referrer"}
    permissions = dict(
        p.strip().split("=", 1) for p in headers["permissions-policy"].split(",") if p.strip()
    )
    assert permissions["geolocation"] == "(self)"
    assert permissions["camera"] == "()" and permissions["microphone"] == "()"


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("GET", "/", 200, "text/html"),
        ("GET", "/economy", 200, "text/html"),
        ("GET", "/station/18t", 200, "text/html"),
        ("GET", "/api/v1/stations", 200, "application/geo+json"),
        ("GET", "/api/v1/quantities", 200, "application/json"),
        ("GET", "/api/v1/districts?simplify=0.0002", 200, "application/geo+json"),
        ("GET", "/open311/v2/services.xml", 200, "xml"),
        ("GET", "/openapi.json", 200, "application/json"),
        ("GET", "/static/js/main.js", 200, "text/javascript"),
        ("GET", "/static/css/app.css", 200, "text/css"),
        ("GET", "/static/vendor/leaflet/leaflet.js", 200, "text/javascript"),
        ("GET", "/static/img/icon.svg", 200, "image/svg+xml"),
        ("GET", "/api/v1/stations/nowhere", 404, "application/json"),
        ("GET", "/no/such/page", 404, "application/json"),
        ("GET", "/static/../pyproject.toml", 404, "application/json"),
        ("GET", "/api/v1/districts?simplify=5", 422, "application/json"),
        ("POST", "/api/v1/stations", 401, "application/json"),
        ("DELETE", "/api/v1/quantities", 405, "application/json"),
    ],
)
def test_every_kind_of_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str, status: int, kind: str
) -> None:
    r = client.request(method, path, json={} if method == "POST" else None)
    assert r.status_code == status, r.text[:300]
    assert kind in r.headers["content-type"]
    assert_security_headers(r.headers)


def test_not_modified_answers_carry_them_too(client: TestClient) -> None:
    first = client.get("/static/js/main.js")
    again = client.get("/static/js/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert_security_headers(again.headers)


class _Scripts(HTMLParser):
    """Inline scripts and ``on...`` handler attributes of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self.external: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.handlers += [f"<{tag} {k}>" for k in a if k.lower().startswith("on")]
        self.handlers += [f"<{tag} {k}={v}>" for k, v in a.items() if "javascript:" in (v or "")]
        if tag == "script":
            if a.get("src"):
                self.external.append(a["src"] or "")
            elif a.get("type") != "application/json":  # data, never run
                self._in_script = True
                self.inline.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline[-1] += data


@pytest.mark.parametrize("path", sorted({p.path.replace("{station_id}", "18t") for p in PAGES}))
def test_pages_have_no_inline_script_or_handler(client: TestClient, path: str) -> None:
    r = client.get(path)
    found = _Scripts()
    found.feed(r.text)
    assert found.inline == [] and found.handlers == []
    assert found.external and all(src.startswith("/static/") for src in found.external)


def test_an_unhandled_error_is_a_json_500_with_the_headers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A bug (an exception no handler knows) is answered 500 with the API's JSON error body,
    no detail of the exception, and the security headers — not Starlette's bare text."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('boom') / 'b.sqlite3'}")
    app = create_app(store)

    @app.get("/api/v1/_boom_for_test")
    def boom() -> None:
        raise RuntimeError("secret detail of a bug")

    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            r = c.get("/api/v1/_boom_for_test")
    finally:
        store.close()
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"
    assert "secret detail" not in r.text
    assert_security_headers(r.headers)
