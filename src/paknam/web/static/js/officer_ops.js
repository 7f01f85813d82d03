// The officer desk's view of the live system: each data source's health
// (GET /api/v1/sources) and each scheduled job's last run (GET /api/v1/jobs).
import { getJSON, has } from "./api.js";
import { addMessages, t } from "./i18n.js";
import { fmtNum, fmtTime } from "./format.js";
import { badge, fill, h } from "./ui.js";

addMessages({
  "ops.sources": ["แหล่งข้อมูล", "Data sources"],
  "ops.jobs": ["งานตามกำหนดเวลา (paknam run)", "Scheduled jobs (paknam run)"],
  "ops.none_sources": [
    "ยังไม่ได้ตั้งค่าแหล่งข้อมูล (PAKNAM_SOURCES) — ดู docs/sources.md",
    "No source is configured (PAKNAM_SOURCES) — see docs/sources.md",
  ],
  "ops.source": ["แหล่ง", "source"],
  "ops.kind": ["ชนิด", "kind"],
  "ops.last_ok": ["สำเร็จล่าสุด", "last success"],
  "ops.rows": ["แถวล่าสุด / ทั้งหมด", "rows last / total"],
  "ops.lag": ["ความล่าช้า", "lag"],
  "ops.error": ["ข้อผิดพลาดล่าสุด", "last error"],
  "ops.state": ["สถานะ", "state"],
  "ops.ok": ["ปกติ", "ok"],
  "ops.stale": ["ขาดช่วงตั้งแต่", "stopped since"],
  "ops.never": ["ยังไม่เคยทำงาน", "never ran"],
  "ops.failing": ["ล้มเหลว {n} ครั้งติดกัน", "{n} failures in a row"],
  "ops.job": ["งาน", "job"],
  "ops.every": ["ทุก", "every"],
  "ops.last_run": ["ทำงานล่าสุด", "last run"],
  "ops.next": ["ครั้งถัดไป", "next due"],
  "ops.off": ["ปิด", "off"],
  "ops.running": ["กำลังทำงาน", "running"],
  "ops.error_state": ["ผิดพลาด", "error"],
  "ops.interrupted": ["ถูกขัดจังหวะ", "interrupted"],
});

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 120) return `${fmtNum(seconds, 0)} s`;
  if (seconds < 7200) return `${fmtNum(seconds / 60, 0)} min`;
  if (seconds < 172800) return `${fmtNum(seconds / 3600, 1)} h`;
  return `${fmtNum(seconds / 86400, 1)} d`;
}

function sourceState(s) {
  if (s.never_run) return badge("stale", t("ops.never"));
  if (s.stale) return badge("warning", `${t("ops.stale")} ${fmtTime(s.stale_since)}`);
  if (s.failures) return badge("warning", t("ops.failing", { n: s.failures }));
  return badge("status-on_track", t("ops.ok"));
}

function jobState(j) {
  if (!j.enabled) return badge("stale", t("ops.off"));
  if (j.running) return badge("status-on_track", t("ops.running"));
  const last = j.last_run;
  if (!last) return badge("stale", t("ops.never"));
  if (last.status === "error") return badge("warning", t("ops.error_state"));
  if (last.status === "interrupted") return badge("warning", t("ops.interrupted"));
  return badge("status-on_track", t("ops.ok"));
}

/** A table that becomes one card a row on a phone (each cell named by its column). */
function table(head, rows, caption) {
  for (const row of rows) [...row.children].forEach((td, i) => td.setAttribute("data-label", t(head[i])));
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "desk-table" },
      h("caption", { class: "desk-sr" }, caption),
      h("thead", {}, h("tr", {}, head.map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, rows),
    ),
  );
}

function sourcesTable(sources) {
  if (!sources.length) return h("p", { class: "muted", id: "ops-no-sources" }, t("ops.none_sources"));
  return table(
    ["ops.source", "ops.kind", "ops.state", "ops.last_ok", "ops.rows", "ops.lag", "ops.error"],
    sources.map((s) =>
      h(
        "tr",
        { "data-source": s.source_id },
        h("td", {}, s.source_id),
        h("td", {}, s.kind),
        h("td", {}, sourceState(s)),
        h("td", {}, fmtTime(s.last_success_at)),
        h("td", {}, `${s.rows_last ?? 0} / ${s.rows_total ?? 0}`),
        h("td", {}, duration(s.lag_s)),
        h("td", { class: "muted" }, s.last_error || "–"),
      ),
    ),
    t("ops.sources"),
  );
}

function jobsTable(jobs) {
  return table(
    ["ops.job", "ops.every", "ops.state", "ops.last_run", "ops.last_ok", "ops.next", "ops.error"],
    jobs.map((j) =>
      h(
        "tr",
        { "data-job": j.name },
        h("td", {}, h("code", {}, j.name)),
        h("td", {}, j.enabled ? duration(j.every_s) : t("ops.off")),
        h("td", {}, jobState(j)),
        h("td", {}, fmtTime(j.last_run && j.last_run.started_at)),
        h("td", {}, fmtTime(j.last_ok_at)),
        h("td", {}, j.enabled ? fmtTime(j.next_due) : "–"),
        h("td", { class: "muted" }, (j.last_run && j.last_run.error) || "–"),
      ),
    ),
    t("ops.jobs"),
  );
}

/** {root, draw, refresh}: the sources and jobs panel, refreshed every `everyMs`. */
export async function opsPanel({ everyMs = 30000 } = {}) {
  const root = h("section", { class: "panel", id: "ops" });
  let sources = [];
  let jobs = [];
  const haveSources = has("/api/v1/sources");
  const haveJobs = has("/api/v1/jobs");
  async function refresh() {
    if (haveSources) {
      const body = await getJSON("/api/v1/sources");
      sources = Array.isArray(body) ? body : body.sources || [];
    }
    if (haveJobs) jobs = (await getJSON("/api/v1/jobs")).jobs || [];
  }
  function draw() {
    fill(
      root,
      haveSources ? [h("h2", {}, t("ops.sources")), sourcesTable(sources)] : null,
      haveJobs ? [h("h2", {}, t("ops.jobs")), jobsTable(jobs)] : null,
    );
  }
  await refresh();
  const timer = setInterval(async () => {
    if (!root.isConnected) return;
    try {
      await refresh();
      draw();
    } catch {
      // keep the last view; the next refresh tries again
    }
  }, everyMs);
  return { root, draw, refresh, stop: () => clearInterval(timer) };
}
