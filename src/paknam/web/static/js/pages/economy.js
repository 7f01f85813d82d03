// Smart Economy: the catalogue of attractions and community products (map and a searchable
// list: words, category, district, open now), visitors and revenue by month compared with
// the same month last year and with 2019, and the two indicators.
import { getJSON, has } from "../api.js";
import { timeChart } from "../chart.js";
import { domainPage } from "../domain.js";
import { epoch, fmtCount, fmtNum, fmtPeriod } from "../format.js";
import { indicatorCard } from "../indicators_view.js";
import { addMessages, pick, t } from "../i18n.js";
import { createMap, drawDistricts, fitTo, pointMarker, pointsLayer, relabelDistricts } from "../map.js";
import { badge, clear, dataBadges, fill, h, notAvailable, table } from "../ui.js";

addMessages({
  "economy.title": ["เศรษฐกิจอัจฉริยะ", "Smart Economy"],
  "economy.intro": [
    "แหล่งท่องเที่ยว สินค้าชุมชน จำนวนผู้เยี่ยมเยือนและรายได้จากการท่องเที่ยวของจังหวัด",
    "Attractions, community products, and the province's visitors and tourism revenue",
  ],
  "eco.catalogue": ["แหล่งท่องเที่ยวและสินค้าชุมชน", "Attractions and community products"],
  "eco.search": ["ค้นหา", "Search"],
  "eco.all_categories": ["ทุกประเภท", "all categories"],
  "eco.all_districts": ["ทุกอำเภอ", "all districts"],
  "eco.open_now": ["เปิดอยู่ตอนนี้", "open now"],
  "eco.open": ["เปิด", "open"],
  "eco.closed": ["ปิด", "closed"],
  "eco.found": ["พบ {n} แห่ง", "{n} found"],
  "eco.name": ["ชื่อ", "name"],
  "eco.category": ["ประเภท", "category"],
  "eco.visits": ["ผู้เยี่ยมเยือนและรายได้รายเดือน", "Visitors and revenue by month"],
  "eco.visitors": ["ผู้เยี่ยมเยือน (คน)", "visitors"],
  "eco.revenue": ["รายได้ (ล้านบาท)", "revenue (million THB)"],
  "eco.this": ["เดือนนั้น", "that month"],
  "eco.last_year": ["เดือนเดียวกันปีก่อน", "same month last year"],
  "eco.y2019": ["เดือนเดียวกันปี 2562", "same month of 2019"],
  "eco.map": ["แผนที่แหล่งท่องเที่ยวและสินค้าชุมชน", "Map of attractions and products"],
  "eco.places_caption": ["รายการที่ตรงกับการค้นหา", "Places matching the search"],
  "eco.growth_caption": ["ตัวเลขเดือนล่าสุดเทียบกับปีก่อนและปี 2562", "Latest month against last year and 2019"],
  "eco.attraction": ["แหล่งท่องเที่ยว", "attraction"],
  "eco.product": ["สินค้าชุมชน", "community product"],
  "eco.latest": ["เดือนล่าสุด {m}", "Latest month {m}"],
  "eco.figure": ["ตัวเลข", "figure"],
  "eco.value": ["ค่า", "value"],
  "eco.growth_ly": ["เทียบเดือนเดียวกันปีก่อน", "vs same month last year"],
  "eco.growth_2019": ["เทียบปี 2562", "vs 2019"],
  "eco.indicators": ["ตัวชี้วัด", "Indicators"],
  "eco.source": ["ที่มา", "source"],
});

const PLACES = "/api/v1/economy/places";
const VISITS = "/api/v1/economy/visits";

const growth = (g) => (g === null || g === undefined ? "–" : `${g >= 0 ? "+" : ""}${fmtNum(g * 100, 1, 1)} %`);
const monthEpoch = (m) => epoch(`${m}-15T00:00:00+07:00`);

function shiftYear(month, years) {
  return `${Number(month.slice(0, 4)) - years}${month.slice(4)}`;
}

