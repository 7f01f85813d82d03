// Smart Energy: the sites on a map and in a list; for the chosen site its daily performance
// (actual vs expected energy, PR vs expected PR where irradiance is measured), the
// under-performance findings with their reasons, the monthly energy balance and the
// statement of its energy community. Simulated sites are badged as such.
import { getJSON, has } from "../api.js";
import { timeChart } from "../chart.js";
import { domainPage } from "../domain.js";
import { epoch, fmtNum, fmtPeriod, fmtYear, isoBangkok } from "../format.js";
import { addMessages, pick, t } from "../i18n.js";
import { createMap, drawDistricts, fitTo, pointMarker, pointsLayer, relabelDistricts } from "../map.js";
import { badge, clear, dataBadges, errorBox, fill, h, notAvailable, scrollBox, table } from "../ui.js";

addMessages({
  "energy.title": ["พลังงานอัจฉริยะ", "Smart Energy"],
  "energy.intro": [
    "ต้นแบบพลังงานทางเลือก (โซลาร์) การติดตามการใช้พลังงาน และการแบ่งปันไฟฟ้าในชุมชน",
    "Alternative-energy (solar) prototype sites, energy monitoring and community sharing",
  ],
  "en.sites": ["จุดติดตั้ง", "Sites"],
  "en.site": ["จุดติดตั้ง", "site"],
  "en.tech": ["เทคโนโลยี", "technology"],
  "en.kwp": ["กำลังติดตั้ง (kWp)", "capacity (kWp)"],
  "en.show": ["ดูรายละเอียด", "show"],
  "en.perf": ["สมรรถนะรายวัน (90 วันล่าสุดที่มีข้อมูล)", "Daily performance (last 90 days with data)"],
  "en.energy_chart": ["พลังงานที่ผลิตได้เทียบกับค่าที่คาดการณ์ (kWh/วัน)", "Energy produced vs expected (kWh/day)"],
  "en.pr_chart": ["อัตราส่วนสมรรถนะ (PR) เทียบกับค่าที่คาดการณ์", "Performance ratio (PR) vs expected"],
  "en.actual": ["ผลิตได้จริง", "actual"],
  "en.expected": ["คาดการณ์", "expected"],
  "en.pr": ["PR จริง", "PR actual"],
  "en.pr_expected": ["PR คาดการณ์", "PR expected"],
  "en.no_pr": ["ไม่มีเซนเซอร์แสง จึงไม่คำนวณ PR", "No irradiance sensor: no PR"],
  "en.findings": ["สิ่งที่ตรวจพบ", "Findings"],
  "en.no_findings": ["ไม่พบความผิดปกติ", "No under-performance found"],
  "en.balance": ["สมดุลพลังงานรายเดือน ปี {y}", "Monthly energy balance, {y}"],
  "en.month": ["เดือน", "month"],
  "en.gen": ["ผลิต (kWh)", "generated (kWh)"],
  "en.cons": ["ใช้ (kWh)", "consumed (kWh)"],
  "en.selfc": ["ใช้เองจากที่ผลิต", "self-consumption"],
  "en.selfs": ["พึ่งพาตนเอง", "self-sufficiency"],
  "en.co2": ["ลด CO2 (กก.)", "CO2 avoided (kg)"],
  "en.total": ["รวม", "total"],
  "en.statement": ["ใบแจ้งยอดชุมชนพลังงาน", "Energy community statement"],
  "en.member": ["สมาชิก", "member"],
  "en.net": ["สุทธิ (บาท)", "net (THB)"],
  "en.not_settled": [
    "ยังไม่มีเดือนที่ปิดยอดแล้ว (เจ้าหน้าที่ปิดยอดรายเดือน)",
    "No month settled yet (an officer settles each month)",
  ],
  "en.no_readings": ["ยังไม่มีค่าที่อ่านจากมิเตอร์", "No meter readings yet"],
  "en.sites_caption": ["จุดติดตั้งทั้งหมด", "All sites"],
  "en.map": ["แผนที่จุดติดตั้ง", "Map of the sites"],
  "en.simulated_site": ["จุดจำลอง", "simulated site"],
});

