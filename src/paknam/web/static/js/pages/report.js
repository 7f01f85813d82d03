// Report a problem (/report): a citizen's complaint from the phone's browser, no login.
//
// Description first (the Thai classifier then proposes a category: POST
// /api/v1/complaints/classify), the category, a photo from the camera (made smaller here,
// on the phone, before it is sent: a 12-megapixel photo of 4 MB becomes ~200 KB over 3G),
// the place from GPS or a pin on the map, likely duplicates near that place ("+1" instead
// of a new complaint), an optional contact for a call back (stored encrypted, for officers
// only), then POST /api/v1/complaints (multipart). The answer carries the
// follow link and its QR code (made on the server). Nothing typed is ever put in as HTML.
import { ApiError, getJSON, send } from "../api.js";
import { addMessages, pick, t } from "../i18n.js";
import { createMap, drawDistricts, relabelDistricts } from "../map.js";
import { fmtNum } from "../format.js";
import { clear, fill, h } from "../ui.js";

addMessages({
  "report.title": ["แจ้งเรื่องร้องเรียน", "Report a problem"],
  "report.intro": [
    "แจ้งปัญหาในจังหวัดสมุทรปราการ ไม่ต้องสมัครสมาชิก เรื่องจะถูกส่งถึงหน่วยงานที่รับผิดชอบ",
    "Report a problem in Samut Prakan: no account needed; it goes to the office in charge",
  ],
  "report.description": ["เล่าปัญหาที่พบ", "What is the problem?"],
  "report.description_hint": [
    "เช่น ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็นมาสามวัน",
    "e.g. the bins at the market overflow and have smelt for three days",
  ],
  "report.service": ["ประเภทเรื่อง", "Category"],
  "report.service_choose": ["— เลือกประเภท —", "— choose a category —"],
  "report.suggested": ["ระบบแนะนำ: {name}", "Suggested: {name}"],
  "report.use_suggestion": ["ใช้ประเภทนี้", "Use it"],
  "report.photo": ["รูปถ่าย (ไม่บังคับ)", "Photo (optional)"],
  "report.photo_info": ["ย่อรูปแล้ว {w}×{h} พิกเซล {kb} KB", "Made smaller: {w}×{h} pixels, {kb} KB"],
  "report.photo_bad": ["อ่านรูปนี้ไม่ได้ โปรดเลือกรูปอื่น", "This photo cannot be read; choose another"],
  "report.photo_remove": ["ลบรูป", "Remove the photo"],
  "report.photo_alt": ["รูปที่จะส่ง", "The photo to send"],
  "report.where": ["สถานที่", "Where"],
  "report.gps": ["ใช้ตำแหน่งของฉัน (GPS)", "Use my location (GPS)"],
  "report.gps_wait": ["กำลังหาตำแหน่ง…", "Finding your location…"],
  "report.gps_failed": [
    "หาตำแหน่งไม่ได้ ({why}) แตะบนแผนที่เพื่อปักหมุดแทน",
    "Could not find your location ({why}); tap the map to drop a pin instead",
  ],
  "report.map_hint": ["แตะบนแผนที่เพื่อปักหมุด ลากหมุดเพื่อย้าย", "Tap the map to drop a pin; drag it to move"],
  "report.map_label": ["แผนที่สำหรับปักหมุดตำแหน่ง", "Map to drop a pin on"],
  "report.pin": ["ตำแหน่งที่แจ้ง", "Reported place"],
  "report.no_place": ["ยังไม่ได้เลือกตำแหน่ง", "No place chosen yet"],
  "report.place": ["ตำแหน่ง {lat}, {lon}", "Place {lat}, {lon}"],
  "report.accuracy": ["(แม่นยำประมาณ {m} ม.)", "(accurate to about {m} m)"],
  "report.coords": ["ใส่พิกัดเอง", "Type the coordinates"],
  "report.lat": ["ละติจูด", "Latitude"],
  "report.lon": ["ลองจิจูด", "Longitude"],
  "report.address": ["จุดสังเกต (ไม่บังคับ)", "Landmark (optional)"],
  "report.address_hint": ["เช่น หน้าปากซอย 5 ตรงข้ามร้านยา", "e.g. at the mouth of Soi 5, opposite the pharmacy"],
  "report.dups": ["เรื่องที่อาจซ้ำกันใกล้ ๆ", "Possibly the same, nearby"],
  "report.dups_intro": [
    "ถ้าเป็นปัญหาเดียวกัน กด +1 แทนการแจ้งใหม่ เรื่องจะได้รับความสำคัญมากขึ้น",
    "If it is the same problem, press +1 instead of reporting it again: it gets more weight",
  ],
  "report.dup_line": ["ห่าง {m} ม. · มีผู้แจ้งร่วม {n} คน", "{m} m away · {n} others have it too"],
  "report.plus_one": ["+1 ฉันพบปัญหานี้ด้วย", "+1 I have this problem too"],
  "report.plus_one_done": ["ขอบคุณ นับแล้ว ({n} คน)", "Thank you, counted ({n} people)"],
  "report.contact": ["เบอร์มือถือหรืออีเมล ให้เจ้าหน้าที่ติดต่อกลับ (ไม่บังคับ)", "Mobile number or e-mail for a call back (optional)"],
  "report.contact_note": [
    "ใช้ติดต่อเรื่องนี้เท่านั้น ไม่เผยแพร่ เก็บแบบเข้ารหัส ลบหลังปิดเรื่อง 30 วัน",
    "Used only about this complaint: never published, stored encrypted, erased 30 days after it is closed",
  ],
  "report.submit": ["ส่งเรื่อง", "Send"],
  "report.sending": ["กำลังส่ง…", "Sending…"],
  "report.need_place": ["โปรดเลือกตำแหน่ง (GPS หรือปักหมุดบนแผนที่)", "Choose the place (GPS or a pin on the map)"],
  "report.failed": ["ส่งไม่สำเร็จ", "Could not send"],
  "report.offline": ["เชื่อมต่อไม่ได้ โปรดลองอีกครั้ง", "No connection; please try again"],
  "report.done": ["ส่งเรื่องแล้ว เลขที่ {id}", "Sent: complaint no. {id}"],
  "report.keep": [
    "เก็บลิงก์นี้ไว้เพื่อติดตามเรื่อง ให้คะแนน หรือขอเปิดเรื่องใหม่ (ลิงก์นี้แสดงครั้งเดียว ใครมีลิงก์ก็ดูได้)",
    "Keep this link to follow, rate or reopen the complaint (shown once only; anyone with the link can see it)",
  ],
  "report.qr_alt": ["คิวอาร์โค้ดของลิงก์ติดตามเรื่อง", "QR code of the follow link"],
  "report.share": ["แชร์ลิงก์ให้ตัวเอง", "Share the link with yourself"],
  "report.copy": ["คัดลอกลิงก์", "Copy the link"],
  "report.copied": ["คัดลอกแล้ว", "Copied"],
  "report.another": ["แจ้งเรื่องอื่น", "Report another problem"],
  "report.list": ["ดูเรื่องร้องเรียนทั้งหมด", "See all complaints"],
  "report.group.infrastructure": ["โครงสร้างพื้นฐาน", "Infrastructure"],
  "report.group.water": ["น้ำและน้ำท่วม", "Water and flooding"],
  "report.group.safety": ["ความปลอดภัยและการจราจร", "Safety and traffic"],
  "report.group.environment": ["สิ่งแวดล้อม", "Environment"],
  "report.group.social": ["สังคม", "Social"],
  "report.group.general": ["ทั่วไป", "General"],
});

