"""Imports from PCD's air4thai: the latest-AQI JSON feed and hourly history CSV exports.

Formats (see ``../shared/data/air/SOURCES.md``):

- **getAQI JSON** (``{"stations": [{"stationID", "nameTH", "nameEN", "lat", "long",
  "AQILast": {"date", "time", "PM25": {"value"}, ...}}]}``): all numbers are strings,
  ``-1`` means not measured, times are Thai local time, hour-ending. The feed's values are
  already averaged: PM2.5 and PM10 over 24 h, O3 and CO over 8 h (stored as
  ``pm25_24h``, ``pm10_24h``, ``o3_8h``, ``co_8h``); NO2 and SO2 are 1-hour values.
- **history CSV, forweb layout**: ``station_id, datetime, PM25, PM10, O3, CO, NO2, SO2,
  WS, TEMP, RH, WD`` with hour-ending labels ``YYYY-MM-DD HH:MM:SS`` — 1-hour values.
- **history CSV, webV2 layout**: ``station_id, date, time, PM2.5, PM10, O3, CO, NO2`` with
  hour-beginning intervals ``"00:00 - 01:00"``; stored at the interval's end (01:00) so
  every air4thai series uses the same hour-ending convention.

Meteorological columns that are constant 0 for a station (WS, WD, TEMP, RH) mean "not
measured" at that station (SOURCES.md) and are skipped with a note, not stored as zeros.
Stations missing from the store are created from the feed itself (JSON) or from the
packaged air4thai station list (CSV), with their real ids, names and coordinates.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from paknam.core import observations, stations
from paknam.core.errors import BatchRejected, InvalidInput, ItemError
from paknam.core.ingest import check_columns
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import now_s, parse_time

JSON_FIELDS = {
    "PM25": "pm25_24h",
    "PM10": "pm10_24h",
    "O3": "o3_8h",
    "CO": "co_8h",
    "NO2": "no2",
    "SO2": "so2",
}
CSV_COLUMNS = {
    "PM25": "pm25",
    "PM2.5": "pm25",
    "PM10": "pm10",
    "O3": "o3",
    "CO": "co",
    "NO2": "no2",
    "SO2": "so2",
    "WS": "wind_speed",
    "WD": "wind_direction",
    "TEMP": "air_temperature",
    "RH": "relative_humidity",
}
MET_COLUMNS = ("WS", "WD", "TEMP", "RH")
MISSING_MARKERS = ("", "-")
"""Cells that mean "not measured" in air4thai exports; any other non-number is an error."""


@dataclass
class Air4thaiImport:
    """Outcome of an air4thai import."""

    result: IngestResult
    stations_created: list[str] = field(default_factory=list)
    series_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)


def is_air4thai_json(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("stations"), list)
        and all(isinstance(s, dict) and "stationID" in s for s in doc["stations"][:5])
    )


def parse_getaqi_json(doc: dict[str, Any]) -> tuple[list[StationCreate], pd.DataFrame]:
    """Stations and long-format observations (station, quantity, time, value) of a feed."""
    if not is_air4thai_json(doc):
        raise InvalidInput('not an air4thai getAQI document: expected {"stations": [...]}')
    stations, rows = [], []
    for i, s in enumerate(doc["stations"]):
        try:
            sid = str(s["stationID"]).strip()
            lat, lon = float(s["lat"]), float(s["long"])
            last = s.get("AQILast") or {}
            date, time = last.get("date"), last.get("time")
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"air4thai station {i}: {exc}") from None
        measured = []
        for key, code in JSON_FIELDS.items():
            try:
                value = float((last.get(key) or {}).get("value", "-1"))
            except (TypeError, ValueError):
                continue
            if value < 0 or not date or not time:
                continue
            measured.append(code)
            rows.append((sid, code, f"{date}T{time}:00+07:00", value, i, ""))
        stations.append(
            StationCreate(
                id=sid,
                name_th=(s.get("nameTH") or sid).strip(),
                name_en=(s.get("nameEN") or sid).strip(),
                kind="air",
                lon=lon,
                lat=lat,
                meta={"source": "PCD air4thai", "area_en": s.get("areaEN", "")},
                quantities=[SeriesSpec(quantity=q) for q in measured],
            )
        )
    frame = pd.DataFrame(rows, columns=["station", "quantity", "time", "value", "line", "bad"])
    return stations, frame


def parse_history_csv(text: str) -> tuple[pd.DataFrame, list[str]]:
    """Long-format observations and notes from an air4thai history CSV (either layout)."""
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    if "station_id" not in raw.columns:
        raise InvalidInput("air4thai history CSV needs a station_id column")
    if "datetime" in raw.columns:
        stamp = pd.to_datetime(raw["datetime"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    elif {"date", "time"} <= set(raw.columns):
        begin = raw["time"].str.split("-").str[0].str.strip()
        stamp = pd.to_datetime(raw["date"] + " " + begin, format="%Y-%m-%d %H:%M", errors="coerce")
        stamp = stamp + pd.Timedelta(hours=1)
    else:
        raise InvalidInput("air4thai history CSV needs a datetime column, or date and time")
    bad = stamp.isna()
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InvalidInput(f"line {line}: time is not in the air4thai layout")
    times = stamp.dt.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    lines = np.arange(len(raw)) + 2
    notes, parts = [], []
    for col, code in CSV_COLUMNS.items():
        if col not in raw.columns:
            continue
        cells: pd.Series = raw[col].str.strip()
        values = pd.to_numeric(cells, errors="coerce")
        unreadable = values.isna() & ~cells.isin(MISSING_MARKERS)
        frame = pd.DataFrame(
            {
                "station": raw["station_id"].str.strip(),
                "quantity": code,
                "time": times,
                "value": values.where(~unreadable, np.nan),
                "line": lines,
                "bad": np.where(unreadable, col + " " + cells.map(repr), ""),
            }
        )
        frame = frame[frame["value"].notna() | unreadable]
        if col in MET_COLUMNS:
            zero = frame.groupby("station")["value"].agg(lambda v: bool((v == 0).all()))
            for sid in zero[zero].index:
                notes.append(f"{sid}: {col} is always 0 (not measured there); skipped")
            frame = frame[~frame["station"].isin(zero[zero].index)]
        parts.append(frame)
    if not parts:
        raise InvalidInput(f"no pollutant columns; expected some of {sorted(CSV_COLUMNS)}")
    return pd.concat(parts, ignore_index=True), notes


def _station_list() -> dict[str, StationCreate]:
    text = (resources.files("paknam") / "data" / "air4thai_stations.csv").read_text("utf-8")
    out = {}
    for r in pd.read_csv(io.StringIO(text), dtype=str).itertuples():
        out[r.station_id] = StationCreate(
            id=r.station_id,
            name_th=str(r.name_th).strip(),
            name_en=str(r.name_en).strip(),
            kind="air",
            lon=float(r.long),
            lat=float(r.lat),
            meta={"source": "PCD air4thai", "area_en": str(r.area_en)},
        )
    return out


def _ensure(
    conn: Connection,
    wanted: dict[str, set[str]],
    known: dict[str, StationCreate],
    rep: Air4thaiImport,
    *,
    skip_unknown: bool = False,
) -> None:
    existing = {s.id: {x.quantity for x in s.series} for s in stations.list_stations(conn)}
    for sid, codes in sorted(wanted.items()):
        if sid not in existing:
            if sid not in known and skip_unknown:
                rep.notes.append(f"{sid}: unknown station; its rows are rejected")
                continue
            if sid not in known:
                raise InvalidInput(
                    f"station {sid!r} is neither in the store nor in the air4thai station list"
                    " (use --skip-invalid to import the other stations)"
                )
            new = known[sid].model_copy(
                update={"quantities": [SeriesSpec(quantity=c) for c in sorted(codes)]}
            )
            stations.add_station(conn, new)
            rep.stations_created.append(sid)
            continue
        for code in sorted(codes - existing[sid]):
            stations.add_series(conn, sid, SeriesSpec(quantity=code))
            rep.series_added.append(f"{sid}/{code}")


def import_air4thai(store: Store, path: Path, *, skip_invalid: bool = False) -> Air4thaiImport:
    """Import an air4thai JSON feed or history CSV, creating stations and series as needed.

    One transaction: stations, series and observations are stored together or not at all.
    """
    text = path.read_text(encoding="utf-8-sig")
    notes: list[str] = []
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InvalidInput(f"{path}: not JSON: {exc}") from None
        found, frame = parse_getaqi_json(doc)
        known = {s.id: s for s in found}
    else:
        frame, notes = parse_history_csv(text)
        known = _station_list()
    rep = Air4thaiImport(result=IngestResult(0, 0, 0, 0), notes=notes)
    wanted: dict[str, set[str]] = {}
    for sid, code in frame[["station", "quantity"]].drop_duplicates().itertuples(index=False):
        wanted.setdefault(sid, set()).add(code)
    unreadable = (frame["bad"] != "").to_numpy()
    early = [
        ItemError(int(line), f"{bad} is not a number")
        for line, bad in zip(frame["line"][unreadable], frame["bad"][unreadable], strict=True)
    ]
    times = np.fromiter((parse_time(t) for t in frame["time"]), dtype=np.int64, count=len(frame))
    with store.write() as conn:
        _ensure(conn, wanted, known, rep, skip_unknown=skip_invalid)
        checked = check_columns(
            frame["station"].to_numpy(dtype=object),
            frame["quantity"].to_numpy(dtype=object),
            times,
            np.where(unreadable, 0.0, frame["value"].to_numpy(dtype=float)),
            stations.series_catalog(conn),
            now=now_s(),
            max_future_s=store.max_future_s,
            skip=unreadable,
            index_base=frame["line"].tolist(),
        )
        errors = sorted(early + checked.errors, key=lambda e: e.index)
        if errors and not skip_invalid:
            raise BatchRejected(errors, len(frame))
        rows = checked.rows()
        stored = observations.write_rows(conn, rows)
    rep.result = IngestResult(
        received=len(frame),
        stored=stored,
        unchanged=len(rows) - stored,
        duplicates=checked.duplicates,
        rejected=len(errors),
    )
    rep.errors = errors
    return rep


def looks_like_air4thai(path: Path) -> bool:
    """True for a .json file, or a CSV whose header starts with ``station_id``."""
    if path.suffix.lower() == ".json":
        return True
    with path.open(encoding="utf-8-sig") as fh:
        return fh.readline().lower().startswith("station_id,")
