"""``GET /alerts/{id}``: an alert's public page — the page every LINE, SMS and e-mail alert
links to.

Made on the server (it reads at once on a slow phone, without JavaScript): what, where,
when measured and issued, until when, **what to do**, the state of its thread (updated,
cancelled, expired) and links to the source data, the CAP document (a readable view at
``/alerts/{id}/cap``) and the Atom feed. Thai and English are both in the page; the
stylesheet shows the reader's language (``?lang=en`` opens it in English). Open Graph tags
give LINE its preview card. The small module ``pages/alert.js`` draws the area on a map.
An unknown id answers a 404 page (HTML, not the API's JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from paknam.api.web import HTML
from paknam.api.web_pages import PAGES, render_page
from paknam.core.config import get_settings
from paknam.core.errors import NotFound
from paknam.core.http.cache import LIVE, cached_response
from paknam.core.http.deps import StoreDep
from paknam.core.timeutil import english_datetime, local_iso, thai_datetime
from paknam.governance import service
from paknam.governance.render import DRILL_WORDS, SEVERITY_WORDS

router = APIRouter(tags=["pages"], include_in_schema=False)

PAGE = next(p for p in PAGES if p.name == "alert")
DRILL_EXPLAINED = {
    "Exercise": (
        "ข้อความนี้เป็นการฝึกซ้อม ไม่ใช่เหตุการณ์จริง",
        "This message is a drill, not a real event.",
    ),
    "Test": ("ข้อความนี้เป็นการทดสอบระบบ ไม่ใช่เหตุการณ์จริง", "This message is a test, not a real event."),
}
"""What the drill banner says under its title, by CAP status."""
ALERT_ID_MAX = 2_147_483_647


def _both(th: str, en: str, tag: str = "span") -> str:
    """The Thai and the English text; the stylesheet shows the reader's language."""
    return (
        f'<{tag} class="l-th" lang="th">{escape(th)}</{tag}>'
        f'<{tag} class="l-en" lang="en">{escape(en)}</{tag}>'
    )


