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
  return h("span", { class: "chip" }, h("i", { style: { background: color }, "aria-hidden": "true" }), label);
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

/**
 * A table. `attrs` may carry `caption` (what the table holds: shown above it and read by
 * screen readers) and `cards: true` (on a phone each row becomes a card, each cell
 * labelled with its column's header). Every cell gets its column's name in data-label.
 */
export function table(headers, rows, attrs = {}) {
  const { caption, cards, ...rest } = attrs || {};
  if (cards) rest.class = `${rest.class || ""} cards`.trim();
  const el = h(
    "table",
    rest,
    caption ? h("caption", {}, caption) : null,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((x) => h("th", { scope: "col" }, x)),
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
  const names = headers.map((x) => (x instanceof Node ? x.textContent : String(x ?? "")));
  for (const tr of el.tBodies[0].rows) {
    [...tr.cells].forEach((td, i) => {
      if (names[i] && !td.dataset.label) td.dataset.label = names[i];
    });
  }
  return el;
}

/** A wide table in a box of its own that scrolls sideways (the page never does). */
export function scrollBox(tableEl, label) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": label || "" }, tableEl);
}

/** A level colour as a chip beside dark text (colours are never the text's colour). */
export function levelChip(color, label, attrs = {}) {
  return h("span", { class: "chip level-chip", ...attrs }, h("i", { style: { background: color }, "aria-hidden": "true" }), label);
}
