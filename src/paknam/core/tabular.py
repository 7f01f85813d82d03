"""Read the tables an office keeps (CSV or Excel .xlsx) into rows keyed by column name.

Generic: used by the economy and people imports. Headers are normalised (trimmed, lower
case, spaces and dashes to ``_``); every row keeps its line number in the file (the header
is line 1) so that errors can name it. Fully empty rows are skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paknam.core.errors import InvalidInput

MAX_ROWS = 100_000
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# A spreadsheet reads a cell that begins with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """Column names and rows ``(line number, {column: cell})`` of one sheet or CSV file."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(lines: list[tuple[int, list[Any]]]) -> Table:
    lines = [(n, cells) for n, cells in lines if not all(_blank(c) for c in cells)]
    if not lines:
        raise InvalidInput("the file has no header row")
    header_line, header_cells = lines[0]
    columns = [_header(c) for c in header_cells]
    while columns and not columns[-1]:
        columns.pop()
    dupes = sorted({c for c in columns if c and columns.count(c) > 1})
    if dupes:
        raise InvalidInput(f"line {header_line}: repeated column(s) {dupes}")
    if len(lines) - 1 > MAX_ROWS:
        raise InvalidInput(f"the file has more than {MAX_ROWS} rows; split it")
    table = Table(columns)
    for number, cells in lines[1:]:
        row = {
            col: (cells[i].strip() if isinstance(cells[i], str) else cells[i])
            for i, col in enumerate(columns)
            if col and i < len(cells)
        }
        table.rows.append((number, row))
    return table


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text beginning with ``= + - @``, a tab or a
    carriage return gets a leading ``'`` (shown as text, as OWASP advises), unless it is a
    plain number such as ``-3.5``. Anything that is not text is returned as it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def parse_csv(data: bytes) -> Table:
    """A CSV file (UTF-8, with or without BOM; comma or semicolon separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the CSV file is not UTF-8 text: {exc}") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    return _table([(reader.line_num, row) for row in reader])


def parse_excel(data: bytes, sheet: str | None = None) -> Table:
    """The first (or named) sheet of an .xlsx workbook, with cell values (not formulas)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InvalidInput(f"cannot read the Excel file: {type(exc).__name__}: {exc}") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput(f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        lines = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return _table(lines)


def parse_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """CSV or Excel by the file name's suffix (.csv, .xlsx)."""
    name = filename.lower()
    if name.endswith(EXCEL_SUFFIXES):
        return parse_excel(data, sheet)
    if name.endswith((".csv", ".txt")):
        return parse_csv(data)
    raise InvalidInput(f"{filename!r}: use a .csv or .xlsx file", field="file")


def read_table(path: Path, sheet: str | None = None) -> Table:
    """:func:`parse_table` of a file on disk."""
    return parse_table(path.read_bytes(), path.name, sheet)
