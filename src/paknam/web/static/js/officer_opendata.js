// The officer desk's open datasets: upload a CSV or .xlsx as a new open dataset (Thai and
// English title and description, keywords, licence, theme, frequency, organisation,
// thai_gdc fields), replace a dataset's file (a new version), delete one
// (POST/PUT/DELETE /api/v1/opendata/datasets). Cells and titles are shown as text only.
import { call, messageLine } from "./officer_errors.js";
import { addMessages, lang, t } from "./i18n.js";
import { fmtNum } from "./format.js";
import { fill, h, table } from "./ui.js";

addMessages({
  "od.title": ["ชุดข้อมูลเปิดของหน่วยงาน", "Open datasets of your office"],
  "od.intro": [
    "อัปโหลดไฟล์ CSV หรือ Excel (.xlsx) ไม่เกิน 10 MB เพื่อเผยแพร่เป็นข้อมูลเปิด (CKAN, DCAT-AP, CSV) แถวแรกเป็นหัวตาราง",
    "Upload a CSV or Excel (.xlsx) file of at most 10 MB to publish it as open data (CKAN, DCAT-AP, CSV). The first row is the header.",
  ],
  "od.none": ["ยังไม่มีชุดข้อมูลที่อัปโหลด", "No uploaded dataset yet"],
  "od.name": ["ชื่อในระบบ (a-z 0-9 -)", "Name (a-z 0-9 -)"],
  "od.title_th": ["ชื่อชุดข้อมูล (ไทย)", "Title (Thai)"],
  "od.title_en": ["ชื่อชุดข้อมูล (อังกฤษ)", "Title (English)"],
  "od.notes_th": ["คำอธิบาย (ไทย)", "Description (Thai)"],
  "od.notes_en": ["คำอธิบาย (อังกฤษ)", "Description (English)"],
  "od.keywords": ["คำสำคัญ (คั่นด้วยจุลภาค)", "Keywords (comma separated)"],
  "od.licence": ["สัญญาอนุญาต", "Licence"],
  "od.theme": ["หมวดหมู่", "Theme"],
  "od.frequency": ["ความถี่ในการปรับปรุง", "Update frequency"],
  "od.org_th": ["หน่วยงาน (ไทย)", "Organisation (Thai)"],
  "od.org_en": ["หน่วยงาน (อังกฤษ)", "Organisation (English)"],
  "od.email": ["อีเมลติดต่อของหน่วยงาน", "Office contact e-mail"],
  "od.geo": ["ขอบเขตเชิงภูมิศาสตร์", "Geographic coverage"],
  "od.source": ["แหล่งที่มาของข้อมูล", "Data source"],
  "od.file": ["ไฟล์ CSV หรือ .xlsx", "CSV or .xlsx file"],
  "od.upload": ["อัปโหลดและเผยแพร่", "Upload and publish"],
  "od.uploaded": ["เผยแพร่แล้ว: {rows} แถว", "Published: {rows} rows"],
  "od.replace": ["แทนที่ไฟล์ (รุ่นใหม่)", "Replace the file (new version)"],
  "od.replaced": ["รุ่นที่ {v}: {rows} แถว", "Version {v}: {rows} rows"],
  "od.delete": ["ลบ", "Delete"],
  "od.confirm": ["ลบชุดข้อมูล {name} ?", "Delete the dataset {name}?"],
  "od.rows": ["แถว", "rows"],
  "od.version": ["รุ่น", "version"],
  "od.owner": ["ผู้อัปโหลด", "owner"],
  "od.links": ["ลิงก์", "links"],
  "od.new": ["เพิ่มชุดข้อมูลใหม่", "Add a dataset"],
  "od.required": ["(ต้องกรอก)", "(required)"],
  "od.col_title": ["ชื่อชุดข้อมูล", "title"],
  "od.actions": ["จัดการ", "actions"],
});

function field(key, control, required = false) {
  return h("label", { class: "od-field" }, t(key), required ? ` ${t("od.required")}` : "", h("br"), control);
}

function select(name, options, selected) {
  return h(
    "select",
    { name },
    options.map(([value, label]) => h("option", { value, selected: value === selected }, label)),
  );
}

