// The pattern of a domain page (complaints, energy, economy, people): a title, what the
// domain is for, and either its own view (spec.render) or — until one is written — the
// domain's API paths on this server. When none of the domain's endpoints is on this
// server the page says "not available yet" and requests nothing.
import { has, pathsUnder } from "./api.js";
import { addMessages, t } from "./i18n.js";
import { errorBox, fill, h, notAvailable } from "./ui.js";

addMessages({
  "dom.api": ["ข้อมูลเปิดของหมวดนี้ (API)", "Open data of this domain (API)"],
  "dom.api_all": ["คำอธิบาย API ทั้งหมด", "The whole API described"],
});

/**
 * @param {object} ctx page context from main.js
 * @param {{key: string, prefixes: string[], needs?: string[], render?: Function}} spec
 *   key: message prefix (`<key>.title`, `<key>.intro`); prefixes: API path prefixes of the
 *   domain; needs: paths that must exist for `render`; render(ctx) -> Promise<Node[]>.
 */
export async function domainPage(ctx, spec) {
  const all = spec.prefixes.flatMap((p) => pathsUnder(p));
  // Only links a citizen can open and get an answer from (no login, no parameters).
  const open = new Set(ctx.config.open_data || []);
  const paths = all.filter((p) => open.has(p));
  const ready = spec.render && (spec.needs || []).every((p) => has(p));
  let body = null;
  let failed = null;
  if (ready) {
    try {
      body = await spec.render(ctx);
    } catch (err) {
      failed = err;
    }
  }
  const draw = () => {
    fill(
      ctx.app,
      h("h1", {}, t(`${spec.key}.title`)),
      h("p", { class: "muted" }, t(`${spec.key}.intro`)),
      failed ? errorBox(failed) : null,
      ready && body ? (typeof body === "function" ? body() : body) : null,
      !ready && !all.length ? notAvailable() : null,
      paths.length
        ? h(
            "section",
            { class: "panel api-list" },
            h("h2", {}, t("dom.api")),
            h(
              "ul",
              {},
              paths.map((p) => h("li", {}, h("a", { href: p }, p))),
            ),
            h("p", {}, h("a", { href: "/docs" }, t("dom.api_all"))),
          )
        : null,
    );
  };
  draw();
  ctx.onLang(draw);
  ctx.app.dataset.ready = "true";
}
