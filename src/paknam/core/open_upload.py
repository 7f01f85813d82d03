"""Read a table an officer uploads as an open dataset (CSV or Excel .xlsx) into typed
columns, within limits, or refuse it with a message that names the problem.

* The kind of file is told from its bytes, not its name: an .xlsx is a zip, an old .xls
  (OLE2) or a PDF is refused by name, anything else must be text.
* CSV text: UTF-8 (with or without BOM), UTF-16 with BOM, or Thai Windows-874 / TIS-620
  (Excel on a Thai Windows saves "CSV" so); comma, semicolon or tab separated.
* Excel: the first (or named) sheet, cell *values*: a formula gives the value Excel
  saved with it (blank when none was saved), it is never evaluated.
* Every row must have as many cells as the header (blank rows are skipped); names are
  unique, non-empty, at most 63 characters, and ``_id`` is reserved (CKAN's row id).
* A column whose every non-blank cell is a number is ``numeric``; one of Excel dates is
  ``timestamp`` (ISO 8601 text); anything else is ``text``. Cells are kept as text or
  numbers, never markup: whoever shows them must escape them.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from paknam.core.errors import InvalidInput

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file an officer may upload (10 MiB)."""
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 5_000
MAX_NAME_CHARS = 63
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
"""Largest total size of an .xlsx's unpacked parts (a zip bomb is refused unopened)."""

Cell = str | int | float | None