function uploadForm(choices, onDone) {
  const msg = messageLine();
  const text = (name, attrs = {}) => h("input", { name, type: "text", ...attrs });
  const th = lang() === "th";
  const form = h(
    "form",
    { class: "od-form", id: "opendata-form", "aria-labelledby": "opendata-new" },
    h("h3", { id: "opendata-new" }, t("od.new")),
    field("od.name", text("name", { required: true, pattern: "[a-z0-9][a-z0-9\\-]{1,98}[a-z0-9]", maxlength: 100, autocomplete: "off" }), true),
    field("od.title_th", text("title_th", { required: true, maxlength: 200, lang: "th" }), true),
    field("od.title_en", text("title_en", { required: true, maxlength: 200, lang: "en" }), true),
    field("od.notes_th", h("textarea", { name: "notes_th", required: true, rows: 3, maxlength: 5000, lang: "th" }), true),
    field("od.notes_en", h("textarea", { name: "notes_en", required: true, rows: 3, maxlength: 5000, lang: "en" }), true),
    field("od.keywords", text("keywords", { required: true, maxlength: 2000 }), true),
    field("od.licence", select("licence", choices.licence.map((c) => [c.id, `${c.title} (${c.id})`]), "CC-BY-4.0")),
    field("od.theme", select("theme", choices.theme.map((c) => [c.id, th ? c.title_th : c.title_en]), "REGI")),
    field("od.frequency", select("frequency", choices.frequency.map((c) => [c.id, `${c.unit_th} (${c.id})`]), "IRREG")),
    field("od.org_th", text("organization_th", { maxlength: 200, lang: "th" })),
    field("od.org_en", text("organization_en", { maxlength: 200, lang: "en" })),
    field("od.email", h("input", { name: "contact_email", type: "email", maxlength: 200 })),
    field("od.geo", select("geo_coverage", choices.geo_coverage.map((g) => [g, g]), "จังหวัด")),
    field("od.source", text("data_source", { maxlength: 300 })),
    field("od.file", h("input", { name: "file", type: "file", required: true, accept: ".csv,.xlsx,text/csv" }), true),
    h("p", {}, h("button", { type: "submit", class: "primary" }, t("od.upload")), " ", msg.root),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const made = await call("POST", "/api/v1/opendata/datasets", new FormData(form));
      msg.ok(t("od.uploaded", { rows: fmtNum(made.rows, 0) }));
      form.reset();
      onDone();
    } catch (err) {
      msg.error(err, { control: form.elements[err.field] || form.elements.file });
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function row(ds, onDone) {
  const msg = messageLine();
  const input = h("input", { type: "file", name: "file", accept: ".csv,.xlsx,text/csv", "aria-label": `${t("od.replace")}: ${ds.name}` });
  const replace = h("button", { type: "button" }, t("od.replace"));
  replace.addEventListener("click", async () => {
    if (!input.files.length) {
      input.focus();
      return;
    }
    const body = new FormData();
    body.append("file", input.files[0]);
    replace.disabled = true;
    try {
      const r = await call("PUT", `/api/v1/opendata/datasets/${encodeURIComponent(ds.name)}/file`, body);
      msg.ok(t("od.replaced", { v: r.version, rows: fmtNum(r.rows, 0) }));
      onDone();
    } catch (err) {
      msg.error(err, { control: input });
    } finally {
      replace.disabled = false;
    }
  });
  const del = h("button", { type: "button", class: "danger" }, t("od.delete"));
  del.addEventListener("click", async () => {
    if (!window.confirm(t("od.confirm", { name: ds.name }))) return;
    try {
      await call("DELETE", `/api/v1/opendata/datasets/${encodeURIComponent(ds.name)}`);
      onDone();
    } catch (err) {
      msg.error(err, { control: del });
    }
  });
  return [
    h("code", {}, ds.name),
    lang() === "th" ? ds.title_th : ds.title_en,
    fmtNum(ds.rows, 0),
    String(ds.version),
    ds.owner,
    h(
      "span",
      {},
      h("a", { href: `/api/3/action/package_show?id=${encodeURIComponent(ds.name)}` }, "CKAN"),
      " · ",
      h("a", { href: `/opendata/${encodeURIComponent(ds.name)}/table.csv` }, "CSV"),
    ),
    h("span", {}, input, " ", replace, " ", del, " ", msg.root),
  ];
}

/** The panel: `{root, draw}`; `draw()` reloads the list. */
export async function openDataPanel() {
  const root = h("section", { class: "panel", id: "opendata" });
  let answer = await call("GET", "/api/v1/opendata/datasets");
  const list = h("div", { class: "od-list" });
  const reload = async () => {
    answer = await call("GET", "/api/v1/opendata/datasets");
    drawList();
  };
  const drawList = () => {
    fill(
      list,
      answer.datasets.length
        ? table(
            [t("od.name"), t("od.col_title"), t("od.rows"), t("od.version"), t("od.owner"), t("od.links"), t("od.actions")],
            answer.datasets.map((ds) => row(ds, reload)),
            { caption: t("od.title"), cards: true },
          )
        : h("p", {}, t("od.none")),
    );
  };
  const draw = () => {
    drawList();
    fill(root, h("h2", {}, t("od.title")), h("p", {}, t("od.intro")), list, uploadForm(answer.choices, reload));
  };
  draw();
  return { root, draw };
}
