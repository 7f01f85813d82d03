// The officer desk (after login): who is logged in, the complaints inbox, the water-level
// warning levels of each gauge (editable), running the environment rules and the forecasts
// now, sending alerts, the data sources and jobs, and the audit trail (who did what, when).
// A short menu at the top jumps to each part (on a phone the desk is one long column).
import { getJSON, has, officerToken, send, setOfficerToken } from "../api.js";
import { alertDesk } from "../officer_alerts.js";
import { auditPanel } from "../officer_audit.js";
import { complaintsInbox } from "../officer_complaints.js";
import { call, messageLine } from "../officer_errors.js";
import { opsPanel } from "../officer_ops.js";
import { openDataPanel } from "../officer_opendata.js";
import { addMessages, pick, t } from "../i18n.js";
import { waterLevelName } from "../states.js";
import { errorBox, fill, h, notAvailable } from "../ui.js";
import { fmtNum, fmtTime } from "../format.js";

addMessages({
  "off.title": ["งานเจ้าหน้าที่", "Officer desk"],
  "off.login": ["กรุณาเข้าสู่ระบบเจ้าหน้าที่", "Please log in as an officer"],
  "off.who": ["เข้าสู่ระบบเป็น", "Logged in as"],
  "off.logout": ["ออกจากระบบ", "Log out"],
  "off.levels": [
    "ระดับเตือนภัยของสถานีวัดระดับน้ำ (ม. เหนือระดับอ้างอิง)",
    "Warning levels of the water-level gauges (m above datum)",
  ],
  "off.save": ["บันทึก", "Save"],
  "off.saved": ["บันทึกแล้ว", "Saved"],
  "off.run": ["ประมวลผลทันที", "Run now"],
  "off.run_env": ["ตรวจกฎคุณภาพอากาศและน้ำ", "Run the air and water rules"],
  "off.run_fc": ["ออกพยากรณ์ระดับน้ำ", "Issue the water-level forecasts"],
  "off.done": ["เสร็จ: เพิ่ม {r} ปรับ {u} ยกเลิก {c}", "Done: {r} raised, {u} updated, {c} cleared"],
  "off.inbox": ["กล่องเรื่องร้องเรียน", "Complaints inbox"],
  "off.send_alert": ["ส่งการแจ้งเตือน", "Send alerts"],
  "off.role": ["บทบาท", "role"],
  "off.menu": ["เมนูงานเจ้าหน้าที่", "Officer desk menu"],
  "off.m.inbox": ["เรื่องร้องเรียน", "Complaints"],
  "off.m.levels": ["ระดับเตือนภัย", "Warning levels"],
  "off.m.alerts": ["ส่งการแจ้งเตือน", "Alerts"],
  "off.m.ops": ["ระบบ", "System"],
  "off.m.audit": ["ประวัติการดำเนินการ", "Audit trail"],
  "off.m.report": ["รายงานทดสอบพยากรณ์", "Forecast report"],
  "off.report": ["รายงานทดสอบย้อนหลังพยากรณ์ระดับน้ำ", "Water-level forecast backtest report"],
  "off.report_open": ["เปิดรายงานล่าสุด", "Open the latest report"],
  "off.report_none": [
    "ยังไม่มีรายงาน (paknam tides backtest … --report ลงใน PAKNAM_TIDES_REPORT_DIR)",
    "No report yet (paknam tides backtest … --report into PAKNAM_TIDES_REPORT_DIR)",
  ],
  "off.report_scores": [
    "{station}: ทดสอบ {start} – {end}; ล่วงหน้า 72 ชม. POD {pod} FAR {far} CSI {csi} (เกณฑ์เปรียบเทียบที่ดีกว่า {base})",
    "{station}: tested {start} – {end}; 72 h ahead POD {pod} FAR {far} CSI {csi} (better baseline {base})",
  ],
  "off.m.opendata": ["ชุดข้อมูลเปิด", "Open datasets"],
});

const REPORT_API = "/api/v1/living/backtest-report";

function num(v) {
  return v === null || v === undefined ? "–" : fmtNum(v, 2, 2);
}

/** The desk's link to the latest backtest report, with its 72 h warning scores. */
function reportPanel(view) {
  let body;
  if (!view.available) {
    body = h("p", { class: "muted", id: "backtest-report-none" }, t("off.report_none"));
  } else {
    const s = view.summary || {};
    const at72 = (s.leads || {})["72"];
    const bases = at72 ? Object.values(at72.baseline_csi || {}).filter((v) => v !== null) : [];
    body = [
      h(
        "p",
        {},
        h("a", { href: "/officer/backtest-report", id: "backtest-report-link" }, t("off.report_open")),
        ` (${fmtTime(view.written_at)})`,
      ),
      at72
        ? h(
            "p",
            { class: "muted", id: "backtest-report-scores" },
            t("off.report_scores", {
              station: s.station || view.name,
              start: fmtTime(s.test_period?.start, { time: false }),
              end: fmtTime(s.test_period?.end, { time: false }),
              pod: num(at72.pod),
              far: num(at72.far),
              csi: num(at72.csi),
              base: num(bases.length ? Math.max(...bases) : null),
            }),
          )
        : null,
    ];
  }
  return h("section", { class: "panel", id: "backtest-report-part" }, h("h2", {}, t("off.report")), body);
}

