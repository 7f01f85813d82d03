// Smart People: teachers trained in project-based learning and students' PBL device use.
import { addMessages } from "../i18n.js";
import { domainPage } from "../domain.js";

addMessages({
  "people.title": ["พลเมืองอัจฉริยะ", "Smart People"],
  "people.intro": [
    "การอบรมครูด้านการเรียนรู้แบบโครงงาน (PBL) และการใช้อุปกรณ์ PBL ของนักเรียนในโรงเรียน สพฐ.",
    "Teachers trained in project-based learning (PBL) and students' use of PBL devices in OBEC schools",
  ],
});

export default (ctx) => domainPage(ctx, { key: "people", prefixes: ["/api/v1/people"] });