export const SERVICES = "/api/v1/complaints/services";
export const DISTRICTS = "/api/v1/districts?simplify=0.0002";
const MAX_SIDE = 1600;
const JPEG_QUALITY = 0.8;
const DEVICE_KEY = "paknam.device";

/** A text that follows the language switch (main.js re-applies data-i18n texts). */
const tx = (key, tag = "span") => h(tag, { "data-i18n": key }, t(key));

function randomId(prefix) {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random id of this browser, for "+1" (stored hashed by the server; no personal data). */
function deviceId() {
  try {
    let id = window.localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = randomId("web-");
      window.localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return randomId("web-");
  }
}

async function decode(file) {
  if (window.createImageBitmap) {
    try {
      return await window.createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // fall through to <img>
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The photo as a JPEG of at most MAX_SIDE pixels a side: {blob, width, height}. */
export async function shrinkPhoto(file) {
  const img = await decode(file);
  const w0 = img.width || img.naturalWidth;
  const h0 = img.height || img.naturalHeight;
  const scale = Math.min(1, MAX_SIDE / Math.max(w0, h0));
  const width = Math.max(1, Math.round(w0 * scale));
  const height = Math.max(1, Math.round(h0 * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext("2d");
  g.fillStyle = "#fff"; // a transparent PNG gets a white background, not black
  g.fillRect(0, 0, width, height);
  g.drawImage(img, 0, 0, width, height);
  if (img.close) img.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!blob) throw new Error("canvas.toBlob failed");
  return { blob, width, height };
}

/** POST a form with upload progress (XMLHttpRequest: fetch reports none). */
function postForm(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body?.error?.message || `${xhr.status} ${xhr.statusText}`));
    };
    xhr.onerror = () => reject(new ApiError(0, t("report.offline")));
    xhr.send(form);
  });
}

