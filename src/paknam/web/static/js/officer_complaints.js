// The officers' complaints inbox (GET /api/v1/complaints): search (number, words, district),
// filters (status, district, category, agency, triage, overdue), sort, pages, CSV and Excel
// export of the filtered list, a print view, bulk assignment of the ticked complaints
// (all or nothing), and on each complaint: status change with a note, assignment, and its
// details (photos, internal notes, event log). Errors appear next to the control that
// caused them, in Thai or English (officer_errors.js). On a phone the table becomes cards.
import { has } from "./api.js";
import { fmtTime } from "./format.js";
import { addMessages, pick, t } from "./i18n.js";
import { INBOX, complaintDetail, serviceLabel } from "./officer_complaint_detail.js";
import { call, download, messageLine, query } from "./officer_errors.js";
import { badge, errorBox, fill, h, notAvailable } from "./ui.js";

addMessages({
  "oc.title": ["กล่องเรื่องร้องเรียน", "Complaints inbox"],
  "oc.caption": ["เรื่องร้องเรียนตามเงื่อนไขที่เลือก", "Complaints matching the filters"],
  "oc.search": ["ค้นหา", "Search"],
  "oc.search_hint": ["เลขเรื่อง (#12) ข้อความ ที่อยู่ หรือชื่ออำเภอ", "number (#12), words, address or district"],
  "oc.status": ["สถานะ", "status"],
  "oc.all": ["ทั้งหมด", "all"],
  "oc.open": ["ยังไม่ปิด", "open"],
  "oc.closed": ["ปิดแล้ว", "closed"],
  "oc.overdue_only": ["เฉพาะที่เกินกำหนด", "overdue only"],
  "oc.triage_only": ["รอคัดแยกประเภท", "awaiting triage"],
  "oc.service": ["ประเภท", "category"],
  "oc.due": ["กำหนดเสร็จ (SLA)", "due (SLA)"],
  "oc.overdue": ["เกินกำหนด", "overdue"],
  "oc.requested": ["แจ้งเมื่อ", "requested"],
  "oc.agency": ["หน่วยงาน", "agency"],
  "oc.assignee": ["ผู้รับผิดชอบ", "officer"],
  "oc.change": ["เปลี่ยนสถานะ", "change status"],
  "oc.new_status": ["สถานะใหม่", "new status"],
  "oc.note": ["บันทึก (แสดงต่อผู้แจ้ง)", "note (shown to the citizen)"],
  "oc.assign": ["มอบหมาย", "assign"],
  "oc.total": ["ทั้งหมด {n} เรื่อง", "{n} complaints"],
  "oc.range": ["แสดง {a}–{b} จาก {n}", "showing {a}–{b} of {n}"],
  "oc.none": ["ไม่มีเรื่องตามเงื่อนไข", "No complaint matches"],
  "oc.choose": ["— เลือกสถานะใหม่ —", "— choose the new status —"],
  "oc.sort": ["เรียงตาม", "sort by"],
  "oc.sort.due": ["กำหนดเสร็จใกล้สุดก่อน", "due soonest first"],
  "oc.sort.-due": ["กำหนดเสร็จไกลสุดก่อน", "due latest first"],
  "oc.sort.priority": ["เร่งด่วนก่อน (เกินกำหนด ยกระดับ)", "most pressing first"],
  "oc.sort.-created": ["แจ้งล่าสุดก่อน", "newest first"],
  "oc.sort.created": ["แจ้งก่อนสุดก่อน", "oldest first"],
  "oc.sort.-updated": ["ปรับปรุงล่าสุดก่อน", "recently changed first"],
  "oc.per_page": ["ต่อหน้า", "per page"],
  "oc.prev": ["‹ ก่อนหน้า", "‹ previous"],
  "oc.next": ["ถัดไป ›", "next ›"],
  "oc.export_csv": ["ส่งออก CSV", "Export CSV"],
  "oc.export_xlsx": ["ส่งออก Excel", "Export Excel"],
  "oc.exported": ["ส่งออกแล้ว {n} เรื่อง", "{n} complaints exported"],
  "oc.print": ["พิมพ์", "Print"],
  "oc.pick": ["เลือกเรื่อง #{id}", "select complaint #{id}"],
  "oc.pick_all": ["เลือกทุกเรื่องในหน้านี้", "select every complaint on this page"],
  "oc.bulk": ["มอบหมายหลายเรื่อง", "Assign several"],
  "oc.bulk_n": ["เลือกไว้ {n} เรื่อง", "{n} selected"],
  "oc.bulk_go": ["มอบหมายเรื่องที่เลือก", "Assign the selected"],
  "oc.bulk_done": ["มอบหมายแล้ว {n} เรื่อง", "{n} complaints assigned"],
  "oc.triage": ["รอคัดแยก", "triage"],
  "oc.filters": ["ตัวกรองและการเรียง", "Filters and sort"],
  "oc.filters_on": ["ใช้อยู่ {n}", "{n} in use"],
});

