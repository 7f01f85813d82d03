// Officer desk: API calls that keep the error's code and field, and messages for people.
// An API error ({"error": {"code", "message", "fields"?, "items"?}}) becomes a Thai or
// English sentence by its code (and, for refused input, by what the server said about the
// field), shown next to the control that caused it in the error style (red, with an icon
// and role="alert"); "saved" is shown in the success style. The server's own text stays
// in a smaller line below, for whoever has to look into it.
import { officerToken } from "./api.js";
import { addMessages, t } from "./i18n.js";
import { fill, h } from "./ui.js";

addMessages({
  "err.unauthenticated": ["หมดเวลาการเข้าสู่ระบบ กรุณาเข้าสู่ระบบใหม่", "Your session has ended: please log in again"],
  "err.forbidden": ["บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้", "Your account may not do this"],
  "err.not_found": ["ไม่พบรายการนี้ (อาจถูกลบ หรือหมายเลขไม่ถูกต้อง)", "Not found (deleted, or a wrong number)"],
  "err.conflict": ["ทำรายการนี้ไม่ได้ในสถานะปัจจุบันของเรื่อง", "This cannot be done in the current state"],
  "err.invalid_input": ["ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบช่องที่ทำเครื่องหมายไว้", "Some input is not valid: check the marked field"],
  "err.batch_rejected": ["ไม่สำเร็จ และยังไม่มีเรื่องใดถูกเปลี่ยน", "Refused: nothing was changed"],
  "err.rate_limited": ["ทำรายการถี่เกินไป กรุณารอสักครู่แล้วลองใหม่", "Too many requests: wait a moment and try again"],
  "err.store_unavailable": ["ฐานข้อมูลไม่พร้อมชั่วคราว กรุณาลองใหม่", "The database is not available: try again"],
  "err.network": ["เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ ตรวจสอบอินเทอร์เน็ตแล้วลองใหม่", "Cannot reach the server: check the connection and try again"],
  "err.other": ["เกิดข้อผิดพลาด ทำรายการไม่สำเร็จ", "Something went wrong: not done"],
  "err.needs_note": ["การเปลี่ยนเป็นสถานะนี้ต้องเขียนบันทึกเหตุผล", "This status needs a note saying why"],
  "err.closed": ["เรื่องนี้ปิดแล้ว ต้องเปิดเรื่องใหม่ก่อน", "This complaint is closed: reopen it first"],
  "err.not_allowed": ["เปลี่ยนจากสถานะปัจจุบันไปเป็นสถานะนี้ไม่ได้", "The complaint cannot move to this status from its current one"],
  "err.same_agency": ["เรื่องอยู่กับหน่วยงานนี้แล้ว เลือกหน่วยงานอื่น", "It is already with this agency: choose another"],
  "err.agency": ["ไม่รู้จักหน่วยงานนี้", "Unknown agency"],
  "err.need_target": ["เลือกหน่วยงานหรือใส่ชื่อผู้รับผิดชอบอย่างน้อยหนึ่งอย่าง", "Choose an agency or give an officer"],
  "err.levels_order": ["ระดับต้องเรียงจากต่ำไปสูง: เฝ้าระวัง < เตือนภัย < อันตราย", "Levels must rise: watch < warning < danger"],
  "err.note_empty": ["กรุณาเขียนบันทึก", "Write the note first"],
  "err.photo": ["รูปภาพต้องเป็น JPEG, PNG หรือ WebP ขนาดไม่เกิน 5 MB", "The photo must be a JPEG, PNG or WebP of at most 5 MB"],
  "err.too_many": ["ตรงเงื่อนไขมากเกินกว่าจะส่งออก กรุณากรองให้แคบลง", "Too many complaints to export: narrow the filter"],
  "err.items": ["เรื่อง #{id}: {why}", "complaint #{id}: {why}"],
  "err.detail": ["รายละเอียดจากระบบ", "server says"],
  "ok.saved": ["บันทึกแล้ว", "Saved"],
});

/** An API refusal: HTTP status, error code, server message, fields and batch items. */
export class DeskError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status ? "other" : "network");
    this.fields = e.fields || [];
    this.items = e.items || [];
  }

  get field() {
    return this.fields.length ? this.fields[0].field : null;
  }
}

function headers(json) {
  const out = { Accept: "application/json" };
  const token = officerToken();
  if (token) out.Authorization = `Bearer ${token}`;
  if (json) out["Content-Type"] = "application/json";
  return out;
}

