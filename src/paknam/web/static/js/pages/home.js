// The city: map of the six districts with station markers coloured by their latest state,
// what is happening in each district, active alerts and the indicators.
import { getJSON } from "../api.js";
import { alertItem, alertLink, isDrill, loadAlerts, loadWarnings, warningItem } from "../alerts_view.js";
import { fmtCount, fmtTime } from "../format.js";
import { addMessages, lang, pick, t } from "../i18n.js";
import { indicatorCard, loadIndicators } from "../indicators_view.js";
import {
  KIND_SHAPES,
  createMap,
  drawDistricts,
  drawStations,
  fitTo,
  recolourStations,
  relabelDistricts,
  symbol,
} from "../map.js";
import { GREY, stationState, WATER_COLORS, waterLevelName } from "../states.js";
import { badge, dataBadges, errorBox, fill, h, levelChip, notAvailable } from "../ui.js";

addMessages({
  "home.title": ["ข้อมูลเมืองสมุทรปราการวันนี้", "Samut Prakan today"],
  "home.districts": ["อำเภอ", "Districts"],
  "home.stations_n": ["สถานีทั้งหมด {n} แห่ง", "{n} stations"],
  "home.alerts": ["การแจ้งเตือนที่มีผลอยู่", "Active alerts"],
  "home.indicators": ["ตัวชี้วัด", "Indicators"],
  "home.quiet": ["ไม่มีคำเตือน", "No warnings"],
  "home.no_stations": ["ยังไม่มีสถานีในอำเภอนี้", "No station in this district yet"],
  "home.warnings": ["คำเตือน {n} รายการ", "{n} warning(s)"],
  "home.no_live": ["ไม่มีคำเตือนจากข้อมูลจริง", "No warnings from live data"],
  "home.demo_warnings": [
    "คำเตือนจากข้อมูลจำลอง/ตัวอย่าง (ไม่นับรวม)",
    "Warnings from simulated or sample data (not counted)",
  ],
  "home.alerts_n": ["การแจ้งเตือน {n} รายการ", "{n} alert(s)"],
  "home.outside": [
    "สถานีนอกหกอำเภอ (เช่น คลองในกรุงเทพฯ ที่ไหลมาสมุทรปราการ)",
    "Stations outside the six districts (e.g. Bangkok canals draining to Samut Prakan)",
  ],
  "home.rule_warnings": ["คำเตือนจากกฎเฝ้าระวังข้อมูลตรวจวัด", "Warnings from the monitoring rules"],
  "home.cap_na": ["ระบบการแจ้งเตือน CAP ยังไม่เปิดใช้", "The CAP alert service is not available yet"],
  "legend.aqi": ["ดัชนีคุณภาพอากาศ (AQI) กรมควบคุมมลพิษ", "Thai AQI (PCD)"],
  "legend.wqi": ["ดัชนีคุณภาพน้ำ (WQI)", "Water quality index (WQI)"],
  "legend.wl": ["ระดับน้ำเทียบระดับเตือนภัย", "Water level vs warning levels"],
  "legend.none": ["ไม่มีข้อมูล หรือข้อมูลเก่า (ไม่แสดงระดับ)", "no data, or old data (no level shown)"],
  "popup.open": ["ดูรายละเอียดสถานี", "station details"],
  "popup.tide": ["พยากรณ์ระดับน้ำ 72 ชม.", "72 h water-level forecast"],
  "worst.aqi": ["อากาศ", "Air"],
  "worst.wqi": ["น้ำ", "Water quality"],
  "worst.wl": ["ระดับน้ำ", "Water level"],
});

const HOME_WARNINGS = 6;
const SEVERITY_RANK = { extreme: 4, severe: 3, moderate: 2, minor: 1 };

/** Most severe first, then newest. */
function bySeverity(warnings) {
  const rank = (w) => SEVERITY_RANK[String(w.severity).toLowerCase()] || 0;
  return [...warnings].sort(
    (a, b) => rank(b) - rank(a) || String(b.raised_at).localeCompare(String(a.raised_at)),
  );
}

async function loadLevels(features) {
  const levels = new Map();
  const gauges = features.filter((f) => f.properties.kind === "water_level");
  await Promise.all(
    gauges.map(async (f) => {
      levels.set(f.id, await getJSON(`/api/v1/stations/${encodeURIComponent(f.id)}/warning-levels`));
    }),
  );
  return levels;
}

