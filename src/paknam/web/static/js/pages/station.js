// One station: what it is, its latest values, a chart per series, and its AQI or WQI
// history (air and water-quality stations) or a link to its tide forecast (gauges).
import { getJSON, has } from "../api.js";
import { timeChart, withGaps } from "../chart.js";
import {
  epoch,
  fmtDate,
  fmtNum,
  fmtTime,
  fmtUnit,
  fmtYear,
  isoBangkok,
  pollutantName,
  unitDigits,
  unitName,
} from "../format.js";
import { addMessages, pick, t } from "../i18n.js";
import { aqiLevel, GREY, isFresh } from "../states.js";
import { badge, dataBadges, errorBox, fill, h, levelChip, notAvailable, table } from "../ui.js";

addMessages({
  "st.latest": ["ค่าล่าสุด", "Latest values"],
  "st.quantity": ["ตัวแปร", "quantity"],
  "st.series": ["อนุกรมเวลา", "Time series"],
  "st.range_hour": ["ค่าเฉลี่ยรายชั่วโมง 31 วันก่อนค่าล่าสุด", "hourly means, 31 days to the latest value"],
  "st.range_raw": ["ค่าตรวจวัดทั้งหมด", "every measured value"],
  "st.aqi": ["ดัชนีคุณภาพอากาศ (AQI) รายชั่วโมง", "Hourly Thai AQI"],
  "st.aqi_now": ["AQI ล่าสุด", "Latest AQI"],
  "st.pollutant": ["สารมลพิษหลัก", "main pollutant"],
  "st.wqi": ["ดัชนีคุณภาพน้ำ (WQI)", "Water quality index (WQI)"],
  "st.wqi_day": ["วันที่เก็บตัวอย่าง", "sampling day"],
  "st.wqi_band": ["ระดับ", "band"],
  "st.wqi_year": ["รายปี (ต่ำสุดของรายเดือน)", "yearly (lowest month)"],
  "st.tide": ["ดูพยากรณ์ระดับน้ำ 72 ชั่วโมง", "See the 72 h water-level forecast"],
  "st.source": ["แหล่งข้อมูล", "source"],
  "st.no_series": ["สถานีนี้ยังไม่มีข้อมูล", "This station has no data yet"],
  "st.kind": ["ประเภท", "kind"],
  "st.position": ["พิกัด", "position"],
  "st.missing": ["ไม่มีสถานีนี้", "No such station"],
  "st.old_aqi": [
    "ค่านี้เก่าเกินกว่าจะบอกสภาพอากาศตอนนี้ จึงไม่แสดงระดับและคำแนะนำสุขภาพ",
    "This value is too old to describe the air now: no level or health advice is shown",
  ],
  "st.year": ["ปี", "year"],
  "st.latest_caption": ["ค่าล่าสุดของแต่ละตัวแปร", "Latest value of each quantity"],
  "st.wqi_caption": ["WQI รายวันที่เก็บตัวอย่าง", "WQI by sampling day"],
  "st.wqi_year_caption": ["WQI รายปี", "WQI by year"],
});

const HOUR_SPAN_S = 31 * 86400;
const SPARSE_SPAN_S = 10 * 366 * 86400;

function seriesQuery(kind, quantity, latestIso) {
  const end = epoch(latestIso) + 1;
  if (kind === "water_quality")
    return { quantity, bucket: "raw", start: isoBangkok(end - SPARSE_SPAN_S), end: isoBangkok(end) };
  if (kind === "water_level")
    return { quantity, bucket: "hour", start: isoBangkok(end - 7 * 86400), end: isoBangkok(end) };
  return {
    quantity,
    bucket: "hour",
    agg: "mean",
    start: isoBangkok(end - HOUR_SPAN_S),
    end: isoBangkok(end),
  };
}

