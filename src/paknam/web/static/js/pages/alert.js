// An alert's page (GET /alerts/{id}): the content is made on the server in Thai and
// English (the stylesheet shows the reader's language); this module only honours
// ?lang=en|th and draws the alert's area on a map (districts covered, polygon, circle).
import { setLang } from "../i18n.js";
import { createMap } from "../map.js";

const AREA = { color: "#7a3e00", weight: 2.5, fillColor: "#f4a259", fillOpacity: 0.45 };
const DRILL_AREA = { color: "#3d4a5c", weight: 2.5, fillColor: "#9aa7b8", fillOpacity: 0.45 };
const OTHER = { color: "#8a99ad", weight: 1, fillColor: "#eef2f6", fillOpacity: 0.4 };

function drawArea(el, geo, drill) {
  const L = window.L;
  if (!L || !geo || !geo.features.length) {
    el.hidden = true;
    return;
  }
  const map = createMap(el);
  const area = drill ? DRILL_AREA : AREA;
  // Bounds are computed from coordinates, never from layers on the map: a layer added to a
  // map that has no view yet is only attached once the view is set, and a circle's own
  // getBounds() needs that map.
  const focus = L.latLngBounds([]);
  const layer = L.geoJSON(geo, {
    filter: (f) => f.properties.role !== "circle",
    style: (f) => (f.properties.role === "district" && !f.properties.in_area ? OTHER : area),
    onEachFeature: (f, lyr) => {
      if (f.properties.role !== "district" || f.properties.in_area) focus.extend(lyr.getBounds());
    },
  });
  const circles = geo.features
    .filter((x) => x.properties.role === "circle")
    .map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      focus.extend(L.latLng(lat, lon).toBounds(2 * f.properties.radius_m));
      return L.circle([lat, lon], { radius: f.properties.radius_m, ...area });
    });
  const view = focus.isValid() ? focus : layer.getBounds();
  if (view.isValid()) map.fitBounds(view.pad(0.3));
  layer.addTo(map);
  for (const c of circles) c.addTo(map);
  el.dataset.ready = "true";
}

export default async function start(ctx) {
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (asked === "en" || asked === "th") setLang(asked);
  const page = document.getElementById("alert-page");
  const geoEl = document.getElementById("alert-geo");
  const mapEl = document.getElementById("alert-map");
  if (page && geoEl && mapEl) drawArea(mapEl, JSON.parse(geoEl.textContent), page.classList.contains("drill"));
  ctx.app.dataset.ready = "true";
}