const SITES = "/api/v1/energy/sites";
const PERF = "/api/v1/energy/sites/{site_id}/performance";
const BALANCE = "/api/v1/energy/sites/{site_id}/balance";
const STATEMENT = "/api/v1/energy/communities/{community_id}/statements/{month}";

const pct = (x) => (x === null || x === undefined ? "–" : `${fmtNum(x * 100, 1, 1)} %`);
const dayEpoch = (d) => epoch(`${d}T12:00:00+07:00`);

/** Newest reading of a site (epoch s), from its station's latest values. */
async function newestReading(siteId) {
  const st = await getJSON(`/api/v1/stations/${encodeURIComponent(siteId)}`);
  const times = Object.values(st.properties.latest || {}).map((v) => epoch(v.time));
  return times.length ? Math.max(...times) : null;
}

async function loadSite(site) {
  const id = encodeURIComponent(site.id);
  const newest = await newestReading(site.id);
  if (newest === null) return { site, empty: true };
  const end = isoBangkok(newest + 3600);
  const year = Number(isoBangkok(newest).slice(0, 4));
  const [perf, balance] = await Promise.all([
    getJSON(`/api/v1/energy/sites/${id}/performance`, { end }),
    has(BALANCE) ? getJSON(`/api/v1/energy/sites/${id}/balance`, { year }) : null,
  ]);
  const statements = [];
  if (has(STATEMENT) && balance) {
    for (const community of site.properties.communities || []) {
      const months = balance.months.map((m) => m.period).reverse();
      const all = await Promise.all(
        months.map((m) =>
          getJSON(`/api/v1/energy/communities/${encodeURIComponent(community)}/statements/${m}`),
        ),
      );
      statements.push({ community, settled: all.find((s) => s.settled) || null, first: all[0] });
    }
  }
  return { site, perf, balance, statements, year };
}

function perfCharts(detail, energyEl, prEl) {
  const days = detail.perf.days;
  const xs = days.map((d) => dayEpoch(d.date));
  clear(energyEl);
  clear(prEl);
  timeChart(
    energyEl,
    xs,
    [
      { label: t("en.actual"), values: days.map((d) => d.e_ac_kwh), color: "#1565c0" },
      { label: t("en.expected"), values: days.map((d) => d.e_expected_kwh), color: "#999", dash: [6, 4] },
    ],
    { yLabel: "kWh", height: 220, title: t("en.energy_chart") },
  );
  if (days.some((d) => d.pr !== null)) {
    timeChart(
      prEl,
      xs,
      [
        { label: t("en.pr"), values: days.map((d) => d.pr), color: "#2e7d32" },
        { label: t("en.pr_expected"), values: days.map((d) => d.pr_expected), color: "#999", dash: [6, 4] },
      ],
      { yLabel: "PR", height: 200, title: t("en.pr_chart") },
    );
  }
}

