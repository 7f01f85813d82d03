// The officers' complaints inbox (GET /api/v1/complaints): list with status, SLA due time
// and overdue flag, filters (status, district, category, overdue), status changes with a
// note, and assignment (agency, officer). Every part checks that its endpoint is on this
// server first; the page never requests a path the server does not have.
import { getJSON, has, send } from "./api.js";
import { fmtTime } from "./format.js";
import { addMessages, pick, t } from "./i18n.js";
import { badge, errorBox, fill, h, notAvailable, table } from "./ui.js";

addMessages({
  "oc.title": ["กล่องเรื่องร้องเรียน", "Complaints inbox"],
  "oc.status": ["สถานะ", "status"],
  "oc.all": ["ทั้งหมด", "all"],
  "oc.open": ["ยังไม่ปิด", "open"],
  "oc.closed": ["ปิดแล้ว", "closed"],
  "oc.overdue_only": ["เฉพาะที่เกินกำหนด", "overdue only"],
  "oc.service": ["ประเภท", "category"],
  "oc.due": ["กำหนดเสร็จ (SLA)", "due (SLA)"],
  "oc.overdue": ["เกินกำหนด", "overdue"],
  "oc.requested": ["แจ้งเมื่อ", "requested"],
  "oc.agency": ["หน่วยงาน", "agency"],
  "oc.assignee": ["ผู้รับผิดชอบ", "officer"],
  "oc.change": ["เปลี่ยนสถานะ", "change status"],
  "oc.note": ["บันทึก (แสดงต่อผู้แจ้ง)", "note (shown to the citizen)"],
  "oc.apply": ["บันทึก", "apply"],
  "oc.assign": ["มอบหมาย", "assign"],
  "oc.total": ["ทั้งหมด {n} เรื่อง", "{n} complaints"],
  "oc.none": ["ไม่มีเรื่องตามเงื่อนไข", "No complaint matches"],
  "oc.saved": ["บันทึกแล้ว", "saved"],
});

const INBOX = "/api/v1/complaints";

