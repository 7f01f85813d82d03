// Subscribe to alerts by SMS or e-mail (issue 15): districts, topics, channel, consent to
// the privacy notice -> the one-time code sent by SMS (or "check your e-mail") -> active,
// with the manage code that withdraws. /subscribe/confirm#token=... is where the e-mail's
// link lands: the citizen presses "Confirm" (a mail scanner opening the link confirms
// nothing). Everything a citizen typed is shown as text only.
import { addMessages, lang, t } from "../i18n.js";
import { fill, h } from "../ui.js";

addMessages({
  "sub.title": ["รับแจ้งเตือนภัยทาง SMS หรืออีเมล", "Get alerts by SMS or e-mail"],
  "sub.intro": [
    "เลือกอำเภอและเรื่องที่ต้องการ แล้วยืนยันด้วยรหัสที่ส่งไปทาง SMS หรือลิงก์ในอีเมล จะไม่มีการส่งข้อความอื่นจนกว่าท่านจะยืนยัน",
    "Choose districts and topics, then confirm with the code we send by SMS or the link in our e-mail. Nothing else is sent until you confirm.",
  ],
  "sub.districts": ["อำเภอ", "Districts"],
  "sub.topics": ["เรื่องที่ต้องการรับ", "Topics"],
  "sub.channel": ["ช่องทาง", "Channel"],
  "sub.sms": ["SMS (โทรศัพท์มือถือ)", "SMS (mobile phone)"],
  "sub.email": ["อีเมล", "E-mail"],
  "sub.phone": ["หมายเลขโทรศัพท์มือถือ (ไทย)", "Mobile number (Thai)"],
  "sub.phone_hint": ["เช่น 081-234-5678", "e.g. 081-234-5678 or +66 81 234 5678"],
  "sub.email_address": ["อีเมล", "E-mail address"],
  "sub.privacy": ["ประกาศความเป็นส่วนตัว", "Privacy notice"],
  "sub.consent": [
    "ข้าพเจ้ายินยอมตามประกาศความเป็นส่วนตัวข้างต้น (ฉบับ {version})",
    "I agree to the privacy notice above (version {version})",
  ],
  "sub.send_code": ["ส่งรหัสยืนยัน", "Send the code"],
  "sub.send_link": ["ส่งอีเมลยืนยัน", "Send the confirmation e-mail"],
  "sub.sending": ["กำลังส่ง…", "Sending…"],
  "sub.pick_district": ["โปรดเลือกอย่างน้อยหนึ่งอำเภอ", "Choose at least one district"],
  "sub.pick_topic": ["โปรดเลือกอย่างน้อยหนึ่งเรื่อง", "Choose at least one topic"],
  "sub.need_phone": ["โปรดใส่หมายเลขโทรศัพท์มือถือ", "Enter your mobile number"],
  "sub.need_email": ["โปรดใส่อีเมล", "Enter your e-mail address"],
  "sub.need_consent": [
    "โปรดอ่านและยินยอมตามประกาศความเป็นส่วนตัวก่อน",
    "Please read and agree to the privacy notice first",
  ],
  "sub.unavailable": [
    "ขณะนี้ยังสมัครทาง SMS หรืออีเมลไม่ได้ ติดตามการแจ้งเตือนได้ที่หน้าการแจ้งเตือน",
    "Subscribing by SMS or e-mail is not available yet; see the alerts page",
  ],
  "sub.code_title": ["ใส่รหัสยืนยัน", "Enter the code"],
  "sub.code_sent": [
    "ส่งรหัส 6 หลักไปที่ {address} แล้ว ใช้ได้ {minutes} นาที",
    "We sent a 6-digit code to {address}. It is valid for {minutes} minutes.",
  ],
  "sub.code": ["รหัส 6 หลักจาก SMS", "6-digit code from the SMS"],
  "sub.verify": ["ยืนยัน", "Confirm"],
  "sub.new_code": ["ขอรหัสใหม่", "Send a new code"],
  "sub.change": ["แก้ไขข้อมูล", "Change my choices"],
  "sub.wrong": ["รหัสไม่ถูกต้อง เหลืออีก {left} ครั้ง", "That code is not right: {left} tries left"],
  "sub.expired": ["รหัสหมดอายุหรือใส่ผิดเกินจำนวนครั้ง โปรดขอรหัสใหม่", "The code expired or was mistyped too often: ask for a new one"],
  "sub.mail_title": ["ตรวจสอบอีเมลของท่าน", "Check your e-mail"],
  "sub.mail_sent": [
    "ส่งลิงก์ยืนยันไปที่ {address} แล้ว เปิดลิงก์ภายใน {minutes} นาที แล้วกด \"ยืนยัน\" (ดูในโฟลเดอร์จดหมายขยะด้วย)",
    "We sent a confirmation link to {address}. Open it within {minutes} minutes and press \"Confirm\" (look in the spam folder too).",
  ],
  "sub.confirm_title": ["ยืนยันการรับแจ้งเตือน", "Confirm your subscription"],
  "sub.confirm_text": ["กดปุ่มด้านล่างเพื่อเริ่มรับแจ้งเตือนทางอีเมล", "Press the button to start getting alerts by e-mail"],
  "sub.link_bad": ["ลิงก์นี้ใช้ไม่ได้หรือหมดอายุแล้ว โปรดสมัครใหม่", "This link is not valid or has expired: please subscribe again"],
  "sub.link_used": ["ลิงก์นี้ยืนยันไปแล้ว ท่านได้รับแจ้งเตือนอยู่", "This link was confirmed already: you are subscribed"],
  "sub.again": ["สมัครใหม่", "Subscribe again"],
  "sub.done_title": ["สมัครรับแจ้งเตือนเรียบร้อย", "You are subscribed"],
  "sub.done_text": [
    "จะส่งแจ้งเตือนเรื่อง {topics} ของ {districts} ไปที่ {address}",
    "Alerts about {topics} in {districts} will go to {address}",
  ],
  "sub.manage": ["รหัสจัดการ (โปรดเก็บไว้)", "Manage code (keep it)"],
  "sub.manage_help": [
    "ใช้รหัสนี้เพื่อยกเลิกการรับแจ้งเตือนได้ทุกเมื่อ หากทำหาย ให้สมัครใหม่ด้วยหมายเลขหรืออีเมลเดิม แล้วจะได้รหัสใหม่",
    "Use this code to stop the alerts at any time. If you lose it, subscribe again with the same number or address to get a new one.",
  ],
  "sub.withdraw_title": ["ยกเลิกการรับแจ้งเตือน", "Stop alerts"],
  "sub.withdraw": ["ยกเลิกการรับแจ้งเตือน", "Stop my alerts"],
  "sub.manage_input": ["รหัสจัดการ", "Manage code"],
  "sub.withdrawn": ["ยกเลิกแล้ว จะไม่มีการส่งข้อความถึงท่านอีก", "Done: nothing more will be sent to you"],
  "sub.failed": ["ทำรายการไม่สำเร็จ", "That did not work"],
});

