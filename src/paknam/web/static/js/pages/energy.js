// Smart Energy: solar sites, energy monitoring and community sharing (issue 6 builds the
// API; give this page a `render` when it lands — see docs/dashboard.md).
import { addMessages } from "../i18n.js";
import { domainPage } from "../domain.js";

addMessages({
  "energy.title": ["พลังงานอัจฉริยะ", "Smart Energy"],
  "energy.intro": [
    "ต้นแบบพลังงานทางเลือก (โซลาร์) การติดตามการใช้พลังงาน และการแบ่งปันไฟฟ้าในชุมชน",
    "Alternative-energy (solar) prototype sites, energy monitoring and community sharing",
  ],
});

export default (ctx) => domainPage(ctx, { key: "energy", prefixes: ["/api/v1/energy"] });
