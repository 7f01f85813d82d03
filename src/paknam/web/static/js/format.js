// Times in Asia/Bangkok and numbers, in the current language.
import { lang } from "./i18n.js";

const ZONE = "Asia/Bangkok";

function locale() {
  return lang() === "th" ? "th-TH" : "en-GB";
}

/** "29 พ.ย. 2569 11:00" / "29 Nov 2026, 11:00" (Thai time) of an ISO 8601 string. */
export function fmtTime(iso, { date = true, time = true } = {}) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = { timeZone: ZONE };
  if (date) Object.assign(opts, { day: "numeric", month: "short", year: "numeric" });
  if (time) Object.assign(opts, { hour: "2-digit", minute: "2-digit", hour12: false });
  return new Intl.DateTimeFormat(locale(), opts).format(d);
}

export function fmtDate(iso) {
  return fmtTime(iso, { time: false });
}

/** A number with at most `digits` decimals, at least `minDigits` ("–" when missing). */
export function fmtNum(value, digits = 1, minDigits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return new Intl.NumberFormat(locale(), {
    maximumFractionDigits: digits,
    minimumFractionDigits: minDigits,
  }).format(value);
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