function serviceOptions(select, services) {
  const chosen = select.value;
  clear(select);
  select.append(h("option", { value: "" }, t("report.service_choose")));
  const groups = new Map();
  for (const s of services) {
    if (!groups.has(s.group)) groups.set(s.group, []);
    groups.get(s.group).push(s);
  }
  for (const [group, list] of groups) {
    const label = t(`report.group.${group}`);
    select.append(
      h(
        "optgroup",
        { label: label.startsWith("report.") ? group : label },
        list.map((s) => h("option", { value: s.service_code }, pick(s, "name"))),
      ),
    );
  }
  select.value = chosen;
}

export default async function start(ctx) {
  const [services, districts] = await Promise.all([getJSON(SERVICES), getJSON(DISTRICTS).catch(() => null)]);
  const byCode = new Map(services.map((s) => [s.service_code, s]));
  const state = {
    lat: null,
    lon: null,
    photo: null,
    previewUrl: null,
    serviceTouched: false,
    classify: true,
    idempotency: randomId("web-"),
  };

  // ---- controls ----
  const description = h("textarea", {
    id: "report-description",
    name: "description",
    required: true,
    minlength: 3,
    maxlength: 4000,
    rows: 4,
    "aria-describedby": "report-description-hint",
  });
  const select = h("select", { id: "report-service", name: "service_code", required: true });
  serviceOptions(select, services);
  const suggestion = h("p", { id: "report-suggestion", class: "muted", hidden: true, "aria-live": "polite" });

  const photoInput = h("input", {
    id: "report-photo",
    name: "photo",
    type: "file",
    accept: "image/*",
    capture: "environment",
  });
  const preview = h("img", { id: "report-preview", class: "report-preview", alt: t("report.photo_alt"), hidden: true });
  const photoInfo = h("p", { id: "report-photo-info", class: "muted", "aria-live": "polite" });
  const removePhoto = h("button", { type: "button", id: "report-photo-remove", hidden: true }, tx("report.photo_remove"));

  const gps = h("button", { type: "button", id: "report-gps", class: "primary" }, tx("report.gps"));
  const mapEl = h("div", {
    id: "report-map",
    class: "map report-map",
    role: "region",
    "aria-label": t("report.map_label"),
  });
  const where = h("p", { id: "report-where", "aria-live": "polite" }, t("report.no_place"));
  const latInput = h("input", { id: "report-lat", type: "number", step: "any", min: -90, max: 90, inputmode: "decimal" });
  const lonInput = h("input", { id: "report-lon", type: "number", step: "any", min: -180, max: 180, inputmode: "decimal" });
  const address = h("input", {
    id: "report-address",
    name: "address",
    maxlength: 500,
    autocomplete: "off",
    "aria-describedby": "report-address-hint",
  });
  const contact = h("input", {
    id: "report-contact",
    name: "contact",
    maxlength: 254,
    autocomplete: "tel",
    "aria-describedby": "report-contact-note",
  });
  const dups = h("section", { id: "report-duplicates", class: "report-dups", hidden: true, "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "report-submit", class: "primary big-button" }, tx("report.submit"));
  const progress = h("progress", { id: "report-progress", max: 1, value: 0, hidden: true, "aria-label": t("report.sending") });
  const status = h("p", { id: "report-status", role: "status" });

  const field = (id, key, control, ...extra) =>
    h("div", { class: "field" }, h("label", { for: id }, tx(key)), control, ...extra);

  const form = h(
    "form",
    { id: "report-form", class: "report-form", novalidate: true },
    field(
      "report-description",
      "report.description",
      description,
      h("small", { id: "report-description-hint", class: "muted", "data-i18n": "report.description_hint" }, t("report.description_hint")),
    ),
    field("report-service", "report.service", select, suggestion),
    field("report-photo", "report.photo", photoInput, preview, photoInfo, removePhoto),
    h(
      "fieldset",
      { class: "field report-where" },
      h("legend", {}, tx("report.where")),
      gps,
      h("p", { class: "muted" }, tx("report.map_hint")),
      mapEl,
      where,
      h(
        "details",
        {},
        h("summary", {}, tx("report.coords")),
        h(
          "div",
          { class: "report-coords" },
          field("report-lat", "report.lat", latInput),
          field("report-lon", "report.lon", lonInput),
        ),
      ),
      field(
        "report-address",
        "report.address",
        address,
        h("small", { id: "report-address-hint", class: "muted", "data-i18n": "report.address_hint" }, t("report.address_hint")),
      ),
    ),
    dups,
    field(
      "report-contact",
      "report.contact",
      contact,
      h("small", { id: "report-contact-note", class: "muted", "data-i18n": "report.contact_note" }, t("report.contact_note")),
    ),
    submit,
    progress,
    status,
  );
  const done = h("section", { id: "report-done", class: "panel report-done", hidden: true, tabindex: -1 });

  fill(
    ctx.app,
    h("h1", {}, tx("report.title")),
    h("p", { class: "muted" }, tx("report.intro")),
    h("section", { class: "panel" }, form),
    done,
  );

  // ---- the map and the pin ----
  let map = null;
  let marker = null;
  let drawn = null;
  const L = window.L;
  if (L) {
    map = createMap(mapEl);
    if (districts) drawn = drawDistricts(map, districts);
    else map.setView([13.6, 100.6], 10);
    map.on("click", (ev) => setPlace(ev.latlng.lat, ev.latlng.lng, null, "map"));
    mapEl.dataset.ready = "true";
  }

  function setPlace(lat, lon, accuracy, source) {
    state.lat = Math.round(lat * 1e6) / 1e6;
    state.lon = Math.round(lon * 1e6) / 1e6;
    mapEl.dataset.lat = String(state.lat);
    mapEl.dataset.lon = String(state.lon);
    where.dataset.source = source;
    const text = t("report.place", { lat: fmtNum(state.lat, 5, 5), lon: fmtNum(state.lon, 5, 5) });
    fill(where, text, accuracy ? ` ${t("report.accuracy", { m: Math.round(accuracy) })}` : "");
    if (source !== "typed") {
      latInput.value = String(state.lat);
      lonInput.value = String(state.lon);
    }
    if (map) {
      if (!marker) {
        marker = L.marker([state.lat, state.lon], { draggable: true, alt: t("report.pin"), title: t("report.pin") }).addTo(map);
        marker.on("dragend", () => {
          const p = marker.getLatLng();
          setPlace(p.lat, p.lng, null, "map");
        });
      } else {
        marker.setLatLng([state.lat, state.lon]);
      }
      if (source !== "map") map.setView([state.lat, state.lon], Math.max(map.getZoom(), 13));
    }
    findDuplicates();
    classifySoon();
  }

  gps.addEventListener("click", () => {
    if (!navigator.geolocation) {
      fill(where, t("report.gps_failed", { why: "no GPS" }));
      return;
    }
    fill(where, t("report.gps_wait"));
    navigator.geolocation.getCurrentPosition(
      (pos) => setPlace(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy, "gps"),
      (err) => fill(where, t("report.gps_failed", { why: err.message || err.code })),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  });
  const typed = () => {
    const lat = Number.parseFloat(latInput.value);
    const lon = Number.parseFloat(lonInput.value);
    if (Number.isFinite(lat) && Number.isFinite(lon)) setPlace(lat, lon, null, "typed");
  };
  latInput.addEventListener("change", typed);
  lonInput.addEventListener("change", typed);

  // ---- the photo, made smaller in the browser ----
  function dropPhoto() {
    state.photo = null;
    if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
    state.previewUrl = null;
    preview.hidden = true;
    preview.removeAttribute("src");
    removePhoto.hidden = true;
    photoInput.value = "";
    photoInfo.textContent = "";
    delete photoInput.dataset.bytes;
  }
  photoInput.addEventListener("change", async () => {
    const file = photoInput.files && photoInput.files[0];
    if (!file) return dropPhoto();
    photoInfo.textContent = "…";
    try {
      const shrunk = await shrinkPhoto(file);
      state.photo = shrunk.blob;
      if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
      state.previewUrl = URL.createObjectURL(shrunk.blob);
      preview.src = state.previewUrl;
      preview.hidden = false;
      removePhoto.hidden = false;
      photoInput.dataset.bytes = String(shrunk.blob.size);
      photoInput.dataset.width = String(shrunk.width);
      photoInput.dataset.height = String(shrunk.height);
      photoInfo.textContent = t("report.photo_info", {
        w: shrunk.width,
        h: shrunk.height,
        kb: Math.max(1, Math.round(shrunk.blob.size / 1024)),
      });
    } catch {
      dropPhoto();
      photoInfo.textContent = t("report.photo_bad");
    }
  });
  removePhoto.addEventListener("click", dropPhoto);

  // ---- the classifier's suggestion ----
  let classifyTimer = null;
  function classifySoon() {
    if (!state.classify) return;
    clearTimeout(classifyTimer);
    classifyTimer = setTimeout(classify, 700);
  }
  async function classify() {
    const text = description.value.trim();
    if (text.length < 3 || !state.classify) return;
    const body = { text };
    if (state.lat !== null) Object.assign(body, { lat: state.lat, lon: state.lon });
    let found;
    try {
      found = await send("POST", "/api/v1/complaints/classify", body);
    } catch (err) {
      if (err.status === 404 || err.status === 429) state.classify = false; // no model here
      return;
    }
    const best = (found.suggestions || []).find((s) => s.service_code && byCode.has(s.service_code));
    if (!best) return;
    suggestion.dataset.service = best.service_code;
    drawSuggestion();
    if (!state.serviceTouched) {
      select.value = best.service_code;
      findDuplicates();
    }
  }
  function drawSuggestion() {
    const code = suggestion.dataset.service;
    if (!code) return;
    const use = h("button", { type: "button", id: "report-use-suggestion" }, t("report.use_suggestion"));
    use.addEventListener("click", () => {
      select.value = code;
      state.serviceTouched = true;
      findDuplicates();
    });
    fill(suggestion, t("report.suggested", { name: pick(byCode.get(code), "name") }), " ", use);
    suggestion.hidden = false;
  }
  description.addEventListener("input", classifySoon);
  select.addEventListener("change", () => {
    state.serviceTouched = true;
    findDuplicates();
  });

  // ---- likely duplicates near the place ----
  let dupsAsked = 0;
  async function findDuplicates() {
    if (state.lat === null) return;
    const asked = ++dupsAsked;
    let rows;
    try {
      rows = await getJSON("/api/v1/complaints/duplicates", {
        lat: state.lat,
        lon: state.lon,
        service_code: select.value || undefined,
        text: description.value.trim().slice(0, 300) || undefined,
      });
    } catch {
      rows = []; // outside the province, or offline: filing will say why
    }
    if (asked !== dupsAsked) return;
    dups.hidden = rows.length === 0;
    dups.dataset.count = String(rows.length);
    fill(
      dups,
      h("h2", {}, tx("report.dups")),
      h("p", { class: "muted" }, tx("report.dups_intro")),
      h(
        "ul",
        { class: "report-dup-list" },
        rows.slice(0, 5).map((r) => {
          const plus = h("button", { type: "button", class: "plus-one" }, t("report.plus_one"));
          const said = h("span", { class: "muted", role: "status" });
          plus.addEventListener("click", async () => {
            plus.disabled = true;
            try {
              const ans = await send("POST", `/api/v1/complaints/${encodeURIComponent(r.service_request_id)}/support`, {
                supporter: deviceId(),
              });
              said.textContent = t("report.plus_one_done", { n: ans.supporters ?? r.supporters + 1 });
            } catch (err) {
              plus.disabled = false;
              said.textContent = `${t("report.failed")}: ${err.message}`;
            }
          });
          return h(
            "li",
            { "data-request": r.service_request_id },
            h("b", {}, r.service_name || r.service_code || ""),
            h("br"),
            h("span", { class: "dup-text" }, r.description || ""),
            h("br"),
            h(
              "small",
              { class: "muted" },
              t("report.dup_line", { m: fmtNum(r.distance_m, 0), n: r.supporters ?? 0 }),
              r.status_notes ? ` · ${r.status_notes}` : "",
            ),
            h("div", { class: "dup-actions" }, plus, " ", said),
          );
        }),
      ),
    );
  }

  // ---- sending ----
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    status.classList.remove("error");
    if (!description.value.trim() || description.value.trim().length < 3) {
      status.textContent = `${t("report.failed")}: ${t("report.description")}`;
      description.focus();
      return;
    }
    if (!select.value) {
      status.textContent = `${t("report.failed")}: ${t("report.service")}`;
      select.focus();
      return;
    }
    if (state.lat === null) {
      status.textContent = t("report.need_place");
      gps.focus();
      return;
    }
    const data = new FormData();
    data.set("service_code", select.value);
    data.set("description", description.value.trim());
    data.set("lat", String(state.lat));
    data.set("lon", String(state.lon));
    if (address.value.trim()) data.set("address", address.value.trim());
    if (contact.value.trim()) data.set("contact", contact.value.trim());
    data.set("idempotency_key", state.idempotency);
    if (state.photo) data.set("photo", state.photo, "photo.jpg");
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t("report.sending");
    try {
      const answer = await postForm("/api/v1/complaints", data, (p) => {
        progress.value = p;
      });
      showDone(answer);
    } catch (err) {
      status.classList.add("error");
      status.textContent = `${t("report.failed")}: ${err.message}`;
    } finally {
      submit.disabled = false;
      progress.hidden = true;
    }
  });

  function showDone(answer) {
    const link = new URL(answer.follow_path, window.location.origin).href;
    const share = h("button", { type: "button", id: "report-share" }, t(navigator.share ? "report.share" : "report.copy"));
    const shared = h("span", { class: "muted", role: "status" });
    share.addEventListener("click", async () => {
      try {
        if (navigator.share) await navigator.share({ title: t("report.title"), url: link });
        else {
          await navigator.clipboard.writeText(link);
          shared.textContent = t("report.copied");
        }
      } catch {
        // the citizen closed the share sheet, or the clipboard is not allowed
      }
    });
    done.dataset.complaint = String(answer.id);
    fill(
      done,
      h("h2", {}, t("report.done", { id: answer.id })),
      h("p", {}, t("report.keep")),
      h("p", { class: "report-link" }, h("a", { id: "report-follow-link", href: answer.follow_path }, link)),
      answer.follow_qr_svg
        ? h("img", { id: "report-qr", class: "report-qr", src: answer.follow_qr_svg, alt: t("report.qr_alt"), width: 164, height: 164 })
        : null,
      h("p", {}, share, " ", shared),
      h("p", {}, h("a", { href: "/report" }, t("report.another")), " · ", h("a", { href: "/complaints" }, t("report.list"))),
    );
    form.closest("section").hidden = true;
    done.hidden = false;
    done.focus();
    state.idempotency = randomId("web-");
  }

  ctx.onLang(() => {
    serviceOptions(select, services);
    preview.alt = t("report.photo_alt");
    mapEl.setAttribute("aria-label", t("report.map_label"));
    progress.setAttribute("aria-label", t("report.sending"));
    if (drawn) relabelDistricts(drawn);
    if (state.lat !== null) fill(where, t("report.place", { lat: fmtNum(state.lat, 5, 5), lon: fmtNum(state.lon, 5, 5) }));
    drawSuggestion();
  });
  ctx.app.dataset.ready = "true";
}
