// Officer side of the CAP alerts: issue an alert (topic, severity, urgency, certainty, Thai
// and English texts, districts), PREVIEW what each channel would send in each language
// (text, SMS encoding and segments, recipients per channel), SEND it, follow the delivery
// progress, and issue an Update or a Cancel.
//
// Made to prevent mistakes: no silent default for the status (real, drill, test) and the
// severity; Send stays disabled until the alert's texts were previewed; Send and Cancel
// ask for confirmation naming how many people it reaches; an audience of nobody cannot be
// sent to (the server refuses it too) and the form says why, in Thai.
import { getJSON, send } from "./api.js";
import { drillBadge, isDrill } from "./alerts_view.js";
import { fmtNum, fmtTime } from "./format.js";
import { addMessages, pick, t } from "./i18n.js";
import { badge, clear, fill, h, table } from "./ui.js";

addMessages({
  "oa.title": ["ออกการแจ้งเตือน (CAP)", "Issue an alert (CAP)"],
  "oa.topic": ["เรื่อง", "topic"],
  "oa.topic.flood": ["น้ำท่วม", "flood"],
  "oa.topic.air": ["คุณภาพอากาศ", "air quality"],
  "oa.topic.water": ["คุณภาพน้ำ", "water quality"],
  "oa.topic.news": ["ข่าวสาร", "news"],
  "oa.severity": ["ความรุนแรง (CAP severity)", "severity"],
  "oa.urgency": ["ความเร่งด่วน (CAP urgency)", "urgency"],
  "oa.certainty": ["ความแน่นอน (CAP certainty)", "certainty"],
  "oa.status": ["ประเภทข้อความ (CAP status)", "message status"],
  "oa.choose": ["— เลือก —", "— choose —"],
  "oa.urgency.Immediate": ["ทันที", "Immediate"],
  "oa.urgency.Expected": ["คาดว่าภายใน 1 ชั่วโมง", "Expected (within the hour)"],
  "oa.urgency.Future": ["ในอนาคต", "Future"],
  "oa.urgency.Past": ["ผ่านไปแล้ว", "Past"],
  "oa.urgency.Unknown": ["ไม่ทราบ", "Unknown"],
  "oa.certainty.Observed": ["เกิดขึ้นแล้ว (สังเกตได้)", "Observed"],
  "oa.certainty.Likely": ["น่าจะเกิด (โอกาสเกินครึ่ง)", "Likely (over 50 %)"],
  "oa.certainty.Possible": ["อาจเกิด (โอกาสไม่เกินครึ่ง)", "Possible (50 % or less)"],
  "oa.certainty.Unlikely": ["ไม่น่าจะเกิด", "Unlikely"],
  "oa.certainty.Unknown": ["ไม่ทราบ", "Unknown"],
  "oa.status.Actual": ["เหตุการณ์จริง — ถึงประชาชน", "Actual — a real event"],
  "oa.status.Exercise": ["การฝึกซ้อม", "Exercise (a drill)"],
  "oa.status.Test": ["ทดสอบระบบ", "Test"],
  "oa.need_choice": ["กรุณาเลือก{what}", "Choose the {what}"],
  "oa.preview_first": ["ดูตัวอย่างข้อความก่อนจึงจะส่งได้", "Preview the texts before sending"],
  "oa.nobody": [
    "ไม่มีผู้รับ: ยังไม่มีผู้ลงทะเบียนรับการแจ้งเตือนเรื่องนี้ในอำเภอที่เลือก จึงส่งไม่ได้",
    "No recipients: nobody subscribed to this topic in the chosen districts, so it cannot be sent",
  ],
  "oa.confirm_send": [
    "ส่งการแจ้งเตือน #{id} “{headline}” ถึงผู้รับ {n} คน ({channels}) ใช่หรือไม่?",
    "Send alert #{id} “{headline}” to {n} recipient(s) ({channels})?",
  ],
  "oa.confirm_drill": ["ข้อความนี้เป็น{kind} ", "This message is a {kind}. "],
  "oa.confirm_cancel": [
    "ยกเลิกการแจ้งเตือน #{id} “{headline}” ใช่หรือไม่? ประกาศยกเลิกจะส่งถึงผู้รับได้ {n} คนเมื่อกดส่ง",
    "Cancel alert #{id} “{headline}”? The cancellation can then be sent to {n} recipient(s).",
  ],
  "oa.not_sent": ["ยังไม่ได้ส่ง", "not sent"],
  "oa.msg.Alert": ["ประกาศ (Alert)", "Alert"],
  "oa.msg.Update": ["ฉบับปรับปรุง (Update)", "Update"],
  "oa.msg.Cancel": ["ประกาศยกเลิก (Cancel)", "Cancel"],
  "oa.edited": [
    "แก้ไขแบบฟอร์มแล้ว: กด “ออกฉบับปรับปรุง” แล้วดูตัวอย่างใหม่ก่อนส่ง",
    "The form was edited: issue an Update, then preview again before sending",
  ],
  "oa.headline_th": ["หัวข้อ (ไทย)", "headline (Thai)"],
  "oa.headline_en": ["หัวข้อ (อังกฤษ)", "headline (English)"],
  "oa.description_th": ["รายละเอียด (ไทย)", "description (Thai)"],
  "oa.description_en": ["รายละเอียด (อังกฤษ)", "description (English)"],
  "oa.instruction_th": ["คำแนะนำ (ไทย)", "instruction (Thai)"],
  "oa.instruction_en": ["คำแนะนำ (อังกฤษ)", "instruction (English)"],
  "oa.districts": ["อำเภอ", "districts"],
  "oa.create": ["สร้างการแจ้งเตือน", "Create alert"],
  "oa.preview": ["ดูตัวอย่าง", "Preview"],
  "oa.send": ["ส่ง", "Send"],
  "oa.update": ["ออกฉบับปรับปรุง (Update)", "Issue an Update"],
  "oa.cancel": ["ยกเลิกการแจ้งเตือน (Cancel)", "Cancel the alert"],
  "oa.current": ["การแจ้งเตือนที่เลือก", "Selected alert"],
  "oa.none": ["ยังไม่ได้เลือก: สร้างใหม่ หรือเลือกจากรายการที่มีผลอยู่", "None yet: create one or pick an active one"],
  "oa.pick": ["เลือก", "pick"],
  "oa.active": ["การแจ้งเตือนที่มีผลอยู่", "Active alerts"],
  "oa.recipients": ["ผู้รับ", "recipients"],
  "oa.channel": ["ช่องทาง", "channel"],
  "oa.lang": ["ภาษา", "language"],
  "oa.text": ["ข้อความที่จะส่ง", "exact text"],
  "oa.encoding": ["การเข้ารหัส SMS", "SMS encoding"],
  "oa.chars": ["ตัวอักษร", "characters"],
  "oa.segments": ["จำนวนท่อน SMS", "SMS segments"],
  "oa.total": ["รวม", "total"],
  "oa.progress": ["ความคืบหน้าการส่ง", "Delivery progress"],
  "oa.message": ["ข้อความหมายเลข {id}", "message {id}"],
  "oa.sent_n": ["ส่งแล้ว {sent} จาก {n}", "{sent} of {n} sent"],
  "oa.queued": ["อยู่ในคิวรอส่ง", "queued"],
  "oa.refresh": ["ปรับปรุง", "refresh"],
  "oa.cap": ["เอกสาร CAP", "CAP document"],
  "oa.atom": ["ฟีด Atom", "Atom feed"],
  "oa.created": ["สร้างแล้ว", "created"],
  "oa.no_active": ["ไม่มีการแจ้งเตือนที่มีผลอยู่", "No active alerts"],
});

