"""Every public page, Thai and English, on a phone (390 px) and a desktop (1400 px).

One demo server per session, and one browser page per (language, width) that moves from
URL to URL (a page is loaded again only when a test needs another one). Checked:

* it fits the screen and axe-core finds nothing serious (:mod:`tests.web.checks`), with one
  h1, a skip link and ``<html lang>`` in the chosen language;
* no UI text of the other language: in Thai mode no visible text equals an English
  catalogue message, no English unit or month word, no Gregorian year; in English mode no
  visible text equals a Thai catalogue message and no Thai month or Buddhist-era year —
  names and data (marked with their own ``lang``, API paths) aside;
* freshness: a station whose readings are old shows no level colour and no health advice;
* warnings of simulated or sample stations are grouped by kind and not counted as live;
* every link of the public "open data" lists answers 200.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from paknam.api.home import district_summaries
from tests.web.checks import DESKTOP, PHONE
from tests.web.conftest import Browser, Server

PAGES = (
    "/",
    "/indicators",
    "/tide",
    "/complaints",
    "/energy",
    "/economy",
    "/people",
    "/station/18t",
    "/login",
)
"""The public pages (the alert, officer, report, follow and subscribe pages are tested by
their own modules)."""

OLD_STATION = "18t"
"""An air station of the demo whose readings are months old (the sample's last hour)."""

GREY = "#8a8f98"
"""The colour of a state without a fresh value (static/js/states.js)."""

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


class Views:
    """One page per (language, width), moved from URL to URL."""

    def __init__(self, chromium: Browser, base: str) -> None:
        self.chromium = chromium
        self.base = base
        self.pages: dict[tuple[str, str], Any] = {}

    def open(self, path: str, lang: str, width: str = "desktop") -> Any:
        key = (lang, width)
        page = self.pages.get(key)
        if page is None:
            context = self.chromium.browser.new_context(viewport=WIDTHS[width])
            context.add_init_script(f"localStorage.setItem('paknam.lang', '{lang}')")
            page = context.new_page()
            page.errors = []
            page.on("pageerror", lambda e, p=page: p.errors.append(str(e)))
            self.pages[key] = page
        url = self.base + path
        if page.url != url:
            page.errors.clear()
            page.goto(url)
            page.wait_for_selector("body[data-loaded=true]", timeout=30_000)
            # Parts drawn after the page module returned (home map colours, a chosen site).
            page.wait_for_function(
                "() => !document.querySelector('[data-ready=false]')"
                " && (!document.getElementById('map') || document.getElementById('map')"
                ".dataset.coloured === 'true')",
                timeout=30_000,
            )
            page.wait_for_timeout(100)  # maps and charts are drawn in the next frames
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def views(demo_server: Server, chromium: Browser) -> Iterator[Views]:
    v = Views(chromium, demo_server.url)
    yield v
    v.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_its_landmarks_captions_and_chart_tables(
    views: Views, path: str, lang: str, width: str
) -> None:
    page = views.open(path, lang, width)
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").count() == 1, page.locator("h1").all_inner_texts()
    assert page.locator("a.skip-link[href='#app']").count() == 1
    # fits the screen and axe-core: tests/web/test_every_page.py, for every page
    # Every data table has a caption (uPlot's legend is a table of its own, not data).
    assert page.locator("table:not(.u-legend):not(:has(caption))").count() == 0
    # Every chart has its data as a table, and a name.
    charts = page.locator(".chart:has(canvas)")
    assert charts.count() == page.locator(".chart:has(canvas) > details.chart-data").count()
    assert page.locator(".chart-plot[role=img]:not([aria-label])").count() == 0
    assert page.errors == []


def test_map_markers_open_with_the_keyboard(views: Views) -> None:
    page = views.open("/", "en")
    first = page.locator("#map .point-icon[tabindex='0']").first
    name = first.get_attribute("aria-label") or ""
    assert ": " in name  # "<station>: <state>"
    first.focus()
    page.keyboard.press("Enter")
    popup = page.locator("#map .leaflet-popup")
    popup.wait_for()
    assert name.split(": ", 1)[0] in popup.inner_text()
    page.keyboard.press("Escape")


SCAN = """() => import('/static/js/i18n.js').then(({ catalogue }) => {
  const lang = document.documentElement.lang;
  const other = new Set();
  for (const [th, en] of Object.values(catalogue())) {
    if (th !== en) other.add((lang === 'th' ? en : th).trim());
  }
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, code, a[href^="/api"], a[href^="/open311"]'))
      continue;
    if (!el.checkVisibility() && !el.closest('details, .leaflet-tooltip')) continue;
    // Text marked as another language (names, the brand's subtitle) is not UI text.
    const marked = el.closest('[lang]');
    if (marked && marked !== document.documentElement && marked.lang !== lang) continue;
    out.push({ text, catalogued: other.has(text) });
  }
  for (const el of document.querySelectorAll('[aria-label], [title]')) {
    for (const attr of ['aria-label', 'title']) {
      const text = (el.getAttribute(attr) || '').trim();
      if (text && other.has(text)) out.push({ text, catalogued: true });
    }
  }
  return out;
})"""

ENGLISH_UI = re.compile(
    r"\b(people|teachers|visitors|schools|hours|minutes|THB|Time|am|pm|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|no data|latest|sample data)\b"
    r"|\d(am|pm)\b"
)
GREGORIAN_YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20[0-4]\d)(?![\d.])")
THAI_MONTH = re.compile(
    r"(ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.)"
)
BE_YEAR = re.compile(r"(?<!\d)25[5-9]\d(?!\d)(?! BE)")  # "2569 BE" names its era


