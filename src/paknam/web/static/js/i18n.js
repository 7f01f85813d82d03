// Texts for people, by key, Thai and English side by side (Thai is the default).
// Page modules add their own keys with addMessages(); names from the API (name_th/name_en)
// are picked with pick().

const MESSAGES = {
  brand: ["แพลตฟอร์มข้อมูลเมืองสมุทรปราการ", "Samut Prakan city data platform"],
  loading: ["กำลังโหลด…", "Loading…"],
  "nav.home": ["หน้าแรก", "Home"],
  skip: ["ข้ามไปยังเนื้อหาหลัก", "Skip to main content"],
  "nav.alerts": ["การแจ้งเตือน", "Alerts"],
  "nav.indicators": ["ตัวชี้วัด", "Indicators"],
  "nav.tide": ["ระดับน้ำทะเล", "Tide forecast"],
  "nav.complaints": ["เรื่องร้องเรียน", "Complaints"],
  "nav.energy": ["พลังงาน", "Energy"],
  "nav.economy": ["เศรษฐกิจ", "Economy"],
  "nav.people": ["พลเมือง", "People"],
  "nav.officer": ["เจ้าหน้าที่", "Officers"],
  "foot.times": ["เวลาทั้งหมดเป็นเวลาประเทศไทย (UTC+7)", "All times are Thai time (UTC+7)"],
  "foot.boundaries": [
    "ขอบเขตอำเภอ: กรมแผนที่ทหาร ผ่าน OCHA/HDX COD-AB (CC BY-IGO)",
    "District boundaries: Royal Thai Survey Department via OCHA/HDX COD-AB (CC BY-IGO)",
  ],
  "foot.api": ["API", "API"],
  "data_of": ["ข้อมูลเมื่อ {time}", "data of {time}"],
  "chart.data": ["ตารางข้อมูลของกราฟ", "Chart data as a table"],
  "chart.of": ["กราฟ: {title}", "Chart: {title}"],
  "map.attribution": ["ที่มาของแผนที่", "Map sources"],
  "badge.sample": ["ข้อมูลตัวอย่าง", "sample data"],
  "badge.simulated": ["ข้อมูลจำลอง", "SIMULATED"],
  "badge.stale": ["ข้อมูลเก่า", "old data"],
  "badge.replayed": ["ข้อมูลจริงเล่นซ้ำ (สาธิต)", "REPLAYED (demo)"],
  "badge.provisional": ["ค่าชั่วคราว", "provisional"],
  "na.title": ["ยังไม่มีข้อมูล", "Not available yet"],
  "na.endpoint": ["บริการข้อมูลนี้ยังไม่เปิดใช้บนเซิร์ฟเวอร์นี้", "This data service is not available on this server yet"],
  "error.load": ["โหลดข้อมูลไม่สำเร็จ", "Could not load the data"],
  none: ["ไม่มี", "none"],
  no_data: ["ไม่มีข้อมูล", "no data"],
  latest: ["ค่าล่าสุด", "latest"],
  time: ["เวลา", "time"],
  value: ["ค่า", "value"],
  station: ["สถานี", "station"],
  stations: ["สถานี", "stations"],
  district: ["อำเภอ", "district"],
  more: ["ดูทั้งหมด", "see all"],
  "kind.air": ["คุณภาพอากาศ", "air quality"],
  "kind.water_quality": ["คุณภาพน้ำ", "water quality"],
  "kind.water_level": ["ระดับน้ำ", "water level"],
  "kind.weather": ["สภาพอากาศ", "weather"],
  "kind.energy": ["พลังงาน", "energy"],
  "kind.other": ["อื่น ๆ", "other"],
  "wl.normal": ["ปกติ", "normal"],
  "wl.no_levels": ["ยังไม่กำหนดระดับเตือนภัย", "no warning levels set"],
  "severity.minor": ["เล็กน้อย", "minor"],
  "severity.moderate": ["ปานกลาง", "moderate"],
  "severity.severe": ["รุนแรง", "severe"],
  "severity.extreme": ["รุนแรงมาก", "extreme"],
  "severity.unknown": ["ไม่ทราบ", "unknown"],
  "status.on_track": ["ตามเป้าหมาย", "on track"],
  "status.off_track": ["ไม่ถึงเป้าหมาย", "off track"],
  "status.insufficient_data": ["ข้อมูลไม่พอ", "insufficient data"],
  "status.no_data": ["ไม่มีข้อมูล", "no data"],
  "status.error": ["คำนวณไม่สำเร็จ", "could not compute"],
};

const LANGS = ["th", "en"];
const STORE_KEY = "paknam.lang";
let current = "th";
const listeners = [];

/** Every message, [Thai, English] by key (read by the untranslated-strings test). */
export function catalogue() {
  return MESSAGES;
}

export function addMessages(more) {
  Object.assign(MESSAGES, more);
}

export function lang() {
  return current;
}

export function initLang() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(STORE_KEY);
  } catch {
    saved = null; // storage may be disabled: Thai by default
  }
  current = LANGS.includes(saved) ? saved : "th";
  document.documentElement.lang = current;
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  try {
    window.localStorage.setItem(STORE_KEY, next);
  } catch {
    // not persisted; still switched for this page
  }
  document.documentElement.lang = next;
  applyStatic();
  for (const fn of listeners) fn(next);
}

export function onLang(fn) {
  listeners.push(fn);
}

/** The text of `key` in the current language; `{name}` placeholders from `vars`. */
export function t(key, vars = {}) {
  const pair = MESSAGES[key];
  let text = pair ? pair[current === "th" ? 0 : 1] : key;
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** Thai or English field of an API object: pick(o, "name") -> o.name_th or o.name_en. */
export function pick(obj, field) {
  if (!obj) return "";
  const other = current === "th" ? "en" : "th";
  return obj[`${field}_${current}`] ?? obj[`${field}_${other}`] ?? "";
}

const THAI = /[\u0e00-\u0e7f]/;

/**
 * The reader's half of a text written in both languages as "ไทย / English" (Open311's
 * service_name, agency_responsible and status_notes, the routing note): Thai on the left,
 * no Thai on the right. Anything else (a citizen's own words, a Thai-only note) is shown
 * as written.
 */
export function ownHalf(text) {
  if (!text) return text;
  const parts = text.split(" / ");
  if (parts.length !== 2 || !THAI.test(parts[0]) || THAI.test(parts[1])) return text;
  return lang() === "th" ? parts[0] : parts[1];
}

/** Put the texts of elements marked data-i18n in the current language. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  // The same text in the other language beside it (the brand's subtitle), marked as such.
  for (const el of root.querySelectorAll("[data-i18n-other]")) {
    const pair = MESSAGES[el.dataset.i18nOther];
    if (!pair) continue;
    el.textContent = pair[current === "th" ? 1 : 0];
    el.lang = current === "th" ? "en" : "th";
  }
  const button = document.getElementById("lang-switch");
  if (button) button.textContent = current === "th" ? "EN" : "ไทย";
}
