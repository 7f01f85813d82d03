"""Imports from the files an energy office has: CSV or Excel (.xlsx) meter exports and
site lists, with a per-row error report.

Readings (wide: one row per time, one column per meter)::

    time,pv_kw,load_kw,ghi_wm2
    2025-01-01T07:00:00+07:00,0.4,1.2,55

A ``site`` column names the site of each row, or the caller gives one site for the whole
file. Column names may be quantity codes (``pv_power``) or the aliases in
:data:`COLUMN_ALIASES` (Thai headers included). Times need a UTC offset; Excel files
usually hold local clock times without one: pass ``thai_time=True`` to read those as
Asia/Bangkok time (UTC+7, no daylight saving). An empty cell means "not measured".

Sites (one row per site, one PV array per row)::

    id,name_th,name_en,lon,lat,kwp,tilt_deg,azimuth_deg,inverter_ac_kw,irradiance_plane,meters

Pure parsing (file bytes in, checked values out); :mod:`paknam.energy.service` checks the
values against the store and stores them. Everything is checked before anything is
stored: a bad row rejects the file (:class:`~paknam.core.errors.BatchRejected` listing
every bad row by its line number, header = line 1) unless ``skip_invalid``, which stores
the good rows and reports the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from paknam.core.errors import InvalidInput, ItemError
from paknam.core.store import IngestResult
from paknam.core.timeutil import BANGKOK, TimeParseError, parse_time
from paknam.energy.sites import METER_QUANTITIES, ArrayIn, SiteCreate

TIME_HEADERS = ("time", "timestamp", "datetime", "date_time", "เวลา", "วันที่เวลา")
SITE_HEADERS = ("site", "site_id", "station", "สถานที่", "รหัสสถานที่")
COLUMN_ALIASES: dict[str, str] = {
    "pv_kw": "pv_power",
    "pv_ac_kw": "pv_power",
    "solar_kw": "pv_power",
    "กำลังผลิต_kw": "pv_power",
    "pv_kwh": "pv_energy",
    "พลังงานผลิต_kwh": "pv_energy",
    "load_kw": "load_power",
    "กำลังใช้_kw": "load_power",
    "load_kwh": "load_energy",
    "พลังงานใช้_kwh": "load_energy",
    "grid_kw": "grid_power",
    "import_kwh": "grid_import_energy",
    "export_kwh": "grid_export_energy",
    "battery_kw": "battery_power",
    "soc_pct": "battery_soc",
    "ghi_wm2": "ghi",
    "poa_wm2": "poa_irradiance",
    "irradiance_wm2": "poa_irradiance",
    "temp_air_c": "air_temperature",
    "อุณหภูมิ_c": "air_temperature",
}
MAX_ROWS = 2_000_000


@dataclass
class ParsedReadings:
    """Readings of a file as columns (one entry per value), before the store checks them."""

    stations: list[str]
    quantities: list[str]
    times: list[int]
    values: list[float]
    lines: list[int]  # line (row) number in the file of each value
    errors: list[ItemError]  # rows rejected while parsing; index = line number
    columns: dict[str, str]  # header -> quantity


@dataclass
class ParsedSites:
    """Sites of a site list; ``rows`` counts the rows that named one (good or bad)."""

    sites: list[SiteCreate]
    errors: list[ItemError]  # index = line number
    rows: int


@dataclass
class ReadingsReport:
    """What an import of readings did."""

    result: IngestResult
    errors: list[ItemError]  # index = line (row) number in the file
    columns: dict[str, str]  # header -> quantity


def _norm(header: object) -> str:
    text = str(header or "").strip().lower()
    for ch in "()[]":
        text = text.replace(ch, " ")
    return "_".join(text.split())


def read_rows(data: bytes, filename: str, sheet: str | None = None) -> list[list[Any]]:
    """Rows of a CSV (UTF-8, Excel's BOM accepted) or the first/named sheet of an .xlsx,
    given as the file's bytes; ``filename`` (its suffix says which) names it in errors."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise InvalidInput(f"{filename}: not a readable Excel file ({exc})") from None
        try:
            if sheet is not None and sheet not in book.sheetnames:
                raise InvalidInput(
                    f"{filename}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}"
                )
            ws = book[sheet] if sheet else book.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            book.close()
        return rows
    if suffix in (".xls",):
        raise InvalidInput(f"{filename}: old .xls files are not read; save it as .xlsx or CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{filename}: not UTF-8 text; save the CSV as UTF-8") from None
    return [list(r) for r in csv.reader(io.StringIO(text))]


def read_table(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """:func:`read_rows` of a file on disk."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    return read_rows(path.read_bytes(), path.name, sheet)


def _header(rows: list[list[Any]], name: str) -> tuple[int, list[str]]:
    for i, row in enumerate(rows):
        if any(c not in (None, "") for c in row):
            return i, [_norm(c) for c in row]
    raise InvalidInput(f"{name}: the file is empty")


def _time(cell: Any, thai_time: bool) -> int:
    if isinstance(cell, dt.datetime):
        value = cell
        if value.tzinfo is None:
            if not thai_time:
                raise TimeParseError(
                    f"time {value.isoformat()} has no UTC offset (Excel clock time): "
                    "use the Thai-time option to read it as +07:00"
                )
            value = value.replace(tzinfo=BANGKOK)
        return int(value.timestamp())
    text = str(cell or "").strip()
    if not text:
        raise TimeParseError("time is empty")
    try:
        return parse_time(text)
    except TimeParseError:
        if not thai_time:
            raise
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TimeParseError(f"time {text!r} is not ISO 8601") from None
    if naive.tzinfo is not None:
        raise TimeParseError(f"time {text!r} is not valid")
    return int(naive.replace(tzinfo=BANGKOK).timestamp())


def _number(cell: Any) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"value {cell!r} is not a number")
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return float(str(cell).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"value {cell!r} is not a number") from None


def parse_readings(
    rows: list[list[Any]], name: str, *, site: str | None = None, thai_time: bool = False
) -> ParsedReadings:
    """The readings of a meter export's rows as columns, and the rows rejected already
    (times, site, numbers); the values are checked against the store by the service."""
    h, header = _header(rows, name)
    time_col = next((i for i, c in enumerate(header) if c in TIME_HEADERS), None)
    if time_col is None:
        raise InvalidInput(
            f"{name}: no time column; name one of {', '.join(TIME_HEADERS)}", field="time"
        )
    site_col = next((i for i, c in enumerate(header) if c in SITE_HEADERS), None)
    if site_col is None and not site:
        raise InvalidInput(f"{name}: no site column; give the site of the file", field="site")
    columns: dict[int, str] = {}
    unknown = []
    for i, c in enumerate(header):
        if i in (time_col, site_col) or not c:
            continue
        q = c if c in METER_QUANTITIES else COLUMN_ALIASES.get(c)
        if q is None:
            unknown.append(c)
        else:
            columns[i] = q
    if unknown:
        raise InvalidInput(
            f"{name}: unknown column(s) {', '.join(map(repr, unknown))}; use quantity "
            f"codes ({', '.join(METER_QUANTITIES)}) or aliases ({', '.join(COLUMN_ALIASES)})"
        )
    if not columns:
        raise InvalidInput(f"{name}: no meter columns besides time and site")
    if len(rows) - h - 1 > MAX_ROWS:
        raise InvalidInput(f"{name}: more than {MAX_ROWS} rows; split the file")
    stations: list[str] = []
    quantities: list[str] = []
    times: list[int] = []
    values: list[float] = []
    lines: list[int] = []
    early: list[ItemError] = []
    for r, row in enumerate(rows[h + 1 :], start=h + 2):
        if not any(c not in (None, "") for c in row):
            continue
        row = row + [None] * (len(header) - len(row))
        sid = str(row[site_col]).strip() if site_col is not None and row[site_col] else site
        try:
            t = _time(row[time_col], thai_time)
        except TimeParseError as exc:
            early.append(ItemError(r, str(exc), "time"))
            continue
        if not sid:
            early.append(ItemError(r, "site is empty", "site"))
            continue
        for i, q in columns.items():
            try:
                v = _number(row[i])
            except ValueError as exc:
                early.append(ItemError(r, f"{header[i]}: {exc}", header[i]))
                continue
            if v is None:
                continue
            stations.append(sid)
            quantities.append(q)
            times.append(t)
            values.append(v)
            lines.append(r)
    return ParsedReadings(
        stations=stations,
        quantities=quantities,
        times=times,
        values=values,
        lines=lines,
        errors=early,
        columns={header[i]: q for i, q in columns.items()},
    )


SITE_COLUMNS = (
    "id",
    "name_th",
    "name_en",
    "lon",
    "lat",
    "kwp",
    "tilt_deg",
    "azimuth_deg",
)
OPTIONAL_SITE_COLUMNS = (
    "inverter_ac_kw",
    "irradiance_plane",
    "meters",
    "district_code",
    "technology",
    "source",
    "array",
)


def parse_sites(rows: list[list[Any]], name: str) -> ParsedSites:
    """The sites of a site list's rows (rows with the same id add arrays to one site) and
    the rows rejected, by line number."""
    h, header = _header(rows, name)
    missing = [c for c in SITE_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"{name}: missing column(s) {', '.join(missing)}")
    col = {c: header.index(c) for c in (*SITE_COLUMNS, *OPTIONAL_SITE_COLUMNS) if c in header}
    sites: dict[str, dict[str, Any]] = {}
    site_lines: dict[str, list[int]] = {}
    errors: list[ItemError] = []
    for r, row in enumerate(rows[h + 1 :], start=h + 2):
        if not any(c not in (None, "") for c in row):
            continue
        row = row + [None] * (len(header) - len(row))
        cell = {k: row[i] for k, i in col.items() if row[i] not in (None, "")}
        try:
            arr = ArrayIn.model_validate(
                {
                    "name": str(cell.get("array", "array")),
                    "kwp": cell.get("kwp"),
                    "tilt_deg": cell.get("tilt_deg"),
                    "azimuth_deg": cell.get("azimuth_deg"),
                    "inverter_ac_kw": cell.get("inverter_ac_kw"),
                }
            )
        except ValidationError as exc:
            errors.append(ItemError(r, _reasons(exc)))
            continue
        sid = str(cell.get("id", "")).strip()
        entry = sites.setdefault(
            sid,
            {
                "id": sid,
                "name_th": cell.get("name_th"),
                "name_en": cell.get("name_en"),
                "lon": cell.get("lon"),
                "lat": cell.get("lat"),
                "district_code": str(cell["district_code"]) if "district_code" in cell else None,
                "technology": cell.get("technology", "pv"),
                "irradiance_plane": cell.get("irradiance_plane", "none"),
                "meters": str(cell.get("meters", "pv_power")).replace(";", ",").split(","),
                "source": str(cell.get("source", f"imported from {name}")),
                "arrays": [],
            },
        )
        entry["meters"] = [m.strip() for m in entry["meters"] if m.strip()]
        entry["arrays"].append(arr)
        site_lines.setdefault(sid, []).append(r)
    valid = []
    for sid, entry in sites.items():
        try:
            valid.append(SiteCreate(**entry))
        except ValidationError as exc:
            for r in site_lines[sid]:
                errors.append(ItemError(r, f"site {sid!r}: {_reasons(exc)}"))
    errors.sort(key=lambda e: e.index)
    return ParsedSites(valid, errors, sum(map(len, site_lines.values())))


def _reasons(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in exc.errors())