def untranslated(texts: list[dict[str, Any]], lang: str) -> list[str]:
    """The texts that are UI of the other language."""
    patterns = (ENGLISH_UI, GREGORIAN_YEAR) if lang == "th" else (THAI_MONTH, BE_YEAR)
    bad = {
        item["text"]
        for item in texts
        if item["catalogued"] or any(p.search(item["text"]) for p in patterns)
    }
    return sorted(bad)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_ui_text_of_the_other_language(views: Views, path: str, lang: str) -> None:
    page = views.open(path, lang)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(50)
    texts = page.evaluate(SCAN)
    assert len(texts) > 10
    assert untranslated(texts, lang) == []


def test_the_scan_finds_english_in_thai_and_thai_in_english() -> None:
    """The scan's rules catch what the issue saw."""
    th = [
        {"text": t, "catalogued": False}
        for t in ("481,006.05 visitors/year", "ค่าปัจจุบัน (2026)", "8am", "Jul 2018", "Time")
    ]
    assert len(untranslated(th, "th")) == len(th)
    en = [{"text": "23 ส.ค. 2569", "catalogued": False}, {"text": "ไม่มีข้อมูล", "catalogued": True}]
    assert len(untranslated(en, "en")) == 2
    assert untranslated([{"text": "PM2.5 · AQI 29 · WQI", "catalogued": False}], "th") == []


def test_old_readings_show_no_level_colour_or_advice(views: Views, demo_server: Server) -> None:
    station = demo_server.get(f"/api/v1/stations/{OLD_STATION}")
    assert all(v["stale"] for v in station["properties"]["latest"].values())
    page = views.open(f"/station/{OLD_STATION}", "th")
    page.wait_for_selector("#aqi-state")
    assert page.get_attribute("#aqi-state", "data-fresh") == "false"
    assert page.locator("#aqi-advice").count() == 0
    assert page.get_attribute("#aqi-level", "data-color") == GREY
    level = page.inner_text("#aqi-level")
    assert level.startswith("ข้อมูลเมื่อ") and re.search(r"25\d\d", level), level
    # The number is not drawn in a level colour.
    assert page.evaluate("getComputedStyle(document.getElementById('aqi-now')).color") in (
        "rgb(91, 100, 114)",
    )

    home = views.open("/", "th")
    home.wait_for_selector("#map[data-coloured=true]")
    fills = dict(
        home.locator("#map path.station-marker").evaluate_all(
            "els => els.map(e => [e.dataset.station, e.getAttribute('fill')])"
        )
    )
    for f in demo_server.get("/api/v1/stations")["features"]:
        stale = all(v["stale"] for v in f["properties"]["latest"].values())
        if stale:
            assert fills[f["id"]] == GREY, f["id"]
    assert fills[OLD_STATION] == GREY
    line = home.locator(f'.worst[data-station="{OLD_STATION}"] .state')
    if line.count():
        assert line.get_attribute("data-fresh") == "false"
        assert "ข้อมูลเมื่อ" in line.inner_text()


def _demo_station_ids(demo_server: Server) -> set[str]:
    return {
        f["id"]
        for f in demo_server.get("/api/v1/stations")["features"]
        if f["properties"]["meta"].get("simulated") or f["properties"]["meta"].get("sample")
    }


def test_warnings_of_simulated_or_sample_stations_are_grouped(
    views: Views, demo_server: Server
) -> None:
    stations = demo_server.get("/api/v1/stations")["features"]
    where = {f["id"]: f["properties"]["district_code"] for f in stations}
    demo = _demo_station_ids(demo_server)
    warnings = demo_server.get("/api/v1/warnings")
    assert any(w["station_id"] in demo for w in warnings), "the demo has sample-station warnings"
    page = views.open("/", "th")
    page.wait_for_selector("#map[data-coloured=true]")
    for li in page.locator("#districts li.district").all():
        code = li.get_attribute("data-district")
        mine = [
            w
            for w in warnings
            if w["district_code"] == code
            or (w["district_code"] is None and where.get(w["station_id"]) == code)
        ]
        live = [w for w in mine if w["station_id"] not in demo]
        kinds = Counter(w["kind"] for w in mine if w["station_id"] in demo)
        assert li.locator("[data-warnings]").get_attribute("data-warnings") == str(len(live))
        groups = li.locator(".demo-warnings li")
        assert groups.count() == len(kinds), code
        for g in groups.all():
            assert int(g.get_attribute("data-count") or 0) == kinds[g.get_attribute("data-kind")]
        lines = groups.all_inner_texts()
        assert len(lines) == len(set(lines))

    # The server-made list (no JavaScript) says the same.
    html = httpx.get(demo_server.url + "/", timeout=30).text
    for code in {d["code"] for d in demo_server.store.list_districts()}:
        mine = [
            w
            for w in warnings
            if w["district_code"] == code
            or (w["district_code"] is None and where.get(w["station_id"]) == code)
        ]
        n_live = sum(1 for w in mine if w["station_id"] not in demo)
        block = html.split(f'data-district="{code}"', 1)[1].split("</li>", 1)[0]
        assert f'data-live-warnings="{n_live}"' in block, code
        assert f'data-demo-warnings="{len(mine) - n_live}"' in block, code


