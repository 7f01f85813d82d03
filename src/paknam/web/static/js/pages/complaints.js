// Complaints (Open311 GeoReport v2): the public list and map of requests. The officer
// inbox (status changes) is on the officer page.
import { getJSON } from "../api.js";
import { domainPage } from "../domain.js";
import { fmtTime } from "../format.js";
import { addMessages, t } from "../i18n.js";
import { createMap, drawDistricts } from "../map.js";
import { h, table } from "../ui.js";

addMessages({
  "complaints.title": ["เรื่องร้องเรียน", "Complaints"],
  "complaints.intro": [
    "เรื่องร้องเรียนจากประชาชน ส่งต่อถึงหน่วยงานที่รับผิดชอบ (มาตรฐาน Open311 GeoReport v2)",
    "Citizens' complaints routed to the responsible office (Open311 GeoReport v2)",
  ],
  "complaints.requested": ["แจ้งเมื่อ", "requested"],
  "complaints.service": ["ประเภท", "service"],
  "complaints.status": ["สถานะ", "status"],
  "complaints.agency": ["หน่วยงาน", "agency"],
  "complaints.where": ["สถานที่", "where"],
  "complaints.open": ["กำลังดำเนินการ", "open"],
  "complaints.closed": ["ปิดเรื่องแล้ว", "closed"],
});

export const REQUESTS = "/open311/v2/requests.json";

async function render() {
  const [requests, districts] = await Promise.all([getJSON(REQUESTS), getJSON("/api/v1/districts?simplify=0.0002")]);
  const mapEl = h("div", { class: "map small", id: "complaints-map" });
  requestAnimationFrame(() => {
    const map = createMap(mapEl);
    drawDistricts(map, districts);
    for (const r of requests) {
      if (typeof r.lat === "number" && typeof r.long === "number") {
        window.L.circleMarker([r.lat, r.long], {
          radius: 6,
          fillColor: r.status === "closed" ? "#00A651" : "#F26522",
          fillOpacity: 0.9,
          color: "#222",
          weight: 1,
        })
          .bindPopup(`${r.service_name || r.service_code}`)
          .addTo(map);
      }
    }
    mapEl.dataset.ready = "true";
  });
  return () => [
    mapEl,
    table(
      [
        t("complaints.requested"),
        t("complaints.service"),
        t("complaints.status"),
        t("complaints.agency"),
        t("complaints.where"),
      ],
      requests.map((r) => [
        fmtTime(r.requested_datetime),
        r.service_name || r.service_code || "",
        t(`complaints.${r.status === "closed" ? "closed" : "open"}`),
        r.agency_responsible || "",
        r.address || "",
      ]),
      { id: "complaints-list" },
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