function byId(rows) {
  return new Map((rows || []).map((r) => [r.station, r]));
}

/** A station's state: the level as a chip beside dark text; an old value grey, with its date. */
function stateLine(state) {
  return h(
    "span",
    { class: state.fresh ? "state" : "state old", "data-fresh": String(Boolean(state.fresh)) },
    levelChip(state.color, state.label),
    state.time && !state.fresh ? [" ", badge("stale")] : "",
  );
}

/** Kind names of the warnings (server-made, in the page). */
const KIND_NAMES = (() => {
  try {
    return JSON.parse(document.getElementById("home-data")?.textContent || "{}").kinds || {};
  } catch {
    return {};
  }
})();

function kindName(kind) {
  const pair = KIND_NAMES[kind];
  return pair ? pair[lang() === "th" ? 0 : 1] : kind;
}

/** Warnings that stand on simulated or sample data (the station's flags or their own). */
function isDemoWarning(w, stationsById) {
  const meta = (stationsById.get(w.station_id) || { properties: {} }).properties.meta || {};
  const details = w.details || {};
  return Boolean(meta.simulated || meta.sample || details.simulated || details.sample);
}

/** [{kind, n}] of demo warnings: one line per kind, with a count. */
function groupByKind(warnings) {
  const counts = new Map();
  for (const w of warnings) counts.set(w.kind, (counts.get(w.kind) || 0) + 1);
  return [...counts].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([kind, n]) => ({ kind, n }));
}

function demoGroups(warnings) {
  if (!warnings.length) return null;
  return h(
    "div",
    { class: "demo-warnings", "data-demo-warnings": warnings.length },
    t("home.demo_warnings"),
    h(
      "ul",
      {},
      groupByKind(warnings).map((g) => h("li", { "data-kind": g.kind, "data-count": g.n }, `${kindName(g.kind)} × ${fmtCount(g.n)}`)),
    ),
  );
}

function popup(f, state) {
  const p = f.properties;
  return h(
    "div",
    { class: "popup" },
    h("b", {}, pick(p, "name")),
    h("div", {}, t(`kind.${p.kind}`), " ", dataBadges(p.meta)),
    h("div", {}, stateLine(state)),
    h("div", { class: "muted" }, fmtTime(state.time)),
    h("a", { href: `/station/${encodeURIComponent(f.id)}` }, t("popup.open")),
    p.kind === "water_level"
      ? [" · ", h("a", { href: `/tide/${encodeURIComponent(f.id)}` }, t("popup.tide"))]
      : "",
  );
}

/** A legend entry: the marker's own shape and colour beside dark text. */
function shapeChip(shape, color, label) {
  return h("span", { class: "chip" }, symbol(shape, color), label);
}

function legend(config) {
  const row = (items) => h("div", { class: "legend-row" }, items);
  return [
    h("b", {}, t("legend.aqi")),
    row(
      config.aqi_levels.map((lv) =>
        shapeChip(KIND_SHAPES.air, lv.color, `${lv.lo}${lv.hi ? `–${lv.hi}` : "+"} ${pick(lv, "name")}`),
      ),
    ),
    h("b", {}, t("legend.wqi")),
    row(config.wqi_bands.map((b) => shapeChip(KIND_SHAPES.water_quality, b.color, `${b.lo}–${b.hi} ${pick(b, "name")}`))),
    h("b", {}, t("legend.wl")),
    row(Object.entries(WATER_COLORS).map(([k, c]) => shapeChip("triangle", c, waterLevelName(k)))),
    row([shapeChip("circle", GREY, t("legend.none"))]),
  ];
}

function worst(items) {
  // Fresh values first; among old ones (grey, no level shown) still the highest.
  const key = (x) => (x.state.fresh ? 10 : 0) + (x.state.fresh ? x.state.rank : x.state.staleRank || 0);
  return items.reduce((a, b) => (key(b) > (a ? key(a) : -1) ? b : a), null);
}

