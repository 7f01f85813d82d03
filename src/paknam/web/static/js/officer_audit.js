// The audit trail on the officer desk (GET /api/v1/audit): who did what, when, to which
// complaint, alert or gauge's warning levels, newest first; filters by kind, object, person
// and dates; pages. It refreshes itself after the officer changes something on the desk
// (the "desk:changed" event).
import { has } from "./api.js";
import { fmtTime } from "./format.js";
import { addMessages, pick, t } from "./i18n.js";
import { messageLine, query } from "./officer_errors.js";
import { waterLevelName } from "./states.js";
import { fill, h, notAvailable } from "./ui.js";

addMessages({
  "au.title": ["ประวัติการดำเนินการ (ใครทำอะไร เมื่อไร)", "Audit trail (who did what, when)"],
  "au.caption": ["รายการล่าสุดก่อน", "Newest first"],
  "au.kind": ["ประเภท", "kind"],
  "au.all": ["ทั้งหมด", "all"],
  "au.object": ["หมายเลข / รหัส", "number / id"],
  "au.actor": ["ผู้ดำเนินการ", "who"],
  "au.since": ["ตั้งแต่วันที่", "from"],
  "au.until": ["ถึงวันที่", "to"],
  "au.show": ["แสดง", "Show"],
  "au.when": ["เมื่อ", "when"],
  "au.what": ["ทำอะไร", "what"],
  "au.which": ["รายการ", "which"],
  "au.details": ["รายละเอียด", "details"],
  "au.total": ["{n} รายการ", "{n} entries"],
  "au.none": ["ไม่มีรายการตามเงื่อนไข", "No entry matches"],
  "au.prev": ["‹ ใหม่กว่า", "‹ newer"],
  "au.next": ["เก่ากว่า ›", "older ›"],
  "au.a.complaint.status": ["เปลี่ยนสถานะ", "changed the status"],
  "au.a.complaint.assigned": ["มอบหมาย", "assigned"],
  "au.a.complaint.triaged": ["คัดแยกประเภท", "settled the category"],
  "au.a.complaint.note": ["เพิ่มบันทึก", "added a note"],
  "au.a.complaint.photo": ["เพิ่มรูปภาพ", "added a photo"],
  "au.a.complaint.reopened": ["เปิดเรื่องใหม่", "reopened"],
  "au.a.complaint.escalated": ["ยกระดับเรื่อง", "escalated"],
  "au.a.alert.alert": ["ออกประกาศแจ้งเตือน", "issued an alert"],
  "au.a.alert.update": ["ปรับปรุงประกาศ", "updated an alert"],
  "au.a.alert.cancel": ["ยกเลิกประกาศ", "cancelled an alert"],
  "au.a.alert.send": ["ส่งข้อความแจ้งเตือน", "sent an alert"],
  "au.a.warning_levels.set": ["ตั้งระดับเตือนภัย", "set warning levels"],
  "au.a.open_dataset.create": ["เพิ่มชุดข้อมูลเปิด", "added an open dataset"],
  "au.a.open_dataset.replace": ["แทนที่ไฟล์ชุดข้อมูล", "replaced a dataset's file"],
  "au.a.open_dataset.metadata": ["แก้ไขคำอธิบายชุดข้อมูล", "changed a dataset's metadata"],
  "au.a.open_dataset.delete": ["ลบชุดข้อมูลเปิด", "deleted an open dataset"],
  "au.internal": ["(ภายใน)", "(internal)"],
  "au.recipients": ["ผู้รับ {n} ราย (ข้อความ #{m})", "{n} recipients (message #{m})"],
  "au.thread": ["ประกาศชุด #{n}", "thread #{n}"],
  "au.st.Actual": ["ประกาศจริง", "actual"],
  "au.st.Exercise": ["การฝึกซ้อม", "exercise"],
  "au.st.Test": ["ทดสอบระบบ", "test"],
});

const PATH = "/api/v1/audit";

function levels(obj) {
  return Object.entries(obj || {})
    .map(([k, v]) => `${waterLevelName(k)} ${v}`)
    .join(", ");
}

let stateNames = new Map();

function stateName(s) {
  return s ? pick(stateNames.get(s), "name") || s : "–";
}

/** One line saying what changed, from an entry's details. */
function summary(e) {
  const d = e.details || {};
  const parts = [];
  if (e.kind === "complaint") {
    if (d.from_status || d.to_status) parts.push(`${stateName(d.from_status)} → ${stateName(d.to_status)}`);
    if (d.agency_code && e.action !== "status") parts.push(d.agency_code);
    if (d.note) parts.push(`${d.note}${d.public === false ? ` ${t("au.internal")}` : ""}`);
  } else if (e.kind === "alert") {
    if (d.headline_th || d.headline_en) parts.push(pick(d, "headline"));
    if (d.severity) parts.push(t(`severity.${d.severity}`));
    if (d.status) parts.push(t(`au.st.${d.status}`) === `au.st.${d.status}` ? d.status : t(`au.st.${d.status}`));
    if (d.thread_id) parts.push(t("au.thread", { n: d.thread_id }));
    if (d.recipients !== undefined) parts.push(t("au.recipients", { n: d.recipients, m: d.message_id }));
  } else if (e.kind === "warning_levels") {
    parts.push(`${levels(d.before) || "–"} → ${levels(d.after)}`);
  } else if (e.kind === "open_dataset") {
    if (d.filename) parts.push(d.filename);
    if (d.rows !== undefined) parts.push(`${d.rows} rows`);
  }
  return parts.join(" · ");
}