@dataclass(frozen=True)
class ParsedTable:
    """Column (name, type) pairs and rows of cells in the columns' order."""

    fields: list[tuple[str, str]]
    rows: list[list[Cell]]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def file_kind(data: bytes) -> str:
    """``xlsx`` or ``csv`` from the bytes; :class:`InvalidInput` for anything else."""
    if not data or not data.strip():
        raise _refuse("the file is empty (ไฟล์ว่างเปล่า)")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            "old Excel 97-2003 (.xls) files are not accepted: save it as .xlsx or CSV "
            "(บันทึกเป็น .xlsx หรือ CSV)"
        )
    if data.startswith(b"%PDF"):
        raise _refuse("a PDF is not a table: upload CSV or .xlsx (ใช้ไฟล์ CSV หรือ .xlsx)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    if b"\x00" in data[:8192]:
        raise _refuse("not a CSV or .xlsx file (binary content; ใช้ไฟล์ CSV หรือ .xlsx)")
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _refuse(f"the file says UTF-16 but is not: {exc}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Windows-874 is TIS-620 plus a few punctuation marks in 0x80-0x9F
        return data.decode("cp874"), "cp874"
    except UnicodeDecodeError as exc:
        raise _refuse(
            f"the CSV is neither UTF-8 nor Thai Windows-874/TIS-620 text (byte {exc.start}); "
            "save it as 'CSV UTF-8' (บันทึกเป็น CSV UTF-8)"
        ) from None


def _csv_lines(data: bytes) -> tuple[list[tuple[int, list[Any]]], str]:
    text, encoding = decode_text(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    lines = []
    try:
        for row in reader:
            lines.append((reader.line_num, list(row)))
            if len(lines) > MAX_ROWS + 1:
                raise _refuse(f"more than {MAX_ROWS} rows; split the file (แบ่งไฟล์)")
    except csv.Error as exc:
        raise _refuse(f"line {reader.line_num}: broken CSV: {exc}") from None
    return lines, encoding


def _xlsx_lines(data: bytes, sheet: str | None) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            if "xl/workbook.xml" not in z.namelist():
                raise _refuse("a zip file that is not an Excel .xlsx workbook")
    except zipfile.BadZipFile:
        raise _refuse("a broken .xlsx (not a readable zip file)") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise _refuse(f"the .xlsx unpacks to more than {MAX_XLSX_UNPACKED} bytes")
    try:  # data_only: the values Excel saved, never the formulas
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _refuse(f"cannot read the .xlsx: {type(exc).__name__}: {exc}") from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise _refuse(f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        lines = []
        for n, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            lines.append((n, list(cells)))
            if len(lines) > MAX_ROWS + 1:
                raise _refuse(f"more than {MAX_ROWS} rows; split the file (แบ่งไฟล์)")
    finally:
        book.close()
    return lines


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell(value: Any, where: str) -> Cell:
    """A cell as JSON-safe text or number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value).replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    if len(text) > MAX_CELL_CHARS:
        raise _refuse(f"{where}: a cell longer than {MAX_CELL_CHARS} characters")
    return text or None


def _number(text: str) -> int | float | None:
    t = text.strip()
    try:
        if t.lstrip("+-").isdigit():
            return int(t)
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _header(cells: list[Any], line: int) -> list[str]:
    names = [str(c).strip() if c is not None else "" for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise _refuse(f"line {line}: the header row has no column names")
    if len(names) > MAX_COLUMNS:
        raise _refuse(f"{len(names)} columns; at most {MAX_COLUMNS} (คอลัมน์มากเกินไป)")
    for i, name in enumerate(names, start=1):
        if not name:
            raise _refuse(f"line {line}: column {i} has no name (คอลัมน์ไม่มีชื่อ)")
        if len(name) > MAX_NAME_CHARS:
            raise _refuse(f"column {i}: name longer than {MAX_NAME_CHARS} characters")
        if name.startswith("_"):
            raise _refuse(f"column {i}: {name!r}: names starting with '_' are reserved")
        if any(ord(ch) < 32 for ch in name):
            raise _refuse(f"column {i}: a control character in the name")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _refuse(f"line {line}: repeated column name(s) {dupes} (ชื่อคอลัมน์ซ้ำ)")
    return names


def _typed(names: list[str], rows: list[list[Cell]]) -> list[tuple[str, str]]:
    fields = []
    for j, name in enumerate(names):
        values = [r[j] for r in rows if r[j] is not None]
        kind = "text"
        if values and all(
            isinstance(v, int | float) or (isinstance(v, str) and _number(v) is not None)
            for v in values
        ):
            kind = "numeric"
            for r in rows:
                if isinstance(r[j], str):
                    r[j] = _number(r[j])  # type: ignore[arg-type]
        elif values and all(isinstance(v, str) and _iso_like(v) for v in values):
            kind = "timestamp"
        else:
            for r in rows:
                if isinstance(r[j], int | float):
                    r[j] = str(r[j])
        fields.append((name, kind))
    return fields


def _iso_like(v: str) -> bool:
    if len(v) < 10 or v[4] != "-" or v[7] != "-":
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


def parse_upload(data: bytes, sheet: str | None = None) -> ParsedTable:
    """The table in ``data`` (CSV or .xlsx), typed; :class:`InvalidInput` (field ``file``)
    naming the problem otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"the file is larger than {MAX_FILE_BYTES} bytes (ไฟล์ใหญ่เกินไป)")
    kind = file_kind(data)
    encoding = None
    if kind == "xlsx":
        lines = _xlsx_lines(data, sheet)
    else:
        lines, encoding = _csv_lines(data)
    lines = [(n, cells) for n, cells in lines if not all(_blank(c) for c in cells)]
    if not lines:
        raise _refuse("the file is empty: no header row (ไฟล์ว่างเปล่า)")
    header_line, header_cells = lines[0]
    names = _header(header_cells, header_line)
    if len(lines) == 1:
        raise _refuse("the file has a header but no rows (ไม่มีแถวข้อมูล)")
    rows: list[list[Cell]] = []
    bad: list[str] = []
    for n, cells in lines[1:]:
        while len(cells) > len(names) and _blank(cells[-1]):
            cells.pop()
        if len(cells) != len(names) and not (kind == "xlsx" and len(cells) < len(names)):
            bad.append(f"line {n} has {len(cells)} cells")
            continue
        cells = cells + [None] * (len(names) - len(cells))
        rows.append([_cell(c, f"line {n}") for c in cells])
    if bad:
        more = f" (and {len(bad) - 3} more lines)" if len(bad) > 3 else ""
        raise _refuse(
            f"inconsistent columns: the header has {len(names)} columns but "
            f"{'; '.join(bad[:3])}{more} (จำนวนคอลัมน์ไม่ตรงกับหัวตาราง)"
        )
    fields = _typed(names, rows)
    return ParsedTable(fields, rows, kind, encoding)
