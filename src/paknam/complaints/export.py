"""The officers' inbox as a file: CSV (UTF-8 with BOM, for Excel) or Excel (.xlsx).

Pure: rows of the officer's view in, bytes out. What a file holds by default is work
data: the complaint's number, category, place (district, coordinates), agency, officer,
state and times, and its description with telephone numbers, e-mail addresses and LINE
ids masked. The reporter's personal data — the address they typed, the unmasked
description and their rating comment — is added only with ``personal=True``, which the
route allows to administrators alone.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written so that a spreadsheet shows it as text and never runs it as a formula (CSV: a
leading apostrophe, as OWASP advises; .xlsx: a string cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from paknam.complaints.opendata import mask_contacts
from paknam.core.tabular import spreadsheet_safe

MAX_EXPORT_ROWS = 20_000
"""Most complaints one file may hold: narrow the filter for more."""

COLUMNS: tuple[str, ...] = (
    "id",
    "service_code",
    "service_name_th",
    "service_name_en",
    "status",
    "status_th",
    "status_en",
    "district_code",
    "agency_code",
    "agency_name_th",
    "assignee",
    "requested",
    "updated",
    "due",
    "overdue",
    "resolved",
    "escalation_level",
    "reopen_count",
    "supporters",
    "rating",
    "triage",
    "lon",
    "lat",
    "description",
)
"""The columns of every export, in order."""

PERSONAL_COLUMNS: tuple[str, ...] = ("address", "rating_comment")
"""Added after :data:`COLUMNS` only for ``personal=True``."""


def columns(personal: bool) -> tuple[str, ...]:
    return COLUMNS + PERSONAL_COLUMNS if personal else COLUMNS


def export_row(item: dict[str, Any], personal: bool) -> dict[str, Any]:
    """One complaint of the officer's view as the export's flat row."""
    agency = item.get("agency") or {}
    row = {
        "id": item["id"],
        "service_code": item["service_code"],
        "service_name_th": item["service_name_th"],
        "service_name_en": item["service_name_en"],
        "status": item["status"],
        "status_th": item["status_th"],
        "status_en": item["status_en"],
        "district_code": item["district_code"],
        "agency_code": agency.get("code"),
        "agency_name_th": agency.get("name_th"),
        "assignee": item.get("assignee"),
        "requested": item["requested"],
        "updated": item["updated"],
        "due": item["due"],
        "overdue": bool(item.get("overdue")),
        "resolved": item.get("resolved"),
        "escalation_level": item.get("escalation_level"),
        "reopen_count": item.get("reopen_count"),
        "supporters": item.get("supporters"),
        "rating": item.get("rating"),
        "triage": bool(item.get("triage")),
        "lon": item["lon"],
        "lat": item["lat"],
        "description": item["description"] if personal else mask_contacts(item["description"]),
    }
    if personal:
        row["address"] = item.get("address")
        row["rating_comment"] = item.get("rating_comment")
    return row


def to_csv(rows: Sequence[dict[str, Any]], personal: bool) -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel then reads Thai right), a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = columns(personal)
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            elif isinstance(value, str):
                cells.append(spreadsheet_safe(value))
            else:
                cells.append(value)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], personal: bool) -> bytes:
    """An Excel workbook of one sheet ``complaints``: a bold header row, then the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("complaints")
    names = columns(personal)
    bold = Font(bold=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