function detailView(detail, charts) {
  const { site } = detail;
  const p = site.properties;
  const head = h(
    "h2",
    { id: "site-name", "data-site": site.id },
    pick(p, "name"),
    " ",
    dataBadges(p.meta || {}, { simulated: p.simulated }),
  );
  if (detail.empty) return [head, h("p", { class: "muted" }, t("en.no_readings"))];
  const perf = detail.perf;
  const hasPr = perf.days.some((d) => d.pr !== null);
  const findings = perf.flags.length
    ? h(
        "ul",
        { id: "findings", class: "findings" },
        perf.flags.map((f) =>
          h(
            "li",
            { "data-kind": f.kind, "data-magnitude": f.magnitude ?? "" },
            badge(`sev-${f.severity}`, t(`severity.${f.severity}`)),
            " ",
            h("b", {}, `${fmtPeriod(f.start)} – ${fmtPeriod(f.end)}`),
            ": ",
            pick(f, "reason"),
          ),
        ),
      )
    : h("p", { id: "findings", class: "quiet" }, t("en.no_findings"));
  const bal = detail.balance;
  const balanceRow = (m, label, attrs) =>
    h(
      "tr",
      attrs,
      h("td", {}, label),
      h("td", { class: "num" }, fmtNum(m.generation_kwh, 1)),
      h("td", { class: "num" }, fmtNum(m.consumption_kwh, 1)),
      h("td", { class: "num", "data-value": m.self_consumption ?? "" }, pct(m.self_consumption)),
      h("td", { class: "num", "data-value": m.self_sufficiency ?? "" }, pct(m.self_sufficiency)),
      h("td", { class: "num", "data-value": m.co2_avoided_kg ?? "" }, fmtNum(m.co2_avoided_kg, 1)),
    );
  const balanceTable = bal
    ? scrollBox(
        table(
          [t("en.month"), t("en.gen"), t("en.cons"), t("en.selfc"), t("en.selfs"), t("en.co2")],
          [
            ...bal.months.map((m) => balanceRow(m, fmtPeriod(m.period), { "data-period": m.period })),
            bal.total ? balanceRow(bal.total, t("en.total"), { "data-period": "total", class: "total" }) : null,
          ].filter(Boolean),
          { id: "balance", caption: t("en.balance", { y: fmtYear(detail.year) }) },
        ),
        t("en.balance", { y: fmtYear(detail.year) }),
      )
    : notAvailable();
  const statements = detail.statements.map((s) => {
    const st = s.settled;
    return h(
      "div",
      { class: "statement", "data-community": s.community },
      h("h3", {}, pick(s.first, "name"), " ", dataBadges({}, { simulated: s.first.simulated })),
      st
        ? [
            h("p", { class: "muted", id: "statement-month", "data-month": st.month }, `${t("en.month")} ${fmtPeriod(st.month)}`),
            scrollBox(table(
              [t("en.member"), ...Object.values(st.members[0]?.entries || {}).map((e) => `${pick(e, "name")} (kWh)`), t("en.net")],
              st.members.map((m) =>
                h(
                  "tr",
                  { "data-member": m.member },
                  h("td", {}, m.member),
                  Object.values(m.entries).map((e) => h("td", { class: "num" }, fmtNum(e.kwh, 1))),
                  h("td", { class: "num net", "data-value": m.net_thb }, fmtNum(m.net_thb, 2, 2)),
                ),
              ),
              { id: "statement", caption: `${pick(s.first, "name")} · ${fmtPeriod(st.month)}` },
            ), t("en.statement")),
          ]
        : h("p", { class: "quiet", id: "statement-none" }, t("en.not_settled")),
    );
  });
  return [
    head,
    h("p", { class: "muted" }, pick(perf, "irradiance_note")),
    h("section", { class: "panel" }, h("h3", {}, t("en.perf")), h("h4", {}, t("en.energy_chart")), charts.energy,
      h("h4", {}, t("en.pr_chart")), hasPr ? null : h("p", { class: "muted" }, t("en.no_pr")), charts.pr),
    h("section", { class: "panel" }, h("h3", {}, t("en.findings")), findings),
    h("section", { class: "panel" }, h("h3", {}, t("en.balance", { y: fmtYear(detail.year) })), balanceTable),
    statements.length ? h("section", { class: "panel" }, h("h3", {}, t("en.statement")), statements) : null,
  ];
}

