// Time-series charts with uPlot (vendored). Time axes in Asia/Bangkok, labelled by the
// locale layer (Thai months, 24-hour times, BE years). A chart follows its container's
// width (ResizeObserver), and carries its data as a table (<details>) for people who do
// not see the canvas.
import { fmtEpoch, fmtNum, timeTicks } from "./format.js";
import { t } from "./i18n.js";
import { h } from "./ui.js";

const uPlot = window.uPlot;

function tzDate(ts) {
  return uPlot.tzDate(new Date(ts * 1e3), "Asia/Bangkok");
}

function width(el) {
  return Math.max(Math.min(el.clientWidth || 320, 1100), 200);
}

const fmtValue = (v) => (v === null || v === undefined ? "–" : fmtNum(v, 2));

/** The chart's data as a table, made when the reader opens it (charts can be long). */
function dataTable(title, xs, series) {
  const details = h("details", { class: "chart-data" }, h("summary", {}, t("chart.data")));
  details.addEventListener("toggle", () => {
    if (!details.open || details.querySelector("table")) return;
    const shown = series.filter((s) => !s.hideInTable);
    const rows = [];
    for (let i = 0; i < xs.length; i++) {
      const cells = shown.map((s) => s.values[i]);
      if (cells.every((v) => v === null || v === undefined)) continue;
      rows.push(h("tr", {}, h("td", {}, fmtEpoch(xs[i])), cells.map((v) => h("td", { class: "num" }, fmtValue(v)))));
    }
    details.append(
      h(
        "div",
        { class: "table-scroll", tabindex: "0", role: "region", "aria-label": title || t("chart.data") },
        h(
          "table",
          {},
          h("caption", {}, title || t("chart.data")),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("time")), shown.map((s) => h("th", { scope: "col" }, s.label)))),
          h("tbody", {}, rows),
        ),
      ),
    );
  });
  return details;
}

/**
 * A chart in `el`.
 * @param {HTMLElement} el container
 * @param {number[]} xs epoch seconds
 * @param {{label, values, color, dash?, width?, points?, fill?, hideInTable?}[]} series
 * @param {{height?, bands?: [number, number, string][], yLabel?, title?}} opts bands: [upper
 *   index, lower index, fill colour] with 1-based series indices as uPlot counts them;
 *   title: what the chart shows (its accessible name and the caption of its data table).
 */
export function timeChart(el, xs, series, opts = {}) {
  const data = [xs, ...series.map((s) => s.values)];
  const plotBox = h("div", { class: "chart-plot", role: "img", "aria-label": t("chart.of", { title: opts.title || opts.yLabel || "" }) });
  el.append(plotBox);
  const plot = new uPlot(
    {
      width: width(el),
      height: opts.height || 260,
      tzDate,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [
        { values: (u, splits, axisIdx, space, incr) => timeTicks(splits, incr), size: 52 },
        { label: opts.yLabel || "", size: 60 },
      ],
      series: [
        { label: t("time"), value: (u, v) => (v === null || v === undefined ? "–" : fmtEpoch(v)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          dash: s.dash,
          fill: s.fill,
          points: { show: s.points ?? xs.length < 60, size: 6, fill: s.color },
          spanGaps: false,
          value: (u, v) => fmtValue(v),
        })),
      ],
      bands: (opts.bands || []).map(([hi, lo, fill]) => ({ series: [hi, lo], fill })),
    },
    data,
    plotBox,
  );
  el.append(dataTable(opts.title || opts.yLabel, xs, series));
  el.dataset.points = String(xs.length);
  if (window.ResizeObserver) {
    let last = width(el);
    const ro = new ResizeObserver(() => {
      if (!el.isConnected) return ro.disconnect();
      const w = width(el);
      if (Math.abs(w - last) > 4) {
        last = w;
        plot.setSize({ width: w, height: opts.height || 260 });
      }
    });
    ro.observe(el);
  }
  return plot;
}

/**
 * Join several (time, value) lists on one time axis (uPlot needs one x array).
 * @param {Array<Array<[number, number]>>} lists
 */
export function joinSeries(lists) {
  const times = [...new Set(lists.flatMap((l) => l.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((x, i) => [x, i]));
  const columns = lists.map((l) => {
    const col = new Array(times.length).fill(null);
    for (const [x, y] of l) col[index.get(x)] = y;
    return col;
  });
  return { times, columns };
}

/**
 * Break a line where samples are missing: a null is put after every step longer than
 * `maxGapS`, so the chart shows a gap instead of a straight line across missing hours.
 */
export function withGaps(xs, ys, maxGapS) {
  const ox = [];
  const oy = [];
  for (let i = 0; i < xs.length; i++) {
    if (i > 0 && xs[i] - xs[i - 1] > maxGapS) {
      ox.push(xs[i - 1] + 1);
      oy.push(null);
    }
    ox.push(xs[i]);
    oy.push(ys[i]);
  }
  return [ox, oy];
}
