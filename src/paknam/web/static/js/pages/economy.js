// Smart Economy: community products and tourist attractions, visitors and revenue.
import { addMessages } from "../i18n.js";
import { domainPage } from "../domain.js";

addMessages({
  "economy.title": ["เศรษฐกิจอัจฉริยะ", "Smart Economy"],
  "economy.intro": [
    "สินค้าชุมชนและแหล่งท่องเที่ยวชุมชน จำนวนนักท่องเที่ยวและรายได้จากการท่องเที่ยว",
    "Community products and tourist attractions, visitors and tourism revenue",
  ],
});

export default (ctx) => domainPage(ctx, { key: "economy", prefixes: ["/api/v1/economy"] });
