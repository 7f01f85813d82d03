"""``/docs`` and ``/redoc`` from vendored files, working under the CSP (issue 14, finding 5).

FastAPI's pages load Swagger UI and ReDoc from a CDN (nothing works offline, and a CDN
can serve any script to officers' browsers) and start them with an inline script. Here
both render in headless Chromium with every request staying on loopback and no CSP
violation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.api.web import STATIC_ROOT
from paknam.core.store import Store
from tests.web import conftest as web

chromium = web.chromium
"""Headless Debian Chromium (the fixture of the browser tests)."""

VENDORED = {
    "swagger-ui": ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"),
    "redoc": ("redoc.standalone.js",),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'docs.sqlite3'}")
    yield s
    s.close()


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    yield from web.serve(store)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_name_only_vendored_files(store: Store, path: str) -> None:
    r = TestClient(create_app(store)).get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "://" not in r.text  # no CDN, no other host
    assert "<script>" not in r.text  # every script is a file (src=...)
    assert '<script src="/static/vendor/' in r.text


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_assets_are_served_with_licence_and_version(store: Store, name: str) -> None:
    client = TestClient(create_app(store))
    folder = STATIC_ROOT / "vendor" / name
    assert (folder / "LICENSE").stat().st_size > 500
    readme = (folder / "README.md").read_text("utf-8")
    version = (folder / "VERSION").read_text("utf-8").split()
    assert version[1] in readme and "npm" in readme
    for file in VENDORED[name]:
        r = client.get(f"/static/vendor/{name}/{file}")
        assert r.status_code == 200 and len(r.content) > 500
        assert r.headers["x-content-type-options"] == "nosniff"
        if file.endswith(".js"):
            assert b"cdn.redoc.ly" not in r.content


def test_openapi_has_no_dangling_refs(store: Store) -> None:
    """``#/$defs/...`` means nothing inside an OpenAPI document: ReDoc refused it whole."""
    text = json.dumps(TestClient(create_app(store)).get("/openapi.json").json())
    assert "#/$defs/" not in text


def _load(chromium: web.Browser, url: str, ready: str) -> tuple[Any, list[str], list[str]]:
    """Open ``url``; the page, the requests that left loopback and the CSP problems."""
    origin = urlsplit(url)
    context = chromium.browser.new_context()
    context.add_init_script(
        'document.addEventListener("securitypolicyviolation", (e) =>'
        " console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));"
    )
    page = context.new_page()
    foreign: list[str] = []
    problems: list[str] = []

    def request(r: Any) -> None:
        u = urlsplit(r.url)
        if u.scheme in {"data", "blob"} and (u.scheme == "data" or origin.netloc in r.url):
            return
        if (u.scheme, u.hostname, u.port) != ("http", "127.0.0.1", origin.port):
            foreign.append(r.url)

    page.on("request", request)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_load_state("networkidle")
    return page, foreign, problems


def test_swagger_ui_renders_offline_under_the_csp(server: str, chromium: web.Browser) -> None:
    page, foreign, problems = _load(chromium, server + "/docs", ".swagger-ui .opblock-tag")
    assert "Samut Prakan" in page.locator(".swagger-ui .info .title").inner_text()
    spec = page.evaluate("() => fetch('/openapi.json').then((r) => r.json())")
    tags = {t for ops in spec["paths"].values() for op in ops.values() for t in op["tags"]}
    shown = page.locator(".swagger-ui .opblock-tag").evaluate_all(
        "els => els.map((e) => e.dataset.tag)"
    )
    assert set(shown) == tags  # every tag of the API, none lost
    page.click("#operations-tag-accounts")  # a tag opens, then an operation
    page.click("#operations-accounts-login_api_v1_auth_login_post .opblock-summary")
    page.wait_for_selector("#operations-accounts-login_api_v1_auth_login_post .opblock-body")
    assert foreign == []
    assert problems == []
    page.context.close()


def test_redoc_renders_offline_under_its_csp(server: str, chromium: web.Browser) -> None:
    page, foreign, problems = _load(chromium, server + "/redoc", "[data-section-id]")
    assert "Samut Prakan" in page.locator("h1").first.inner_text()
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-section-id^='operation/']\").length >= 20"
    )
    assert foreign == []
    assert problems == []
    page.context.close()
