"""``GET /``: the home page. A plain landing page until the dashboard (issue 8) replaces it."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from paknam.api.deps import StoreDep

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(store: StoreDep) -> HTMLResponse:
    districts = store.list_districts()
    stations = store.list_stations()
    counts: dict[str | None, int] = {}
    for s in stations:
        counts[s.district_code] = counts.get(s.district_code, 0) + 1
    rows = "".join(
        f"<li lang='th'>{escape(d['name_th'])} <span lang='en'>({escape(d['name_en'])})</span>"
        f" — สถานี {counts.get(d['code'], 0)} แห่ง / {counts.get(d['code'], 0)} station(s)</li>"
        for d in districts
    )
    page = f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paknam — แพลตฟอร์มข้อมูลเมืองสมุทรปราการ</title></head>
<body style="font-family: sans-serif; max-width: 48rem; margin: 2rem auto; line-height: 1.5">
<h1>แพลตฟอร์มข้อมูลเมืองสมุทรปราการ<br><small>Samut Prakan city data platform</small></h1>
<p>สถานีทั้งหมด {len(stations)} แห่ง / {len(stations)} stations.
 <a href="/docs">API docs</a> · <a href="/api/v1/stations">stations (GeoJSON)</a> ·
 <a href="/api/v1/districts">districts (GeoJSON)</a></p>
<h2>อำเภอ / Districts</h2><ul>{rows}</ul>
<p><small>Administrative boundaries: Royal Thai Survey Department via OCHA/HDX COD-AB
(CC BY-IGO). The full dashboard (map, charts) is being built.</small></p>
</body></html>"""
    return HTMLResponse(page)
