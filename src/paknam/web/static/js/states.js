// The latest state of a station as a colour and a label: Thai AQI level (PCD colours),
// WQI band, or water level against the station's warning levels. The level and band
// tables come from the server's science tables (page configuration).
import { pick, t } from "./i18n.js";

const GREY = "#8a8f98";
export const WATER_COLORS = {
  normal: "#00A651",
  watch: "#FDC04E",
  warning: "#F26522",
  danger: "#CD0000",
};

let tables = { aqi_levels: [], wqi_bands: [], water_levels: [] };

export function setTables(config) {
  tables = config;
}

export function aqiLevel(number) {
  return tables.aqi_levels.find((l) => l.number === number) || null;
}

export function wqiBand(key) {
  return tables.wqi_bands.find((b) => b.key === key) || null;
}

export function waterLevelName(key) {
  if (key === "normal") return t("wl.normal");
  const lv = tables.water_levels.find((l) => l.key === key);
  return lv ? pick(lv, "name") : key;
}

/** Which warning level a water level reaches ("normal" below watch; null without levels). */
export function waterLevelState(value, levels) {
  if (value === null || value === undefined || !levels || !Object.keys(levels).length) {
    return null;
  }
  let state = "normal";
  for (const lv of tables.water_levels) {
    if (levels[lv.key] !== undefined && value >= levels[lv.key]) state = lv.key;
  }
  return state;
}

/**
 * State of one station feature.
 * @param {object} feature GeoJSON station (with properties.latest)
 * @param {object} ctx {aqi: Map id->row, wqi: Map id->row, levels: Map id->levels}
 * @returns {{color, label, value, time, kind, rank}} rank: 0 unknown, 1 best … 5 worst
 */
export function stationState(feature, ctx) {
  const p = feature.properties;
  const id = feature.id ?? p.id;
  if (p.kind === "air" && ctx.aqi.has(id)) {
    const row = ctx.aqi.get(id);
    const lv = aqiLevel(row.level);
    return {
      kind: "aqi",
      color: row.color || (lv && lv.color) || GREY,
      value: row.aqi,
      label: `AQI ${row.aqi}${lv ? ` · ${pick(lv, "name")}` : ""}`,
      time: row.time,
      rank: row.level,
    };
  }
  if (p.kind === "water_quality" && ctx.wqi.has(id)) {
    const row = ctx.wqi.get(id);
    const band = wqiBand(row.band);
    return {
      kind: "wqi",
      color: row.color || (band && band.color) || GREY,
      value: row.wqi,
      label: `WQI ${row.wqi} · ${band ? pick(band, "name") : row.band}`,
      time: row.time,
      rank: band ? band.number : 0,
    };
  }
  if (p.kind === "water_level" && p.latest && p.latest.water_level) {
    const { value, time } = p.latest.water_level;
    const levels = ctx.levels.get(id);
    const state = waterLevelState(value, levels);
    const rank = { normal: 1, watch: 3, warning: 4, danger: 5 }[state] || 0;
    return {
      kind: "water_level",
      color: state ? WATER_COLORS[state] : GREY,
      value,
      label: `${value.toFixed(2)} m · ${state ? waterLevelName(state) : t("wl.no_levels")}`,
      time,
      rank,
      state,
    };
  }
  const latest = Object.entries(p.latest || {});
  const newest = latest.sort((a, b) => (a[1].time < b[1].time ? 1 : -1))[0];
  return {
    kind: "other",
    color: GREY,
    value: newest ? newest[1].value : null,
    label: newest ? `${newest[0]} ${newest[1].value}` : t("no_data"),
    time: newest ? newest[1].time : null,
    rank: 0,
  };
}
