// The tide page: the newest 72 h water-level forecast of a gauge with its 80 % and 95 %
// bands, the observed line before (and since) the issue time, and the warning levels.
import { getJSON } from "../api.js";
import { joinSeries, timeChart } from "../chart.js";
import { epoch, fmtNum, fmtTime, fmtUnit, isoBangkok, unitName } from "../format.js";
import { addMessages, pick, t } from "../i18n.js";
import { WATER_COLORS, waterLevelName } from "../states.js";
import { dataBadges, errorBox, fill, h, levelChip, notAvailable, table } from "../ui.js";

addMessages({
  "tide.title": ["พยากรณ์ระดับน้ำ 72 ชั่วโมง", "72 h water-level forecast"],
  "tide.issued": ["ออกพยากรณ์เมื่อ", "issued"],
  "tide.model": ["แบบจำลอง", "model"],
  "tide.datum": ["ระดับอ้างอิง", "datum"],
  "tide.observed": ["ระดับน้ำที่วัดได้", "observed"],
  "tide.forecast": ["พยากรณ์", "forecast"],
  "tide.astro": ["น้ำขึ้นน้ำลงทางดาราศาสตร์", "astronomical tide"],
  "tide.band80": ["ช่วง 80 %", "80 % band"],
  "tide.band95": ["ช่วง 95 %", "95 % band"],
  "tide.peak": ["สูงสุดในพยากรณ์", "forecast peak"],
  "tide.level": ["ระดับเตือนภัย", "warning level"],
  "tide.height": ["ความสูง (ม.)", "height (m)"],
  "tide.first": ["ถึงครั้งแรก (ค่ากลาง)", "first reached (central)"],
  "tide.possible": ["อาจถึง (ขอบบน 95 %)", "possibly reached (95 % upper)"],
  "tide.not_reached": ["ไม่ถึง", "not reached"],
  "tide.none": ["ยังไม่มีสถานีวัดระดับน้ำ", "No water-level gauge yet"],
  "tide.no_forecast": ["ยังไม่มีพยากรณ์สำหรับสถานีนี้", "No forecast for this gauge yet"],
  "tide.other": ["สถานีอื่น", "other gauges"],
  "tide.caption": ["เวลาที่คาดว่าระดับน้ำจะถึงแต่ละระดับเตือนภัย", "When each warning level may be reached"],
  "tide.chart": ["ระดับน้ำที่วัดได้และพยากรณ์ 72 ชั่วโมง", "Observed and 72 h forecast water level"],
});

const BAND95 = "rgba(61, 90, 128, 0.13)";
const BAND80 = "rgba(61, 90, 128, 0.28)";

async function load(id) {
  const [station, fc] = await Promise.all([
    getJSON(`/api/v1/stations/${encodeURIComponent(id)}`),
    getJSON(`/api/v1/stations/${encodeURIComponent(id)}/forecast`),
  ]);
  const issued = epoch(fc.issued_at);
  const lastFc = fc.points.length ? epoch(fc.points[fc.points.length - 1].time) : issued;
  const observed = await getJSON(`/api/v1/stations/${encodeURIComponent(id)}/series`, {
    quantity: "water_level",
    bucket: "raw",
    start: isoBangkok(issued - 48 * 3600),
    end: isoBangkok(Math.min(lastFc, Date.now() / 1000) + 1),
  });
  return { station, fc, observed };
}

function firstAt(points, key, level) {
  const p = points.find((x) => x[key] >= level);
  return p ? fmtTime(p.time) : t("tide.not_reached");
}

function summary(d) {
  const { fc } = d;
  const peak = fc.points.reduce((a, b) => (b.value > (a ? a.value : -Infinity) ? b : a), null);
  const levels = fc.warning_levels || {};
  return h(
    "section",
    { class: "panel" },
    h(
      "p",
      {},
      `${t("tide.issued")}: ${fmtTime(fc.issued_at)} · ${t("tide.datum")}: ${fc.datum || "–"}`,
      h("br"),
      h("span", { class: "muted" }, `${t("tide.model")}: ${fc.model}`),
    ),
    peak
      ? h(
          "p",
          {},
          `${t("tide.peak")}: `,
          h("b", { id: "tide-peak", "data-value": peak.value }, fmtUnit(peak.value, "m", 2)),
          ` · ${fmtTime(peak.time)} (80 %: ${fmtNum(peak.lo80, 2)}–${fmtUnit(peak.hi80, "m", 2)}; 95 %: ${fmtNum(peak.lo95, 2)}–${fmtUnit(peak.hi95, "m", 2)})`,
        )
      : null,
    table(
      [t("tide.level"), t("tide.height"), t("tide.first"), t("tide.possible")],
      Object.entries(levels).map(([k, v]) =>
        h(
          "tr",
          { "data-level": k },
          h("td", {}, levelChip(WATER_COLORS[k] || "#888", waterLevelName(k))),
          h("td", { class: "num", "data-value": v }, fmtNum(Number(v), 2, 2)),
          h("td", {}, firstAt(fc.points, "value", v)),
          h("td", {}, firstAt(fc.points, "hi95", v)),
        ),
      ),
      { id: "tide-levels", cards: true, caption: t("tide.caption") },
    ),
  );
}