def _time(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return (
        f'<time datetime="{local_iso(dt)}">{_both(thai_datetime(dt), english_datetime(dt))}</time>'
    )


def _drill_title(status: str) -> tuple[str, str]:
    words = DRILL_WORDS.get(status, "")
    th, _, en = words.partition(" / ")
    return th, en.capitalize()


def _severity(a: Mapping[str, Any]) -> str:
    sev = str(a["severity"]).lower()
    if a["status"] != "Actual":  # never the red live-alert styling for a drill
        th, en = _drill_title(a["status"])
        return f'<span class="badge badge-drill">{escape(th)} / {escape(en)}</span>'
    return (
        f'<span class="badge badge-sev-{escape(sev)}">'
        f"{_both(SEVERITY_WORDS['th'].get(sev, sev), SEVERITY_WORDS['en'].get(sev, sev))}</span>"
    )


def _thread_state(a: Mapping[str, Any]) -> str:
    """Whether this message still holds: newer message, cancelled, expired or active."""
    newest = a["newest"]
    if a["msg_type"] == "Cancel":
        text = _both("ประกาศนี้ยกเลิกการแจ้งเตือนก่อนหน้าแล้ว", "This message cancels the earlier alert.")
        return f'<p class="thread-state state-cancelled" id="thread-state">{text}</p>'
    if newest["id"] != a["id"]:
        href = f"/alerts/{newest['id']}"
        if newest["msg_type"] == "Cancel":
            text = _both("การแจ้งเตือนนี้ถูกยกเลิกแล้ว", "This alert has been cancelled.")
            link = _both("ดูประกาศยกเลิก", "See the cancellation")
            cls = "state-cancelled"
        else:
            text = _both("มีฉบับปรับปรุงที่ใหม่กว่าประกาศนี้", "There is a newer update of this alert.")
            link = _both("ดูฉบับล่าสุด", "See the latest")
            cls = "state-updated"
        return (
            f'<p class="thread-state {cls}" id="thread-state">{text} '
            f'<a href="{href}" id="newest-link">{link}</a></p>'
        )
    if a["state"] != "active":
        text = _both("การแจ้งเตือนนี้หมดอายุแล้ว", "This alert has expired.")
        return f'<p class="thread-state state-expired" id="thread-state">{text}</p>'
    text = _both(
        f"มีผลอยู่ ถึง {thai_datetime(a['expires'])}",
        f"In force until {english_datetime(a['expires'])}",
    )
    return f'<p class="thread-state state-active" id="thread-state">{text}</p>'


def _when(a: Mapping[str, Any]) -> str:
    rows = []
    if a.get("observed_at"):
        rows.append(("measured", "ข้อมูลตรวจวัดเมื่อ", "Measured", a["observed_at"]))
    if a.get("expected_at"):
        rows.append(("expected", "คาดว่าจะเกิดเมื่อ", "Expected at", a["expected_at"]))
    rows.append(("sent", "ออกประกาศเมื่อ", "Issued", a["sent"]))
    if a["msg_type"] != "Cancel":
        rows.append(("expires", "มีผลถึง", "In force until", a["expires"]))
    if a["newest"]["id"] != a["id"]:
        rows.append(("updated", "ประกาศล่าสุดเมื่อ", "Last message", a["newest"]["sent"]))
    return "".join(
        f'<div data-time="{key}"><dt>{_both(th, en)}</dt><dd>{_time(dt)}</dd></div>'
        for key, th, en, dt in rows
    )


def _thread(a: Mapping[str, Any]) -> str:
    names = {"Alert": ("ประกาศแรก", "Alert"), "Update": ("ปรับปรุง", "Update"),
             "Cancel": ("ยกเลิก", "Cancel")}  # fmt: skip
    items = []
    for m in a["thread"]:
        th, en = names.get(m["msg_type"], (m["msg_type"], m["msg_type"]))
        label = f"{_both(th, en)} #{m['id']} · {_time(m['sent'])}"
        if m["id"] == a["id"]:
            items.append(f'<li aria-current="true"><b>{label}</b></li>')
        else:
            items.append(f'<li><a href="/alerts/{m["id"]}">{label}</a></li>')
    return "".join(items)


def _source_link(a: Mapping[str, Any]) -> str:
    if a.get("station_id"):
        href = f"/station/{escape(str(a['station_id']))}"
        text = _both("ข้อมูลตรวจวัดของสถานี", "The station's measurements")
    elif a["topic"] == "flood":
        href, text = "/tide", _both("พยากรณ์ระดับน้ำทะเล", "Tide forecast")
    else:
        href, text = "/alerts", _both("การแจ้งเตือนทั้งหมด", "All alerts")
    return f'<a href="{href}" id="source-link">{text}</a>'


def alert_main(a: Mapping[str, Any]) -> str:
    """The page's content (HTML): every text from the alert escaped."""
    drill = a["status"] != "Actual"
    banner = ""
    if drill:
        th, en = _drill_title(a["status"])
        exp_th, exp_en = DRILL_EXPLAINED.get(a["status"], DRILL_EXPLAINED["Test"])
        banner = (
            f'<div class="drill-banner" id="drill-banner" role="note">'
            f"<strong>{escape(th)} / {escape(en)}</strong> {_both(exp_th, exp_en)}</div>"
        )
    instruction = ""
    if a.get("instruction_th") or a.get("instruction_en"):
        instruction = (
            '<section class="alert-todo" id="alert-instruction">'
            f"<h2>{_both('ควรทำอย่างไร', 'What to do')}</h2>"
            f"{_both(a.get('instruction_th') or '', a.get('instruction_en') or '', 'p')}</section>"
        )
    desc = a.get("area_desc") or {}
    geo = service_json(a["geometry"])
    cap_text = _both("ข้อความ CAP (มาตรฐานการแจ้งเตือน)", "CAP message (alerting standard)")
    cls = "alert-page drill" if drill else f"alert-page sev-{escape(str(a['severity']))}"
    return f"""<article class="{cls}" id="alert-page" data-alert="{a["id"]}"
  data-status="{escape(a["status"])}" data-msg-type="{escape(a["msg_type"])}"
  data-state="{escape(a["state"])}">
{banner}
<p class="alert-kicker">{_severity(a)} {_both(a["event_th"], a["event_en"])}</p>
<h1 id="alert-headline">{_both(a["headline_th"], a["headline_en"])}</h1>
{_thread_state(a)}
{instruction}
<section id="alert-description"><h2>{_both("เกิดอะไรขึ้น", "What is happening")}</h2>
{_both(a["description_th"], a["description_en"], "p")}</section>
<section id="alert-where"><h2>{_both("พื้นที่", "Where")}</h2>
{_both(desc.get("th", ""), desc.get("en", ""), "p")}
<div id="alert-map" class="map alert-map" role="region"
  aria-label="แผนที่พื้นที่ที่แจ้งเตือน / map of the alert's area"></div></section>
<section id="alert-when"><h2>{_both("เวลา", "When")}</h2><dl class="alert-times">{_when(a)}</dl>
<p class="muted">{_both("เวลาประเทศไทย (UTC+7)", "Thai time (UTC+7)")}</p></section>
<section id="alert-thread"><h2>{_both("ลำดับประกาศ", "Messages of this alert")}</h2>
<ol class="thread">{_thread(a)}</ol></section>
<section id="alert-links"><h2>{_both("ข้อมูลเพิ่มเติม", "More")}</h2><ul>
<li>{_source_link(a)}</li>
<li><a href="/alerts/{a["id"]}/cap" id="cap-link">{cap_text}</a></li>
<li><a href="/api/v1/alerts.atom" id="atom-link">{_both("ฟีด Atom", "Atom feed")}</a></li>
<li><a href="/alerts">{_both("การแจ้งเตือนทั้งหมด", "All alerts")}</a></li>
</ul></section>
</article>
<script type="application/json" id="alert-geo">{geo}</script>"""


def service_json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    import json

    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def open_graph(a: Mapping[str, Any], url: str, lang: str) -> str:
    """Open Graph tags (LINE's preview card) and the page's description, in ``lang``."""
    prefix = ""
    if a["status"] != "Actual":
        th, en = _drill_title(a["status"])
        prefix = f"[{th} / {en}] "
    title = prefix + str(a[f"headline_{lang}"])
    text = str(a.get(f"instruction_{lang}") or a[f"description_{lang}"])
    text = text if len(text) <= 200 else text[:199].rstrip() + "…"
    tags = {
        "og:title": title,
        "og:description": text,
        "og:url": url,
        "og:type": "article",
        "og:site_name": "แพลตฟอร์มข้อมูลเมืองสมุทรปราการ / Samut Prakan city data platform",
        "og:locale": "th_TH" if lang == "th" else "en_US",
    }
    out = f'<meta name="description" content="{escape(text)}">\n'
    out += "".join(f'<meta property="{k}" content="{escape(v)}">\n' for k, v in tags.items())
    return out


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "th"


def _alert_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) <= ALERT_ID_MAX else None