const SORTS = ["due", "priority", "-created", "created", "-updated", "-due"];
const PAGE_SIZES = [25, 50, 100];

/** The inbox section; `districts` is a list of {code, name_th, name_en}. */
export async function complaintsInbox(districts) {
  const root = h("section", { class: "panel", id: "complaints-inbox", "aria-labelledby": "inbox-title" });
  const title = () => h("h2", { id: "inbox-title" }, t("oc.title"));
  if (!has(INBOX)) {
    fill(root, title(), notAvailable());
    return { root, draw: () => fill(root, title(), notAvailable()) };
  }
  const [states, services, agencies] = await Promise.all([
    has(`${INBOX}/states`) ? query(`${INBOX}/states`) : [],
    has(`${INBOX}/services`) ? query(`${INBOX}/services`) : [],
    has(`${INBOX}/agencies`) ? query(`${INBOX}/agencies`) : [],
  ]);
  const stateBy = new Map(states.map((s) => [s.status, s]));
  const stateName = (s) => pick(stateBy.get(s), "name") || s;
  const filters = { q: "", status: "open", district_code: "", service_code: "", agency_code: "", triage: false, overdue: false };
  const view = { sort: "due", limit: 50, offset: 0 };
  // the filters stay folded on a phone until asked for (the list comes first)
  let filtersOpen = !window.matchMedia("(max-width: 760px)").matches;
  let body = { total: 0, items: [] };
  let error = null;
  const rowMessages = new Map(); // complaint id -> [kind, value, field]
  const details = new Map(); // complaint id -> its detail (with events), for the opened ones
  const selected = new Set();
  const canDetail = has(`${INBOX}/{complaint_id}`);
  const canExport = has(`${INBOX}/export`);
  // The page configuration lists GET paths only: bulk-assign (POST) came with the export.
  const canBulk = canExport;
  const bulkMsg = messageLine({ id: "bulk-msg" });
  const exportMsg = messageLine({ id: "export-msg" });
  const changed = () => document.dispatchEvent(new CustomEvent("desk:changed"));

  const params = () => ({
    q: filters.q.trim() || undefined,
    status: filters.status || undefined,
    district_code: filters.district_code || undefined,
    service_code: filters.service_code || undefined,
    agency_code: filters.agency_code || undefined,
    triage: filters.triage ? "true" : undefined,
    overdue: filters.overdue ? "true" : undefined,
    sort: view.sort,
  });

  const fetchDetail = async (id) => {
    try {
      details.set(id, await query(`${INBOX}/${id}`));
    } catch (err) {
      details.set(id, err);
    }
  };

  let loads = 0; // only the newest request's answer is drawn (an older one may arrive last)
  const load = async () => {
    const mine = ++loads;
    root.dataset.ready = "false";
    let got = body;
    let failed = null;
    try {
      got = await query(INBOX, { ...params(), limit: view.limit, offset: view.offset });
      await Promise.all([...details.keys()].map(fetchDetail));
    } catch (err) {
      failed = err;
    }
    if (mine !== loads) return;
    body = got;
    error = failed;
    draw();
    root.dataset.ready = "true";
  };

  const reload = async () => {
    await load();
    changed();
  };

  function row(c) {
    const next = stateBy.get(c.status)?.next || [];
    const statusSel = h(
      "select",
      { name: "status", "aria-label": `${t("oc.new_status")} #${c.id}` },
      h("option", { value: "" }, t("oc.choose")),
      next.map((s) => h("option", { value: s }, stateName(s))),
    );
    const note = h("input", { name: "note", placeholder: t("oc.note"), "aria-label": `${t("oc.note")} #${c.id}`, maxlength: 2000 });
    const agencySel = h(
      "select",
      { name: "agency_code", "aria-label": `${t("oc.agency")} #${c.id}` },
      h("option", { value: "" }, "–"),
      agencies.map((a) => h("option", { value: a.code, selected: c.agency && c.agency.code === a.code }, pick(a, "name"))),
    );
    const who = h("input", {
      name: "assignee",
      value: c.assignee || "",
      placeholder: t("oc.assignee"),
      "aria-label": `${t("oc.assignee")} #${c.id}`,
      maxlength: 100,
    });
    const msg = messageLine({ class: "out" });
    const controls = { note, status: statusSel, agency_code: agencySel, assignee: who };
    const said = rowMessages.get(c.id);
    if (said && said[0] === "ok") msg.ok();
    else if (said) msg.error(said[1], { control: controls[said[2]] || null });
    const act = async (fn, control) => {
      try {
        await fn();
        rowMessages.set(c.id, ["ok"]);
        changed();
      } catch (err) {
        let field = err.field && controls[err.field] ? err.field : control;
        if (/needs a note/i.test(err.message || "")) field = "note";
        rowMessages.set(c.id, ["error", err, field]);
      }
      await load();
    };
    // Nothing changes until the officer has chosen the new status.
    const changeBtn = h("button", { type: "button", class: "change", disabled: true }, t("oc.change"));
    statusSel.addEventListener("change", () => {
      changeBtn.disabled = !statusSel.value;
    });
    changeBtn.addEventListener("click", () =>
      act(
        () =>
          call("POST", `${INBOX}/${c.id}/status`, {
            status: statusSel.value,
            note: note.value.trim() || null,
            agency_code: statusSel.value === "forwarded" ? agencySel.value || null : null,
          }),
        "status",
      ),
    );
    const assignBtn = h("button", { type: "button", class: "assign" }, t("oc.assign"));
    assignBtn.addEventListener("click", () =>
      act(
        () =>
          call("POST", `${INBOX}/${c.id}/assign`, {
            agency_code: agencySel.value || null,
            assignee: who.value.trim() || null,
            note: note.value.trim() || null,
          }),
        "agency_code",
      ),
    );
    const pickBox = h("input", { type: "checkbox", name: "pick", value: c.id, checked: selected.has(c.id), "aria-label": t("oc.pick", { id: c.id }) });
    pickBox.addEventListener("change", () => {
      if (pickBox.checked) selected.add(c.id);
      else selected.delete(c.id);
      updateBulk();
    });
    // The status note is worth a line only when it says more than the state's label.
    const notes = c.status_notes && c.status_notes !== `${c.status_th} / ${c.status_en}` ? c.status_notes : null;
    const main = h(
      "tr",
      {
        "data-complaint": c.id,
        "data-status": c.status,
        "data-overdue": String(Boolean(c.overdue)),
        class: c.overdue ? "overdue" : null,
      },
      h("td", { class: "pick no-print" }, pickBox),
      h("td", { class: "id", "data-label": "#" }, `#${c.id}`),
      h(
        "td",
        { class: "what", "data-label": t("oc.service") },
        serviceLabel(c),
        c.triage ? [" ", badge("warning", t("oc.triage"))] : null,
        h("br"),
        h("small", { class: "muted desc" }, c.description || ""),
        canDetail ? [h("br"), detailToggle(c.id)] : null,
      ),
      h(
        "td",
        { class: "status", "data-label": t("oc.status") },
        h("span", { class: "status-name" }, pick(c, "status")),
        notes ? [h("br"), h("small", { class: "muted status-notes" }, notes)] : null,
      ),
      h("td", { class: "due", "data-due": c.due, "data-label": t("oc.due") }, fmtTime(c.due), c.overdue ? [" ", badge("warning", t("oc.overdue"))] : null),
      h("td", { class: "requested", "data-label": t("oc.requested") }, fmtTime(c.requested)),
      h("td", { class: "agency", "data-label": `${t("oc.agency")} / ${t("oc.assignee")}` }, c.agency ? pick(c.agency, "name") : "–", c.assignee ? ` · ${c.assignee}` : ""),
      h(
        "td",
        { class: "actions no-print" },
        h("div", { class: "act-line" }, statusSel, note, changeBtn),
        h("div", { class: "act-line" }, agencySel, who, assignBtn),
        msg.root,
      ),
    );
    if (!details.has(c.id)) return [main];
    return [
      main,
      h(
        "tr",
        { class: "log-row", "data-log": c.id },
        h("td", { colspan: 8 }, complaintDetail(details.get(c.id), { stateName, reload: async () => reload() })),
      ),
    ];
  }

  function detailToggle(id) {
    const open = details.has(id);
    const button = h("button", { type: "button", class: "log-toggle", "aria-expanded": String(open) }, `${open ? "▾" : "▸"} ${t("oc.log")}`);
    button.addEventListener("click", async () => {
      if (details.has(id)) details.delete(id);
      else await fetchDetail(id);
      draw();
    });
    return button;
  }

  // Built once: what the officer is typing (and the focus) survives the list being drawn
  // again when an answer arrives; draw() only puts its texts in the current language.
  const searchInput = h("input", { type: "search", id: "inbox-q", name: "q", maxlength: 200 });
  const searchLabel = h("label", { for: "inbox-q" });
  const searchButton = h("button", { type: "submit", class: "primary" });
  const searchEl = h("form", { role: "search", id: "inbox-search", class: "desk-search no-print" }, searchLabel, searchInput, searchButton);
  searchEl.addEventListener("submit", (ev) => {
    ev.preventDefault();
    filters.q = searchInput.value;
    view.offset = 0;
    load();
  });
  function searchForm() {
    searchLabel.textContent = t("oc.search");
    searchButton.textContent = t("oc.search");
    searchInput.placeholder = t("oc.search_hint");
    return searchEl;
  }

  function select(name, label, options, value) {
    const el = h(
      "select",
      { name },
      options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)),
    );
    return [h("label", {}, `${label} `, el), el];
  }

  function filterForm() {
    const [statusL, status] = select(
      "status",
      t("oc.status"),
      [["", t("oc.all")], ["open", t("oc.open")], ["closed", t("oc.closed")], ...states.map((s) => [s.status, pick(s, "name")])],
      filters.status,
    );
    const [districtL, district] = select("district_code", t("district"), [["", t("oc.all")], ...districts.map((d) => [d.code, pick(d, "name")])], filters.district_code);
    const [serviceL, service] = select("service_code", t("oc.service"), [["", t("oc.all")], ...services.map((s) => [s.service_code, pick(s, "name")])], filters.service_code);
    const [agencyL, agency] = select("agency_code", t("oc.agency"), [["", t("oc.all")], ...agencies.map((a) => [a.code, pick(a, "name")])], filters.agency_code);
    const [sortL, sort] = select("sort", t("oc.sort"), SORTS.map((s) => [s, t(`oc.sort.${s}`)]), view.sort);
    const [sizeL, size] = select("limit", t("oc.per_page"), PAGE_SIZES.map((n) => [String(n), String(n)]), String(view.limit));
    const triage = h("input", { type: "checkbox", name: "triage", checked: filters.triage });
    const overdue = h("input", { type: "checkbox", name: "overdue", checked: filters.overdue });
    const onChange = () => {
      filters.status = status.value;
      filters.district_code = district.value;
      filters.service_code = service.value;
      filters.agency_code = agency.value;
      filters.triage = triage.checked;
      filters.overdue = overdue.checked;
      view.sort = sort.value;
      view.limit = Number(size.value);
      view.offset = 0;
      root.dataset.ready = "false";
      load();
    };
    for (const el of [status, district, service, agency, sort, size, triage, overdue]) el.addEventListener("change", onChange);
    return h(
      "form",
      { class: "filters no-print", id: "inbox-filters", onsubmit: (ev) => ev.preventDefault() },
      statusL,
      districtL,
      serviceL,
      agencyL,
      h("label", {}, triage, ` ${t("oc.triage_only")}`),
      h("label", {}, overdue, ` ${t("oc.overdue_only")}`),
      sortL,
      sizeL,
    );
  }

  function filterBox() {
    const used = ["district_code", "service_code", "agency_code", "triage", "overdue"].filter((k) => filters[k]).length + (filters.status !== "open" ? 1 : 0);
    const box = h(
      "details",
      { id: "inbox-filter-box", class: "desk-filters no-print", open: filtersOpen },
      h("summary", {}, t("oc.filters"), used ? ` (${t("oc.filters_on", { n: used })})` : ""),
      filterForm(),
    );
    box.addEventListener("toggle", () => {
      filtersOpen = box.open;
    });
    return box;
  }

  function tools() {
    const buttons = [];
    if (canExport) {
      for (const fmt of ["csv", "xlsx"]) {
        const b = h("button", { type: "button", id: `export-${fmt}` }, t(`oc.export_${fmt}`));
        b.addEventListener("click", async () => {
          b.disabled = true;
          try {
            const day = new Date().toISOString().slice(0, 10);
            const got = await download(`${INBOX}/export`, { ...params(), format: fmt }, `complaints-${day}.${fmt}`);
            exportMsg.ok(t("oc.exported", { n: got.rows }));
          } catch (err) {
            exportMsg.error(err, { control: b });
          } finally {
            b.disabled = false;
          }
        });
        buttons.push(b);
      }
    }
    const print = h("button", { type: "button", id: "inbox-print" }, t("oc.print"));
    print.addEventListener("click", () => window.print());
    return h("div", { class: "desk-tools no-print" }, buttons, print, exportMsg.root);
  }

  const bulkBar = h("form", { id: "bulk-bar", class: "desk-bulk no-print", "aria-label": t("oc.bulk") });
  const bulk = { agency_code: "", assignee: "" }; // kept while the inbox is drawn again
  let bulkCount = null;
  let bulkGo = null;
  /** Only the count and the button follow the ticks (the form keeps what was typed). */
  function updateBulk() {
    if (!bulkCount) return;
    bulkCount.dataset.count = String(selected.size);
    bulkCount.textContent = t("oc.bulk_n", { n: selected.size });
    bulkGo.disabled = selected.size === 0;
  }
  function drawBulk() {
    if (!canBulk) return;
    const agency = h(
      "select",
      { name: "agency_code", id: "bulk-agency" },
      h("option", { value: "" }, "–"),
      agencies.map((a) => h("option", { value: a.code, selected: a.code === bulk.agency_code }, pick(a, "name"))),
    );
    const who = h("input", { name: "assignee", id: "bulk-assignee", maxlength: 100, value: bulk.assignee });
    agency.addEventListener("change", () => {
      bulk.agency_code = agency.value;
    });
    who.addEventListener("input", () => {
      bulk.assignee = who.value;
    });
    bulkGo = h("button", { type: "submit", class: "primary", id: "bulk-assign" }, t("oc.bulk_go"));
    bulkCount = h("span", { id: "bulk-count" });
    fill(
      bulkBar,
      h("b", {}, t("oc.bulk")),
      bulkCount,
      h("label", { for: "bulk-agency" }, t("oc.agency")),
      agency,
      h("label", { for: "bulk-assignee" }, t("oc.assignee")),
      who,
      bulkGo,
      bulkMsg.root,
    );
    updateBulk();
    bulkBar.onsubmit = async (ev) => {
      ev.preventDefault();
      const ids = [...selected];
      bulkGo.disabled = true;
      try {
        const r = await call("POST", `${INBOX}/bulk-assign`, {
          ids,
          agency_code: bulk.agency_code || null,
          assignee: bulk.assignee.trim() || null,
        });
        selected.clear();
        bulk.assignee = "";
        await load();
        bulkMsg.ok(t("oc.bulk_done", { n: r.assigned }));
        changed();
      } catch (err) {
        bulkMsg.error(err, { control: err.field === "assignee" ? who : agency, ids });
        updateBulk();
      }
    };
  }

  function pager() {
    const { total } = body;
    const a = total ? view.offset + 1 : 0;
    const b = Math.min(view.offset + view.limit, total);
    const prev = h("button", { type: "button", class: "prev", disabled: view.offset === 0 }, t("oc.prev"));
    const next = h("button", { type: "button", class: "next", disabled: b >= total }, t("oc.next"));
    prev.addEventListener("click", () => {
      view.offset = Math.max(0, view.offset - view.limit);
      load();
    });
    next.addEventListener("click", () => {
      view.offset += view.limit;
      load();
    });
    return h("nav", { class: "pager no-print", "aria-label": t("oc.title") }, prev, h("span", { class: "range", "data-offset": view.offset }, t("oc.range", { a, b, n: total })), next);
  }

  function inboxTable() {
    const all = h("input", {
      type: "checkbox",
      id: "pick-all",
      "aria-label": t("oc.pick_all"),
      checked: body.items.length > 0 && body.items.every((c) => selected.has(c.id)),
    });
    all.addEventListener("change", () => {
      for (const c of body.items) {
        if (all.checked) selected.add(c.id);
        else selected.delete(c.id);
      }
      draw();
    });
    const heads = [t("oc.service"), t("oc.status"), t("oc.due"), t("oc.requested"), `${t("oc.agency")} / ${t("oc.assignee")}`];
    return h(
      "table",
      { id: "inbox", class: "desk-table" },
      h("caption", { class: "desk-sr" }, t("oc.caption")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "pick no-print" }, h("label", {}, all, h("span", { class: "pick-all-text" }, ` ${t("oc.pick_all")}`))),
          h("th", { scope: "col" }, "#"),
          heads.map((x) => h("th", { scope: "col" }, x)),
          h("th", { scope: "col", class: "no-print" }, h("span", { class: "desk-sr" }, t("oc.change"))),
        ),
      ),
      h("tbody", {}, body.items.flatMap(row)),
    );
  }

  function draw() {
    drawBulk();
    fill(
      root,
      title(),
      searchForm(),
      filterBox(),
      tools(),
      canBulk ? bulkBar : null,
      error ? errorBox(error) : null,
      h("p", { class: "muted", id: "inbox-total", "data-total": body.total }, t("oc.total", { n: body.total })),
      body.items.length ? inboxTable() : h("p", { class: "quiet" }, t("oc.none")),
      body.total > view.limit || view.offset > 0 ? pager() : null,
    );
  }
  await load();
  return { root, draw };
}