function chart(el, d) {
  const { fc, observed } = d;
  const f = (key) => fc.points.map((p) => [epoch(p.time), p[key]]);
  const obs = observed.points.map((p) => [epoch(p.time), p.value]);
  const { times, columns } = joinSeries([
    f("hi95"),
    f("lo95"),
    f("hi80"),
    f("lo80"),
    f("value"),
    f("tide"),
    obs,
  ]);
  const levels = Object.entries(fc.warning_levels || {});
  const series = [
    { label: t("tide.band95"), values: columns[0], color: "rgba(61,90,128,0.35)", width: 1, points: false },
    {
      label: `${t("tide.band95")} ↓`,
      values: columns[1],
      color: "rgba(61,90,128,0.35)",
      width: 1,
      points: false,
    },
    { label: t("tide.band80"), values: columns[2], color: "rgba(61,90,128,0.55)", width: 1, points: false },
    {
      label: `${t("tide.band80")} ↓`,
      values: columns[3],
      color: "rgba(61,90,128,0.55)",
      width: 1,
      points: false,
    },
    { label: t("tide.forecast"), values: columns[4], color: "#1d3557", width: 2.5, points: false },
    { label: t("tide.astro"), values: columns[5], color: "#6c757d", dash: [6, 4], width: 1.5, points: false },
    { label: t("tide.observed"), values: columns[6], color: "#e63946", width: 2, points: false },
    ...levels.map(([k, v]) => ({
      label: waterLevelName(k),
      values: times.map(() => v),
      color: WATER_COLORS[k] || "#888",
      dash: [3, 3],
      width: 1.5,
      points: false,
    })),
  ];
  timeChart(el, times, series, {
    height: 380,
    yLabel: `${unitName("m")} (${fc.datum || ""})`,
    title: t("tide.chart"),
    bands: [
      [1, 2, BAND95],
      [3, 4, BAND80],
    ],
  });
}

export default async function start(ctx) {
  let id = ctx.params.station_id;
  let gauges = [];
  try {
    gauges = (await getJSON("/api/v1/stations", { kind: "water_level" })).features;
  } catch (err) {
    fill(ctx.app, errorBox(err));
    return;
  }
  if (!id && !gauges.length) return fill(ctx.app, notAvailable(t("tide.none")));
  // /tide without a gauge: the first one that has a forecast. A gauge added today has no
  // readings and no forecast yet: it must not hide the one that has (it came first by id).
  // Gauges with a fresh reading are tried first, the next only when one has no forecast.
  const fresh = (g) => (g.properties.latest?.water_level?.stale === false ? 0 : 1);
  const tries = id ? [id] : [...gauges].sort((a, b) => fresh(a) - fresh(b)).map((g) => g.id);
  let d;
  for (const candidate of tries) {
    try {
      d = await load(candidate);
      id = candidate;
      break;
    } catch (err) {
      if (err.status !== 404 && err.status !== 422) return fill(ctx.app, errorBox(err)); // 422: not a gauge
    }
  }
  if (!d) return fill(ctx.app, notAvailable(`${t("tide.no_forecast")} (${id || tries[0]})`));
  const render = () => {
    const p = d.station.properties;
    const chartEl = h("div", { class: "chart", id: "tide-chart" });
    fill(
      ctx.app,
      h(
        "h1",
        {},
        t("tide.title"),
        ": ",
        pick(p, "name"),
        " ",
        dataBadges(p.meta, { simulated: d.fc.simulated }),
      ),
      d.fc.simulated
        ? h(
            "div",
            { class: "banner-simulated", id: "simulated-banner" },
            t("badge.simulated"),
            " — ",
            p.meta.source || "",
          )
        : null,
      h("section", { class: "panel" }, chartEl),
      summary(d),
      gauges.length > 1
        ? h(
            "p",
            {},
            `${t("tide.other")}: `,
            gauges
              .filter((g) => g.id !== id)
              .map((g) => [
                h("a", { href: `/tide/${encodeURIComponent(g.id)}` }, pick(g.properties, "name")),
                " ",
              ]),
          )
        : null,
    );
    chart(chartEl, d);
  };
  render();
  ctx.onLang(render);
  ctx.app.dataset.ready = "true";
}
