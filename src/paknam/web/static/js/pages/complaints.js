// Complaints (Open311 GeoReport v2): the public map and list of the requests of the last 90
// days (the specification's default window of GET requests.json), with each one's status
// and latest public note. The officer inbox (status changes) is on the officer page.
import { getJSON } from "../api.js";
import { domainPage } from "../domain.js";
import { fmtCount, fmtNum, fmtTime } from "../format.js";
import { addMessages, ownHalf, t } from "../i18n.js";
import { createMap, drawDistricts, fitTo, pointMarker, pointsLayer, relabelDistricts } from "../map.js";
import { h, table } from "../ui.js";

addMessages({
  "complaints.title": ["เรื่องร้องเรียน", "Complaints"],
  "complaints.intro": [
    "เรื่องร้องเรียนจากประชาชน ส่งต่อถึงหน่วยงานที่รับผิดชอบ (มาตรฐาน Open311 GeoReport v2)",
    "Citizens' complaints routed to the responsible office (Open311 GeoReport v2)",
  ],
  "complaints.total": [
    "{n} เรื่องใน 90 วันที่ผ่านมา: ยังไม่ปิด {open} ปิดแล้ว {closed}",
    "{n} requests in the last 90 days: {open} open, {closed} closed",
  ],
  "complaints.requested": ["แจ้งเมื่อ", "requested"],
  "complaints.service": ["ประเภท", "service"],
  "complaints.status": ["สถานะ", "status"],
  "complaints.agency": ["หน่วยงาน", "agency"],
  "complaints.where": ["สถานที่", "where"],
  "complaints.open": ["ยังไม่ปิดเรื่อง", "open"],
  "complaints.closed": ["ปิดเรื่องแล้ว", "closed"],
  "complaints.report": ["แจ้งเรื่องร้องเรียนใหม่ (ถ่ายรูป ปักหมุด)", "Report a problem (photo, place)"],
  "complaints.map": ["แผนที่เรื่องร้องเรียน", "Map of the complaints"],
  "complaints.caption": ["เรื่องร้องเรียนใน 90 วันที่ผ่านมา", "Requests of the last 90 days"],
});

export const REQUESTS = "/open311/v2/requests.json";
const COLOURS = { open: "#F26522", closed: "#00A651" };

function statusKey(r) {
  return r.status === "closed" ? "closed" : "open";
}

function where(r) {
  if (r.address) return r.address;
  if (typeof r.lat === "number" && typeof r.long === "number") {
    return `${fmtNum(r.lat, 4, 4)}, ${fmtNum(r.long, 4, 4)}`;
  }
  return "–";
}

/** The popup of a request: built as DOM nodes (the description is a citizen's text). */
function popup(r) {
  return h(
    "div",
    { class: "complaint-popup" },
    h("b", {}, ownHalf(r.service_name) || r.service_code || ""),
    h("br"),
    `${t(`complaints.${statusKey(r)}`)} · ${fmtTime(r.requested_datetime)}`,
    r.status_notes ? [h("br"), h("small", {}, ownHalf(r.status_notes))] : null,
    r.description ? [h("br"), h("span", {}, r.description)] : null,
  );
}

async function render(ctx) {
  const [requests, districts] = await Promise.all([getJSON(REQUESTS), getJSON("/api/v1/districts?simplify=0.0002")]);
  const mapEl = h("div", { class: "map small", id: "complaints-map", role: "region", "aria-label": t("complaints.map") });
  let drawn = null;
  requestAnimationFrame(() => {
    const map = createMap(mapEl);
    drawn = drawDistricts(map, districts);
    const markers = [];
    for (const r of requests) {
      if (typeof r.lat === "number" && typeof r.long === "number") {
        const key = statusKey(r);
        markers.push(
          pointMarker([r.lat, r.long], {
            // open: triangle (needs attention), closed: circle; colour is never the only cue
            shape: key === "closed" ? "circle" : "triangle",
            color: COLOURS[key],
            label: `${ownHalf(r.service_name) || r.service_code || ""}: ${t(`complaints.${key}`)}`,
            className: "complaint-marker",
            data: { request: r.service_request_id },
          }).bindPopup(() => popup(r)),
        );
      }
    }
    fitTo(map, [drawn.layer, pointsLayer(markers).addTo(map)]);
    mapEl.dataset.markers = String(markers.length);
    mapEl.dataset.ready = "true";
  });
  ctx.onLang(() => {
    if (drawn) relabelDistricts(drawn);
  });
  const closed = requests.filter((r) => statusKey(r) === "closed").length;
  return () => [
    h("p", { class: "complaints-report-link" }, h("a", { href: "/report", id: "complaints-report" }, t("complaints.report"))),
    mapEl,
    h(
      "p",
      { id: "complaints-total", "data-total": requests.length, "data-open": requests.length - closed, "data-closed": closed },
      t("complaints.total", {
        n: fmtCount(requests.length),
        open: fmtCount(requests.length - closed),
        closed: fmtCount(closed),
      }),
    ),
    table(
      [
        t("complaints.requested"),
        t("complaints.service"),
        t("complaints.status"),
        t("complaints.agency"),
        t("complaints.where"),
      ],
      requests.map((r) =>
        h(
          "tr",
          { "data-request": r.service_request_id, "data-status": r.status },
          h("td", { "data-time": r.requested_datetime }, fmtTime(r.requested_datetime)),
          h("td", {}, ownHalf(r.service_name) || r.service_code || ""),
          h(
            "td",
            { class: "status" },
            h("span", { class: "status-name" }, t(`complaints.${statusKey(r)}`)),
            r.status_notes ? [h("br"), h("small", { class: "muted status-notes" }, ownHalf(r.status_notes))] : null,
          ),
          h("td", {}, ownHalf(r.agency_responsible) || "–"),
          h("td", {}, where(r)),
        ),
      ),
      { id: "complaints-list", cards: true, caption: t("complaints.caption") },
    ),
  ];
}

export default (ctx) =>
  domainPage(ctx, {
    key: "complaints",
    prefixes: ["/open311/", "/api/v1/complaints"],
    needs: [REQUESTS],
    render,
  });
