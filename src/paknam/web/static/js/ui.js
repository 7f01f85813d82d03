// Small DOM helpers. Text always goes in as text nodes (never as HTML).
import { t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replace the content of `el` with `children`. */
export function fill(el, ...children) {
  clear(el);
  for (const c of children.flat(Infinity)) if (c) el.append(c);
  return el;
}

export function badge(kind, text) {
  return h("span", { class: `badge badge-${kind}` }, text ?? t(`badge.${kind}`));
}

/** Badges for data that is not real measurement: simulated, sample. */
export function dataBadges(meta = {}, extra = {}) {
  const out = [];
  if (meta.simulated || extra.simulated) out.push(badge("simulated"));
  if (meta.replayed || extra.replayed) out.push(badge("replayed"));
  if (meta.sample || extra.sample) out.push(badge("sample"));
  return out;
}

export function chip(color, label) {
  return h("span", { class: "chip" }, h("i", { style: { background: color } }), label);
}

/** The "not available yet" state of a page part whose API is not on this server. */
export function notAvailable(what) {
  return h(
    "div",
    { class: "notice not-available", "data-state": "not-available" },
    h("b", {}, t("na.title")),
    " — ",
    what || t("na.endpoint"),
  );
}

export function errorBox(err) {
  return h(
    "div",
    { class: "notice error", "data-state": "error" },
    h("b", {}, t("error.load")),
    ": ",
    err && err.message ? err.message : String(err),
  );
}

export function table(headers, rows, attrs = {}) {
  return h(
    "table",
    attrs,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((x) => h("th", {}, x)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        r instanceof Node
          ? r
          : h(
              "tr",
              {},
              r.map((x) => h("td", {}, x)),
            ),
      ),
    ),
  );
}
