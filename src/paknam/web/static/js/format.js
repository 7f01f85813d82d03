// The locale layer: times in Asia/Bangkok, numbers, units, periods, pollutant names and
// chart axes, in the current language. Thai: Buddhist-era years (พ.ศ.), Thai month
// abbreviations, 24-hour times. English: Gregorian years, 24-hour times (en-GB).
// Every page formats through here; no page writes a date, a unit or a year itself.
import { lang } from "./i18n.js";

const ZONE = "Asia/Bangkok";
const BE_OFFSET = 543;

function locale() {
  return lang() === "th" ? "th-TH" : "en-GB";
}

const th = () => lang() === "th";

/** "29 พ.ย. 2569 11:00" / "29 Nov 2026, 11:00" (Thai time) of an ISO 8601 string. */
export function fmtTime(iso, { date = true, time = true } = {}) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = { timeZone: ZONE };
  if (date) Object.assign(opts, { day: "numeric", month: "short", year: "numeric" });
  if (time) Object.assign(opts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return new Intl.DateTimeFormat(locale(), opts).format(d);
}

export function fmtDate(iso) {
  return fmtTime(iso, { time: false });
}

/** fmtTime of epoch seconds. */
export function fmtEpoch(epochS, opts) {
  if (epochS === null || epochS === undefined) return "–";
  return fmtTime(new Date(epochS * 1000).toISOString(), opts);
}

/** A number with at most `digits` decimals, at least `minDigits` ("–" when missing). */
export function fmtNum(value, digits = 1, minDigits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return new Intl.NumberFormat(locale(), {
    maximumFractionDigits: digits,
    minimumFractionDigits: minDigits,
  }).format(value);
}

/** A count of people, schools, requests…: a whole number. */
export function fmtCount(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return fmtNum(Math.round(value), 0);
}

/**
 * Units: one spelling per unit per language. [Thai, English, decimals, whole?] —
 * `whole` units count things (people, schools) and are shown without decimals.
 */
const UNITS = {
  "µg/m³": ["มคก./ลบ.ม.", "µg/m³", 1],
  ppb: ["ppb", "ppb", 1],
  ppm: ["ppm", "ppm", 2],
  "°C": ["°C", "°C", 1],
  "%": ["%", "%", 1],
  "m/s": ["ม./วินาที", "m/s", 1],
  deg: ["องศา", "°", 0],
  hPa: ["hPa", "hPa", 1],
  mm: ["มม.", "mm", 1],
  "W/m²": ["วัตต์/ตร.ม.", "W/m²", 0],
  pH: ["", "", 2],
  "mg/L": ["มก./ล.", "mg/L", 2],
  "MPN/100 mL": ["MPN/100 มล.", "MPN/100 mL", 0],
  "µS/cm": ["µS/cm", "µS/cm", 0],
  psu: ["psu", "psu", 2],
  NTU: ["NTU", "NTU", 1],
  m: ["ม.", "m", 2],
  km: ["กม.", "km", 1],
  kW: ["kW", "kW", 1],
  kWh: ["kWh", "kWh", 1],
  kWp: ["kWp", "kWp", 1],
  kg: ["กก.", "kg", 1],
  THB: ["บาท", "THB", 2],
  "THB/year": ["บาท/ปี", "THB/year", 0, true],
  hours: ["ชั่วโมง", "hours", 0],
  h: ["ชม.", "h", 0],
  minutes: ["นาที", "minutes", 0],
  people: ["คน", "people", 0, true],
  teachers: ["คน", "teachers", 0, true],
  schools: ["โรงเรียน", "schools", 0, true],
  students: ["คน", "students", 0, true],
  visitors: ["คน", "visitors", 0, true],
  "visitors/year": ["คน/ปี", "visitors/year", 0, true],
  requests: ["เรื่อง", "requests", 0, true],
};

/** Whether the locale layer knows `unit` (its spelling and decimals). */
export function knownUnit(unit) {
  return Object.hasOwn(UNITS, unit || "");
}

/** The spelling of `unit` in the current language (unknown units as given). */
export function unitName(unit) {
  if (!unit) return "";
  const u = UNITS[unit];
  return u ? u[th() ? 0 : 1] : unit;
}

/** Decimals that suit `unit` (integers for counts). */
export function unitDigits(unit, fallback = 2) {
  const u = UNITS[unit];
  return u ? u[2] : fallback;
}

/** "12.5 มก./ล." / "481,006 visitors/year": a value with its unit, decimals by unit. */
export function fmtUnit(value, unit, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const d = digits ?? unitDigits(unit);
  const name = unitName(unit);
  const n = UNITS[unit] && UNITS[unit][3] ? fmtCount(value) : fmtNum(value, d);
  return name ? `${n} ${name}` : n;
}