async function loadAll(id) {
  const feature = await getJSON(`/api/v1/stations/${encodeURIComponent(id)}`);
  const p = feature.properties;
  const quantities = await getJSON("/api/v1/quantities");
  const latest = p.latest || {};
  const series = await Promise.all(
    p.series
      .filter((s) => latest[s.quantity])
      .map((s) =>
        getJSON(
          `/api/v1/stations/${encodeURIComponent(id)}/series`,
          seriesQuery(p.kind, s.quantity, latest[s.quantity].time),
        ),
      ),
  );
  let aqi = null;
  let wqi = null;
  const newest = Object.values(latest)
    .map((v) => v.time)
    .sort()
    .pop();
  if (p.kind === "air" && newest && has("/api/v1/stations/{station_id}/aqi")) {
    const end = epoch(newest) + 1;
    aqi = await getJSON(`/api/v1/stations/${encodeURIComponent(id)}/aqi`, {
      start: isoBangkok(end - HOUR_SPAN_S),
      end: isoBangkok(end),
    });
  }
  if (p.kind === "water_quality" && has("/api/v1/stations/{station_id}/wqi")) {
    wqi = await getJSON(`/api/v1/stations/${encodeURIComponent(id)}/wqi`);
  }
  return { feature, quantities: new Map(quantities.map((q) => [q.code, q])), series, aqi, wqi };
}

function head(d) {
  const p = d.feature.properties;
  const [lon, lat] = d.feature.geometry.coordinates;
  return h(
    "section",
    { class: "panel" },
    h("h1", { id: "station-name" }, pick(p, "name"), " ", dataBadges(p.meta)),
    p.meta && p.meta.simulated
      ? h("div", { class: "banner-simulated" }, t("badge.simulated"), " — ", p.meta.source || "")
      : null,
    h(
      "p",
      { class: "muted" },
      `${t("st.kind")}: ${t(`kind.${p.kind}`)} · ${t("st.position")}: ${fmtNum(lat, 4, 4)} N, ${fmtNum(lon, 4, 4)} E`,
      p.meta && p.meta.source ? ` · ${t("st.source")}: ${p.meta.source}` : "",
    ),
    p.kind === "water_level"
      ? h("p", {}, h("a", { href: `/tide/${encodeURIComponent(p.id)}` }, t("st.tide")))
      : null,
  );
}

function latestTable(d) {
  const p = d.feature.properties;
  const rows = Object.entries(p.latest || {}).map(([code, v]) => {
    const q = d.quantities.get(code);
    return h(
      "tr",
      { "data-quantity": code },
      h("td", {}, q ? pick(q, "name") : code),
      h("td", { class: v.stale ? "num old" : "num", "data-value": v.value }, fmtUnit(v.value, q ? q.unit : "", q ? unitDigits(q.unit, 3) : 3)),
      h("td", {}, fmtTime(v.time), v.stale ? [" ", badge("stale")] : ""),
    );
  });
  return h(
    "section",
    { class: "panel" },
    h("h2", {}, t("st.latest")),
    rows.length
      ? table([t("st.quantity"), t("value"), t("time")], rows, { id: "latest", caption: t("st.latest_caption") })
      : h("p", {}, t("st.no_series")),
  );
}

function aqiPanel(d) {
  if (!d.aqi) return null;
  const pts = d.aqi.points.filter((x) => x.aqi !== null && x.aqi !== undefined);
  const last = pts[pts.length - 1];
  const lv = last ? aqiLevel(last.level) : null;
  // Level colour and health advice only while the readings behind the AQI are fresh.
  const fresh = last ? isFresh(d.feature, Object.keys(last.sub_indices || { [last.pollutant]: 1 })) : false;
  const chartEl = h("div", { class: "chart", id: "aqi-chart" });
  const panel = h(
    "section",
    { class: "panel", id: "aqi-panel" },
    h("h2", {}, t("st.aqi")),
    last
      ? h(
          "div",
          { id: "aqi-state", "data-fresh": String(fresh) },
          h(
            "p",
            {},
            `${t("st.aqi_now")}: `,
            h("span", { class: fresh ? "big" : "big old", id: "aqi-now", "data-value": last.aqi }, String(last.aqi)),
            " ",
            fresh
              ? levelChip(last.color, lv ? pick(lv, "name") : "", { id: "aqi-level", "data-color": last.color })
              : levelChip(GREY, t("data_of", { time: fmtTime(last.time) }), { id: "aqi-level", "data-color": GREY }),
            h("br"),
            `${t("st.pollutant")}: ${pollutantName(last.pollutant)} · ${fmtTime(last.time)}`,
          ),
          fresh && lv
            ? h("p", { class: "advice", id: "aqi-advice" }, pick(lv, "advice"))
            : h("p", { class: "muted", id: "aqi-old" }, badge("stale"), " ", t("st.old_aqi")),
        )
      : h("p", {}, t("no_data")),
    chartEl,
  );
  requestAnimationFrame(() => {
    if (pts.length) {
      const [xs, ys] = withGaps(
        pts.map((x) => epoch(x.time)),
        pts.map((x) => x.aqi),
        5400,
      );
      timeChart(chartEl, xs, [{ label: "AQI", values: ys, color: "#3d5a80" }], { yLabel: "AQI", title: t("st.aqi") });
    }
  });
  return panel;
}