function districtBody(code, data) {
  const here = data.stations.filter((f) => f.properties.district_code === code);
  const stationIds = new Set(here.map((f) => f.id));
  const here_warnings = data.warnings.filter(
    (w) => w.district_code === code || (w.district_code == null && stationIds.has(w.station_id)),
  );
  const warnings = here_warnings.filter((w) => !isDemoWarning(w, data.stationsById));
  const demo = here_warnings.filter((w) => isDemoWarning(w, data.stationsById));
  const alerts = data.alerts.filter((a) => a.state !== "past" && (a.districts || []).includes(code));
  const parts = [];
  const counts = {};
  for (const f of here) counts[f.properties.kind] = (counts[f.properties.kind] || 0) + 1;
  parts.push(
    h(
      "div",
      { class: "muted", "data-stations": here.length },
      here.length
        ? Object.entries(counts)
            .map(([k, n]) => `${t(`kind.${k}`)} ${fmtCount(n)}`)
            .join(" · ")
        : t("home.no_stations"),
    ),
  );
  const withState = here.map((f) => ({ f, state: data.stateOf(f) }));
  for (const [kind, key] of [
    ["aqi", "worst.aqi"],
    ["wqi", "worst.wqi"],
    ["water_level", "worst.wl"],
  ]) {
    const w = worst(withState.filter((x) => x.state.kind === kind));
    if (w) {
      parts.push(
        h(
          "div",
          { class: `worst worst-${kind}`, "data-station": w.f.id, "data-value": w.state.value },
          `${t(key)}: `,
          stateLine(w.state),
          " ",
          h("a", { href: `/station/${encodeURIComponent(w.f.id)}` }, pick(w.f.properties, "name")),
        ),
      );
    }
  }
  if (alerts.length)
    parts.push(
      h(
        "div",
        { class: "district-alerts" },
        badge(alerts.every(isDrill) ? "drill" : "alert", t("home.alerts_n", { n: alerts.length })),
        " ",
        alerts.map((a, i) => [i ? " · " : "", alertLink(a)]),
      ),
    );
  if (warnings.length) {
    const headlines = [...new Set(bySeverity(warnings).map((w) => pick(w, "headline")))];
    parts.push(
      h(
        "div",
        { class: "district-warnings", "data-warnings": warnings.length },
        badge("warning", t("home.warnings", { n: fmtCount(warnings.length) })),
        h(
          "ul",
          {},
          headlines.slice(0, 3).map((x) => h("li", {}, x)),
        ),
      ),
    );
  } else {
    parts.push(h("div", { class: "quiet", "data-warnings": 0 }, t("home.no_live")));
  }
  parts.push(demoGroups(demo));
  return parts.filter(Boolean);
}

function renderSide(data) {
  for (const li of document.querySelectorAll("#districts li.district")) {
    const code = li.dataset.district;
    const d = data.districts.get(code);
    const nameTh = li.querySelector(".name-th");
    const nameEn = li.querySelector(".name-en");
    if (d) {
      nameTh.textContent = d.name_th; // Thai name always shown; English beside it in English
      nameEn.textContent = lang() === "en" ? d.name_en : "";
    }
    fill(li.querySelector(".district-body"), districtBody(code, data));
  }
  const outside = data.stations.filter((f) => !data.districts.has(f.properties.district_code));
  const old = document.getElementById("outside");
  if (old) old.remove();
  if (outside.length) {
    const ids = new Set(outside.map((f) => f.id));
    const n = data.warnings.filter(
      (w) => w.district_code == null && ids.has(w.station_id) && !isDemoWarning(w, data.stationsById),
    ).length;
    document
      .getElementById("districts")
      .after(
        h(
          "div",
          { id: "outside", class: "outside" },
          h("b", {}, t("home.outside")),
          ": ",
          t("home.stations_n", { n: fmtCount(outside.length) }),
          n ? [" · ", badge("warning", t("home.warnings", { n }))] : "",
        ),
      );
  }
}

function renderAlerts(el, data) {
  const names = new Map([...data.districts].map(([c, d]) => [c, pick(d, "name")]));
  const parts = [];
  if (data.alertsAvailable) {
    const active = data.alerts.filter((a) => a.state !== "past");
    parts.push(
      active.length
        ? h(
            "ul",
            { class: "alerts" },
            active.map((a) => alertItem(a, names)),
          )
        : h("p", { class: "quiet" }, t("alerts.none_active")),
    );
  } else {
    parts.push(notAvailable(t("home.cap_na")));
  }
  const stationsById = data.stationsById;
  const live = data.warnings.filter((w) => !isDemoWarning(w, stationsById));
  const demo = data.warnings.filter((w) => isDemoWarning(w, stationsById));
  parts.push(
    h("h3", {}, t("home.rule_warnings")),
    live.length
      ? h(
          "ul",
          { class: "warnings" },
          bySeverity(live)
            .slice(0, HOME_WARNINGS)
            .map((w) => warningItem(w, stationsById)),
        )
      : h("p", { class: "quiet" }, t("home.no_live")),
    demoGroups(demo),
    h("p", {}, h("a", { href: "/alerts" }, `${t("more")} (${fmtCount(data.warnings.length)})`)),
  );
  fill(el, parts);
}

