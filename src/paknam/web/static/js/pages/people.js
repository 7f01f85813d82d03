// Smart People: the three indicators for the province (teachers trained in PBL, schools
// covered, students on PBL devices vs enrolment) and the same figures per school, for the
// current term. Sample schools and simulated use are badged.
import { getJSON, has } from "../api.js";
import { domainPage } from "../domain.js";
import { fmtCount, fmtNum } from "../format.js";
import { indicatorCard } from "../indicators_view.js";
import { addMessages, pick, t } from "../i18n.js";
import { badge, dataBadges, h, notAvailable, table } from "../ui.js";

addMessages({
  "people.title": ["พลเมืองอัจฉริยะ", "Smart People"],
  "people.intro": [
    "การอบรมครูด้านการเรียนรู้แบบโครงงาน (PBL) และการใช้อุปกรณ์ PBL ของนักเรียน",
    "Teachers trained in Project-Based Learning (PBL) and students using PBL devices",
  ],
  "pp.term": ["ภาคเรียน", "term"],
  "pp.in_progress": ["ภาคเรียนยังไม่จบ: ตัวเลขยังเพิ่มได้", "term in progress: figures may still grow"],
  "pp.province": ["ทั้งจังหวัด", "Province"],
  "pp.schools": ["รายโรงเรียน", "Per school"],
  "pp.school": ["โรงเรียน", "school"],
  "pp.teachers": ["ครูที่ผ่านการอบรม", "teachers trained"],
  "pp.students": ["นักเรียนที่ใช้อุปกรณ์ PBL", "students on PBL devices"],
  "pp.enrolment": ["นักเรียนทั้งหมด", "enrolment"],
  "pp.share": ["สัดส่วน", "share"],
  "pp.covered": ["ครอบคลุม", "covered"],
  "pp.yes": ["ใช่", "yes"],
  "pp.total": ["รวมทุกโรงเรียน", "all schools"],
  "pp.no": ["ไม่", "no"],
  "pp.caption": ["ตัวเลขรายโรงเรียนในภาคเรียนนี้", "Figures per school this term"],
  "pp.sample_note": [
    "ข้อมูลตัวอย่าง: โรงเรียน จำนวนนักเรียน การอบรม และการใช้อุปกรณ์ ไม่ใช่ข้อมูลจริง",
    "Sample data: the schools, enrolment, training and device use are not real figures",
  ],
});

const SCHOOLS = "/api/v1/people/schools";
const INDICATORS = "/api/v1/people/indicators";

async function render() {
  const [body, indicators, districts] = await Promise.all([
    getJSON(SCHOOLS),
    has(INDICATORS) ? getJSON(INDICATORS) : null,
    getJSON("/api/v1/districts?simplify=0.0002"),
  ]);
  const names = new Map(districts.features.map((d) => [d.properties.code, d.properties]));
  const schools = body.schools || [];
  const term = body.term;
  const anySample = schools.some((s) => s.sample) || (indicators || []).some((i) => i.details?.sample);
  const sum = (k) => schools.reduce((a, s) => a + (s[k] || 0), 0);
  return () => {
    const totals = {
      teachers: sum("teachers_trained"),
      students: sum("students_active"),
      enrolment: sum("enrolment"),
      covered: schools.filter((s) => s.covered).length,
    };
    return [
      term
        ? h(
            "p",
            { id: "term", "data-term": term.id },
            `${t("pp.term")}: `,
            h("b", {}, pick(term, "name")),
            indicators && indicators[0]?.details?.in_progress ? [" · ", h("span", { class: "muted" }, t("pp.in_progress"))] : null,
          )
        : null,
      anySample ? h("p", { class: "notice", id: "sample-note" }, badge("sample"), " ", t("pp.sample_note")) : null,
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("pp.province")),
        indicators
          ? h(
              "div",
              { class: "indicators", id: "people-indicators" },
              indicators.map((i) => {
                const card = indicatorCard(i);
                card.querySelector("header h3").append(" ", ...dataBadges({}, { sample: i.details?.sample, simulated: i.details?.simulated }));
                return card;
              }),
            )
          : notAvailable(),
      ),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("pp.schools")),
        table(
          [t("pp.school"), t("district"), t("pp.teachers"), t("pp.students"), t("pp.enrolment"), t("pp.share"), t("pp.covered")],
          [
            ...schools.map((s) =>
              h(
                "tr",
                { "data-school": s.school },
                h("td", {}, pick(s, "name"), " ", dataBadges({}, { sample: s.sample, simulated: s.simulated })),
                h("td", {}, pick(names.get(s.district_code), "name") || s.district_code || "–"),
                h("td", { class: "num teachers", "data-value": s.teachers_trained ?? "" }, fmtCount(s.teachers_trained)),
                h("td", { class: "num students", "data-value": s.students_active ?? "" }, fmtCount(s.students_active)),
                h("td", { class: "num enrolment", "data-value": s.enrolment ?? "" }, fmtCount(s.enrolment)),
                h("td", { class: "num share", "data-value": s.share ?? "" }, s.share === null || s.share === undefined ? "–" : `${fmtNum(s.share * 100, 1, 1)} %`),
                h("td", {}, t(s.covered ? "pp.yes" : "pp.no")),
              ),
            ),
            h(
              "tr",
              { class: "total", "data-school": "total" },
              h("td", {}, t("pp.total")),
              h("td", {}, ""),
              h("td", { class: "num teachers", "data-value": totals.teachers }, fmtCount(totals.teachers)),
              h("td", { class: "num students", "data-value": totals.students }, fmtCount(totals.students)),
              h("td", { class: "num enrolment", "data-value": totals.enrolment }, fmtCount(totals.enrolment)),
              h(
                "td",
                { class: "num share", "data-value": totals.enrolment ? totals.students / totals.enrolment : "" },
                totals.enrolment ? `${fmtNum((totals.students / totals.enrolment) * 100, 1, 1)} %` : "–",
              ),
              h("td", {}, fmtCount(totals.covered)),
            ),
          ],
          { id: "schools", cards: true, caption: t("pp.caption") },
        ),
      ),
    ];
  };
}

export default (ctx) =>
  domainPage(ctx, { key: "people", prefixes: ["/api/v1/people"], needs: [SCHOOLS], render });
