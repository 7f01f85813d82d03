// The latest water-level forecast backtest report (officers only), linked from the desk.
// `paknam tides backtest FILE … --report DIR` writes it; the server serves the newest report
// of PAKNAM_TIDES_REPORT_DIR read-only to officers (GET /api/v1/living/backtest-report and
// …/backtest-report/{file}). The officer's token is a bearer header, which a plain link or
// <img> cannot send: this page fetches the report's page and figures with it, shows the
// page's content here and its figures from blob: addresses. Nothing of the report runs.
import { ApiError, getJSON, officerToken } from "../api.js";
import { addMessages, t } from "../i18n.js";
import { fmtTime } from "../format.js";
import { errorBox, fill, h, scrollBox } from "../ui.js";

addMessages({
  "bt.title": ["รายงานทดสอบย้อนหลังพยากรณ์ระดับน้ำ", "Water-level forecast backtest report"],
  "bt.login": ["กรุณาเข้าสู่ระบบเจ้าหน้าที่", "Please log in as an officer"],
  "bt.back": ["กลับไปงานเจ้าหน้าที่", "Back to the officer desk"],
  "bt.none_dir": [
    "ยังไม่ได้ตั้งค่าที่เก็บรายงาน (PAKNAM_TIDES_REPORT_DIR) — ดู docs/tides.md",
    "No report folder is configured (PAKNAM_TIDES_REPORT_DIR) — see docs/tides.md",
  ],
  "bt.none": [
    "ยังไม่มีรายงาน: สั่ง paknam tides backtest … --report ลงในที่เก็บรายงาน",
    "No report yet: run paknam tides backtest … --report into the report folder",
  ],
  "bt.written": ["สร้างเมื่อ", "Written"],
  "bt.table": ["ตาราง", "table"],
});

const BASE = "/api/v1/living/backtest-report";

async function fetchFile(name) {
  const response = await fetch(`${BASE}/${encodeURIComponent(name)}`, {
    headers: { Authorization: `Bearer ${officerToken()}` },
  });
  if (!response.ok) throw new ApiError(response.status, `${response.status} ${name}`);
  return response;
}

const STYLE_ELEMENT = /<style[\s\S]*?<\/style>/gi;

/** A figure a blob: address can show under this page's CSP (style-src 'self'), which the
 * blob inherits: matplotlib draws with style="fill: …; stroke: …" attributes and one
 * <style>; each declaration becomes the SVG presentation attribute of the same name.
 * Done on the text: parsing it here first would already apply (and refuse) the styles. */
function inertSvg(text) {
  return text.replace(STYLE_ELEMENT, "").replace(/\sstyle="([^"]*)"/g, (_, css) =>
    css
      .split(";")
      .map((rule) => rule.split(/:(.*)/s))
      .filter(([name, value]) => /^\s*[a-z-]+\s*$/.test(name) && value !== undefined)
      .map(([name, value]) => ` ${name.trim()}="${value.trim().replace(/"/g, "&quot;")}"`)
      .join(""),
  );
}

/** The report page's <main>, made inert: no script, style or event attribute; its figures
 * and JSON links pointed at blob: copies fetched with the officer's token. */
async function reportContent(files) {
  const html = await (await fetchFile("index.html")).text();
  const doc = new DOMParser().parseFromString(html.replace(STYLE_ELEMENT, ""), "text/html");
  const main = doc.querySelector("main") || doc.body;
  main.querySelectorAll("script, style, link, iframe, object, embed").forEach((el) => el.remove());
  for (const el of main.querySelectorAll("*")) {
    for (const attr of [...el.attributes]) if (attr.name.startsWith("on")) el.removeAttribute(attr.name);
  }
  main.querySelector("h1")?.remove(); // the page's own h1 says it
  const blobs = {};
  const blobOf = async (name) => {
    if (!files.includes(name)) return null;
    if (!blobs[name]) {
      const response = await fetchFile(name);
      const blob = name.endsWith(".svg")
        ? new Blob([inertSvg(await response.text())], { type: "image/svg+xml" })
        : await response.blob();
      blobs[name] = URL.createObjectURL(blob);
    }
    return blobs[name];
  };
  for (const img of main.querySelectorAll("img[src]")) {
    const url = await blobOf(img.getAttribute("src"));
    if (url) img.setAttribute("src", url);
    else img.remove();
  }
  for (const a of main.querySelectorAll("a[href]")) {
    const name = a.getAttribute("href");
    const url = await blobOf(name);
    if (url) {
      a.setAttribute("href", url);
      a.setAttribute("download", name);
    } else {
      a.replaceWith(document.createTextNode(a.textContent));
    }
  }
  const nodes = [...main.childNodes].map((n) => document.importNode(n, true));
  const box = h("div", { id: "backtest-report-content", class: "backtest-report" }, nodes);
  for (const tableEl of box.querySelectorAll("table")) {
    const caption = tableEl.querySelector("caption")?.textContent || t("bt.table");
    tableEl.replaceWith(scrollBox(tableEl.cloneNode(true), caption));
  }
  return box;
}

export default async function start(ctx) {
  const back = h("p", {}, h("a", { href: "/officer" }, t("bt.back")));
  if (!officerToken()) {
    fill(ctx.app, h("h1", {}, t("bt.title")), h("p", {}, h("a", { href: "/login", id: "login-link" }, t("bt.login"))));
    ctx.app.dataset.ready = "true";
    return;
  }
  let view;
  let content = null;
  try {
    view = await getJSON(BASE);
    if (view.available) content = await reportContent(view.files);
  } catch (err) {
    fill(ctx.app, h("h1", {}, t("bt.title")), back, errorBox(err));
    ctx.app.dataset.ready = "true";
    return;
  }
  const draw = () => {
    let body;
    if (!view.configured) body = h("p", { class: "notice", id: "backtest-report-none" }, t("bt.none_dir"));
    else if (!view.available) body = h("p", { class: "notice", id: "backtest-report-none" }, t("bt.none"));
    else body = [h("p", { class: "muted" }, `${t("bt.written")} ${fmtTime(view.written_at)} · ${view.name}`), content];
    fill(ctx.app, h("h1", {}, t("bt.title")), back, body);
  };
  draw();
  ctx.onLang(draw);
  ctx.app.dataset.ready = "true";
}
