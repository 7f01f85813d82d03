// The indicator board: each of the proposal's indicators with its current value, target,
// baseline, status and monthly trend.
import { addMessages, t } from "../i18n.js";
import { indicatorCard, loadIndicators } from "../indicators_view.js";
import { errorBox, fill, h, notAvailable } from "../ui.js";

addMessages({
  "ib.title": ["กระดานตัวชี้วัดของโครงการเมืองอัจฉริยะ", "Smart-city indicator board"],
  "ib.domain.environment": ["สิ่งแวดล้อมอัจฉริยะ", "Smart Environment"],
  "ib.domain.living": ["การดำรงชีวิตอัจฉริยะ", "Smart Living"],
  "ib.domain.governance": ["การบริหารภาครัฐอัจฉริยะ", "Smart Governance"],
  "ib.domain.energy": ["พลังงานอัจฉริยะ", "Smart Energy"],
  "ib.domain.economy": ["เศรษฐกิจอัจฉริยะ", "Smart Economy"],
  "ib.domain.people": ["พลเมืองอัจฉริยะ", "Smart People"],
});

export default async function start(ctx) {
  let ind;
  try {
    ind = await loadIndicators();
  } catch (err) {
    fill(ctx.app, errorBox(err));
    return;
  }
  const render = () => {
    if (!ind.source) return fill(ctx.app, h("h1", {}, t("ib.title")), notAvailable());
    const domains = [...new Set(ind.items.map((i) => i.domain || "other"))];
    fill(
      ctx.app,
      h("h1", {}, t("ib.title")),
      ind.source === "environment" ? notAvailable(t("ind.env_only")) : null,
      domains.map((d) =>
        h(
          "section",
          { class: "panel", "data-domain": d },
          h("h2", {}, t(`ib.domain.${d}`)),
          h(
            "div",
            { class: "indicators" },
            ind.items.filter((i) => (i.domain || "other") === d).map((i) => indicatorCard(i)),
          ),
        ),
      ),
    );
  };
  render();
  ctx.onLang(render);
  ctx.app.dataset.ready = "true";
}
