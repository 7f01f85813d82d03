"""Pages and static files over HTTP (no browser): the GET / contract, safety, types."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.store import Store

SIX_DISTRICTS_TH = (
    "เมืองสมุทรปราการ",
    "บางบ่อ",
    "บางพลี",
    "พระประแดง",
    "พระสมุทรเจดีย์",
    "บางเสาธง",
)


@pytest.fixture
def web(sqlite_store: Store) -> TestClient:
    return TestClient(create_app(sqlite_store))


def test_home_names_the_six_districts_in_thai_without_javascript(store: Store) -> None:
    r = TestClient(create_app(store)).get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="th"' in r.text
    for name in SIX_DISTRICTS_TH:
        assert f'<span class="name-th" lang="th">{name}</span>' in r.text
    assert 'id="map"' in r.text
    assert "สถานีทั้งหมด 0 แห่ง" in r.text


def test_page_config_is_json_with_the_science_tables(web: TestClient) -> None:
    r = web.get("/tide")
    raw = re.search(r'<script type="application/json" id="paknam-config">(.*?)</script>', r.text)
    assert raw is not None
    config = json.loads(raw.group(1))
    assert config["page"] == "tide"
    assert [lv["number"] for lv in config["aqi_levels"]] == [1, 2, 3, 4, 5]
    assert config["aqi_levels"][0]["color"] == "#00BFF3"
    assert [b["key"] for b in config["wqi_bands"]][-1] == "very_poor"
    assert "/api/v1/stations" in config["api"]
    assert "uPlot.iife.min.js" in r.text and "leaflet.js" not in r.text


def test_station_page_passes_the_id(web: TestClient) -> None:
    r = web.get("/station/18t")
    assert r.status_code == 200
    assert '"params":{"station_id":"18t"}' in r.text


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/js/main.js", "text/javascript"),
        ("/static/css/app.css", "text/css"),
        ("/static/vendor/leaflet/leaflet.js", "text/javascript"),
        ("/static/vendor/uplot/uPlot.iife.min.js", "text/javascript"),
        ("/static/vendor/leaflet/LICENSE", "text/plain"),
        ("/static/vendor/uplot/LICENSE", "text/plain"),
    ],
)
def test_static_files_are_served_with_their_type(web: TestClient, path: str, kind: str) -> None:
    r = web.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(kind)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../templates/page.html",
        "/static/%2e%2e/templates/page.html",
        "/static/..%2f..%2fapi%2fweb.py",
        "/static/js/nothing.js",
        "/static/js",
    ],
)
def test_static_refuses_paths_outside_or_missing(web: TestClient, path: str) -> None:
    r = web.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_pages_reference_only_local_assets(web: TestClient) -> None:
    for path in ("/", "/alerts", "/indicators", "/tide", "/station/x", "/login", "/officer"):
        text = web.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', text), path


def test_static_files_revalidate_with_their_etag(web: TestClient) -> None:
    first = web.get("/static/js/main.js")
    assert first.headers["cache-control"] == "no-cache"
    again = web.get("/static/js/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    vendored = web.get("/static/vendor/uplot/uPlot.iife.min.js")
    assert "max-age=86400" in vendored.headers["cache-control"]


def test_districts_carry_an_etag_and_answer_304_when_unchanged(store: Store) -> None:
    from paknam.environment.demo import load_demo

    load_demo(store)
    web = TestClient(create_app(store))
    first = web.get("/api/v1/districts")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"].startswith("public, max-age=300,")
    assert len(first.json()["features"]) >= 6
    again = web.get("/api/v1/districts", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    weak = web.get("/api/v1/districts", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    other = web.get("/api/v1/districts", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.headers["etag"] == etag


def test_districts_simplified_for_maps(web: TestClient) -> None:
    from shapely.geometry import shape

    full = web.get("/api/v1/districts")
    thin = web.get("/api/v1/districts", params={"simplify": 0.0002})
    assert thin.status_code == 200 and len(thin.content) < len(full.content) / 4
    assert thin.headers["ETag"] != full.headers["ETag"]
    for a, b in zip(full.json()["features"], thin.json()["features"], strict=True):
        assert a["properties"] == b["properties"]
        ga, gb = shape(a["geometry"]), shape(b["geometry"])
        assert gb.is_valid and abs(gb.area - ga.area) / ga.area < 0.01  # same shape
    assert web.get("/api/v1/districts", params={"simplify": 1}).status_code == 422
