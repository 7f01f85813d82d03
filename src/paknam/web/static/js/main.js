// Start a dashboard page: configuration, language, navigation, then the page's module
// (pages/<name>.js, whose default export is `start(ctx)`).
import { setConfig } from "./api.js";
import { applyStatic, initLang, lang, onLang, setLang } from "./i18n.js";
import { setTables } from "./states.js";
import { errorBox, fill } from "./ui.js";

const config = JSON.parse(document.getElementById("paknam-config").textContent);
setConfig(config);
setTables(config);
initLang();
applyStatic();

document.getElementById("lang-switch").addEventListener("click", () => {
  setLang(lang() === "th" ? "en" : "th");
});
for (const a of document.querySelectorAll("[data-nav]")) {
  if (a.dataset.nav === config.page) a.setAttribute("aria-current", "page");
}

const app = document.getElementById("app");
const ctx = { config, params: config.params || {}, app, onLang };

try {
  const page = await import(`./pages/${config.page}.js`);
  await page.default(ctx);
  applyStatic(app);
} catch (err) {
  fill(app, errorBox(err));
} finally {
  document.body.dataset.loaded = "true";
}