/** The inbox section; `districts` is a list of {code, name_th, name_en}. */
export async function complaintsInbox(districts) {
  const root = h("section", { class: "panel", id: "complaints-inbox" });
  if (!has(INBOX)) {
    fill(root, h("h2", {}, t("oc.title")), notAvailable());
    return { root, draw: () => fill(root, h("h2", {}, t("oc.title")), notAvailable()) };
  }
  const [states, services, agencies] = await Promise.all([
    has(`${INBOX}/states`) ? getJSON(`${INBOX}/states`) : [],
    has(`${INBOX}/services`) ? getJSON(`${INBOX}/services`) : [],
    has(`${INBOX}/agencies`) ? getJSON(`${INBOX}/agencies`) : [],
  ]);
  const stateBy = new Map(states.map((s) => [s.status, s]));
  const filters = { status: "open", district_code: "", service_code: "", overdue: false };
  let body = { total: 0, items: [] };
  let error = null;
  const messages = new Map();

  const load = async () => {
    try {
      body = await getJSON(INBOX, {
        status: filters.status || undefined,
        district_code: filters.district_code || undefined,
        service_code: filters.service_code || undefined,
        overdue: filters.overdue ? "true" : undefined,
      });
      error = null;
    } catch (err) {
      error = err;
    }
    draw();
    root.dataset.ready = "true";
  };

  const row = (c) => {
    const next = stateBy.get(c.status)?.next || [];
    const statusSel = h("select", { name: "status" }, next.map((s) => h("option", { value: s }, pick(stateBy.get(s), "name") || s)));
    const note = h("input", { name: "note", placeholder: t("oc.note"), maxlength: 2000 });
    const agencySel = h(
      "select",
      { name: "agency_code" },
      h("option", { value: "" }, "–"),
      agencies.map((a) => h("option", { value: a.code, selected: c.agency && c.agency.code === a.code }, pick(a, "name"))),
    );
    const who = h("input", { name: "assignee", value: c.assignee || "", placeholder: t("oc.assignee"), maxlength: 100 });
    const out = h("span", { class: "muted out" }, messages.get(c.id) || "");
    const act = async (fn) => {
      try {
        await fn();
        messages.set(c.id, t("oc.saved"));
      } catch (err) {
        messages.set(c.id, err.message);
      }
      await load();
    };
    const changeBtn = h("button", { type: "button", class: "change", disabled: !next.length }, t("oc.change"));
    changeBtn.addEventListener("click", () =>
      act(() =>
        send("POST", `${INBOX}/${c.id}/status`, {
          status: statusSel.value,
          note: note.value.trim() || null,
          agency_code: statusSel.value === "forwarded" ? agencySel.value || null : null,
        }),
      ),
    );
    const assignBtn = h("button", { type: "button", class: "assign" }, t("oc.assign"));
    assignBtn.addEventListener("click", () =>
      act(() =>
        send("POST", `${INBOX}/${c.id}/assign`, {
          agency_code: agencySel.value || null,
          assignee: who.value.trim() || null,
          note: note.value.trim() || null,
        }),
      ),
    );
    return h(
      "tr",
      { "data-complaint": c.id, "data-status": c.status, class: c.overdue ? "overdue" : null },
      h("td", {}, `#${c.id}`),
      h("td", {}, pick(c, "service_name"), h("br"), h("small", { class: "muted" }, c.description || "")),
      h("td", { class: "status" }, pick(c, "status")),
      h("td", { class: "due", "data-due": c.due }, fmtTime(c.due), c.overdue ? [" ", badge("warning", t("oc.overdue"))] : null),
      h("td", {}, fmtTime(c.requested)),
      h("td", {}, c.agency ? pick(c.agency, "name") : "–", c.assignee ? ` · ${c.assignee}` : ""),
      h("td", { class: "actions" }, statusSel, " ", note, " ", changeBtn, h("br"), agencySel, " ", who, " ", assignBtn, " ", out),
    );
  };

  function filterForm() {
    const status = h(
      "select",
      { name: "status" },
      [["", t("oc.all")], ["open", t("oc.open")], ["closed", t("oc.closed")], ...states.map((s) => [s.status, pick(s, "name")])].map(([v, l]) =>
        h("option", { value: v, selected: v === filters.status }, l),
      ),
    );
    const district = h(
      "select",
      { name: "district_code" },
      h("option", { value: "" }, t("oc.all")),
      districts.map((d) => h("option", { value: d.code, selected: d.code === filters.district_code }, pick(d, "name"))),
    );
    const service = h(
      "select",
      { name: "service_code" },
      h("option", { value: "" }, t("oc.all")),
      services.map((s) => h("option", { value: s.service_code, selected: s.service_code === filters.service_code }, pick(s, "name"))),
    );
    const overdue = h("input", { type: "checkbox", name: "overdue", checked: filters.overdue });
    const changed = () => {
      filters.status = status.value;
      filters.district_code = district.value;
      filters.service_code = service.value;
      filters.overdue = overdue.checked;
      root.dataset.ready = "false";
      load();
    };
    for (const el of [status, district, service, overdue]) el.addEventListener("change", changed);
    return h(
      "form",
      { class: "filters", id: "inbox-filters", onsubmit: (ev) => ev.preventDefault() },
      h("label", {}, `${t("oc.status")} `, status),
      " ",
      h("label", {}, `${t("district")} `, district),
      " ",
      h("label", {}, `${t("oc.service")} `, service),
      " ",
      h("label", {}, overdue, ` ${t("oc.overdue_only")}`),
    );
  }

  function draw() {
    fill(
      root,
      h("h2", {}, t("oc.title")),
      filterForm(),
      error ? errorBox(error) : null,
      h("p", { class: "muted", id: "inbox-total", "data-total": body.total }, t("oc.total", { n: body.total })),
      body.items.length
        ? table(
            ["", t("oc.service"), t("oc.status"), t("oc.due"), t("oc.requested"), `${t("oc.agency")} / ${t("oc.assignee")}`, ""],
            body.items.map(row),
            { id: "inbox" },
          )
        : h("p", { class: "quiet" }, t("oc.none")),
    );
  }
  await load();
  return { root, draw };
}
