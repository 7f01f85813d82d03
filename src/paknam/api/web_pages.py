"""The dashboard's pages as data, and the HTML shell every page shares.

A page is one HTML shell (``paknam/web/templates/page.html``) plus one ES module
(``paknam/web/static/js/pages/<name>.js``) that fetches the public API and draws. The shell
carries a JSON configuration: the page, the Thai AQI levels, WQI bands and water-level
names (from the science tables, so the dashboard and the API say the same thing), and the
API paths this server has, so a page can show "not available yet" instead of requesting
an endpoint that is not there.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any

from fastapi import FastAPI

from paknam import __version__
from paknam.environment.aqi.levels import LEVELS
from paknam.environment.wqi.tables import BANDS
from paknam.living.forecast.level_rules import LEVEL_NAMES
from paknam.living.forecast.level_rules import LEVELS as WATER_LEVELS

ASSETS = {
    "leaflet": (
        '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">\n',
        '<script src="/static/vendor/leaflet/leaflet.js"></script>\n',
    ),
    "uplot": (
        '<link rel="stylesheet" href="/static/vendor/uplot/uPlot.min.css">\n',
        '<script src="/static/vendor/uplot/uPlot.iife.min.js"></script>\n',
    ),
}
"""Vendored libraries: (tag in <head>, tag before the page script)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One dashboard page.

    Attributes
    ----------
    name : str
        Module name under ``static/js/pages/`` and the message key ``nav.<name>``.
    path : str
        URL of the page (FastAPI path syntax).
    title_th, title_en : str
        Page title.
    assets : tuple of str
        Vendored libraries the page needs (keys of :data:`ASSETS`).
    nav : bool
        Whether the page is in the top navigation.
    fetches : tuple of str
        API URLs the page module requests first, exactly as it requests them: the shell
        preloads those this server has, so they load while the scripts do.
    """

    name: str
    path: str
    title_th: str
    title_en: str
    assets: tuple[str, ...] = ()
    nav: bool = True
    fetches: tuple[str, ...] = ()


PAGES: tuple[Page, ...] = (
    Page(
        "home",
        "/",
        "หน้าแรก",
        "Home",
        ("leaflet",),
        fetches=("/api/v1/districts?simplify=0.0002", "/api/v1/stations"),
    ),
    Page("alerts", "/alerts", "การแจ้งเตือน", "Alerts"),
    Page("indicators", "/indicators", "ตัวชี้วัด", "Indicators", ("uplot",)),
    Page("tide", "/tide", "ระดับน้ำทะเล", "Tide forecast", ("uplot",)),
    Page("complaints", "/complaints", "เรื่องร้องเรียน", "Complaints", ("leaflet",)),
    Page(
        "energy",
        "/energy",
        "พลังงาน",
        "Energy",
        ("leaflet", "uplot"),
        fetches=("/api/v1/energy/sites", "/api/v1/districts?simplify=0.0002"),
    ),
    Page(
        "economy",
        "/economy",
        "เศรษฐกิจ",
        "Economy",
        ("leaflet", "uplot"),
        fetches=("/api/v1/districts?simplify=0.0002", "/api/v1/economy/visits"),
    ),
    Page("people", "/people", "พลเมือง", "People", fetches=("/api/v1/people/schools",)),
    Page("station", "/station/{station_id}", "สถานี", "Station", ("uplot",), nav=False),
    Page("tide", "/tide/{station_id}", "ระดับน้ำทะเล", "Tide forecast", ("uplot",), nav=False),
    Page("login", "/login", "เข้าสู่ระบบเจ้าหน้าที่", "Officer login", nav=False),
    Page("officer", "/officer", "งานเจ้าหน้าที่", "Officer desk", nav=False),
    Page(
        "backtest_report",
        "/officer/backtest-report",
        "รายงานทดสอบย้อนหลังพยากรณ์ระดับน้ำ",
        "Water-level forecast backtest report",
        nav=False,
    ),
    Page(
        "report",
        "/report",
        "แจ้งเรื่องร้องเรียน",
        "Report a problem",
        ("leaflet",),
        nav=False,
        fetches=("/api/v1/complaints/services", "/api/v1/districts?simplify=0.0002"),
    ),
    Page("follow", "/follow/{token}", "ติดตามเรื่องร้องเรียน", "Follow a complaint", nav=False),
    Page("subscribe", "/subscribe", "รับแจ้งเตือนภัย", "Get alerts", nav=False),
    Page("subscribe", "/subscribe/confirm", "ยืนยันการรับแจ้งเตือน", "Confirm alerts", nav=False),
    Page("alert", "/alerts/{alert_id}", "การแจ้งเตือน", "Alert", ("leaflet",), nav=False),
)
"""Every page of the dashboard. To add one: a row here and ``static/js/pages/<name>.js``."""


def science_tables() -> dict[str, Any]:
    """AQI levels, WQI bands and water-level names for the page configuration."""
    return {
        "aqi_levels": [
            {
                "number": lv.number,
                "key": lv.key,
                "lo": lv.aqi_lo,
                "hi": lv.aqi_hi,
                "name_th": lv.name_th,
                "name_en": lv.name_en,
                "color": lv.color,
                "advice_th": lv.advice_general_th,
                "advice_en": lv.advice_general_en,
            }
            for lv in LEVELS
        ],
        "wqi_bands": [
            {
                "number": b.number,
                "key": b.key,
                "lo": b.lo,
                "hi": b.hi,
                "name_th": b.name_th,
                "name_en": b.name_en,
                "color": b.color,
            }
            for b in BANDS
        ],
        "water_levels": [
            {"key": k, "name_th": LEVEL_NAMES[k][0], "name_en": LEVEL_NAMES[k][1]}
            for k in WATER_LEVELS
        ],
    }


def api_paths(app: FastAPI) -> list[str]:
    """GET paths of the public API this app serves (``/api/...`` and ``/open311/...``).

    Read from the OpenAPI description, so routers registered by any module count.
    """
    paths = app.openapi().get("paths", {})  # built once, then cached by FastAPI
    return sorted(
        path
        for path, methods in paths.items()
        if "get" in methods and path.startswith(("/api/", "/open311/"))
    )


def open_links(app: FastAPI) -> list[str]:
    """GET paths of :func:`api_paths` that a citizen can open from a link and get ``200``:
    no path template, no required parameter, no header or cookie parameter (a link cannot
    send one), no security requirement (no login). The "open data" lists link only these."""
    paths = app.openapi().get("paths", {})
    out = []
    for path in api_paths(app):
        op = paths[path]["get"]
        params = op.get("parameters", [])
        if "{" in path or op.get("security"):
            continue
        if any(p.get("required") or p.get("in") in ("header", "cookie") for p in params):
            continue
        out.append(path)
    return out


@cache
def _template() -> Template:
    text = (resources.files("paknam") / "web" / "templates" / "page.html").read_text("utf-8")
    return Template(text)


def _json_for_script(data: Any) -> str:
    """JSON safe inside a <script> element (no ``</`` or ``<!--`` can close it)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _nav() -> str:
    return "".join(
        f'<a href="{p.path}" data-nav="{p.name}" data-i18n="nav.{p.name}">{escape(p.title_th)}</a>'
        for p in PAGES
        if p.nav
    )


