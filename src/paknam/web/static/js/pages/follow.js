// Follow a complaint (/follow/<token>): its status, history, before/after photos; rate it
// once it is closed, reopen it when it was resolved (or closed not fixed).
//
// The token is read from this page's own path and sent to the API in the
// X-Complaint-Token header (GET /api/v1/complaints/follow, POST .../follow/rate and
// .../follow/reopen), so no API request carries it in its URL. The page also asks the
// browser to send no Referer at all from here, so the token in the page's address reaches
// no request: not the photos, not the scripts, not a link followed elsewhere.
import { ApiError } from "../api.js";
import { fmtNum, fmtTime } from "../format.js";
import { addMessages, ownHalf, pick, t } from "../i18n.js";
import { fill, h } from "../ui.js";

addMessages({
  "follow.title": ["ติดตามเรื่องร้องเรียน", "Follow a complaint"],
  "follow.number": ["เรื่องเลขที่ {id}", "Complaint no. {id}"],
  "follow.status": ["สถานะ", "Status"],
  "follow.service": ["ประเภท", "Category"],
  "follow.requested": ["แจ้งเมื่อ", "Reported"],
  "follow.due": ["กำหนดแล้วเสร็จ", "Due"],
  "follow.resolved": ["แก้ไขเสร็จเมื่อ", "Resolved"],
  "follow.updated": ["ปรับปรุงล่าสุด", "Last update"],
  "follow.agency": ["หน่วยงานที่รับผิดชอบ", "Office in charge"],
  "follow.where": ["สถานที่", "Where"],
  "follow.supporters": ["ผู้แจ้งร่วม (+1)", "Others with this problem (+1)"],
  "follow.description": ["รายละเอียด", "What was reported"],
  "follow.photos": ["รูปภาพ", "Photos"],
  "follow.before": ["ก่อนแก้ไข", "Before"],
  "follow.after": ["หลังแก้ไข", "After"],
  "follow.photo_alt": ["รูป{stage} ถ่ายเมื่อ {at}", "Photo {stage}, taken {at}"],
  "follow.history": ["ความคืบหน้า", "History"],
  "follow.kind.created": ["รับเรื่อง", "Received"],
  "follow.kind.status": ["เปลี่ยนสถานะ", "Status changed"],
  "follow.kind.assigned": ["มอบหมายงาน", "Assigned"],
  "follow.kind.note": ["บันทึกจากเจ้าหน้าที่", "Note from the office"],
  "follow.kind.photo": ["เพิ่มรูปภาพ", "Photo added"],
  "follow.kind.triaged": ["ตรวจสอบประเภทเรื่องแล้ว", "Category checked"],
  "follow.kind.reopened": ["เปิดเรื่องใหม่", "Reopened"],
  "follow.kind.rated": ["ให้คะแนน", "Rated"],
  "follow.kind.supported": ["มีผู้แจ้งร่วม (+1)", "Someone else has it too (+1)"],
  "follow.kind.escalated": ["ส่งเรื่องถึงผู้บังคับบัญชา", "Escalated"],
  "follow.rate": ["ให้คะแนนการแก้ไข", "Rate how it was handled"],
  "follow.stars": ["{n} ดาว", "{n} stars"],
  "follow.star1": ["1 ดาว (แย่มาก)", "1 star (very poor)"],
  "follow.star5": ["5 ดาว (ดีมาก)", "5 stars (very good)"],
  "follow.comment": ["ความคิดเห็น (ไม่บังคับ)", "Comment (optional)"],
  "follow.send_rating": ["ส่งคะแนน", "Send the rating"],
  "follow.rated": ["คุณให้คะแนนเรื่องนี้แล้ว {n} จาก 5 ดาว ขอบคุณ", "You rated this {n} out of 5 stars. Thank you"],
  "follow.choose_stars": ["โปรดเลือกจำนวนดาว", "Choose a number of stars"],
  "follow.reopen": ["ยังไม่ได้รับการแก้ไข? ขอเปิดเรื่องใหม่", "Not fixed? Reopen the complaint"],
  "follow.reason": ["เหตุผลที่ขอเปิดเรื่องใหม่", "Why it should be reopened"],
  "follow.send_reopen": ["เปิดเรื่องใหม่", "Reopen"],
  "follow.failed": ["ส่งไม่สำเร็จ", "Could not send"],
  "follow.unknown": [
    "ไม่พบเรื่องร้องเรียนของลิงก์นี้ โปรดตรวจสอบว่าคัดลอกลิงก์ครบถ้วน",
    "No complaint has this link; check that the whole link was copied",
  ],
  "follow.private": [
    "ใครมีลิงก์นี้ก็ดูและให้คะแนนเรื่องนี้ได้ โปรดอย่าเผยแพร่",
    "Anyone with this link can see and rate this complaint: do not post it publicly",
  ],
  "follow.report": ["แจ้งเรื่องใหม่", "Report another problem"],
});

