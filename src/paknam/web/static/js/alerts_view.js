// Alerts (CAP, from GET /api/v1/alerts when that service is on this server) and the
// warnings raised by the monitoring rules (GET /api/v1/warnings), drawn the same way on
// the home page and the alerts page.
import { getJSON, has } from "./api.js";
import { addMessages, pick, t } from "./i18n.js";
import { fmtTime } from "./format.js";
import { badge, dataBadges, h } from "./ui.js";

addMessages({
  "alerts.cap": ["ข้อความ CAP", "CAP message"],
  "alerts.drill.Exercise": ["การฝึกซ้อม / Exercise", "Exercise / การฝึกซ้อม"],
  "alerts.drill.Test": ["ทดสอบ / Test", "Test / ทดสอบ"],
  "alerts.drill.other": ["ไม่ใช่เหตุการณ์จริง", "not a real event"],
  "alerts.drill_severity": ["ระดับในการฝึก", "drill severity"],
  "alerts.todo": ["ควรทำ", "What to do"],
  "alerts.open": ["ดูรายละเอียด", "details"],
  "alerts.sent": ["ออกเมื่อ", "sent"],
  "alerts.expires": ["หมดอายุ", "expires"],
  "alerts.none_active": ["ไม่มีการแจ้งเตือนที่มีผลอยู่", "No active alerts"],
  "alerts.none": ["ไม่มีรายการ", "Nothing to show"],
  "alerts.districts": ["พื้นที่", "areas"],
  "warn.raised": ["เริ่มเมื่อ", "raised"],
  "warn.expected": ["คาดว่าจะเกิด", "expected"],
  "warn.observed": ["ข้อมูลเมื่อ", "data of"],
  "warn.cleared": ["ยกเลิกเมื่อ", "cleared"],
  "warn.probability": ["โอกาส", "probability"],
});

export const ALERTS_PATH = "/api/v1/alerts";

/** {available, alerts}: alerts only when the CAP service is on this server. */
export async function loadAlerts() {
  if (!has(ALERTS_PATH)) return { available: false, alerts: [] };
  const body = await getJSON(ALERTS_PATH, { state: "all", limit: 1000 });
  const alerts = Array.isArray(body) ? body : body.alerts || [];
  return { available: true, alerts };
}

export async function loadWarnings(status = "active") {
  if (!has("/api/v1/warnings")) return [];
  return getJSON("/api/v1/warnings", { status, limit: 1000 });
}

function severity(s) {
  const key = `severity.${String(s || "unknown").toLowerCase()}`;
  return badge(`sev-${String(s || "unknown").toLowerCase()}`, t(key));
}

/** Whether an alert is a drill or a test (CAP status other than Actual). */
export function isDrill(alert) {
  return Boolean(alert.status) && alert.status !== "Actual";
}

/** The neutral mark of a drill: "การฝึกซ้อม / Exercise", "ทดสอบ / Test". */
export function drillBadge(alert) {
  const key = `alerts.drill.${alert.status}`;
  return h("span", { class: "badge badge-drill", "data-drill": alert.status }, t(key) === key ? t("alerts.drill.other") : t(key));
}

/** An alert's headline as a link to its page, a drill marked first. */
export function alertLink(alert) {
  return [
    isDrill(alert) ? [drillBadge(alert), " "] : null,
    h("a", { href: `/alerts/${alert.id}`, class: "alert-link" }, pick(alert, "headline") || pick(alert, "event")),
  ];
}

export function alertItem(alert, districtNames) {
  const areas = (alert.districts || []).map((c) => districtNames.get(c) || c).join(", ");
  const drill = isDrill(alert);
  const todo = pick(alert, "instruction");
  const sev = String(alert.severity || "unknown").toLowerCase();
  return h(
    "li",
    {
      class: `alert-item state-${alert.state || "active"}${drill ? " drill" : ""}`,
      "data-alert": alert.id,
      "data-status": alert.status || "Actual",
    },
    h(
      "div",
      { class: "alert-head" },
      // a drill never wears the red badge of a live alert: its mark first, severity in words
      drill ? drillBadge(alert) : severity(alert.severity),
      " ",
      h(
        "b",
        {},
        h("a", { href: `/alerts/${alert.id}`, class: "alert-link" }, pick(alert, "headline") || pick(alert, "event")),
      ),
      drill ? h("span", { class: "muted" }, ` (${t("alerts.drill_severity")}: ${t(`severity.${sev}`)})`) : null,
    ),
    pick(alert, "description") ? h("p", { class: "alert-text" }, pick(alert, "description")) : null,
    todo ? h("p", { class: "alert-todo-line" }, h("b", {}, `${t("alerts.todo")}: `), todo) : null,
    h(
      "div",
      { class: "muted" },
      `${t("alerts.sent")} ${fmtTime(alert.sent)}`,
      alert.expires ? ` · ${t("alerts.expires")} ${fmtTime(alert.expires)}` : "",
      areas ? ` · ${t("alerts.districts")}: ${areas}` : "",
      " ",
      dataBadges({}, { simulated: alert.simulated && !alert.replayed, replayed: alert.replayed }),
      " · ",
      h("a", { href: `/alerts/${alert.id}/cap` }, t("alerts.cap")),
    ),
  );
}

export function warningItem(w, stationsById) {
  const station = stationsById.get(w.station_id);
  const meta = station ? station.properties.meta || {} : {};
  const when = w.expected_at
    ? `${t("warn.expected")} ${fmtTime(w.expected_at)}`
    : `${t("warn.observed")} ${fmtTime(w.observed_at)}`;
  return h(
    "li",
    { class: `warning-item status-${w.status}`, "data-warning": w.id, "data-domain": w.domain },
    h("div", { class: "alert-head" }, severity(w.severity), " ", h("b", {}, pick(w, "headline"))),
    h(
      "div",
      { class: "muted" },
      when,
      w.probability !== null && w.probability !== undefined
        ? ` · ${t("warn.probability")} ${Math.round(w.probability * 100)}%`
        : "",
      ` · ${t("warn.raised")} ${fmtTime(w.raised_at)}`,
      w.cleared_at ? ` · ${t("warn.cleared")} ${fmtTime(w.cleared_at)}` : "",
      " ",
      dataBadges(meta),
      station
        ? [
            " · ",
            h(
              "a",
              { href: `/station/${encodeURIComponent(w.station_id)}` },
              pick(station.properties, "name"),
            ),
          ]
        : "",
    ),
  );
}