_IMPORT = re.compile(r"""^\s*import\b[^"']*["'](\.{1,2}/[\w/.-]+\.js)["']""", re.M)


@cache
def module_closure(module: str) -> tuple[str, ...]:
    """``module`` (a path under ``static/js``, e.g. ``pages/home.js``) and every module it
    imports, directly or not, read from the static ``import ... from "./x.js"`` lines."""
    js = resources.files("paknam") / "web" / "static" / "js"
    seen: list[str] = []
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        text = (js / name).read_text("utf-8")
        base = posixpath.dirname(name)
        for rel in _IMPORT.findall(text):
            todo.append(posixpath.normpath(posixpath.join(base, rel)))
    return tuple(sorted(seen))


def _preload(page: Page, api: list[str]) -> str:
    """``modulepreload`` links, so the browser fetches the page's modules in parallel
    instead of discovering them import by import, and ``preload`` links for the API
    answers the page needs first (only for paths this server has)."""
    modules = set(module_closure("main.js")) | set(module_closure(f"pages/{page.name}.js"))
    modules.discard("main.js")
    links = [f'<link rel="modulepreload" href="/static/js/{n}">\n' for n in sorted(modules)]
    links += [
        f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{escape(url)}">\n'
        for url in page.fetches
        if url.split("?", 1)[0] in api
    ]
    return "".join(links)


def render_page(
    app: FastAPI,
    page: Page,
    main_html: str = "",
    *,
    title: str | None = None,
    head_extra: str = "",
    **params: str,
) -> str:
    """The HTML of ``page``: shell, vendored assets, configuration and server-made content.
    ``title`` replaces the page's title; ``head_extra`` (HTML, already escaped) goes in
    ``<head>`` (e.g. Open Graph tags)."""
    api = api_paths(app)
    config = {
        "page": page.name,
        "params": params,
        "version": __version__,
        "api": api,
        "open_data": open_links(app),
        **science_tables(),
    }
    head = head_extra + "".join(ASSETS[a][0] for a in page.assets) + _preload(page, api)
    body = "".join(ASSETS[a][1] for a in page.assets)
    return _template().substitute(
        page=escape(page.name),
        title=escape(title or f"{page.title_th} / {page.title_en} — paknam"),
        head_assets=head,
        body_assets=body,
        config=_json_for_script(config),
        nav=_nav(),
        main=main_html or '<p class="loading" data-i18n="loading">กำลังโหลด…</p>',
        version=escape(__version__),
    )