const TOPICS = ["flood", "air", "water", "news"];
const SEVERITIES = ["minor", "moderate", "severe", "extreme"];
const URGENCIES = ["Immediate", "Expected", "Future", "Past", "Unknown"];
const CERTAINTIES = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];
const STATUSES = ["Actual", "Exercise", "Test"];
const TEXTS = ["headline", "description", "instruction"];

/** A select; with `required`, it starts on an empty "choose" option (no silent default). */
function select(name, values, label = (v) => v, chosen = values[0], required = false) {
  const blank = required ? [h("option", { value: "", selected: !chosen }, t("oa.choose"))] : [];
  return h(
    "select",
    { name, required: required || null, "aria-required": required ? "true" : null },
    blank,
    values.map((v) => h("option", { value: v, selected: v === chosen }, label(v))),
  );
}

/** A translated CAP term with the CAP word beside it in Thai mode: "รุนแรง (Severe)". */
function capLabel(key, cap) {
  const text = t(key);
  return text === cap || text.startsWith(cap) ? text : `${text} (${cap})`;
}

const SEVERITY_CAP = { minor: "Minor", moderate: "Moderate", severe: "Severe", extreme: "Extreme" };
const CHANNEL_NAMES = { line: "LINE", sms: "SMS", email: "e-mail" };