def not_found_page(request: Request, raw: str) -> HTMLResponse:
    """A 404 page a browser shows (the API answers JSON; a citizen's link gets HTML)."""
    main = (
        '<section class="panel" id="alert-not-found">'
        f"<h1>{_both('ไม่พบการแจ้งเตือนนี้', 'Alert not found')}</h1>"
        f"<p>{_both(f'ไม่มีการแจ้งเตือนหมายเลข {raw}', f'There is no alert number {raw}.')}</p>"
        f'<p><a href="/alerts">{_both("ดูการแจ้งเตือนทั้งหมด", "See all alerts")}</a></p>'
        "</section>"
    )
    html = render_page(request.app, PAGE, main, title="ไม่พบ / Not found — paknam")
    return HTMLResponse(html, status_code=404)


def _html_lang(html: str, lang: str) -> str:
    return html.replace('<html lang="th"', f'<html lang="{lang}"', 1) if lang != "th" else html


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
async def alert_page(alert_id: str, request: Request, store: StoreDep) -> Response:
    """An alert's page (HTML), from memory while the store is unchanged (LIVE policy)."""
    number = _alert_id(alert_id)
    base = get_settings().public_base_url.rstrip("/")
    lang = _lang(request)
    if number is None:
        return not_found_page(request, alert_id)

    def compute() -> tuple[bytes, str]:
        a = service.alert_page(store, number, base_url=base)
        url = f"{base}/alerts/{number}" + ("?lang=en" if lang == "en" else "")
        headline = str(a[f"headline_{lang}"])
        html = render_page(
            request.app,
            PAGE,
            alert_main(a),
            title=f"{headline} — paknam",
            head_extra=open_graph(a, url, lang),
            alert_id=str(number),
        )
        return _html_lang(html, lang).encode("utf-8"), HTML

    try:
        return await cached_response(request, ("alert-page", number, lang, base), compute, LIVE)
    except NotFound:
        return not_found_page(request, alert_id)


@router.get("/alerts/{alert_id}/cap", response_class=HTMLResponse)
async def alert_cap_page(alert_id: str, request: Request, store: StoreDep) -> Response:
    """The CAP 1.2 document of an alert, readable in the browser (the raw document for
    machines stays at ``/api/v1/alerts/{id}.xml``)."""
    number = _alert_id(alert_id)
    if number is None:
        return not_found_page(request, alert_id)
    try:
        xml = service.get_cap_xml(store, number)
    except NotFound:
        return not_found_page(request, alert_id)
    title = _both(f"ข้อความ CAP ของการแจ้งเตือน #{number}", f"CAP message of alert #{number}")
    about = _both(
        "มาตรฐาน OASIS CAP 1.2 ที่ระบบแจ้งเตือนอื่นอ่านได้",
        "OASIS CAP 1.2, the format other alerting systems read.",
    )
    back = _both("กลับไปที่การแจ้งเตือน", "Back to the alert")
    main = (
        f'<section class="panel cap-view" id="cap-view"><h1>{title}</h1><p>{about} '
        f'<a href="/alerts/{number}">{back}</a> · '
        f'<a href="/api/v1/alerts/{number}.xml" id="cap-raw">{_both("ไฟล์ XML", "XML file")}</a>'
        f'</p><pre class="cap-xml" tabindex="0">{escape(xml)}</pre></section>'
    )
    html = render_page(request.app, PAGE, main, title=f"CAP #{number} — paknam")
    return HTMLResponse(html)
