"""``GET /``: the dashboard home page — the city map and the six districts named in Thai.

The district list is made on the server (it reads well without JavaScript and is the
contract of ``GET /``); the page module ``static/js/pages/home.js`` then draws the map,
colours the stations and fills in what is happening in each district. This router also
carries the other dashboard pages (:mod:`paknam.api.web`), so registering it registers the
whole dashboard.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from paknam.api import alert_page, web
from paknam.api.web import HTML
from paknam.api.web_pages import PAGES, render_page
from paknam.core.http.cache import PAGE, cached_response
from paknam.core.http.deps import StoreDep
from paknam.core.stations import count_stations, list_districts

router = APIRouter(tags=["pages"])
router.include_router(web.router)
router.include_router(alert_page.router)  # /alerts/{id}: an alert's page

HOME = next(p for p in PAGES if p.name == "home")


def _home_main(districts: list[dict[str, object]], n_stations: int) -> str:
    items = "".join(
        f'<li class="district" data-district="{escape(str(d["code"]))}">'
        f'<h3><span class="name-th" lang="th">{escape(str(d["name_th"]))}</span> '
        f'<span class="name-en" lang="en">{escape(str(d["name_en"]))}</span></h3>'
        f'<div class="district-body"></div></li>'
        for d in districts
    )
    return f"""<section class="home">
  <div class="home-map">
    <div id="map" class="map" role="img" aria-label="แผนที่จังหวัดสมุทรปราการ / map of Samut Prakan"
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
        main = _home_main(districts, n_stations)
        return render_page(request.app, HOME, main).encode("utf-8"), HTML

    return await cached_response(request, ("page", "/"), compute, PAGE)
