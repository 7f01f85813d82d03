// Alerts: CAP alerts (active and past, each with its CAP document) when the alert service
// is on this server, and the warnings the monitoring rules raised and cleared.
import { getJSON, has } from "../api.js";
import { ALERTS_PATH, alertItem, isDrill, loadAlerts, loadWarnings, warningItem } from "../alerts_view.js";
import { addMessages, pick, t } from "../i18n.js";
import { errorBox, fill, h, notAvailable } from "../ui.js";

addMessages({
  "al.title": ["การแจ้งเตือน", "Alerts"],
  "al.active": ["มีผลอยู่", "Active"],
  "al.past": ["ที่ผ่านมา", "Past"],
  "al.atom": ["ฟีด Atom ของการแจ้งเตือนที่มีผลอยู่", "Atom feed of active alerts"],
  "al.cap_na": [
    "ระบบการแจ้งเตือน CAP ยังไม่เปิดใช้บนเซิร์ฟเวอร์นี้",
    "The CAP alert service is not available on this server yet",
  ],
  "al.rules": ["คำเตือนจากกฎเฝ้าระวังข้อมูลตรวจวัด", "Warnings from the monitoring rules"],
  "al.rules_active": ["ยังมีผล", "active"],
  "al.rules_cleared": ["ยกเลิกแล้ว", "cleared"],
});

function list(items, make, emptyKey) {
  return items.length
    ? h("ul", { class: "alerts" }, items.map(make))
    : h("p", { class: "quiet" }, t(emptyKey));
}

export default async function start(ctx) {
  let alerts;
  let warnings;
  let districts;
  let stations;
  try {
    [alerts, warnings, districts, stations] = await Promise.all([
      loadAlerts(),
      loadWarnings("all"),
      getJSON("/api/v1/districts?simplify=0.0002"),
      getJSON("/api/v1/stations"),
    ]);
  } catch (err) {
    fill(ctx.app, errorBox(err));
    return;
  }
  const stationsById = new Map(stations.features.map((f) => [f.id, f]));
  const render = () => {
    const names = new Map(districts.features.map((f) => [f.properties.code, pick(f.properties, "name")]));
    // real alerts first: a drill never heads the list (stable sort keeps newest first)
    const active = alerts.alerts.filter((a) => a.state !== "past").sort((a, b) => isDrill(a) - isDrill(b));
    const past = alerts.alerts.filter((a) => a.state === "past");
    const capPart = alerts.available
      ? [
          has(`${ALERTS_PATH}.atom`)
            ? h("p", {}, h("a", { href: `${ALERTS_PATH}.atom`, id: "atom-link" }, t("al.atom")))
            : null,
          h("h2", {}, t("al.active"), ` (${active.length})`),
          h(
            "div",
            { id: "alerts-active" },
            list(active, (a) => alertItem(a, names), "alerts.none_active"),
          ),
          h("h2", {}, t("al.past"), ` (${past.length})`),
          h(
            "div",
            { id: "alerts-past" },
            list(past, (a) => alertItem(a, names), "alerts.none"),
          ),
        ]
      : [notAvailable(t("al.cap_na"))];
    const on = warnings.filter((w) => w.status === "active");
    const off = warnings.filter((w) => w.status !== "active");
    fill(
      ctx.app,
      h("h1", {}, t("al.title")),
      h("section", { class: "panel", id: "cap-alerts" }, capPart),
      h(
        "section",
        { class: "panel", id: "rule-warnings" },
        h("h2", {}, t("al.rules")),
        h("h3", {}, t("al.rules_active"), ` (${on.length})`),
        list(on, (w) => warningItem(w, stationsById), "home.quiet"),
        h("h3", {}, t("al.rules_cleared"), ` (${off.length})`),
        list(off, (w) => warningItem(w, stationsById), "alerts.none"),
      ),
    );
  };
  render();
  ctx.onLang(render);
  ctx.app.dataset.ready = "true";
}