function wqiPanel(d) {
  if (!d.wqi) return null;
  const days = d.wqi.days || [];
  const chartEl = h("div", { class: "chart", id: "wqi-chart" });
  const note = days.length ? pick(days[days.length - 1], "note") : "";
  const method = days.length ? days[days.length - 1].method : "";
  const panel = h(
    "section",
    { class: "panel", id: "wqi-panel" },
    h("h2", {}, t("st.wqi"), " ", badge("provisional", t("badge.provisional"))),
    note ? h("p", { class: "muted" }, note) : null,
    method ? h("p", { class: "muted" }, method) : null,
    chartEl,
    table(
      [t("st.wqi_day"), "WQI", t("st.wqi_band")],
      days.map((x) =>
        h(
          "tr",
          { "data-date": x.date },
          h("td", {}, fmtDate(x.time)),
          h("td", { class: "num", "data-value": x.wqi }, String(x.wqi)),
          h("td", {}, levelChip(x.color, pick(x, "band_name"))),
        ),
      ),
      { id: "wqi-days", caption: t("st.wqi_caption") },
    ),
    h("h3", {}, t("st.wqi_year")),
    table(
      [t("st.year"), "WQI"],
      Object.entries(d.wqi.yearly || {}).map(([y, v]) => [fmtYear(y), fmtNum(v.wqi, 0)]),
      { caption: t("st.wqi_year_caption") },
    ),
  );
  requestAnimationFrame(() => {
    if (days.length)
      timeChart(
        chartEl,
        days.map((x) => epoch(x.time)),
        [{ label: "WQI", values: days.map((x) => x.wqi), color: "#00897b", points: true }],
        { yLabel: "WQI", title: t("st.wqi") },
      );
  });
  return panel;
}

function seriesPanels(d) {
  return d.series.map((s) => {
    const q = d.quantities.get(s.quantity);
    const chartEl = h("div", { class: "chart", "data-quantity": s.quantity });
    const pts = s.points;
    requestAnimationFrame(() => {
      if (!pts.length) return;
      const times = pts.map((x) => epoch(x.time));
      const values = pts.map((x) => x.value);
      const [xs, ys] = s.bucket === "raw" ? [times, values] : withGaps(times, values, 5400);
      timeChart(chartEl, xs, [{ label: q ? pick(q, "name") : s.quantity, values: ys, color: "#3d5a80" }], {
        yLabel: unitName(s.unit),
        title: q ? pick(q, "name") : s.quantity,
      });
    });
    return h(
      "section",
      { class: "panel series" },
      h("h3", {}, q ? pick(q, "name") : s.quantity, unitName(s.unit) ? ` (${unitName(s.unit)})` : ""),
      h(
        "p",
        { class: "muted" },
        s.bucket === "raw" ? t("st.range_raw") : t("st.range_hour"),
        ` · ${fmtDate(s.start)} – ${fmtDate(s.end)}`,
      ),
      pts.length ? chartEl : h("p", {}, t("no_data")),
    );
  });
}

export default async function start(ctx) {
  const id = ctx.params.station_id;
  let d;
  try {
    d = await loadAll(id);
  } catch (err) {
    fill(ctx.app, err.status === 404 ? notAvailable(`${t("st.missing")}: ${id}`) : errorBox(err));
    return;
  }
  const render = () => {
    fill(
      ctx.app,
      head(d),
      h("div", { class: "grid2" }, latestTable(d), aqiPanel(d), wqiPanel(d)),
      h("h2", {}, t("st.series")),
      h("div", { class: "grid2" }, seriesPanels(d)),
    );
    document.title = `${pick(d.feature.properties, "name")} — paknam`;
  };
  render();
  ctx.onLang(render);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  ctx.app.dataset.ready = "true";
}