/** Pollutants: symbol (both languages) and Thai name. */
const POLLUTANTS = {
  pm25: ["PM2.5", "ฝุ่น PM2.5", "PM2.5"],
  pm10: ["PM10", "ฝุ่น PM10", "PM10"],
  o3: ["O₃", "โอโซน (O₃)", "ozone (O₃)"],
  co: ["CO", "คาร์บอนมอนอกไซด์ (CO)", "carbon monoxide (CO)"],
  no2: ["NO₂", "ไนโตรเจนไดออกไซด์ (NO₂)", "nitrogen dioxide (NO₂)"],
  so2: ["SO₂", "ซัลเฟอร์ไดออกไซด์ (SO₂)", "sulphur dioxide (SO₂)"],
};

/** A pollutant code (pm25, o3_8h, …) as people read it. */
export function pollutantName(code) {
  if (!code) return "–";
  const base = String(code).toLowerCase().replace(/_\d+h$/, "");
  const p = POLLUTANTS[base];
  return p ? p[th() ? 1 : 2] : String(code);
}

/** Short symbol of a pollutant (PM2.5, O₃) for tight places (axes, chips). */
export function pollutantSymbol(code) {
  const p = POLLUTANTS[String(code || "").toLowerCase().replace(/_\d+h$/, "")];
  return p ? p[0] : String(code || "");
}

/** A Gregorian year as shown: BE in Thai (2026 -> 2569), as is in English. */
export function fmtYear(year) {
  const y = Number(year);
  if (!Number.isFinite(y)) return String(year);
  if (y > 2400) return th() ? String(y) : String(y - BE_OFFSET); // already BE
  return String(th() ? y + BE_OFFSET : y);
}

const MONTHS_TH = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function monthName(index0) {
  return (th() ? MONTHS_TH : MONTHS_EN)[index0];
}

/**
 * A period as the API writes it, in words: "2026" -> "2569"; "2024-01" -> "ม.ค. 2567";
 * "2024-10-03" -> "3 ต.ค. 2567"; "A/B" (an interval) -> "A – B"; "2569-2" (a school term,
 * already BE) -> "2/2569" ("2/2569 BE" in English).
 */
export function fmtPeriod(period) {
  if (period === null || period === undefined || period === "") return "";
  const s = String(period);
  if (s.includes("/")) return s.split("/").map(fmtPeriod).join(" – ");
  let m = s.match(/^(\d{4})$/);
  if (m) return fmtYear(m[1]);
  m = s.match(/^(\d{4})-(\d)$/);
  // A Thai school year is a BE year (2569 runs from May 2026 to March 2027): kept in BE.
  if (m && Number(m[1]) > 2400) return th() ? `${m[2]}/${m[1]}` : `${m[2]}/${m[1]} BE`;
  m = s.match(/^(\d{4})-(\d{2})$/);
  if (m) return `${monthName(Number(m[2]) - 1)} ${fmtYear(m[1])}`;
  m = s.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) return `${Number(m[3])} ${monthName(Number(m[2]) - 1)} ${fmtYear(m[1])}`;
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return fmtTime(s);
  return s;
}

/** Epoch seconds of an ISO 8601 string (for charts). */
export function epoch(iso) {
  return Date.parse(iso) / 1000;
}

/** ISO 8601 with +07:00 of epoch seconds (for API queries). */
export function isoBangkok(epochS) {
  const d = new Date((epochS + 7 * 3600) * 1000);
  return d.toISOString().slice(0, 19) + "+07:00";
}

/** Hours since an ISO time. */
export function ageHours(iso) {
  return (Date.now() - Date.parse(iso)) / 3.6e6;
}

/** Calendar parts of epoch seconds in Thai time: {y, mo (0-11), d, hh, mm}. */
function bangkokParts(epochS) {
  const d = new Date((epochS + 7 * 3600) * 1000);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
  };
}

const pad2 = (n) => String(n).padStart(2, "0");

/**
 * Tick labels of a time axis (uPlot `axes[0].values`): 24-hour times, Thai month
 * abbreviations and BE years in Thai; the date is added where the day changes, the year
 * where it changes (and on the first tick).
 */
export function timeTicks(splits, incrS) {
  let prev = null;
  return splits.map((s) => {
    if (s === null || s === undefined) return "";
    const p = bangkokParts(s);
    let label;
    if (incrS >= 300 * 86400) label = fmtYear(p.y);
    else if (incrS >= 27 * 86400) {
      label = monthName(p.mo);
      if (!prev || prev.y !== p.y) label += `\n${fmtYear(p.y)}`;
    } else if (incrS >= 86400) {
      label = `${p.d} ${monthName(p.mo)}`;
      if (!prev || prev.y !== p.y) label += `\n${fmtYear(p.y)}`;
    } else {
      label = `${pad2(p.hh)}:${pad2(p.mm)}`;
      if (!prev || prev.d !== p.d) label += `\n${p.d} ${monthName(p.mo)}`;
    }
    prev = p;
    return label;
  });
}