function dayStart(value, plusDays = 0) {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00+07:00`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString().replace(/\.\d+Z$/, "Z").replace("Z", "+00:00");
}

/** {root, draw, refresh}: the audit panel. */
export async function auditPanel() {
  const root = h("section", { class: "panel", id: "audit", "aria-labelledby": "audit-title" });
  const title = () => h("h2", { id: "audit-title" }, t("au.title"));
  if (!has(PATH)) {
    fill(root, title(), notAvailable());
    return { root, draw: () => fill(root, title(), notAvailable()), refresh: async () => {} };
  }
  const states = "/api/v1/complaints/states";
  if (has(states)) stateNames = new Map((await query(states)).map((s) => [s.status, s]));
  const filters = { kind: "", object_id: "", actor: "", since: "", until: "" };
  const view = { limit: 50, offset: 0 };
  let body = { total: 0, items: [], kinds: [] };
  const msg = messageLine({ id: "audit-msg" });

  let loads = 0; // only the newest request's answer is drawn
  async function refresh() {
    const mine = ++loads;
    root.dataset.ready = "false";
    try {
      const got = await query(PATH, {
        kind: filters.kind,
        object_id: filters.object_id.trim().replace(/^#/, ""),
        actor: filters.actor.trim(),
        since: dayStart(filters.since),
        until: dayStart(filters.until, 1),
        limit: view.limit,
        offset: view.offset,
      });
      if (mine !== loads) return;
      body = got;
      msg.clear();
    } catch (err) {
      if (mine !== loads) return;
      msg.error(err);
    }
    draw();
    root.dataset.ready = "true";
  }

  function form() {
    const kind = h(
      "select",
      { name: "kind", id: "audit-kind" },
      h("option", { value: "" }, t("au.all")),
      (body.kinds || []).map((k) => h("option", { value: k.kind, selected: k.kind === filters.kind }, pick(k, "name"))),
    );
    const field = (name, label, type = "text") => {
      const input = h("input", { type, name, id: `audit-${name}`, value: filters[name], maxlength: 100 });
      return [h("label", {}, `${label} `, input), input];
    };
    const [objectL, object] = field("object_id", t("au.object"));
    const [actorL, actor] = field("actor", t("au.actor"));
    const [sinceL, since] = field("since", t("au.since"), "date");
    const [untilL, until] = field("until", t("au.until"), "date");
    const el = h(
      "form",
      { id: "audit-filters", class: "filters no-print" },
      h("label", {}, `${t("au.kind")} `, kind),
      objectL,
      actorL,
      sinceL,
      untilL,
      h("button", { type: "submit", class: "primary" }, t("au.show")),
    );
    el.addEventListener("submit", (ev) => {
      ev.preventDefault();
      Object.assign(filters, { kind: kind.value, object_id: object.value, actor: actor.value, since: since.value, until: until.value });
      view.offset = 0;
      refresh();
    });
    return el;
  }

  function entries() {
    if (!body.items.length) return h("p", { class: "quiet" }, t("au.none"));
    return h(
      "table",
      { id: "audit-list", class: "desk-table" },
      h("caption", { class: "desk-sr" }, t("au.caption")),
      h("thead", {}, h("tr", {}, [t("au.when"), t("au.actor"), t("au.what"), t("au.which"), t("au.details")].map((x) => h("th", { scope: "col" }, x)))),
      h(
        "tbody",
        {},
        body.items.map((e) =>
          h(
            "tr",
            { "data-audit": e.id, "data-kind": e.kind, "data-action": e.action, "data-object": e.object_id },
            h("td", { "data-label": t("au.when") }, fmtTime(e.at)),
            h("td", { "data-label": t("au.actor"), class: "actor" }, e.actor),
            h("td", { "data-label": t("au.what") }, t(`au.a.${e.kind}.${e.action}`) === `au.a.${e.kind}.${e.action}` ? e.action : t(`au.a.${e.kind}.${e.action}`)),
            h("td", { "data-label": t("au.which") }, `${pick(e, "kind")} ${e.kind === "warning_levels" || e.kind === "open_dataset" ? e.object_id : `#${e.object_id}`}`),
            h("td", { "data-label": t("au.details"), class: "summary" }, summary(e)),
          ),
        ),
      ),
    );
  }

  function pager() {
    const prev = h("button", { type: "button", class: "prev", disabled: view.offset === 0 }, t("au.prev"));
    const next = h("button", { type: "button", class: "next", disabled: view.offset + view.limit >= body.total }, t("au.next"));
    prev.addEventListener("click", () => {
      view.offset = Math.max(0, view.offset - view.limit);
      refresh();
    });
    next.addEventListener("click", () => {
      view.offset += view.limit;
      refresh();
    });
    return h("nav", { class: "pager no-print", "aria-label": t("au.title") }, prev, next);
  }

  function draw() {
    fill(
      root,
      title(),
      form(),
      msg.root,
      h("p", { class: "muted", id: "audit-total", "data-total": body.total }, t("au.total", { n: body.total })),
      entries(),
      body.total > view.limit ? pager() : null,
    );
  }

  document.addEventListener("desk:changed", () => {
    if (root.isConnected) refresh();
  });
  await refresh();
  return { root, draw, refresh };
}