const STATUS_ORDER = ["on_track", "off_track", "insufficient_data", "no_data", "error"];

function renderIndicators(el, ind) {
  if (!ind.source) return fill(el, notAvailable());
  const counts = new Map();
  for (const i of ind.items) counts.set(i.status || "no_data", (counts.get(i.status || "no_data") || 0) + 1);
  fill(
    el,
    ind.source === "environment" ? h("p", { class: "muted" }, t("ind.env_only")) : null,
    h(
      "p",
      { class: "home-ind-summary", id: "ind-summary", "data-source": ind.source, "data-count": ind.items.length },
      STATUS_ORDER.filter((s) => counts.has(s)).map((s) =>
        h("span", { "data-status": s, "data-count": counts.get(s) }, badge(`status-${s}`, `${t(`status.${s}`)} ${counts.get(s)}`)),
      ),
    ),
    h(
      "div",
      { class: "indicators compact" },
      ind.items.map((i) => indicatorCard(i, { compact: true })),
    ),
    h("p", {}, h("a", { href: "/indicators" }, t("more"))),
  );
}

export default async function start(ctx) {
  const mapEl = document.getElementById("map");
  // The map is drawn as soon as boundaries and stations are in (the shell preloads both);
  // everything else is asked for only then, so that it does not hold up the map on a
  // one-process server. The markers take their colours when the AQI, WQI and warning
  // levels arrive; the AQI, computed per station, is the slowest answer.
  const [districts, stations] = await Promise.all([
    getJSON("/api/v1/districts?simplify=0.0002"),
    getJSON("/api/v1/stations"),
  ]);
  const cheap = Promise.all([loadWarnings("active"), loadAlerts()]);
  const states = Promise.all([
    getJSON("/api/v1/environment/aqi"),
    getJSON("/api/v1/environment/wqi"),
    loadLevels(stations.features),
  ]);
  cheap.catch(() => {}); // both awaited below; this only keeps an early failure from
  states.catch(() => {}); // being reported as an unhandled rejection
  const stateCtx = { aqi: new Map(), wqi: new Map(), levels: new Map() };
  const stateOf = (f) => stationState(f, stateCtx);

  const map = createMap(mapEl);
  const districtLayer = drawDistricts(map, districts);
  const markers = drawStations(map, stations.features, stateOf, popup);
  fitTo(map, [districtLayer.layer, markers]);
  mapEl.dataset.districts = String(districtLayer.byCode.size);
  mapEl.dataset.stations = String(stations.features.length);
  mapEl.dataset.ready = "true";
  performance.mark("paknam:map-ready"); // benchmarks/dashboard.py reads these marks
  const count = document.getElementById("station-count");
  const showCount = () => (count.textContent = t("home.stations_n", { n: fmtCount(stations.features.length) }));
  showCount();
  ctx.onLang(showCount);

  const [[aqi, wqi, levels], [warnings, alerts]] = await Promise.all([states, cheap]);
  stateCtx.aqi = byId(aqi);
  stateCtx.wqi = byId(wqi);
  stateCtx.levels = levels;
  recolourStations(markers, stateOf);
  mapEl.dataset.coloured = "true";
  performance.mark("paknam:map-coloured");

  const data = {
    districts: new Map(districts.features.map((f) => [f.properties.code, f.properties])),
    stations: stations.features,
    stationsById: new Map(stations.features.map((f) => [f.id, f])),
    warnings,
    alerts: alerts.alerts,
    alertsAvailable: alerts.available,
    stateOf,
  };
  const legendEl = document.getElementById("legend");
  const alertsEl = document.getElementById("home-alerts");
  const indEl = document.getElementById("home-indicators");
  const render = () => {
    fill(legendEl, legend(ctx.config));
    relabelDistricts(districtLayer);
    recolourStations(markers, stateOf);
    renderSide(data);
    renderAlerts(alertsEl, data);
  };
  render();
  ctx.onLang(render);

  try {
    const ind = await loadIndicators();
    renderIndicators(indEl, ind);
    ctx.onLang(() => renderIndicators(indEl, ind));
  } catch (err) {
    fill(indEl, errorBox(err));
  }
}
