"""Browser security headers on every answer (issue 14, finding 5).

Every kind of answer — dashboard pages, JSON, GeoJSON, XML, static files, 304s, errors —
carries a Content-Security-Policy with no inline script, ``frame-ancestors 'none'``,
``nosniff``, a referrer policy, a permissions policy and ``X-Frame-Options``; the pages'
HTML has no inline script or handler for the policy to break; and in Chromium the policy
is in force (``eval`` is refused) while every dashboard page loads without a violation.
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
from tests.web import conftest as web

chromium = web.chromium
"""Headless Debian Chromium (the fixture of the browser tests)."""


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


WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('csp') / 'csp.sqlite3'}")
    add_air_station(store)
    yield from web.serve(store)
    store.close()


def test_policy_is_in_force_and_no_page_breaks_it(small_server: str, chromium: web.Browser) -> None:
    context = chromium.browser.new_context()
    context.add_init_script(WATCH)
    seen: dict[str, list[str]] = {}
    for path in sorted({p.path.replace("{station_id}", "18t") for p in PAGES}):
        page = context.new_page()
        errors: list[str] = []
        page.on(  # Chromium reports what the policy blocks on the console, too
            "console",
            lambda m, e=errors: e.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda x, e=errors: e.append(str(x)))
        page.goto(small_server + path)
        page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("() => window.__csp")
        if violations or errors:
            seen[path] = violations + errors
        # The page's own scripts ran; an inline script added to it may not.
        ran = page.evaluate(
            """() => {
              const s = document.createElement("script");
              s.textContent = "window.__inline = 1";
              document.head.append(s);
              return window.__inline === 1;
            }"""
        )
        assert not ran, f"{path}: an inline script ran, so no CSP is in force"
        page.close()
    context.close()
    assert seen == {}


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
