// Alerts (CAP, from GET /api/v1/alerts when that service is on this server) and the
// warnings raised by the monitoring rules (GET /api/v1/warnings), drawn the same way on
// the home page and the alerts page.
import { getJSON, has } from "./api.js";
import { addMessages, pick, t } from "./i18n.js";
import { fmtTime } from "./format.js";
import { badge, dataBadges, h } from "./ui.js";

addMessages({
  "alerts.cap": ["ดูข้อความ CAP", "CAP message"],
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

export function alertItem(alert, districtNames) {
  const areas = (alert.districts || []).map((c) => districtNames.get(c) || c).join(", ");
  return h(
    "li",
    { class: `alert-item state-${alert.state || "active"}`, "data-alert": alert.id },
    h(
      "div",
      { class: "alert-head" },
      severity(alert.severity),
      " ",
      h("b", {}, pick(alert, "headline") || pick(alert, "event")),
    ),
    h(
      "div",
      { class: "muted" },
      `${t("alerts.sent")} ${fmtTime(alert.sent)}`,
      alert.expires ? ` · ${t("alerts.expires")} ${fmtTime(alert.expires)}` : "",
      areas ? ` · ${t("alerts.districts")}: ${areas}` : "",
      " ",
      dataBadges({}, { simulated: alert.simulated }),
      alert.status && alert.status !== "Actual" ? [" ", badge("exercise", alert.status)] : "",
      alert.cap_url ? [" · ", h("a", { href: alert.cap_url }, t("alerts.cap"))] : "",
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
