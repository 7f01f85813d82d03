// Officer login: POST /api/v1/auth/login (form fields), the session token kept for this
// browser tab only (sessionStorage), then the officer desk.
import { send, setOfficerToken } from "../api.js";
import { addMessages, t } from "../i18n.js";
import { fill, h } from "../ui.js";

addMessages({
  "login.title": ["เข้าสู่ระบบเจ้าหน้าที่", "Officer login"],
  "login.user": ["ชื่อผู้ใช้", "Username"],
  "login.password": ["รหัสผ่าน", "Password"],
  "login.submit": ["เข้าสู่ระบบ", "Log in"],
  "login.failed": ["เข้าสู่ระบบไม่สำเร็จ", "Login failed"],
  "login.public": [
    "ประชาชนทั่วไปดูแผนที่ สถานี การแจ้งเตือน และตัวชี้วัดได้โดยไม่ต้องเข้าสู่ระบบ",
    "The public sees maps, stations, alerts and indicators without logging in",
  ],
});

export default async function start(ctx) {
  const message = h("p", { class: "notice error", id: "login-error", hidden: true });
  const draw = () => {
    const form = h(
      "form",
      { class: "stack", id: "login-form" },
      h(
        "label",
        {},
        t("login.user"),
        h("input", { name: "username", autocomplete: "username", required: true }),
      ),
      h(
        "label",
        {},
        t("login.password"),
        h("input", { name: "password", type: "password", autocomplete: "current-password", required: true }),
      ),
      h("button", { class: "primary", type: "submit" }, t("login.submit")),
      message,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(form));
      try {
        const answer = await send("POST", "/api/v1/auth/login", data, { form: true });
        setOfficerToken(answer.access_token);
        window.location.assign("/officer");
      } catch (err) {
        message.hidden = false;
        message.textContent = `${t("login.failed")}: ${err.message}`;
      }
    });
    fill(
      ctx.app,
      h("h1", {}, t("login.title")),
      h("p", { class: "muted" }, t("login.public")),
      h("section", { class: "panel" }, form),
    );
  };
  draw();
  ctx.onLang(draw);
  ctx.app.dataset.ready = "true";
}
