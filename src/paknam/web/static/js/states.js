// The latest state of a station as a colour and a label: Thai AQI level (PCD colours),
// WQI band, or water level against the station's warning levels. The level and band
// tables come from the server's science tables (page configuration).
import { fmtDate, fmtNum, fmtUnit } from "./format.js";
import { pick, t } from "./i18n.js";

export const GREY = "#8a8f98";
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
 * Whether the values behind a state still describe the present: the API marks each latest
 * value `stale` once it is older than its quantity's validity window (the interval the
 * station is expected to report in: 3 h for telemetry, 2 days for laboratory samples).
 * `codes`: the quantities the state is made of (null: any of the station's).
 */
export function isFresh(feature, codes = null) {
  const latest = (feature.properties || {}).latest || {};
  const entries = Object.entries(latest).filter(
    ([q]) => !codes || codes.some((c) => q === c || q.startsWith(`${c}_`)),
  );
  return entries.length > 0 && entries.some(([, v]) => v.stale === false);
}

/**
 * A state as people see it: level colours and advice only for fresh values; an old value
 * is grey and says when it was measured ("ข้อมูลเมื่อ …").
 */
function finish(state, fresh) {
  if (fresh) return { ...state, fresh: true, levelColor: state.color };
  return {
    ...state,
    fresh: false,
    levelColor: state.color,
    color: GREY,
    label: `${state.short} · ${t("data_of", { time: fmtDate(state.time) })}`,
    rank: 0,
    staleRank: state.rank,
  };
}

/**
 * State of one station feature.
 * @param {object} feature GeoJSON station (with properties.latest)
 * @param {object} ctx {aqi: Map id->row, wqi: Map id->row, levels: Map id->levels}
 * @returns {{color, label, short, value, time, kind, rank, fresh, levelColor}} rank: 0
 *   unknown or old, 1 best … 5 worst; color: the level's colour when fresh, grey when old.
 */
export function stationState(feature, ctx) {
  const p = feature.properties;
  const id = feature.id ?? p.id;
  if (p.kind === "air" && ctx.aqi.has(id)) {
    const row = ctx.aqi.get(id);
    const lv = aqiLevel(row.level);
    const pollutants = Object.keys(row.sub_indices || { [row.pollutant]: 1 });
    return finish(
      {
        kind: "aqi",
        color: row.color || (lv && lv.color) || GREY,
        value: row.aqi,
        short: `AQI ${row.aqi}`,
        label: `AQI ${row.aqi}${lv ? ` · ${pick(lv, "name")}` : ""}`,
        time: row.time,
        rank: row.level,
      },
      isFresh(feature, pollutants),
    );
  }
  if (p.kind === "water_quality" && ctx.wqi.has(id)) {
    const row = ctx.wqi.get(id);
    const band = wqiBand(row.band);
    return finish(
      {
        kind: "wqi",
        color: row.color || (band && band.color) || GREY,
        value: row.wqi,
        short: `WQI ${row.wqi}`,
        label: `WQI ${row.wqi} · ${band ? pick(band, "name") : row.band}`,
        time: row.time,
        rank: band ? band.number : 0,
      },
      isFresh(feature),
    );
  }
  if (p.kind === "water_level" && p.latest && p.latest.water_level) {
    const { value, time } = p.latest.water_level;
    const levels = ctx.levels.get(id);
    const state = waterLevelState(value, levels);
    const rank = { normal: 1, watch: 3, warning: 4, danger: 5 }[state] || 0;
    return finish(
      {
        kind: "water_level",
        color: state ? WATER_COLORS[state] : GREY,
        value,
        short: fmtUnit(value, "m", 2),
        label: `${fmtUnit(value, "m", 2)} · ${state ? waterLevelName(state) : t("wl.no_levels")}`,
        time,
        rank,
        state,
      },
      isFresh(feature, ["water_level"]),
    );
  }
  const latest = Object.entries(p.latest || {});
  const newest = latest.sort((a, b) => (a[1].time < b[1].time ? 1 : -1))[0];
  return {
    kind: "other",
    color: GREY,
    levelColor: GREY,
    fresh: newest ? newest[1].stale === false : false,
    value: newest ? newest[1].value : null,
    short: newest ? fmtNum(newest[1].value, 2) : t("no_data"),
    label: newest ? `${t(`kind.${p.kind}`)} · ${t("data_of", { time: fmtDate(newest[1].time) })}` : t("no_data"),
    time: newest ? newest[1].time : null,
    rank: 0,
  };
}
