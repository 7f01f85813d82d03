// The city map: Leaflet with no tile layer (works offline). District boundaries come from
// GET /api/v1/districts, stations from GET /api/v1/stations; all drawn as SVG.
//
// Leaflet parses a string given as popup, tooltip or attribution content as HTML: every
// text that comes from data goes in as a built element (popups, tooltips) or escaped
// (the attribution, which Leaflet takes only as HTML).
import { pick } from "./i18n.js";
import { h } from "./ui.js";

const L = window.L;

export function createMap(el) {
  const map = L.map(el, {
    zoomSnap: 0.25,
    zoomControl: true,
    attributionControl: true,
    renderer: L.svg({ padding: 0.2 }),
  });
  map.attributionControl.setPrefix(false);
  return map;
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
  const group = L.layerGroup();
  for (const f of features) {
    if (!f.geometry || f.geometry.type !== "Point") continue;
    const [lon, lat] = f.geometry.coordinates;
    const state = stateOf(f);
    const marker = L.circleMarker([lat, lon], {
      radius: 7,
      color: "#1b1b1b",
      weight: 1,
      fillColor: state.color,
      fillOpacity: 0.95,
      className: `station-marker kind-${f.properties.kind}`,
    });
    marker.feature = f;
    marker.bindPopup(() => popupOf(f, stateOf(f)));
    marker.addTo(group);
  }
  group.addTo(map);
  for (const m of group.getLayers()) {
    const el = m.getElement();
    if (el) {
      el.setAttribute("data-station", m.feature.id);
      el.setAttribute("data-color", m.options.fillColor);
    }
  }
  return group;
}

/** Colour the markers again (after more state has arrived). */
export function recolourStations(group, stateOf) {
  for (const m of group.getLayers()) {
    const color = stateOf(m.feature).color;
    m.setStyle({ fillColor: color });
    m.getElement()?.setAttribute("data-color", color);
  }
}
