// The proposal's indicators: from the indicator board (GET /api/v1/indicators) when it is
// on this server, otherwise the Smart Environment indicators of the current year.
import { getJSON, has } from "./api.js";
import { addMessages, lang, pick, t } from "./i18n.js";
import { fmtNum, fmtPeriod, fmtUnit, knownUnit } from "./format.js";
import { badge, h } from "./ui.js";

addMessages({
  "ind.value": ["ค่าปัจจุบัน", "current"],
  "ind.target": ["เป้าหมาย", "target"],
  "ind.baseline": ["ค่าฐาน", "baseline"],
  "ind.coverage": ["ความครบถ้วนของข้อมูล", "data coverage"],
  "ind.trend": ["แนวโน้มรายเดือน", "monthly trend"],
  "ind.period": ["ช่วงเวลา", "period"],
  "basis.mixed": ["มีข้อมูลจำลอง/ตัวอย่างปน", "includes simulated or sample data"],
  "ind.env_only": [
    "กระดานตัวชี้วัดรวมยังไม่เปิดใช้ — แสดงตัวชี้วัดด้านสิ่งแวดล้อมของปีนี้",
    "The indicator board is not available yet — showing this year's Smart Environment indicators",
  ],
});

export const BOARD_PATH = "/api/v1/indicators";

export function bangkokYear() {
  return Number(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Bangkok", year: "numeric" }).format(new Date()),
  );
}

/** {source: "board"|"environment"|null, items} */
export async function loadIndicators() {
  if (has(BOARD_PATH)) {
    const body = await getJSON(BOARD_PATH);
    return { source: "board", items: Array.isArray(body) ? body : body.indicators || [] };
  }
  if (has("/api/v1/environment/indicators")) {
    const items = await getJSON("/api/v1/environment/indicators", { year: bangkokYear() });
    return { source: "environment", items };
  }
  return { source: null, items: [] };
}

function isShare(unit) {
  return typeof unit === "string" && unit.toLowerCase().startsWith("share");
}

/** An indicator value with its unit (the locale layer's spelling): shares as percentages,
 * counts of people whole. */
export function fmtIndicator(value, unit) {
  if (value === null || value === undefined) return t("no_data");
  if (isShare(unit)) return `${fmtNum(value * 100, 1, 1)} %`;
  if (unit === "%") return `${fmtNum(value, 1)} %`;
  if (knownUnit(unit) || !unit) return fmtUnit(value, unit);
  return `${fmtNum(value, 2)} ${unit}`;
}

/** Monthly trend points [[label, value], ...] when the indicator carries them. */
export function trendOf(ind) {
  if (Array.isArray(ind.trend)) {
    return ind.trend
      .filter((p) => p && p.value !== null && p.value !== undefined)
      .map((p) => [fmtPeriod(p.period), p.value]);
  }
  const months = ind.details && ind.details.year && ind.details.year.months;
  if (months) {
    return Object.entries(months)
      .filter(([, m]) => m && m.share !== null && m.share !== undefined)
      .map(([m, v]) => [fmtPeriod(`${ind.period}-${String(m).padStart(2, "0")}`), v.share]);
  }
  return [];
}

function sparkline(points, unit) {
  if (points.length < 2) return null;
  const values = points.map((p) => p[1]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const w = 160;
  const ht = 36;
  const xy = values.map((v, i) => [
    (i / (values.length - 1)) * (w - 4) + 2,
    ht - 2 - ((v - lo) / (hi - lo || 1)) * (ht - 4),
  ]);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${ht}`);
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("role", "img");
  const text = points.map(([p, v]) => `${p}: ${fmtIndicator(v, unit)}`).join(", ");
  svg.setAttribute("aria-label", `${t("ind.trend")}: ${text}`);
  const title = document.createElementNS(ns, "title");
  title.textContent = text;
  svg.append(title);
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", xy.map((p) => p.join(",")).join(" "));
  svg.append(line);
  return svg;
}

/** One indicator as a card; `compact` (home page) leaves out baseline, coverage, trend. */
export function indicatorCard(ind, { compact = false } = {}) {
  const status = ind.status || "no_data";
  const line = compact ? null : sparkline(trendOf(ind), ind.unit);
  return h(
    "article",
    { class: `indicator status-${status}`, "data-indicator": ind.id },
    h(
      "header",
      {},
      h("h3", {}, pick(ind, "name")),
      badge(`status-${status}`, t(`status.${status}`)),
      // not wholly measured: say what the value stands on (the API's `basis`)
      ind.basis && ind.basis !== "measured"
        ? ind.basis === "mixed"
          ? badge("sample", t("basis.mixed"))
          : badge(ind.basis)
        : null,
    ),
    h(
      "dl",
      {},
      h("dt", {}, t("ind.value"), ind.period ? ` (${fmtPeriod(ind.period)})` : ""),
      h("dd", { class: "ind-value", "data-value": ind.value ?? "" }, fmtIndicator(ind.value, ind.unit)),
      h("dt", {}, t("ind.target")),
      h("dd", { class: "ind-target" }, fmtIndicator(ind.target, ind.unit)),
      compact
        ? null
        : [
            h("dt", {}, t("ind.baseline"), ind.baseline_period ? ` (${fmtPeriod(ind.baseline_period)})` : ""),
            h("dd", { class: "ind-baseline" }, fmtIndicator(ind.baseline, ind.unit)),
          ],
      !compact && ind.coverage !== undefined && ind.coverage !== null
        ? [h("dt", {}, t("ind.coverage")), h("dd", {}, `${fmtNum(ind.coverage * 100, 1)} %`)]
        : null,
    ),
    // The target rule comes in English only from the API: shown in English.
    !compact && ind.target_rule && lang() === "en"
      ? h("p", { class: "muted ind-rule", lang: "en" }, `${t("ind.target")}: ${ind.target_rule}`)
      : null,
    line
      ? h(
          "div",
          { class: "trend" },
          h("small", { class: "muted" }, t("ind.trend")),
          line,
          h(
            "details",
            { class: "chart-data" },
            h("summary", {}, t("chart.data")),
            h(
              "table",
              {},
              h("caption", {}, `${pick(ind, "name")}: ${t("ind.trend")}`),
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("ind.period")), h("th", { scope: "col" }, t("ind.value")))),
              h("tbody", {}, trendOf(ind).map(([p, v]) => h("tr", {}, h("td", {}, p), h("td", { class: "num" }, fmtIndicator(v, ind.unit))))),
            ),
          ),
        )
      : null,
  );
}