const NOTICE = "/api/v1/subscriptions/notice";
const SUBSCRIBE = "/api/v1/subscriptions";
const VERIFY = "/api/v1/subscriptions/verify";

/** A JSON request; answers {status, body} (errors too: the page tells them apart). */
async function call(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, body: data, retryAfter: response.headers.get("Retry-After") };
}

function errorText(answer) {
  const message = answer.body && answer.body.error ? answer.body.error.message : `HTTP ${answer.status}`;
  return `${t("sub.failed")}: ${message}`;
}

/** The link token of /subscribe/confirm#token=... (or ?token=...). */
function linkToken() {
  if (!window.location.pathname.endsWith("/confirm")) return null;
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get("token");
  return fromHash || new URLSearchParams(window.location.search).get("token");
}

function forgetToken() {
  try {
    window.history.replaceState(null, "", "/subscribe/confirm");
  } catch {
    // not fatal: the token is spent anyway
  }
}

function choiceBox(type, name, value, label, checked, onChange) {
  const input = h("input", { type, name, value, checked: checked || undefined });
  input.addEventListener("change", onChange);
  return h("label", {}, input, h("span", {}, label));
}

export default async function start(ctx) {
  const notice = await call("GET", NOTICE);
  if (notice.status !== 200) throw new Error(errorText(notice));
  const info = notice.body;
  const minutes = Math.round(info.code_ttl_s / 60);
  const channels = info.channels || [];
  const state = {
    step: linkToken() ? "confirm" : "form",
    token: linkToken(),
    form: {
      districts: [],
      topics: ["flood"],
      channel: channels[0] || "sms",
      address: "",
      consent: false,
    },
    pending: null,
    done: null,
    message: "",
    busy: false,
  };
  const districtName = (code) => {
    const d = info.districts.find((x) => x.code === code);
    return d ? (lang() === "th" ? d.name_th : d.name_en) : code;
  };
  const topicName = (key) => (info.topics[key] ? info.topics[key][lang()] : key);

  const errorBoxEl = () =>
    h("p", { class: "notice error", role: "alert", id: "sub-error", hidden: !state.message }, state.message);
  const setStep = (step, message = "") => {
    state.step = step;
    state.message = message;
    draw();
  };

  async function request() {
    const f = state.form;
    const answer = await call("POST", SUBSCRIBE, {
      channel: f.channel,
      address: f.address,
      districts: f.districts,
      topics: f.topics,
      language: lang(),
      consent: f.consent,
      notice_version: info.version,
    });
    if (answer.status === 202) {
      state.pending = answer.body;
      setStep(answer.body.verify === "code" ? "code" : "mail");
    } else {
      state.message = errorText(answer);
      draw();
    }
  }

  function formView() {
    const f = state.form;
    if (!channels.length) return [h("p", { class: "notice" }, t("sub.unavailable"))];
    const toggle = (list, value, on) => (on ? [...new Set([...list, value])] : list.filter((x) => x !== value));
    const districts = h(
      "fieldset",
      {},
      h("legend", {}, t("sub.districts")),
      h(
        "div",
        { class: "choices" },
        info.districts.map((d) =>
          choiceBox("checkbox", "district", d.code, districtName(d.code), f.districts.includes(d.code), (ev) => {
            f.districts = toggle(f.districts, d.code, ev.target.checked);
          }),
        ),
      ),
    );
    const topics = h(
      "fieldset",
      {},
      h("legend", {}, t("sub.topics")),
      h(
        "div",
        { class: "choices" },
        Object.keys(info.topics).map((k) =>
          choiceBox("checkbox", "topic", k, topicName(k), f.topics.includes(k), (ev) => {
            f.topics = toggle(f.topics, k, ev.target.checked);
          }),
        ),
      ),
    );
    const isSms = f.channel === "sms";
    const address = h("input", {
      name: "address",
      id: "sub-address",
      type: isSms ? "tel" : "email",
      inputmode: isSms ? "tel" : "email",
      autocomplete: isSms ? "tel" : "email",
      required: true,
      maxlength: 254,
      "aria-describedby": "sub-address-hint",
    });
    address.value = f.address;
    address.addEventListener("input", () => {
      f.address = address.value;
    });
    const channel = h(
      "fieldset",
      {},
      h("legend", {}, t("sub.channel")),
      h(
        "div",
        { class: "choices" },
        channels.map((c) =>
          choiceBox("radio", "channel", c, t(`sub.${c}`), f.channel === c, () => {
            f.channel = c;
            draw();
          }),
        ),
      ),
      h("label", { class: "field", for: "sub-address" }, t(isSms ? "sub.phone" : "sub.email_address")),
      address,
      h("p", { class: "muted", id: "sub-address-hint" }, isSms ? t("sub.phone_hint") : ""),
    );
    const consent = h("input", { type: "checkbox", name: "consent", required: true, checked: f.consent || undefined });
    consent.addEventListener("change", () => {
      f.consent = consent.checked;
    });
    const privacy = h(
      "section",
      { class: "privacy", "aria-labelledby": "sub-privacy" },
      h("h2", { id: "sub-privacy" }, t("sub.privacy")),
      h("p", {}, info.text[lang()] || info.text.th),
      h("label", { class: "consent" }, consent, h("span", {}, t("sub.consent", { version: info.version }))),
    );
    const submit = h("button", { class: "primary", type: "submit" }, t(isSms ? "sub.send_code" : "sub.send_link"));
    const form = h(
      "form",
      { id: "subscribe-form", novalidate: true },
      districts,
      topics,
      channel,
      privacy,
      errorBoxEl(),
      h("div", { class: "actions" }, submit),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!f.districts.length) return setStep("form", t("sub.pick_district"));
      if (!f.topics.length) return setStep("form", t("sub.pick_topic"));
      if (!f.address.trim()) return setStep("form", t(isSms ? "sub.need_phone" : "sub.need_email"));
      if (!f.consent) return setStep("form", t("sub.need_consent"));
      if (!form.reportValidity()) return undefined;
      submit.disabled = true;
      submit.textContent = t("sub.sending");
      try {
        await request();
      } finally {
        submit.disabled = false;
      }
      return undefined;
    });
    return [h("p", { class: "muted" }, t("sub.intro")), form, withdrawView()];
  }

  function codeView() {
    const p = state.pending;
    const code = h("input", {
      name: "code",
      id: "sub-code",
      class: "code",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      pattern: "[0-9]{6}",
      maxlength: 6,
      required: true,
    });
    const form = h(
      "form",
      { id: "code-form" },
      h("h2", {}, t("sub.code_title")),
      h("p", {}, t("sub.code_sent", { address: p.address, minutes })),
      h("label", { class: "field", for: "sub-code" }, t("sub.code")),
      code,
      errorBoxEl(),
      h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("sub.verify"))),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const answer = await call("POST", VERIFY, { request: p.request, code: code.value.trim() });
      if (answer.status === 200) return finish(answer.body);
      const err = (answer.body && answer.body.error) || {};
      if (err.code === "wrong_code") return setStep("code", t("sub.wrong", { left: err.attempts_left }));
      if (answer.status === 410) return setStep("code", t("sub.expired"));
      return setStep("code", errorText(answer));
    });
    const again = h("button", { class: "secondary", type: "button" }, t("sub.new_code"));
    again.addEventListener("click", () => request());
    const change = h("button", { class: "secondary", type: "button" }, t("sub.change"));
    change.addEventListener("click", () => setStep("form"));
    return [form, h("div", { class: "actions" }, again, change)];
  }

  function mailView() {
    const p = state.pending;
    const change = h("button", { class: "secondary", type: "button" }, t("sub.change"));
    change.addEventListener("click", () => setStep("form"));
    return [
      h("section", { id: "mail-sent" }, h("h2", {}, t("sub.mail_title")), h("p", {}, t("sub.mail_sent", { address: p.address, minutes }))),
      h("div", { class: "actions" }, change),
    ];
  }

  function confirmView() {
    const button = h("button", { class: "primary", type: "button", id: "sub-confirm" }, t("sub.verify"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      const answer = await call("POST", VERIFY, { token: state.token });
      forgetToken();
      if (answer.status === 200) return finish(answer.body);
      if (answer.status === 409) return setStep("confirm-done", t("sub.link_used"));
      // 422: a token cut short (a mail client broke the link): as bad as an unknown one,
      // not the validator's English words
      const bad = [404, 410, 422].includes(answer.status);
      return setStep("confirm-done", bad ? t("sub.link_bad") : errorText(answer));
    });
    return [h("p", {}, t("sub.confirm_text")), h("div", { class: "actions" }, button)];
  }

  function confirmDoneView() {
    return [h("p", { class: "notice", role: "status" }, state.message), h("p", {}, h("a", { href: "/subscribe" }, t("sub.again")))];
  }

  function finish(body) {
    state.done = body;
    state.token = null;
    setStep("done");
  }

  function doneView() {
    const s = state.done.subscription;
    const token = h("input", { id: "manage-token", class: "token", readonly: true, type: "text" });
    token.value = state.done.manage_token;
    return [
      h(
        "section",
        { id: "subscribe-done", class: "panel" },
        h("h2", {}, t("sub.done_title")),
        h(
          "p",
          {},
          t("sub.done_text", {
            topics: s.topics.map(topicName).join(", "),
            districts: s.districts.map(districtName).join(", "),
            address: s.address,
          }),
        ),
        h("label", { class: "field", for: "manage-token" }, t("sub.manage")),
        token,
        h("p", { class: "muted" }, t("sub.manage_help")),
      ),
      withdrawView(state.done.manage_token),
    ];
  }

  function withdrawView(known = "") {
    const input = h("input", {
      id: "withdraw-token",
      name: "manage_token",
      type: "text",
      class: "token",
      autocomplete: "off",
      required: true,
    });
    input.value = known;
    const out = h("p", { role: "status", id: "withdraw-result" });
    const form = h(
      "form",
      { id: "withdraw-form" },
      h("label", { class: "field", for: "withdraw-token" }, t("sub.manage_input")),
      input,
      h("div", { class: "actions" }, h("button", { class: "secondary", type: "submit" }, t("sub.withdraw"))),
      out,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const answer = await call("DELETE", `${SUBSCRIBE}/me`, undefined, { "X-Manage-Token": input.value.trim() });
      out.textContent = answer.status === 200 ? t("sub.withdrawn") : errorText(answer);
    });
    return h("details", { class: "withdraw", open: known ? true : undefined }, h("summary", {}, t("sub.withdraw_title")), form);
  }

  const views = {
    form: formView,
    code: codeView,
    mail: mailView,
    confirm: confirmView,
    "confirm-done": confirmDoneView,
    done: doneView,
  };

  function draw() {
    const title = t(state.step === "confirm" ? "sub.confirm_title" : "sub.title");
    fill(ctx.app, h("div", { class: "subscribe" }, h("h1", {}, title), views[state.step]()));
  }

  draw();
  ctx.onLang(draw);
  ctx.app.dataset.ready = "true";
}