def test_district_summaries_count_live_warnings_and_group_the_others() -> None:
    """Sixteen "producing less power than expected" warnings of simulated homes make one
    line with a count, and nothing live."""
    homes = {f"sim-home-{i}" for i in range(6)}
    warnings = [
        {
            "kind": "energy_underperformance",
            "station_id": f"sim-home-{i % 6}",
            "district_code": None,
        }
        for i in range(16)
    ]
    warnings.append({"kind": "wqi_poor", "station_id": "real-1", "district_code": None})
    warnings.append(
        {
            "kind": "surge",
            "station_id": None,
            "district_code": "1101",
            "details": {"simulated": True},
        }
    )
    where = {s: "1101" for s in homes} | {"real-1": "1101"}
    s = district_summaries(["1101", "1102"], where, homes, warnings)
    assert s["1101"].live == 1
    assert dict(s["1101"].demo) == {"energy_underperformance": 16, "surge": 1}
    assert s["1102"].live == 0 and not s["1102"].demo


@pytest.mark.parametrize("path", ["/complaints", "/energy", "/economy", "/people"])
def test_open_data_lists_only_links_that_answer(
    views: Views, demo_server: Server, path: str
) -> None:
    page = views.open(path, "th")
    links = page.locator(".api-list ul a").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))"
    )
    assert links, path
    for href in links:
        r = httpx.get(demo_server.url + href, timeout=30)
        assert r.status_code == 200, (href, r.status_code, r.text[:200])


LOCALE_SAMPLES = """async () => {
  const f = await import('/static/js/format.js');
  const at = (iso) => Date.parse(iso) / 1000;
  return {
    month: f.fmtPeriod('2024-01'),
    year: f.fmtPeriod('2026'),
    span: f.fmtPeriod('2024-10-03/2024-11-11'),
    term: f.fmtPeriod('2569-2'),
    mgl: f.fmtUnit(1.234, 'mg/L'),
    visitors: f.fmtUnit(481006.05, 'visitors/year'),
    hours: f.fmtUnit(72, 'hours'),
    people: f.fmtCount(50000.4),
    pm25: f.pollutantName('pm25'),
    o3: f.pollutantName('o3_8h'),
    time: f.fmtTime('2026-12-05T14:05:00+07:00'),
    hourTicks: f.timeTicks(
      [at('2026-12-05T00:00:00+07:00'), at('2026-12-05T08:00:00+07:00')], 8 * 3600),
    monthTicks: f.timeTicks(
      [at('2018-07-01T00:00:00+07:00'), at('2018-08-01T00:00:00+07:00')], 31 * 86400),
  };
}"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "th",
            {
                "month": "ม.ค. 2567",
                "year": "2569",
                "span": "3 ต.ค. 2567 – 11 พ.ย. 2567",
                "term": "2/2569",
                "mgl": "1.23 มก./ล.",
                "visitors": "481,006 คน/ปี",
                "hours": "72 ชั่วโมง",
                "people": "50,000",
                "pm25": "ฝุ่น PM2.5",
                "o3": "โอโซน (O₃)",
                "time": "5 ธ.ค. 2569 14:05",
                "hourTicks": ["00:00\n5 ธ.ค.", "08:00"],
                "monthTicks": ["ก.ค.\n2561", "ส.ค."],
            },
        ),
        (
            "en",
            {
                "month": "Jan 2024",
                "year": "2026",
                "span": "3 Oct 2024 – 11 Nov 2024",
                "term": "2/2569 BE",
                "mgl": "1.23 mg/L",
                "visitors": "481,006 visitors/year",
                "hours": "72 hours",
                "people": "50,000",
                "pm25": "PM2.5",
                "o3": "ozone (O₃)",
                "time": "5 Dec 2026, 14:05",
                "hourTicks": ["00:00\n5 Dec", "08:00"],
                "monthTicks": ["Jul\n2018", "Aug"],
            },
        ),
    ],
)
def test_locale_layer_formats(views: Views, lang: str, expected: dict[str, Any]) -> None:
    """The locale layer (static/js/format.js) as pages use it: BE years, Thai months,
    24-hour times, one spelling per unit, whole numbers for counts, pollutant names."""
    page = views.open("/login", lang)
    assert page.evaluate(LOCALE_SAMPLES) == expected