function levelsForm(station, levels) {
  const msg = messageLine({ class: "levels-out" });
  const inputs = {};
  const labels = ["watch", "warning", "danger"].map((k) => {
    inputs[k] = h("input", { name: k, type: "number", step: "0.01", value: levels[k] ?? "" });
    return h("label", {}, `${waterLevelName(k)} `, inputs[k]);
  });
  const form = h(
    "form",
    { class: "levels", "data-station": station.id },
    h("b", {}, pick(station.properties, "name")),
    " ",
    labels,
    " ",
    h("button", { type: "submit", class: "primary" }, t("off.save")),
    " ",
    msg.root,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k, v] of new FormData(form)) if (v !== "") body[k] = Number(v);
    try {
      await call("PUT", `/api/v1/stations/${encodeURIComponent(station.id)}/warning-levels`, body);
      msg.ok(t("off.saved"));
      document.dispatchEvent(new CustomEvent("desk:changed"));
    } catch (err) {
      msg.error(err, { control: inputs[err.field] || inputs.danger });
    }
  });
  return form;
}

function runButton(labelKey, path) {
  const msg = messageLine();
  const button = h("button", { type: "button", class: "primary" }, t(labelKey));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const r = await call("POST", path);
      msg.ok(
        t("off.done", {
          r: r.raised.length ?? r.raised,
          u: r.updated.length ?? r.updated,
          c: r.cleared.length ?? r.cleared,
        }),
      );
      document.dispatchEvent(new CustomEvent("desk:changed"));
    } catch (err) {
      msg.error(err, { control: button });
    } finally {
      button.disabled = false;
    }
  });
  return h("p", {}, button, " ", msg.root);
}

function deskMenu(parts) {
  return h(
    "nav",
    { class: "desk-menu no-print", "aria-label": t("off.menu") },
    h(
      "ul",
      {},
      parts.map(([id, key]) => h("li", {}, h("a", { href: `#${id}` }, t(key)))),
    ),
  );
}

export default async function start(ctx) {
  if (!officerToken()) {
    fill(
      ctx.app,
      h("h1", {}, t("off.title")),
      h("p", {}, h("a", { href: "/login", id: "login-link" }, t("off.login"))),
    );
    ctx.app.dataset.ready = "true";
    return;
  }
  let me;
  let gauges;
  try {
    me = await getJSON("/api/v1/auth/me");
    gauges = (await getJSON("/api/v1/stations", { kind: "water_level" })).features;
  } catch (err) {
    if (err.status === 401) {
      setOfficerToken(null);
      window.location.assign("/login");
      return;
    }
    fill(ctx.app, errorBox(err));
    return;
  }
  const levels = await Promise.all(
    gauges.map((g) => getJSON(`/api/v1/stations/${encodeURIComponent(g.id)}/warning-levels`)),
  );
  const districts = (await getJSON("/api/v1/districts?simplify=0.0002")).features.map((f) => f.properties);
  // Each officer task appears only when its API is on this server.
  const canAlert = has("/api/v1/alerts") && has("/api/v1/messages/{message_id}");
  const desk = canAlert ? alertDesk(districts, (await getJSON("/api/v1/alerts", { limit: 1000 })).alerts) : null;
  let inbox;
  try {
    inbox = await complaintsInbox(districts);
  } catch (err) {
    inbox = { root: errorBox(err), draw: () => {} };
  }
  let ops;
  try {
    ops = await opsPanel();
  } catch (err) {
    ops = { root: errorBox(err), draw: () => {} };
  }
  let report = null;
  if (has(REPORT_API)) {
    try {
      report = await getJSON(REPORT_API);
    } catch (err) {
      report = { error: err };
    }
  }
  let opendata = null;
  if (has("/api/v1/opendata/datasets")) {
    try {
      opendata = await openDataPanel();
    } catch (err) {
      opendata = { root: errorBox(err), draw: () => {} };
    }
  }
  let audit;
  try {
    audit = await auditPanel();
  } catch (err) {
    audit = { root: errorBox(err), draw: () => {} };
  }
  const draw = () => {
    const logout = h("button", { type: "button" }, t("off.logout"));
    logout.addEventListener("click", async () => {
      try {
        await send("POST", "/api/v1/auth/logout");
      } finally {
        setOfficerToken(null);
        window.location.assign("/");
      }
    });
    fill(
      ctx.app,
      h("h1", {}, t("off.title")),
      h(
        "p",
        { id: "officer-who" },
        `${t("off.who")} `,
        h("b", {}, me.name),
        ` (${t("off.role")}: ${me.role})`,
        " ",
        logout,
      ),
      deskMenu([
        ["complaints-inbox", "off.m.inbox"],
        ["levels", "off.m.levels"],
        ["alert-desk-part", "off.m.alerts"],
        ["ops", "off.m.ops"],
        ...(report ? [["backtest-report-part", "off.m.report"]] : []),
        ...(opendata ? [["opendata", "off.m.opendata"]] : []),
        ["audit", "off.m.audit"],
      ]),
      inbox.root,
      h(
        "section",
        { class: "panel", id: "levels" },
        h("h2", {}, t("off.levels")),
        gauges.map((g, i) => levelsForm(g, levels[i])),
      ),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("off.run")),
        runButton("off.run_env", "/api/v1/environment/checks"),
        runButton("off.run_fc", "/api/v1/living/forecasts/run"),
      ),
      h(
        "div",
        { id: "alert-desk-part" },
        desk
          ? desk.root
          : h("section", { class: "panel" }, h("h2", {}, t("off.send_alert")), notAvailable()),
      ),
      ops.root,
      report
        ? report.error
          ? h("section", { class: "panel", id: "backtest-report-part" }, h("h2", {}, t("off.report")), errorBox(report.error))
          : reportPanel(report)
        : null,
      opendata ? opendata.root : null,
      audit.root,
    );
  };
  ops.draw();
  ctx.onLang(() => {
    inbox.draw();
    ops.draw();
    audit.draw();
    if (opendata) opendata.draw();
    if (desk) desk.draw();
  });
  draw();
  ctx.onLang(draw);
  ctx.app.dataset.ready = "true";
}