async function render(ctx) {
  const [sites, districts] = await Promise.all([getJSON(SITES), getJSON("/api/v1/districts?simplify=0.0002")]);
  const features = sites.features;
  const mapEl = h("div", { class: "map small", id: "energy-map", role: "region", "aria-label": t("en.map") });
  const listEl = h("div", { id: "sites" });
  const detailEl = h("div", { id: "site-detail", class: "panel" });
  const charts = { energy: h("div", { class: "chart", id: "energy-chart" }), pr: h("div", { class: "chart", id: "pr-chart" }) };
  const root = h("div", { class: "energy" }, mapEl, h("h2", {}, t("en.sites")), listEl, detailEl);
  let detail = null;
  let chosen = null;

  const drawDetail = () => {
    if (!detail) return;
    try {
      fill(detailEl, detailView(detail, charts));
    } catch (err) {
      fill(detailEl, errorBox(err));
    }
    if (!detail.empty) perfCharts(detail, charts.energy, charts.pr);
  };
  const choose = async (site) => {
    chosen = site.id;
    detailEl.dataset.ready = "false";
    drawList();
    try {
      detail = await loadSite(site);
      if (chosen !== site.id) return;
      drawDetail();
    } catch (err) {
      fill(detailEl, h("h2", {}, pick(site.properties, "name")), errorBox(err));
    }
    detailEl.dataset.site = site.id;
    detailEl.dataset.ready = "true";
  };
  const drawList = () =>
    fill(
      listEl,
      table(
        [t("en.site"), t("en.tech"), t("en.kwp"), ""],
        features.map((f) =>
          h(
            "tr",
            { "data-site": f.id, class: f.id === chosen ? "chosen" : null },
            h("td", {}, pick(f.properties, "name"), " ", dataBadges(f.properties.meta || {}, { simulated: f.properties.simulated })),
            h("td", {}, pick(f.properties, "technology")),
            h("td", { class: "num" }, fmtNum(f.properties.kwp, 1)),
            h(
              "td",
              {},
              h(
                "button",
                { type: "button", class: "show-site", "aria-label": `${t("en.show")}: ${pick(f.properties, "name")}`, onclick: () => choose(f) },
                t("en.show"),
              ),
            ),
          ),
        ),
        { id: "sites-table", cards: true, caption: t("en.sites_caption") },
      ),
    );
  drawList();
  ctx.onLang(() => {
    drawList();
    drawDetail();
  });
  const whenAttached = (el, fn) =>
    el.isConnected ? fn() : requestAnimationFrame(() => whenAttached(el, fn));
  let drawn = null;
  whenAttached(mapEl, () => {
    const map = createMap(mapEl);
    drawn = drawDistricts(map, districts);
    const markers = [];
    for (const f of features) {
      if (!f.geometry || f.geometry.type !== "Point") continue;
      const [lon, lat] = f.geometry.coordinates;
      const simulated = Boolean(f.properties.simulated || (f.properties.meta || {}).simulated);
      const name = pick(f.properties, "name");
      markers.push(
        pointMarker([lat, lon], {
          shape: simulated ? "diamond" : "circle",
          color: simulated ? "#6a1b9a" : "#f9a825",
          label: simulated ? `${name} (${t("en.simulated_site")})` : name,
          className: "site-marker",
          data: { site: f.id },
          onPick: () => choose(f),
        })
          // A built element, never an HTML string: the name is data (Leaflet would parse a string).
          .bindPopup(() => h("div", { class: "site-popup" }, pick(f.properties, "name"))),
      );
    }
    const points = pointsLayer(markers).addTo(map);
    fitTo(map, [drawn.layer, points]);
    mapEl.dataset.markers = String(markers.length);
    mapEl.dataset.ready = "true";
  });
  ctx.onLang(() => drawn && relabelDistricts(drawn));
  const params = new URLSearchParams(window.location.search);
  const first = features.find((f) => f.id === params.get("site")) || features[0];
  if (first) await choose(first);
  return () => root;
}

export default (ctx) =>
  domainPage(ctx, { key: "energy", prefixes: ["/api/v1/energy"], needs: [SITES, PERF], render });