async function request(method, path, body) {
  let response;
  const form = body instanceof FormData;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body !== undefined && !form),
      body: body === undefined || form ? body : JSON.stringify(body),
    });
  } catch {
    throw new DeskError(0, null);
  }
  return response;
}

async function refused(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status alone
  }
  return new DeskError(response.status, body);
}

/** GET, or send JSON (or a FormData, as multipart); resolves to the JSON answer, rejects
 * with a DeskError. */
export async function call(method, path, body) {
  const response = await request(method, path, body);
  if (!response.ok) throw await refused(response);
  return response.status === 204 ? null : response.json();
}

/** GET with query parameters (empty ones left out). */
export function query(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  return call("GET", url.pathname + url.search);
}

/** GET a file (Blob) with the officer's token; rejects with a DeskError. */
export async function download(path, params, filename) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  const response = await request("GET", url.pathname + url.search);
  if (!response.ok) throw await refused(response);
  const blob = await response.blob();
  const link = h("a", { href: URL.createObjectURL(blob), download: filename, hidden: true });
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 1000);
  return { size: blob.size, rows: Number(response.headers.get("X-Total-Count") || 0) };
}

const PATTERNS = [
  [/needs a note/i, "err.needs_note"],
  [/is closed \(/i, "err.closed"],
  [/cannot move to/i, "err.not_allowed"],
  [/already with/i, "err.same_agency"],
  [/unknown agency/i, "err.agency"],
  [/give agency_code and\/or assignee/i, "err.need_target"],
  [/must rise/i, "err.levels_order"],
  [/note is empty/i, "err.note_empty"],
  [/narrow the filter/i, "err.too_many"],
  [/does not exist/i, "err.not_found"],
  [/photo|image/i, "err.photo"],
];

/** The person's sentence for one server reason (falls back on the error code). */
function sentence(code, message) {
  for (const [pattern, key] of PATTERNS) if (pattern.test(message || "")) return t(key);
  const key = `err.${code}`;
  const text = t(key);
  return text === key ? t("err.other") : text;
}

/** What to tell the officer about `err` (a DeskError or anything thrown). */
export function explain(err) {
  if (!(err instanceof DeskError)) return { text: t("err.other"), detail: String(err && err.message ? err.message : err) };
  if (err.code === "batch_rejected" && err.items.length) {
    return { text: t("err.batch_rejected"), detail: err.message, items: err.items };
  }
  return { text: sentence(err.code, err.message), detail: err.status ? err.message : "" };
}

/**
 * A message line for one control or form: `.ok(text)` in the success style, `.error(err,
 * {control, ids})` in the error style next to it (the control marked aria-invalid until
 * the next message), `.clear()`.
 */
export function messageLine(attrs = {}) {
  const root = h("span", { ...attrs, class: `desk-msg ${attrs.class || ""}`.trim(), role: "status", "aria-live": "polite" });
  let marked = null;
  const unmark = () => {
    if (marked) marked.removeAttribute("aria-invalid");
    marked = null;
  };
  return {
    root,
    clear() {
      unmark();
      root.className = `desk-msg ${attrs.class || ""}`.trim();
      root.removeAttribute("data-state");
      fill(root);
    },
    ok(text) {
      unmark();
      root.className = `desk-msg desk-ok ${attrs.class || ""}`.trim();
      root.dataset.state = "ok";
      fill(root, text || t("ok.saved"));
    },
    error(err, { control = null, ids = [] } = {}) {
      unmark();
      const said = explain(err);
      root.className = `desk-msg desk-error ${attrs.class || ""}`.trim();
      root.dataset.state = "error";
      root.dataset.code = err && err.code ? err.code : "other";
      if (control) {
        control.setAttribute("aria-invalid", "true");
        marked = control;
      }
      fill(
        root,
        h("b", { class: "desk-error-text" }, said.text),
        said.items
          ? h(
              "ul",
              { class: "desk-error-items" },
              said.items.map((i) => {
                const reason = String(i.reason || "").replace(/^complaint \d+: /, "");
                return h("li", { "data-index": i.index }, t("err.items", { id: ids[i.index] ?? i.index, why: sentence("invalid_input", reason) }));
              }),
            )
          : null,
        said.detail ? h("small", { class: "desk-error-detail" }, `${t("err.detail")}: ${said.detail}`) : null,
      );
    },
  };
}
