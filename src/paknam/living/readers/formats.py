"""Parsers of the water-level file formats a province brings (pure: text in, arrays out).

Each ``parse_*`` takes the whole text of a file and returns a :class:`Parsed`: UTC times
(datetime64[s]), levels [m] with NaN for missing values, metadata and notes. Nothing here
regularises, flags or judges the record; :mod:`paknam.living.readers.water_levels` does that.

Formats and their sources:

- ``csv``: first column an ISO 8601 time with a UTC offset or ``Z``, second the level in
  metres (or in the unit named by the header, e.g. ``sea_level_mm``, ``water_level_cm_nap``),
  lines starting with ``#`` are comments and may carry ``# key: value`` metadata
  (``latitude``, ``longitude``, ``station``, ``datum``, ``unit``). Naive times are refused
  unless the caller gives a time zone, or the header names the column ``time_utc``.
  Further columns named in :data:`PREDICTOR_COLUMNS` (or ``x_…``) are forecast inputs
  (wind, pressure, river discharge, an upstream level); a third column of another name
  is a quality code.
- ``uhslc_csv``: UHSLC research-quality hourly CSV (``hsssv.csv``): ``year, month, day,
  hour, sea level [mm]``, no header, ``-32767`` missing, times UTC.
- ``uhslc_dat``: UHSLC/JASL "archiving format for hourly sea level data" (``hsssv.dat``):
  an 80-byte header per year (station, position, GMT offset, units ``MM``), then records
  of half a day: ``YYYYMMDD`` + ``1``/``2`` and 12 values of 5 characters, ``9999``
  missing. Layout from UHSLC's ``hourly.fmt`` (as reproduced by NOAA NCEI accession
  0000346 and R ``oce::read.sealevel``).
- ``uhslc_asc``: two columns, days since 1700-01-01 00:00 UTC and sea level [mm], as in
  UTide's ``HNL2010.asc`` (UHSLC hourly data).
- ``dia``: Rijkswaterstaat DIA, parsed by :mod:`paknam.living.readers.dia`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from paknam.living.errors import ReadError

__all__ = [
    "FORMATS",
    "Parsed",
    "detect_format",
    "parse_csv",
    "parse_uhslc_asc",
    "parse_uhslc_csv",
    "parse_uhslc_dat",
]

FORMATS = ("csv", "uhslc_csv", "uhslc_dat", "uhslc_asc", "dia")
"""Formats recognised by :func:`detect_format`."""

UNIT_FACTORS = {"m": 1.0, "cm": 0.01, "mm": 0.001}
"""Metres per unit."""

UHSLC_MISSING = (-32767.0, 9999.0, -9999.0)
DAYS_1700 = np.datetime64("1700-01-01T00:00:00", "s")


@dataclass
class Parsed:
    """Raw result of a parser: UTC times, levels [m], metadata and notes."""

    times: np.ndarray
    levels_m: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    predictors: dict[str, np.ndarray] = field(default_factory=dict)


# ---- detection ---------------------------------------------------------------------------

_UHSLC_CSV = re.compile(r"^\s*\d{4}\s*,\s*\d{1,2}\s*,\s*\d{1,2}\s*,\s*\d{1,2}\s*,\s*-?\d+\s*$")
_UHSLC_DAT_HEADER = re.compile(r"^\d{3}[A-Z] .{39}\d{4} \d{5}[NS] \d{6}[EW]")
_UHSLC_DAT_RECORD = re.compile(r"^\d{3}[A-Z] .*\d{8}[12](?:[ \d-]{5}){12}\s*$")
_TWO_NUMBERS = re.compile(r"^\s*(\d+(?:\.\d*)?)\s+(-?\d+(?:\.\d*)?)\s*$")


def _first_lines(text: str, count: int = 5) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def detect_format(text: str) -> str:
    """Which of :data:`FORMATS` a text is, from its content (not its file name).

    Raises
    ------
    ReadError
        For an empty text.
    """
    lines = _first_lines(text)
    if not lines:
        raise ReadError("the file has no data lines (only blanks or # comments)")
    head = lines[0].lstrip()
    if head.startswith("[IDT;") or head.startswith("[W3H]") or "\n[WRD]" in text[:20000]:
        return "dia"
    if _UHSLC_DAT_HEADER.match(lines[0]) or _UHSLC_DAT_RECORD.match(lines[0].rstrip()):
        return "uhslc_dat"
    if _UHSLC_CSV.match(lines[0]):
        return "uhslc_csv"
    match = _TWO_NUMBERS.match(lines[0])
    if match and 36_500 <= float(match.group(1)) <= 150_000:
        return "uhslc_asc"
    return "csv"


# ---- generic and processed CSV -----------------------------------------------------------

_AWARE = re.compile(r"[T ]\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")
_UNIT_IN_NAME = re.compile(r"(?:^|[_\s(\[])(mm|cm|m)(?:$|[_\s)\]])", re.IGNORECASE)
_META_LINE = re.compile(r"^#\s*([A-Za-z_ ]+?)\s*[:=]\s*(.+?)\s*$")
_META_KEYS = ("latitude", "longitude", "station", "datum", "unit", "source", "time_zone")


def _time_zone(tz: str | tzinfo) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    text = str(tz).strip()
    offset = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?", text)
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        return timezone(sign * delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReadError(
            f"time zone {tz!r} is not known; give an IANA name such as 'Asia/Bangkok' or an "
            "offset such as '+07:00'"
        ) from None


def _comment_metadata(comments: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for line in comments:
        match = _META_LINE.match(line.strip())
        if not match:
            continue
        key = match.group(1).strip().lower().replace(" ", "_")
        key = {"lat": "latitude", "lon": "longitude", "units": "unit", "tz": "time_zone"}.get(
            key, key
        )
        if key in _META_KEYS:
            meta[key] = match.group(2)
    for key in ("latitude", "longitude"):
        if key in meta:
            try:
                meta[key] = float(meta[key])
            except ValueError:
                raise ReadError(
                    f"comment '{key}: {meta[key]}' is not a number of degrees"
                ) from None
    return meta


def _header_unit(name: str) -> tuple[str | None, str | None]:
    """Unit and datum named in a level column header, e.g. ``water_level_cm_nap``."""
    match = _UNIT_IN_NAME.search(name)
    if not match:
        return None, None
    rest = name[match.end() :].strip(" _)]").upper()
    return match.group(1).lower(), (rest or None)


def _split(line: str) -> list[str]:
    sep = "," if "," in line else (";" if ";" in line else "\t")
    return [part.strip() for part in line.split(sep)]


def _parse_iso(stamps: list[str], rows: list[int], tz: tzinfo | None, utc_header: bool) -> Any:
    """UTC datetime64[s] of ISO 8601 stamps; naive ones need ``tz`` or a UTC header."""
    series = pd.Series(stamps, dtype=object)
    aware = series.str.contains(_AWARE).to_numpy(dtype=bool)
    out = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[s]")
    if aware.any():
        parsed = pd.to_datetime(series[aware], utc=True, format="ISO8601", errors="coerce")
        out[aware] = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    naive = ~aware
    if naive.any():
        if tz is None and not utc_header:
            i = int(np.argmax(naive))
            raise ReadError(
                f"time {stamps[i]!r} on line {rows[i]} has no UTC offset; write times like "
                "2024-11-02T07:00+07:00 or 2024-11-02T00:00Z, or give the time zone of the "
                "file (e.g. tz='Asia/Bangkok')"
            )
        parsed = pd.to_datetime(series[naive], format="ISO8601", errors="coerce")
        if tz is not None:
            parsed = parsed.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        out[naive] = parsed.to_numpy(dtype="datetime64[s]")
    bad = np.isnat(out)
    if bad.any():
        i = int(np.argmax(bad))
        raise ReadError(f"time {stamps[i]!r} on line {rows[i]} is not an ISO 8601 time")
    return out


def _numbers(texts: list[str], rows: list[int], what: str) -> np.ndarray:
    """Numbers of a column, NaN for empty cells; :class:`ReadError` naming the line of the
    first cell that is neither."""
    values = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(float)
    empty = np.array([t.strip().lower() in ("", "nan", "na", "null", "-") for t in texts])
    bad = np.isnan(values) & ~empty
    if bad.any():
        i = int(np.argmax(bad))
        raise ReadError(f"{what} {texts[i]!r} on line {rows[i]} is not a number")
    return values


def _levels(texts: list[str], rows: list[int], factor: float) -> np.ndarray:
    return _numbers(texts, rows, "level") * factor


PREDICTOR_COLUMNS = frozenset(
    {
        "wind_u_ms",
        "wind_v_ms",
        "wind_speed_ms",
        "pressure_hpa",
        "discharge_m3s",
        "upstream_level_m",
        "rainfall_mm",
    }
)
"""Columns of a generic CSV read as forecast inputs (predictors), besides any column whose
name starts with ``x_``: observed or forecast wind [m/s], station pressure [hPa], river
discharge [m³/s], an upstream gauge [m], rain [mm]."""


def is_predictor_column(name: str) -> bool:
    """Whether a generic-CSV column (by header name) is a forecast input."""
    n = name.strip().lower()
    return n in PREDICTOR_COLUMNS or (n.startswith("x_") and len(n) > 2)


def _predictors(
    header: list[str], fields: list[list[str]], rows: list[int]
) -> dict[str, np.ndarray]:
    out = {}
    for j, name in enumerate(header[2:], start=2):
        if not is_predictor_column(name):
            continue
        texts = [f[j] if len(f) > j else "" for f in fields]
        out[name.strip().lower()] = _numbers(texts, rows, name.strip())
    return out


def parse_csv(text: str, *, tz: str | tzinfo | None = None) -> Parsed:
    """Generic or processed CSV: time (ISO 8601) and level columns; see the module doc.

    Parameters
    ----------
    text : str
        Whole file.
    tz : str or tzinfo, optional
        Time zone of naive times (e.g. "Asia/Bangkok", "+07:00"); naive times are refused
        without it unless the time column is named ``time_utc``.
    """
    comments, rows, lines = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            comments.append(stripped)
            continue
        rows.append(number)
        lines.append(stripped)
    if not lines:
        raise ReadError("the CSV has no data lines (only blanks or # comments)")
    meta = _comment_metadata(comments)
    first = _split(lines[0])
    header: list[str] | None = None
    if first[0] and not first[0][0].isdigit():
        header, rows, lines = first, rows[1:], lines[1:]
    if not lines:
        raise ReadError("the CSV has a header but no data lines")
    fields = [_split(line) for line in lines]
    short = [r for r, f in zip(rows, fields, strict=True) if len(f) < 2]
    if short:
        raise ReadError(f"line {short[0]} has no level column: need 'time, level'")
    unit, datum = (None, None)
    if header is not None and len(header) > 1:
        unit, datum = _header_unit(header[1])
    unit = unit or str(meta.get("unit", "m")).strip().lower()
    if unit not in UNIT_FACTORS:
        raise ReadError(f"unit {unit!r} is not one of {', '.join(UNIT_FACTORS)}")
    utc_header = header is not None and header[0].strip().lower() in ("time_utc", "utc")
    zone = _time_zone(tz) if tz is not None else None
    times = _parse_iso([f[0] for f in fields], rows, zone, utc_header)
    levels = _levels([f[1] for f in fields], rows, UNIT_FACTORS[unit])
    meta.update(
        source_unit=unit,
        datum=meta.get("datum") or datum,
        columns=header,
        time_zone="UTC offsets in the file" if zone is None else str(tz),
    )
    notes = []
    predictors = _predictors(header, fields, rows) if header is not None else {}
    if predictors:
        meta["predictors"] = sorted(predictors)
    if header is not None and len(header) > 2 and not is_predictor_column(header[2]):
        codes = [f[2] for f in fields if len(f) > 2]
        odd = sum(1 for c in codes if c not in ("", "0"))
        meta["quality_codes_nonzero"] = odd
        if odd:
            notes.append(f"{odd} rows carry a quality code other than 0 (kept as given)")
    return Parsed(times, levels, meta, notes, predictors)


# ---- UHSLC -------------------------------------------------------------------------------


def _uhslc_missing(values: np.ndarray) -> np.ndarray:
    out = values.astype(float)
    out[np.isin(out, UHSLC_MISSING)] = np.nan
    return out


def parse_uhslc_csv(text: str) -> Parsed:
    """UHSLC research-quality hourly CSV: year, month, day, hour (UTC), level [mm]."""
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    try:
        table = np.array([[int(x) for x in line.split(",")] for line in rows], dtype=np.int64)
    except ValueError as exc:
        raise ReadError(f"UHSLC CSV line is not five integers: {exc}") from None
    if table.ndim != 2 or table.shape[1] != 5:
        raise ReadError("UHSLC CSV lines must be: year, month, day, hour, sea level [mm]")
    frame = pd.DataFrame({"year": table[:, 0], "month": table[:, 1], "day": table[:, 2]})
    days = pd.to_datetime(frame, errors="coerce").to_numpy(dtype="datetime64[s]")
    if np.isnat(days).any():
        i = int(np.argmax(np.isnat(days)))
        raise ReadError(f"UHSLC CSV line {i + 1} has an impossible date: {rows[i].strip()}")
    times = days + table[:, 3].astype("timedelta64[h]")
    levels = _uhslc_missing(table[:, 4]) * UNIT_FACTORS["mm"]
    meta = {"source_unit": "mm", "datum": "UHSLC station zero", "time_zone": "UTC"}
    return Parsed(times.astype("datetime64[s]"), levels, meta, [])


def _degrees(text: str, width: int) -> float:
    """UHSLC position: degrees (``width`` digits), minutes and tenths, hemisphere."""
    degrees = int(text[:width])
    minutes = int(text[width : width + 3]) / 10.0
    value = degrees + minutes / 60.0
    return -value if text[-1] in "SW" else value


def _dat_header(line: str) -> dict[str, Any]:
    if len(line.rstrip()) < 80 or line[78:80].upper() != "MM":
        raise ReadError(f"UHSLC .dat header must be 80 characters ending in 'MM': {line!r}")
    try:
        offset_h = int(line[64:68]) / 10.0
        reference = int(line[71:76])
    except ValueError:
        raise ReadError(f"UHSLC .dat header has a bad GMT or reference offset: {line!r}") from None
    return {
        "station_id": line[0:4],
        "station": line[5:23].strip(),
        "region": line[24:43].strip(),
        "latitude": _degrees(line[49:55], 2),
        "longitude": _degrees(line[56:63], 3),
        "gmt_offset_h": offset_h,
        "reference_offset_mm": reference,
        "reference_code": line[76],
    }


def parse_uhslc_dat(text: str) -> Parsed:
    """UHSLC archiving format for hourly data (half-day records of 12 values)."""
    header: dict[str, Any] | None = None
    stamps: list[np.datetime64] = []
    blocks: list[list[int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            continue
        if _UHSLC_DAT_HEADER.match(line):
            header = header or _dat_header(line)
            continue
        if len(line) < 80:
            raise ReadError(f"UHSLC .dat line {number} is shorter than 80 characters: {raw!r}")
        try:
            day = np.datetime64(f"{line[-69:-65]}-{line[-65:-63]}-{line[-63:-61]}", "s")
            half = int(line[-61])
            cells = line[-60:]
            values = [int(cells[5 * k : 5 * k + 5]) for k in range(12)]
        except ValueError:
            raise ReadError(f"UHSLC .dat line {number} is not a data record: {raw!r}") from None
        if half not in (1, 2):
            raise ReadError(f"UHSLC .dat line {number}: half-day code {half} is not 1 or 2")
        stamps.append(day + np.timedelta64(12 * (half - 1), "h"))
        blocks.append(values)
    if header is None:
        raise ReadError("UHSLC .dat file has no header line (station, position, ..., MM)")
    if not blocks:
        raise ReadError("UHSLC .dat file has no data records")
    start = np.array(stamps, dtype="datetime64[s]")
    offset = np.timedelta64(round(header["gmt_offset_h"] * 3600), "s")
    times = (start[:, None] + np.arange(12) * np.timedelta64(1, "h")).ravel() - offset
    raw_values = np.array(blocks, dtype=float).ravel()
    levels = _uhslc_missing(raw_values)
    levels = (levels + header["reference_offset_mm"]) * UNIT_FACTORS["mm"]
    meta = {
        **header,
        "source_unit": "mm",
        "datum": "UHSLC station zero",
        "time_zone": f"GMT{header['gmt_offset_h']:+g} h in the file",
    }
    return Parsed(times, levels, meta, [])


def parse_uhslc_asc(text: str) -> Parsed:
    """Two columns: days since 1700-01-01 00:00 UTC, sea level [mm] (UTide's HNL2010.asc)."""
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    try:
        table = np.array([line.split() for line in rows], dtype=float)
    except ValueError as exc:
        raise ReadError(f"a line is not two numbers (days since 1700, mm): {exc}") from None
    if table.ndim != 2 or table.shape[1] != 2:
        raise ReadError("each line must be two numbers: days since 1700-01-01, sea level [mm]")
    seconds = np.rint(table[:, 0] * 86400.0).astype(np.int64)
    times = DAYS_1700 + seconds.astype("timedelta64[s]")
    levels = _uhslc_missing(table[:, 1]) * UNIT_FACTORS["mm"]
    meta = {"source_unit": "mm (assumed: UHSLC convention)", "datum": None, "time_zone": "UTC"}
    notes = ["units taken as mm and times as days since 1700-01-01 UTC (UHSLC ASCII)"]
    return Parsed(times, levels, meta, notes)
