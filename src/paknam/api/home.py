"""``GET /``: the dashboard home page — the city map and the six districts named in Thai.

The district list is made on the server (it reads well without JavaScript and is the
contract of ``GET /``); the page module ``static/js/pages/home.js`` then draws the map,
colours the stations and fills in what is happening in each district. This router also
carries the other dashboard pages (:mod:`paknam.api.web`), so registering it registers the
whole dashboard.

Each district's line says how many warnings are in force there from live data. Warnings
of simulated or sample stations (the demo's homes, the sample air and canal stations) are
not counted as live: they are grouped, one line per kind with a count
(:func:`district_summaries`; ``home.js`` applies the same rule to what it loads).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from paknam.api import alert_page, web
from paknam.api.web import HTML
from paknam.api.web_pages import PAGES, render_page
from paknam.core.http.cache import PAGE, cached_response
from paknam.core.http.deps import StoreDep
from paknam.core.registry import warning_kinds
from paknam.core.stations import count_stations, list_districts, list_stations
from paknam.core.warnings import list_warnings

router = APIRouter(tags=["pages"])
router.include_router(web.router)
router.include_router(alert_page.router)  # /alerts/{id}: an alert's page

HOME = next(p for p in PAGES if p.name == "home")


@dataclass
class DistrictSummary:
    """Warnings in force in one district: ``live`` counted, the others by kind."""

    live: int = 0
    demo: Counter[str] = field(default_factory=Counter)


def is_demo_warning(warning: Mapping[str, Any], demo_stations: set[str]) -> bool:
    """Whether a warning stands on simulated or sample data (its station's or its own flag)."""
    details = warning.get("details") or {}
    return warning.get("station_id") in demo_stations or bool(
        details.get("simulated") or details.get("sample")
    )


def district_summaries(
    codes: Iterable[str],
    station_district: Mapping[str, str | None],
    demo_stations: set[str],
    warnings: Iterable[Mapping[str, Any]],
) -> dict[str, DistrictSummary]:
    """Per district: the live warnings' count and the demo ones' counts by kind. A warning
    belongs to its own district, or else to its station's."""
    out = {code: DistrictSummary() for code in codes}
    for w in warnings:
        code = w.get("district_code") or station_district.get(str(w.get("station_id")))
        if code not in out:
            continue
        if is_demo_warning(w, demo_stations):
            out[code].demo[str(w["kind"])] += 1
        else:
            out[code].live += 1
    return out


def kind_names() -> dict[str, list[str]]:
    """Thai and English names of every warning kind (for the grouped lines)."""
    return {k: [v.event.event_th, v.event.event_en] for k, v in warning_kinds().items()}


def _summary_html(s: DistrictSummary, names: Mapping[str, list[str]]) -> str:
    live = (
        f'<span class="badge badge-warning">คำเตือน {s.live} รายการ</span>'
        if s.live
        else '<span class="quiet">ไม่มีคำเตือนจากข้อมูลจริง</span>'
    )
    demo = "".join(
        f'<li data-kind="{escape(k)}" data-count="{n}">{escape(names.get(k, [k])[0])} × {n}</li>'
        for k, n in sorted(s.demo.items())
    )
    demo_html = (
        f'<div class="demo-warnings">คำเตือนจากข้อมูลจำลอง/ตัวอย่าง (ไม่นับรวม)<ul>{demo}</ul></div>'
        if demo
        else ""
    )
    return (
        f'<div class="district-summary" data-live-warnings="{s.live}" '
        f'data-demo-warnings="{sum(s.demo.values())}">{live}{demo_html}</div>'
    )


def _home_main(
    districts: list[dict[str, object]],
    n_stations: int,
    summaries: Mapping[str, DistrictSummary] | None = None,
) -> str:
    names = kind_names()
    summaries = summaries or {}
    items = "".join(
        f'<li class="district" data-district="{escape(str(d["code"]))}">'
        f'<h3><span class="name-th" lang="th">{escape(str(d["name_th"]))}</span> '
        f'<span class="name-en" lang="en">{escape(str(d["name_en"]))}</span></h3>'
        f'<div class="district-body">'
        f"{_summary_html(summaries.get(str(d['code']), DistrictSummary()), names)}</div></li>"
        for d in districts
    )
    kinds_json = json.dumps({"kinds": names}, ensure_ascii=False).replace("<", "\\u003c")
    return f"""<h1 class="home-title" data-i18n="home.title">ข้อมูลเมืองสมุทรปราการวันนี้</h1>
<script type="application/json" id="home-data">{kinds_json}</script>
<section class="home">
  <div class="home-map">
    <div id="map" class="map" role="region" aria-label="แผนที่จังหวัดสมุทรปราการ / map of Samut Prakan"
      data-ready="false"></div>
    <div id="legend" class="legend"></div>
  </div>
  <aside class="home-side">
    <h2 data-i18n="home.districts">อำเภอ</h2>
    <p class="muted" id="station-count" data-count="{n_stations}">สถานีทั้งหมด {n_stations} แห่ง</p>
    <ul id="districts" class="districts">{items}</ul>
  </aside>
</section>
<section class="home-lower">
  <div><h2 data-i18n="home.alerts">การแจ้งเตือนที่มีผลอยู่</h2><div id="home-alerts"></div></div>
  <div><h2 data-i18n="home.indicators">ตัวชี้วัด</h2><div id="home-indicators"></div></div>
</section>"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, store: StoreDep) -> Response:
    """The city: map, the six districts named in Thai, active alerts and indicators.
    Made once and kept until the store changes (ETag, Last-Modified, 304)."""

    def compute() -> tuple[bytes, str]:
        with store.read() as conn:
            n_stations = count_stations(conn)
            districts = list_districts(conn)
            stations = list_stations(conn)
            warnings = list_warnings(conn, status="active", domain=None)
        kinds = warning_kinds()
        public = [w for w in warnings if w["kind"] in kinds and kinds[w["kind"]].public]
        demo = {s.id for s in stations if s.meta.get("simulated") or s.meta.get("sample")}
        summaries = district_summaries(
            (str(d["code"]) for d in districts),
            {s.id: s.district_code for s in stations},
            demo,
            public,
        )
        main = _home_main(districts, n_stations, summaries)
        return render_page(request.app, HOME, main).encode("utf-8"), HTML

    return await cached_response(request, ("page", "/"), compute, PAGE)
