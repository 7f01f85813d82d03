// Time-series charts with uPlot (vendored). Time axes in Asia/Bangkok.
const uPlot = window.uPlot;

function tzDate(ts) {
  return uPlot.tzDate(new Date(ts * 1e3), "Asia/Bangkok");
}

function width(el) {
  return Math.max(Math.min(el.clientWidth || 640, 1100), 280);
}

/**
 * A chart in `el`.
 * @param {HTMLElement} el container
 * @param {number[]} xs epoch seconds
 * @param {{label, values, color, dash?, width?, points?, fill?}[]} series
 * @param {{height?, bands?: [number, number, string][], yLabel?}} opts bands: [upper index,
 *   lower index, fill colour] with 1-based series indices as uPlot counts them.
 */
export function timeChart(el, xs, series, opts = {}) {
  const data = [xs, ...series.map((s) => s.values)];
  const plot = new uPlot(
    {
      width: width(el),
      height: opts.height || 260,
      tzDate,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { label: opts.yLabel || "", size: 60 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          dash: s.dash,
          fill: s.fill,
          points: { show: s.points ?? xs.length < 60, size: 6, fill: s.color },
          spanGaps: false,
        })),
      ],
      bands: (opts.bands || []).map(([hi, lo, fill]) => ({ series: [hi, lo], fill })),
    },
    data,
    el,
  );
  el.dataset.points = String(xs.length);
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