const CLOSED = new Set(["resolved", "rejected", "not_fixable"]);
const REOPENABLE = new Set(["resolved", "not_fixable"]);
/** As paknam.complaints.workflow (CLOSED, CITIZEN_REOPENABLE). */
const API = "/api/v1/complaints/follow";

/** The token in this page's path (/follow/<token>). */
export function tokenFromPath(pathname = window.location.pathname) {
  const m = /^\/follow\/([^/?#]+)\/?$/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : "";
}

/** No Referer from this page (its address holds the token). */
function noReferrer() {
  if (document.querySelector('meta[name="referrer"]')) return;
  document.head.append(h("meta", { name: "referrer", content: "no-referrer" }));
}

async function call(method, path, token, body) {
  const headers = { Accept: "application/json", "X-Complaint-Token": token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    referrerPolicy: "no-referrer",
    cache: "no-store",
  });
  let data = null;
  try {
    data = await r.json();
  } catch {
    data = null;
  }
  if (!r.ok) throw new ApiError(r.status, data?.error?.message || `${r.status} ${r.statusText}`);
  return data;
}

function row(key, value, attrs = {}) {
  return [h("dt", {}, t(key)), h("dd", attrs, value ?? "–")];
}

function where(c) {
  const coords = `${fmtNum(c.lat, 5, 5)}, ${fmtNum(c.lon, 5, 5)}`;
  return c.address ? `${c.address} (${coords})` : coords;
}

function eventLine(e, states) {
  const kind = t(`follow.kind.${e.kind}`);
  const label = kind.startsWith("follow.kind.") ? e.kind : kind;
  const to = e.to_status && states[e.to_status] ? pick(states[e.to_status], "name") : null;
  return h(
    "li",
    { "data-kind": e.kind, "data-status": e.to_status || undefined },
    h("time", { datetime: e.at }, fmtTime(e.at)),
    " · ",
    h("b", {}, label),
    to ? [" → ", h("span", { class: "event-status" }, to)] : null,
    e.note ? [h("br"), h("span", { class: "event-note" }, ownHalf(e.note))] : null,
  );
}

function photoFigure(c, p) {
  const stage = t(p.stage === "after" ? "follow.after" : "follow.before");
  const img = h("img", {
    src: `/api/v1/complaints/${encodeURIComponent(c.id)}/photos/${encodeURIComponent(p.id)}`,
    alt: t("follow.photo_alt", { stage, at: fmtTime(p.added) }),
    loading: "lazy",
    decoding: "async",
    referrerpolicy: "no-referrer",
  });
  return h("figure", { class: "follow-photo", "data-stage": p.stage }, img, h("figcaption", {}, stage, " · ", fmtTime(p.added)));
}

function ratingForm(token, reload) {
  const message = h("p", { id: "follow-rate-status", role: "status" });
  const stars = [1, 2, 3, 4, 5].map((n) =>
    h(
      "label",
      { class: "star" },
      h("input", { type: "radio", name: "stars", value: n, id: `follow-star-${n}` }),
      " ",
      n === 1 ? t("follow.star1") : n === 5 ? t("follow.star5") : t("follow.stars", { n }),
    ),
  );
  const comment = h("textarea", { id: "follow-comment", name: "comment", maxlength: 2000, rows: 2 });
  const form = h(
    "form",
    { id: "follow-rate", class: "follow-form" },
    h("fieldset", {}, h("legend", {}, t("follow.rate")), h("div", { class: "stars" }, stars)),
    h("label", { for: "follow-comment" }, t("follow.comment")),
    comment,
    h("button", { type: "submit", class: "primary" }, t("follow.send_rating")),
    message,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = form.querySelector("input[name=stars]:checked");
    if (!chosen) {
      message.textContent = t("follow.choose_stars");
      return;
    }
    const body = { stars: Number(chosen.value) };
    if (comment.value.trim()) body.comment = comment.value.trim();
    try {
      await call("POST", `${API}/rate`, token, body);
      await reload();
    } catch (err) {
      message.textContent = `${t("follow.failed")}: ${err.message}`;
    }
  });
  return form;
}

