// One complaint opened in the officer's inbox (GET /api/v1/complaints/{id}): its photos
// (before / after) with an upload form, the address the citizen gave, a form for notes — internal by default,
// shown to the citizen only when ticked — and the event log, where internal entries are
// marked as such.
import { fmtTime } from "./format.js";
import { addMessages, pick, t } from "./i18n.js";
import { call, messageLine } from "./officer_errors.js";
import { badge, errorBox, h } from "./ui.js";

addMessages({
  "oc.log": ["รายละเอียดและประวัติ", "details and log"],
  "oc.by": ["โดย", "by"],
  "oc.internal": ["ภายใน", "internal"],
  "oc.public": ["แสดงต่อผู้แจ้ง", "shown to the citizen"],
  "oc.photos": ["รูปภาพ", "Photos"],
  "oc.no_photos": ["ไม่มีรูปภาพ", "No photo"],
  "oc.stage.before": ["ก่อนดำเนินการ", "before"],
  "oc.stage.after": ["หลังดำเนินการ", "after"],
  "oc.photo_alt": ["รูป{stage} เรื่อง #{id}", "{stage} photo of complaint #{id}"],
  "oc.address": ["ที่อยู่ที่แจ้ง", "address given"],
  "oc.add_note": ["เพิ่มบันทึก", "Add note"],
  "oc.note_text": ["บันทึกของเจ้าหน้าที่", "Officer's note"],
  "oc.note_public": ["แสดงต่อผู้แจ้ง (ไม่ติ๊ก = บันทึกภายใน เห็นเฉพาะเจ้าหน้าที่)", "Show to the citizen (unticked: internal, officers only)"],
  "oc.add_photo": ["เพิ่มรูปภาพ", "Add a photo"],
  "oc.photo_file": ["ไฟล์รูป (JPEG, PNG, WebP ไม่เกิน 5 MB)", "Photo file (JPEG, PNG, WebP, ≤ 5 MB)"],
  "oc.photo_stage": ["ช่วง", "stage"],
  "oc.upload": ["อัปโหลด", "Upload"],
  "oc.kind.created": ["รับแจ้ง", "filed"],
  "oc.kind.status": ["เปลี่ยนสถานะ", "status"],
  "oc.kind.assigned": ["มอบหมาย", "assigned"],
  "oc.kind.triaged": ["คัดแยกประเภท", "category settled"],
  "oc.kind.note": ["บันทึก", "note"],
  "oc.kind.photo": ["รูปภาพ", "photo"],
  "oc.kind.rated": ["ให้คะแนน", "rated"],
  "oc.kind.supported": ["+1 จากประชาชน", "+1 from a citizen"],
  "oc.kind.reopened": ["เปิดเรื่องใหม่", "reopened"],
  "oc.kind.reminder": ["เตือนหน่วยงาน", "reminder"],
  "oc.kind.escalated": ["ยกระดับเรื่อง", "escalated"],
});

export const INBOX = "/api/v1/complaints";

function photos(c) {
  if (!c.photos || !c.photos.length) return h("p", { class: "muted" }, t("oc.no_photos"));
  return h(
    "ul",
    { class: "desk-photos" },
    c.photos.map((p) => {
      // the path on this server (the stored URL carries the configured public address)
      const src = `${INBOX}/${c.id}/photos/${p.id}`;
      const stage = t(`oc.stage.${p.stage}`);
      return h(
        "li",
        { "data-photo": p.id },
        h("a", { href: src, target: "_blank", rel: "noopener" }, h("img", { src, alt: t("oc.photo_alt", { stage, id: c.id }), loading: "lazy", width: 160, height: 120 })),
        h("small", {}, `${stage} · ${fmtTime(p.added)}`),
      );
    }),
  );
}

function events(list, stateName) {
  return h(
    "ol",
    { class: "events" },
    list.map((e) =>
      h(
        "li",
        { "data-kind": e.kind, "data-to": e.to_status || "", "data-event": e.id, "data-public": String(Boolean(e.public)) },
        `${fmtTime(e.at)} · ${t(`oc.kind.${e.kind}`)}`,
        e.to_status ? ` → ${stateName(e.to_status)}` : "",
        ` · ${t("oc.by")} ${e.actor}`,
        e.public ? "" : [" ", badge("internal", t("oc.internal"))],
        e.note ? [h("br"), h("span", { class: "note" }, e.note)] : null,
      ),
    ),
  );
}

/** The note form: internal unless "shown to the citizen" is ticked; `done()` after a save. */
function noteForm(c, done) {
  const id = `note-${c.id}`;
  const text = h("textarea", { id, name: "internal-note", maxlength: 2000, rows: 2 });
  const pub = h("input", { type: "checkbox", name: "public" });
  const button = h("button", { type: "submit", class: "primary" }, t("oc.add_note"));
  const msg = messageLine({ class: "note-out" });
  const form = h(
    "form",
    { class: "note-form no-print", "data-note-for": c.id },
    h("label", { for: id }, t("oc.note_text")),
    text,
    h("label", { class: "check" }, pub, ` ${t("oc.note_public")}`),
    h("div", {}, button, " ", msg.root),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      await call("POST", `${INBOX}/${c.id}/notes`, { note: text.value, public: pub.checked });
      text.value = "";
      pub.checked = false;
      msg.ok();
      await done();
    } catch (err) {
      msg.error(err, { control: text });
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Before/after photo upload (POST /api/v1/complaints/{id}/photos, multipart). */
function photoForm(c, done) {
  const fileId = `photo-${c.id}`;
  const file = h("input", { type: "file", id: fileId, name: "photo", accept: "image/jpeg,image/png,image/webp", required: true });
  const stage = h(
    "select",
    { name: "stage", "aria-label": t("oc.photo_stage") },
    ["after", "before"].map((s) => h("option", { value: s }, t(`oc.stage.${s}`))),
  );
  const button = h("button", { type: "submit" }, t("oc.upload"));
  const msg = messageLine({ class: "photo-out" });
  const form = h(
    "form",
    { class: "photo-form no-print", "data-photo-for": c.id },
    h("b", {}, t("oc.add_photo")),
    h("label", { for: fileId }, t("oc.photo_file")),
    file,
    h("div", {}, stage, " ", button, " ", msg.root),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData();
    data.append("stage", stage.value);
    if (file.files[0]) data.append("photo", file.files[0]);
    button.disabled = true;
    try {
      await call("POST", `${INBOX}/${c.id}/photos`, data);
      msg.ok();
      await done();
    } catch (err) {
      msg.error(err, { control: file });
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The opened complaint: `detail` is the API's answer (with events) or an Error. */
export function complaintDetail(detail, { stateName, reload }) {
  if (!detail || detail instanceof Error) return errorBox(detail);
  return h(
    "div",
    { class: "complaint-detail", "data-detail": detail.id },
    detail.address ? h("p", {}, h("b", {}, `${t("oc.address")}: `), detail.address) : null,
    h("h3", {}, t("oc.photos")),
    photos(detail),
    photoForm(detail, reload),
    h("h3", {}, t("oc.log")),
    events(detail.events || [], stateName),
    noteForm(detail, reload),
  );
}

export function serviceLabel(c) {
  return pick(c, "service_name");
}