/** A server error in the officer's words (Thai first) where we know it. */
function reason(err) {
  const text = String(err && err.message ? err.message : err);
  if (/^no recipients/i.test(text)) return t("oa.nobody");
  return text;
}

/** The alert form, the preview, send / update / cancel and the delivery progress. */
export function alertDesk(districts, activeAlerts) {
  const state = { alert: null, preview: null, messageId: null, progress: null, error: null, active: activeAlerts };
  const root = h("section", { class: "panel", id: "alert-desk" });
  let values = {};

  const formValues = (form) => {
    const data = new FormData(form);
    const body = {};
    for (const k of ["topic", "severity", "urgency", "certainty", "status"]) body[k] = data.get(k) || null;
    for (const f of TEXTS)
      for (const l of ["th", "en"]) {
        const v = String(data.get(`${f}_${l}`) || "").trim();
        body[`${f}_${l}`] = v || null;
      }
    body.districts = data.getAll("districts");
    return body;
  };

  const act = async (fn) => {
    state.error = null;
    try {
      await fn();
    } catch (err) {
      state.error = reason(err);
    }
    draw();
  };
  const total = (p) => Object.values(p.recipients || {}).reduce((x, y) => x + y, 0);
  const channelsText = (p) =>
    Object.entries(p.recipients || {})
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${CHANNEL_NAMES[c] || c} ${n}`)
      .join(" · ");
  const drillNote = (a) => (isDrill(a) ? t("oa.confirm_drill", { kind: t(`oa.status.${a.status}`) }) : "");

  const pollProgress = async (tries = 0) => {
    if (!state.messageId) return;
    try {
      state.progress = await getJSON(`/api/v1/messages/${state.messageId}`);
    } catch (err) {
      state.error = err.message;
    }
    draw();
    const p = state.progress;
    if (p && p.sent < p.recipients && tries < 30) setTimeout(() => pollProgress(tries + 1), 2000);
  };

  const preview = () =>
    act(async () => {
      state.preview = await send("POST", `/api/v1/alerts/${state.alert.id}/preview`, {});
    });
  const previewed = () => state.preview && state.alert && state.preview.alert_id === state.alert.id;
  const sendIt = () =>
    act(async () => {
      const a = state.alert;
      if (!previewed()) throw new Error(t("oa.preview_first"));
      const n = total(state.preview);
      if (n === 0) throw new Error(t("oa.nobody"));
      const question = drillNote(a) + t("oa.confirm_send", { id: a.id, headline: pick(a, "headline"), n, channels: channelsText(state.preview) });
      if (!window.confirm(question)) return;
      const r = await send("POST", `/api/v1/alerts/${a.id}/send`, {});
      state.messageId = r.message_id;
      state.progress = null;
      await pollProgress();
    });
  const useAlert = (alert) => {
    state.alert = alert;
    state.preview = null;
    state.messageId = null;
    state.progress = null;
    if (!state.active.some((a) => a.id === alert.id) && alert.state === "active") state.active = [alert, ...state.active];
  };

  function previewView(p) {
    const channels = Object.keys(p.recipients);
    const total = Object.values(p.recipients).reduce((a, b) => a + b, 0);
    const rows = [];
    for (const [lng, byChannel] of Object.entries(p.messages)) {
      for (const [ch, m] of Object.entries(byChannel)) {
        rows.push(
          h(
            "tr",
            { "data-lang": lng, "data-channel": ch },
            h("td", {}, lng === "th" ? "ไทย" : "English"),
            h("td", {}, ch),
            h("td", {}, h("pre", { class: "msg-text" }, m.subject ? `${m.subject}\n\n${m.body}` : m.text)),
            h("td", { class: "encoding" }, m.encoding || "–"),
            h("td", { class: "num chars" }, m.characters ?? "–"),
            h("td", { class: "num segments", "data-value": m.segments ?? "" }, m.segments ?? "–"),
          ),
        );
      }
    }
    return h(
      "div",
      { id: "alert-preview" },
      h(
        "p",
        { id: "preview-recipients", "data-total": total },
        `${t("oa.recipients")}: `,
        channels.map((c) => h("span", { class: "recipients", "data-channel": c, "data-value": p.recipients[c] }, `${c} ${p.recipients[c]} · `)),
        h("b", {}, `${t("oa.total")} ${total}`),
      ),
      table([t("oa.lang"), t("oa.channel"), t("oa.text"), t("oa.encoding"), t("oa.chars"), t("oa.segments")], rows, { id: "preview-messages" }),
    );
  }

  function progressView() {
    const p = state.progress;
    if (!state.messageId) return null;
    return h(
      "div",
      { id: "alert-progress", "data-message": state.messageId },
      h("h3", {}, t("oa.progress"), " — ", t("oa.message", { id: state.messageId })),
      p
        ? [
            h(
              "p",
              { id: "progress-counts", "data-recipients": p.recipients, "data-sent": p.sent },
              t("oa.sent_n", { sent: p.sent, n: p.recipients }),
              p.sent < p.recipients || p.recipients === 0 ? [" ", badge("queued", t("oa.queued"))] : null,
            ),
            Object.keys(p.by_channel || {}).length
              ? table(
                  [t("oa.channel"), ...new Set(Object.values(p.by_channel).flatMap((c) => Object.keys(c)))],
                  Object.entries(p.by_channel).map(([ch, c]) => [ch, ...Object.values(c).map((v) => fmtNum(v, 0))]),
                  { id: "progress-channels" },
                )
              : null,
          ]
        : h("p", { class: "muted" }, t("loading")),
      h("button", { type: "button", id: "progress-refresh", onclick: () => pollProgress(30) }, t("oa.refresh")),
    );
  }

  function draw() {
    const a = state.alert;
    const src = a || values;
    const form = h(
      "form",
      { id: "alert-form", class: "alert-form" },
      h(
        "div",
        { class: "row" },
        h("label", {}, `${t("oa.topic")} `, select("topic", TOPICS, (v) => t(`oa.topic.${v}`), src.topic || "flood")),
        h("label", {}, `${t("oa.severity")} `, select("severity", SEVERITIES, (v) => capLabel(`severity.${v}`, SEVERITY_CAP[v]), src.severity || "", true)),
        h("label", {}, `${t("oa.urgency")} `, select("urgency", URGENCIES, (v) => capLabel(`oa.urgency.${v}`, v), src.urgency || "Immediate")),
        h("label", {}, `${t("oa.certainty")} `, select("certainty", CERTAINTIES, (v) => capLabel(`oa.certainty.${v}`, v), src.certainty || "Observed")),
        h("label", {}, `${t("oa.status")} `, select("status", STATUSES, (v) => capLabel(`oa.status.${v}`, v), src.status || "", true)),
      ),
      TEXTS.map((f) =>
        h(
          "div",
          { class: "row" },
          ["th", "en"].map((l) =>
            h(
              "label",
              { class: "wide" },
              t(`oa.${f}_${l}`),
              h(f === "headline" ? "input" : "textarea", {
                name: `${f}_${l}`,
                lang: l,
                maxlength: f === "headline" ? 160 : 2000,
                required: f !== "instruction" ? true : null,
                ...(f === "headline" ? { value: src[`${f}_${l}`] || "" } : {}),
              }),
            ),
          ),
        ),
      ),
      h(
        "fieldset",
        { class: "districts-pick" },
        h("legend", {}, t("oa.districts")),
        districts.map((d) =>
          h(
            "label",
            {},
            h("input", { type: "checkbox", name: "districts", value: d.code, checked: (src.districts || []).includes(d.code) }),
            ` ${pick(d, "name")} `,
          ),
        ),
      ),
      h(
        "p",
        { class: "actions" },
        h("button", { type: "submit", class: "primary", id: "alert-create" }, t("oa.create")),
        " ",
        h("button", { type: "button", id: "alert-update", disabled: !a || a.state !== "active" }, t("oa.update")),
        " ",
        h("button", { type: "button", id: "alert-cancel", disabled: !a || a.state !== "active" }, t("oa.cancel")),
      ),
    );
    for (const f of TEXTS)
      for (const l of ["th", "en"]) {
        const el = form.querySelector(`textarea[name=${f}_${l}]`);
        if (el) el.value = src[`${f}_${l}`] || "";
      }
    form.addEventListener("input", () => {
      // what was previewed is no longer what the form shows: preview again before sending
      if (!state.preview) return;
      state.preview = null;
      const button = root.querySelector("#alert-send");
      if (button) button.disabled = true;
      root.querySelector("#alert-preview")?.remove();
      const hint = root.querySelector("#send-hint");
      if (hint) hint.textContent = t("oa.edited");
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      values = formValues(form);
      act(async () => useAlert(await send("POST", "/api/v1/alerts", values)));
    });
    form.querySelector("#alert-update").addEventListener("click", () => {
      values = formValues(form);
      const change = {};
      for (const k of ["severity", "urgency", "certainty", "districts"]) change[k] = values[k];
      for (const f of TEXTS) for (const l of ["th", "en"]) if (values[`${f}_${l}`] || f === "instruction") change[`${f}_${l}`] = values[`${f}_${l}`];
      act(async () => {
        const prev = a.id;
        const next = await send("POST", `/api/v1/alerts/${a.id}/update`, change);
        state.active = state.active.filter((x) => x.id !== prev);
        useAlert(next);
      });
    });
    form.querySelector("#alert-cancel").addEventListener("click", () =>
      act(async () => {
        const prev = a.id;
        const p = await send("POST", `/api/v1/alerts/${a.id}/preview`, {});
        const question = drillNote(a) + t("oa.confirm_cancel", { id: a.id, headline: pick(a, "headline"), n: total(p) });
        if (!window.confirm(question)) return;
        const next = await send("POST", `/api/v1/alerts/${a.id}/cancel`, {});
        state.active = state.active.filter((x) => x.id !== prev);
        useAlert(next);
      }),
    );
    const current = a
      ? h(
          "div",
          { id: "alert-current", "data-alert": a.id, "data-msg-type": a.msg_type, "data-state": a.state },
          h("p", {}, isDrill(a) ? drillBadge(a) : badge(`sev-${a.severity}`, t(`severity.${a.severity}`)), " ", h("b", {}, pick(a, "headline")), ` · ${t(`oa.msg.${a.msg_type}`)} #${a.id} · ${fmtTime(a.sent)}`,
            a.cap_url ? [" · ", h("a", { href: a.cap_url, id: "alert-cap" }, t("oa.cap"))] : null,
            " · ", h("a", { href: "/api/v1/alerts.atom" }, t("oa.atom"))),
          h(
            "p",
            {},
            h("button", { type: "button", id: "alert-preview-btn", onclick: preview }, t("oa.preview")),
            " ",
            h("button", { type: "button", class: "primary", id: "alert-send", onclick: sendIt, disabled: !previewed() || total(state.preview) === 0, "aria-describedby": "send-hint" }, t("oa.send")),
            " ",
            h(
              "span",
              { id: "send-hint", class: previewed() && total(state.preview) === 0 ? "alert-desk-reason" : "muted", role: "status" },
              !previewed() ? t("oa.preview_first") : total(state.preview) === 0 ? t("oa.nobody") : "",
            ),
          ),
          state.preview ? previewView(state.preview) : null,
          progressView(),
        )
      : h("p", { class: "muted" }, t("oa.none"));
    fill(
      root,
      h("h2", {}, t("oa.title")),
      state.error ? h("p", { class: "notice error", id: "alert-error" }, state.error) : null,
      form,
      h("h3", {}, t("oa.current")),
      current,
      h("h3", {}, t("oa.active")),
      state.active.length
        ? h(
            "ul",
            { id: "active-alerts" },
            state.active.map((x) =>
              h("li", { "data-alert": x.id }, isDrill(x) ? drillBadge(x) : badge(`sev-${x.severity}`, t(`severity.${x.severity}`)), " ", pick(x, "headline"), ` (#${x.id}) `,
                h("button", { type: "button", onclick: () => { useAlert(x); draw(); } }, t("oa.pick"))),
            ),
          )
        : h("p", { class: "quiet" }, t("oa.no_active")),
    );
  }
  draw();
  return { root, draw, clear: () => clear(root) };
}