function reopenForm(token, reload) {
  const message = h("p", { id: "follow-reopen-status", role: "status" });
  const reason = h("textarea", { id: "follow-reason", name: "reason", required: true, minlength: 3, maxlength: 2000, rows: 2 });
  const form = h(
    "form",
    { id: "follow-reopen", class: "follow-form" },
    h("h2", {}, t("follow.reopen")),
    h("label", { for: "follow-reason" }, t("follow.reason")),
    reason,
    h("button", { type: "submit" }, t("follow.send_reopen")),
    message,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await call("POST", `${API}/reopen`, token, { reason: reason.value.trim() });
      await reload();
    } catch (err) {
      message.textContent = `${t("follow.failed")}: ${err.message}`;
    }
  });
  return form;
}

function view(c, states, token, reload) {
  const photos = c.photos || [];
  const closed = CLOSED.has(c.status);
  return [
    h("h1", {}, t("follow.title")),
    h("p", { class: "muted" }, t("follow.private")),
    h(
      "section",
      { class: "panel follow-summary", id: "follow-summary", "data-complaint": c.id, "data-status": c.status },
      h("h2", {}, t("follow.number", { id: c.id })),
      h("p", {}, h("span", { class: `follow-status status-${c.status}`, id: "follow-status" }, pick(c, "status"))),
      h(
        "dl",
        { class: "follow-facts" },
        row("follow.service", pick(c, "service_name")),
        row("follow.requested", fmtTime(c.requested), { id: "follow-requested", "data-time": c.requested }),
        closed ? null : row("follow.due", fmtTime(c.due)),
        c.resolved ? row("follow.resolved", fmtTime(c.resolved)) : null,
        row("follow.updated", fmtTime(c.updated)),
        row("follow.agency", c.agency ? pick(c.agency, "name") : "–"),
        row("follow.where", where(c)),
        c.supporters ? row("follow.supporters", fmtNum(c.supporters, 0)) : null,
      ),
      h("h3", {}, t("follow.description")),
      h("p", { class: "follow-description", id: "follow-description" }, c.description),
    ),
    photos.length
      ? h(
          "section",
          { class: "panel", id: "follow-photos" },
          h("h2", {}, t("follow.photos")),
          h("div", { class: "follow-photo-row" }, photos.map((p) => photoFigure(c, p))),
        )
      : null,
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("follow.history")),
      h(
        "ol",
        { id: "follow-history", class: "follow-history" },
        (c.history || []).map((e) => eventLine(e, states)),
      ),
    ),
    closed && c.rating === null
      ? h("section", { class: "panel" }, ratingForm(token, reload))
      : null,
    c.rating !== null && c.rating !== undefined
      ? h("p", { class: "notice", id: "follow-rated", "data-stars": c.rating }, t("follow.rated", { n: c.rating }))
      : null,
    REOPENABLE.has(c.status) ? h("section", { class: "panel" }, reopenForm(token, reload)) : null,
    h("p", {}, h("a", { href: "/report" }, t("follow.report"))),
  ];
}

export default async function start(ctx) {
  noReferrer();
  const token = tokenFromPath();
  const statesList = await fetch("/api/v1/complaints/states", { referrerPolicy: "no-referrer" })
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  const states = Object.fromEntries(statesList.map((s) => [s.status, s]));
  let complaint = null;

  const draw = () => {
    if (complaint) fill(ctx.app, view(complaint, states, token, reload));
  };
  async function reload() {
    complaint = await call("GET", API, token);
    draw();
    ctx.app.dataset.ready = "true";
  }
  try {
    if (token.length < 8) throw new ApiError(404, "no token");
    await reload();
  } catch (err) {
    if (err.status === 404 || err.status === 422) {
      fill(
        ctx.app,
        h("h1", {}, t("follow.title")),
        h("p", { class: "notice error", id: "follow-unknown", "data-state": "unknown" }, t("follow.unknown")),
        h("p", {}, h("a", { href: "/report" }, t("follow.report"))),
      );
      ctx.app.dataset.ready = "true";
      return;
    }
    throw err;
  }
  ctx.onLang(draw);
}