function visitsCharts(months, visitorsEl, revenueEl) {
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const xs = months.map((m) => monthEpoch(m.month));
  const col = (field, scale, f) =>
    months.map((m) => {
      const row = byMonth.get(f(m.month));
      return row && row[field] !== null && row[field] !== undefined ? row[field] / scale : null;
    });
  for (const [el, field, scale, label] of [
    [visitorsEl, "visitors", 1, t("eco.visitors")],
    [revenueEl, "revenue_thb", 1e6, t("eco.revenue")],
  ]) {
    clear(el);
    timeChart(
      el,
      xs,
      [
        { label: t("eco.this"), values: col(field, scale, (m) => m), color: "#1565c0" },
        { label: t("eco.last_year"), values: col(field, scale, (m) => shiftYear(m, 1)), color: "#ef6c00", dash: [6, 4] },
        { label: t("eco.y2019"), values: col(field, scale, (m) => `2019${m.slice(4)}`), color: "#888", dash: [2, 3] },
      ],
      { yLabel: label, height: 220, title: label },
    );
  }
}

async function render(ctx) {
  const [categories, districts, visits, growthReport, indicators] = await Promise.all([
    has("/api/v1/economy/categories") ? getJSON("/api/v1/economy/categories") : [],
    getJSON("/api/v1/districts?simplify=0.0002"),
    has(VISITS) ? getJSON(VISITS) : null,
    has("/api/v1/economy/growth") ? getJSON("/api/v1/economy/growth") : null,
    has("/api/v1/economy/indicators") ? getJSON("/api/v1/economy/indicators") : null,
  ]);
  const filters = { q: "", category: "", district: "", open_now: false };
  let places = [];
  const mapEl = h("div", { class: "map small", id: "economy-map", role: "region", "aria-label": t("eco.map") });
  const formEl = h("form", { id: "place-filters", class: "filters" });
  const listEl = h("div", { id: "places" });
  const charts = { visitors: h("div", { class: "chart", id: "visitors-chart" }), revenue: h("div", { class: "chart", id: "revenue-chart" }) };
  const growthEl = h("div", { id: "growth" });
  const indEl = h("div", { id: "economy-indicators", class: "indicators" });
  let markers = null;
  let map = null;
  let drawn = null;

  const drawMarkers = () => {
    if (!map) return;
    if (markers) markers.remove();
    const list = [];
    for (const f of places) {
      if (!f.geometry || f.geometry.type !== "Point") continue;
      const [lon, lat] = f.geometry.coordinates;
      const attraction = f.properties.kind === "attraction";
      list.push(
        pointMarker([lat, lon], {
          shape: attraction ? "circle" : "square",
          color: attraction ? "#00897b" : "#c2185b",
          label: `${pick(f.properties, "name")} (${t(attraction ? "eco.attraction" : "eco.product")})`,
          className: "place-marker",
          data: { place: f.properties.id ?? "" },
        })
          // A built element, never an HTML string: the name is data (Leaflet would parse a string).
          .bindPopup(() => h("div", { class: "place-popup" }, pick(f.properties, "name"))),
      );
    }
    markers = pointsLayer(list).addTo(map);
    mapEl.dataset.markers = String(markers.getLayers().length);
  };
  const drawList = () => {
    fill(
      listEl,
      h("p", { class: "muted", id: "places-count", "data-count": places.length }, t("eco.found", { n: fmtCount(places.length) })),
      table(
        [t("eco.name"), t("eco.category"), t("district"), t("eco.open_now")],
        places.map((f) => {
          const p = f.properties;
          return h(
            "tr",
            { "data-place": p.id },
            h("td", {}, h("b", {}, pick(p, "name")), " ", dataBadges({}, { sample: p.sample }), h("br"), h("small", { class: "muted" }, pick(p, "description"))),
            h("td", {}, pick(p, "category")),
            h("td", {}, pick(p, "district")),
            h("td", {}, p.open_now === null || p.open_now === undefined ? "–" : badge(p.open_now ? "open" : "closed", t(p.open_now ? "eco.open" : "eco.closed"))),
          );
        }),
        { id: "places-table", cards: true, caption: t("eco.places_caption") },
      ),
    );
  };
  const search = async () => {
    places = (
      await getJSON(PLACES, {
        q: filters.q || undefined,
        category: filters.category || undefined,
        district: filters.district || undefined,
        open_now: filters.open_now ? "true" : undefined,
        limit: 1000,
      })
    ).features;
    drawList();
    drawMarkers();
    listEl.dataset.ready = "true";
  };
  const drawForm = () => {
    const input = h("input", { type: "search", name: "q", id: "eco-q", value: filters.q, placeholder: t("eco.search") });
    const cat = h(
      "select",
      { name: "category", id: "eco-category" },
      h("option", { value: "" }, t("eco.all_categories")),
      categories.map((c) => h("option", { value: c.category, selected: c.category === filters.category }, pick(c, "name"))),
    );
    const dis = h(
      "select",
      { name: "district", id: "eco-district" },
      h("option", { value: "" }, t("eco.all_districts")),
      districts.features.map((d) =>
        h("option", { value: d.properties.code, selected: d.properties.code === filters.district }, pick(d.properties, "name")),
      ),
    );
    const open = h("input", { type: "checkbox", name: "open_now", checked: filters.open_now });
    const changed = () => {
      filters.q = input.value.trim();
      filters.category = cat.value;
      filters.district = dis.value;
      filters.open_now = open.checked;
      listEl.dataset.ready = "false";
      search().catch((err) => fill(listEl, h("p", { class: "notice error" }, err.message)));
    };
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(changed, 250);
    });
    for (const el of [cat, dis, open]) el.addEventListener("change", changed);
    formEl.onsubmit = (ev) => {
      ev.preventDefault();
      changed();
    };
    fill(
      formEl,
      h("label", { class: "field", for: "eco-q" }, t("eco.search"), input),
      h("label", { class: "field", for: "eco-category" }, t("eco.category"), cat),
      h("label", { class: "field", for: "eco-district" }, t("district"), dis),
      h("label", {}, open, " ", t("eco.open_now")),
    );
  };
  const drawGrowth = () => {
    if (!growthReport || !growthReport.figures) return fill(growthEl, notAvailable());
    const rows = Object.entries(growthReport.figures).map(([key, f]) =>
      h(
        "tr",
        { "data-figure": key },
        h("td", {}, key === "revenue_thb" ? t("eco.revenue") : t("eco.visitors")),
        h("td", { class: "num", "data-value": f.value ?? "" }, key === "revenue_thb" ? fmtNum(f.value / 1e6, 1) : fmtCount(f.value)),
        h("td", { class: "num", "data-value": f.same_month_last_year?.growth ?? "" }, growth(f.same_month_last_year?.growth)),
        h("td", { class: "num", "data-value": f.vs_reference?.same_month?.growth ?? "" }, growth(f.vs_reference?.same_month?.growth)),
      ),
    );
    fill(
      growthEl,
      h("h3", {}, t("eco.latest", { m: fmtPeriod(growthReport.month) })),
      table([t("eco.figure"), t("eco.value"), t("eco.growth_ly"), t("eco.growth_2019")], rows, {
        id: "growth-table",
        cards: true,
        caption: t("eco.growth_caption"),
      }),
    );
  };
  const drawVisits = () => {
    if (visits && visits.months.length) visitsCharts(visits.months, charts.visitors, charts.revenue);
  };
  const drawIndicators = () =>
    indicators ? fill(indEl, indicators.map((i) => indicatorCard(i))) : fill(indEl, notAvailable());
  const source = visits && visits.months.length ? visits.months[visits.months.length - 1].source : null;
  const root = h(
    "div",
    { class: "economy" },
    h("section", { class: "panel" }, h("h2", {}, t("eco.catalogue")), formEl, mapEl, listEl),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("eco.visits")),
      visits ? [charts.visitors, charts.revenue] : notAvailable(),
      source ? h("p", { class: "muted" }, `${t("eco.source")}: ${source}`) : null,
      growthEl,
    ),
    h("section", { class: "panel" }, h("h2", {}, t("eco.indicators")), indEl),
  );
  const drawAll = () => {
    drawForm();
    drawList();
    drawGrowth();
    drawVisits();
    drawIndicators();
    for (const [el, key] of [[root.children[0].firstChild, "eco.catalogue"], [root.children[1].firstChild, "eco.visits"], [root.children[2].firstChild, "eco.indicators"]]) {
      el.textContent = t(key);
    }
    mapEl.setAttribute("aria-label", t("eco.map"));
    if (drawn) relabelDistricts(drawn);
    drawMarkers();
  };
  await search();
  drawAll();
  ctx.onLang(drawAll);
  requestAnimationFrame(() => {
    map = createMap(mapEl);
    drawn = drawDistricts(map, districts);
    drawMarkers();
    fitTo(map, [drawn.layer, markers]);
    mapEl.dataset.ready = "true";
  });
  return () => root;
}

export default (ctx) =>
  domainPage(ctx, { key: "economy", prefixes: ["/api/v1/economy"], needs: [PLACES], render });
