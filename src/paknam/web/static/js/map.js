// The city map: Leaflet with no tile layer (works offline). District boundaries come from
// GET /api/v1/districts, stations from GET /api/v1/stations; all drawn as SVG.
//
// Leaflet parses a string given as popup, tooltip or attribution content as HTML: every
// text that comes from data goes in as a built element (popups, tooltips) or escaped
// (the attribution, which Leaflet takes only as HTML).
//
// Markers are keyboard-reachable (Tab, then Enter opens the popup), named (title and
// aria-label say what and how it is), and each layer has its own shape, so colour is never
// the only difference: AQI circle, WQI square, water level triangle, other diamond.
import { pick, t } from "./i18n.js";
import { h } from "./ui.js";

const L = window.L;
const NS = "http://www.w3.org/2000/svg";
const COMPACT_BELOW_PX = 700;

export function createMap(el) {
  const map = L.map(el, {
    zoomSnap: 0.25,
    zoomControl: true,
    attributionControl: true,
    keyboard: true,
    renderer: L.svg({ padding: 0.2 }),
  });
  map.attributionControl.setPrefix(false);
  compactAttribution(map, el);
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize()).observe(el);
  return map;
}

/** On a small map the sources hide behind an "i" button (they covered a third of a phone map). */
function compactAttribution(map, el) {
  if ((el.clientWidth || 0) >= COMPACT_BELOW_PX && !el.classList.contains("small")) return;
  const box = map.attributionControl.getContainer();
  box.classList.add("compact");
  box.id = box.id || `attr-${Math.random().toString(36).slice(2, 8)}`;
  const Toggle = L.Control.extend({
    options: { position: "bottomright" },
    onAdd() {
      const button = L.DomUtil.create("button", "attr-toggle");
      button.type = "button";
      button.textContent = "i";
      button.setAttribute("aria-label", t("map.attribution"));
      button.title = t("map.attribution");
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", box.id);
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, "click", () => {
        const open = box.classList.toggle("open");
        button.setAttribute("aria-expanded", String(open));
      });
      return button;
    },
  });
  new Toggle().addTo(map);
}

const SHAPES = {
  circle: "M9 2a7 7 0 1 0 0.001 0Z",
  square: "M3 3h12v12H3Z",
  triangle: "M9 1.5 16.5 15.5H1.5Z",
  diamond: "M9 1 17 9 9 17 1 9Z",
};

/** Shape of a station's marker by its kind (one shape per map layer). */
export const KIND_SHAPES = { air: "circle", water_quality: "square", water_level: "triangle" };

/** A small SVG symbol: `shape` filled with `color` (legend chips use it too). */
export function symbol(shape, color, className = "") {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 18 18");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "symbol");
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", SHAPES[shape] || SHAPES.diamond);
  path.setAttribute("fill", color);
  path.setAttribute("stroke", "#1b1b1b");
  path.setAttribute("stroke-width", "1.2");
  if (className) path.setAttribute("class", className);
  svg.append(path);
  return svg;
}

/**
 * A keyboard-reachable, named point marker.
 * @param {[number, number]} latlng
 * @param {{shape?, color, label, className?, data?: object, onPick?: Function}} o data:
 *   data-* attributes put on the symbol; onPick: called on click and on Enter.
 */
export function pointMarker(latlng, o) {
  const svg = symbol(o.shape || "circle", o.color, o.className || "");
  const path = svg.firstChild;
  for (const [k, v] of Object.entries(o.data || {})) path.dataset[k] = v;
  const marker = L.marker(latlng, {
    icon: L.divIcon({ html: svg, className: "point-icon", iconSize: [18, 18], iconAnchor: [9, 9] }),
    keyboard: true,
    title: o.label,
    alt: o.label,
    riseOnHover: true,
  });
  marker.on("add", () => marker.getElement()?.setAttribute("aria-label", o.label));
  if (o.onPick) {
    marker.on("click", o.onPick);
    marker.on("keypress", (e) => {
      if (e.originalEvent.key === "Enter") o.onPick(e);
    });
  }
  return marker;
}

/** Name a marker again (after its state or the language changed). */
export function renameMarker(marker, label) {
  marker.options.title = label;
  const el = marker.getElement();
  if (el) {
    el.title = label;
    el.setAttribute("aria-label", label);
  }
}

/** Show the whole of `layers` (the province and every point), with a margin. */
export function fitTo(map, layers) {
  let bounds = null;
  for (const layer of layers) {
    const b = layer && (layer.getBounds ? layer.getBounds() : null);
    if (b && b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  }
  if (bounds) map.fitBounds(bounds, { padding: [12, 12] });
}

/** The bounds of point markers in a layer group (a layerGroup has no getBounds). */
export function pointsLayer(markers) {
  return L.featureGroup(markers);
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` escaped for the few Leaflet places that take only HTML (the attribution). */
export function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A district's label (its name in the current language) as an element. */
const districtLabel = (properties) => h("span", { class: "district-name" }, pick(properties, "name"));

/** Draw the districts; returns {layer, byCode} (byCode: code -> Leaflet layer). */
export function drawDistricts(map, collection, onClick) {
  const byCode = new Map();
  const layer = L.geoJSON(collection, {
    style: () => ({
      color: "#3d5a80",
      weight: 1.5,
      fillColor: "#e0e8f0",
      fillOpacity: 0.55,
      className: "district-shape",
    }),
    onEachFeature: (feature, lyr) => {
      const code = feature.properties.code;
      byCode.set(code, lyr);
      lyr.bindTooltip(districtLabel(feature.properties), {
        permanent: true,
        direction: "center",
        className: "district-label",
      });
      if (onClick) lyr.on("click", () => onClick(code));
    },
  }).addTo(map);
  for (const [code, lyr] of byCode) lyr.getElement()?.setAttribute("data-district", code);
  if (collection.attribution) map.attributionControl.addAttribution(escapeHTML(collection.attribution));
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
  return { layer, byCode };
}

/** Rename the district labels in the current language. */
export function relabelDistricts(districts) {
  for (const [code, lyr] of districts.byCode) {
    lyr.setTooltipContent(districtLabel(lyr.feature.properties));
    lyr.getElement()?.setAttribute("data-district", code);
  }
}

/** Draw station markers coloured by `stateOf(feature)`; returns the marker layer. */
export function drawStations(map, features, stateOf, popupOf) {
  const group = L.featureGroup();
  for (const f of features) {
    if (!f.geometry || f.geometry.type !== "Point") continue;
    const [lon, lat] = f.geometry.coordinates;
    const state = stateOf(f);
    const marker = pointMarker([lat, lon], {
      shape: KIND_SHAPES[f.properties.kind] || "diamond",
      color: state.color,
      label: `${pick(f.properties, "name")}: ${state.label}`,
      className: `station-marker kind-${f.properties.kind}`,
      data: { station: f.id, color: state.color },
    });
    marker.feature = f;
    marker.bindPopup(() => popupOf(f, stateOf(f)));
    marker.addTo(group);
  }
  group.addTo(map);
  return group;
}

/** Colour and name the markers again (after more state has arrived, or the language changed). */
export function recolourStations(group, stateOf) {
  for (const m of group.getLayers()) {
    const state = stateOf(m.feature);
    const path = m.getElement()?.querySelector("path");
    if (path) {
      path.setAttribute("fill", state.color);
      path.dataset.color = state.color;
    }
    renameMarker(m, `${pick(m.feature.properties, "name")}: ${state.label}`);
  }
}
