"""Schools, enrolment, teachers, courses, completions and devices from CSV/Excel or JSON rows.

Each kind is a list of columns with a parser (:data:`KINDS`). Every row is checked first
(values, references to schools/teachers/courses already stored, repeated keys) and each bad
row is reported by its line number (the header is line 1; JSON rows are numbered from 0).
All or nothing by default; with ``skip_invalid`` the good rows are stored. Rows are
inserted or replaced by key, so re-importing a file stores nothing new.

Dates may be ``YYYY-MM-DD`` in the Gregorian or the Buddhist era (a year above 2400 is
read as BE: 2568-06-01 is 2025-06-01), or Excel dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import BatchRejected, InvalidInput, ItemError
from paknam.core.stations import district_codes, district_locator
from paknam.core.tabular import Table
from paknam.core.text import find_control
from paknam.core.timeutil import BANGKOK
from paknam.people.schema import completions, courses, devices, enrolments, schools, teachers
from paknam.people.terms import BE_OFFSET, all_terms

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_TRUE = {"1", "true", "yes", "y", "ใช่", "x"}
_FALSE = {"0", "false", "no", "n", "ไม่ใช่", ""}


def _text(limit: int) -> Callable[[object], str]:
    def parse(cell: object) -> str:
        text = str(cell).strip()
        if not text or len(text) > limit:
            raise ValueError(f"must be 1–{limit} characters")
        at = find_control(text)
        if at is not None:
            raise ValueError(
                f"contains the control character U+{ord(text[at]):04X} at position {at} "
                "(มีอักขระควบคุมที่ไม่อนุญาต)"
            )
        return text

    return parse


def _ident(cell: object) -> str:
    text = str(cell).strip()
    if isinstance(cell, float) and cell == int(cell):  # Excel numbers: 1011100001.0
        text = str(int(cell))
    if not _ID.match(text):
        raise ValueError(f"{text!r} is not an id (letters, digits, _ . -; at most 64)")
    return text


def _bool(cell: object) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{cell!r} is not yes/no (true/false, 1/0)")


def _float(lo: float, hi: float) -> Callable[[object], float]:
    def parse(cell: object) -> float:
        try:
            value = float(str(cell).replace(",", "")) if isinstance(cell, str) else float(cell)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{cell!r} is not a number") from None
        if not lo <= value <= hi:
            raise ValueError(f"{value} is outside {lo}–{hi}")
        return value

    return parse


def _count(cell: object) -> int:
    value = _float(0, 100_000)(cell)
    if value != int(value):
        raise ValueError(f"{cell!r} is not a whole number")
    return int(value)


def parse_date(cell: object) -> date:
    """A date from an Excel cell or ``YYYY-MM-DD`` (Buddhist-era years accepted)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", str(cell).strip())
    if not match:
        raise ValueError(f"{cell!r} is not a date YYYY-MM-DD")
    year, month, day = (int(x) for x in match.groups())
    if year > 2400:
        year -= BE_OFFSET
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{cell!r}: {exc}") from None


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[object], Any]
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class Kind:
    table: sa.Table
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    refs: dict[str, str] = field(default_factory=dict)  # column -> kind it refers to


KINDS: dict[str, Kind] = {
    "schools": Kind(
        schools,
        ("id",),
        (
            Column("id", _ident),
            Column("name_th", _text(300)),
            Column("name_en", _text(300)),
            Column("district_code", _ident, required=False),
            Column("lon", _float(-180, 180), required=False),
            Column("lat", _float(-90, 90), required=False),
            Column("obec", _bool, required=False, default=True),
            Column("sample", _bool, required=False, default=False),
        ),
    ),
    "enrolments": Kind(
        enrolments,
        ("school_id", "term"),
        (Column("school_id", _ident), Column("term", _ident), Column("students", _count)),
        {"school_id": "schools"},
    ),
    "teachers": Kind(
        teachers,
        ("id",),
        (
            Column("id", _ident),
            Column("school_id", _ident),
            Column("sample", _bool, required=False, default=False),
        ),
        {"school_id": "schools"},
    ),
    "courses": Kind(
        courses,
        ("id",),
        (
            Column("id", _ident),
            Column("name_th", _text(300)),
            Column("name_en", _text(300)),
            Column("pbl", _bool, required=False, default=True),
            Column("hours", _float(0, 10_000), required=False),
            Column("sample", _bool, required=False, default=False),
        ),
    ),
    "completions": Kind(
        completions,
        ("teacher_id", "course_id"),
        (
            Column("teacher_id", _ident),
            Column("course_id", _ident),
            Column("completed_on", parse_date),
        ),
        {"teacher_id": "teachers", "course_id": "courses"},
    ),
    "devices": Kind(
        devices,
        ("id",),
        (
            Column("id", _ident),
            Column("school_id", _ident),
            Column("label", _text(200), required=False, default=""),
            Column("sample", _bool, required=False, default=False),
        ),
        {"school_id": "schools"},
    ),
}


@dataclass
class ImportReport:
    kind: str
    received: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "received": self.received,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored_columns": self.ignored_columns,
            "errors": [e.as_dict() for e in self.errors],
        }


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _parse_row(kind: Kind, cells: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in kind.columns:
        cell = cells.get(col.name)
        if _blank(cell):
            if col.required:
                raise InvalidInput(f"{col.name} is empty", field=col.name)
            row[col.name] = col.default
            continue
        try:
            row[col.name] = col.parse(cell)
        except ValueError as exc:
            raise InvalidInput(f"{col.name}: {exc}", field=col.name) from None
    return row


class _Checker:
    """Checks that need the store: references, districts, terms, locations."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids: dict[str, set[str]] = {}
        self._districts = set(district_codes(conn))
        self._terms = set(all_terms(conn))

    def ids(self, kind: str) -> set[str]:
        if kind not in self._ids:
            t = KINDS[kind].table
            self._ids[kind] = {r[0] for r in self.conn.execute(sa.select(t.c.id))}
        return self._ids[kind]

    def check(self, kind_name: str, row: dict[str, Any]) -> None:
        kind = KINDS[kind_name]
        for col, target in kind.refs.items():
            if row[col] not in self.ids(target):
                raise InvalidInput(
                    f"{col} {row[col]!r} is not a stored {target[:-1]}; import the {target} first",
                    field=col,
                )
        if kind_name == "enrolments" and row["term"] not in self._terms:
            raise InvalidInput(f"term {row['term']!r} is not configured", field="term")
        if kind_name == "completions" and row["completed_on"] > datetime.now(BANGKOK).date():
            raise InvalidInput(
                f"completed_on {row['completed_on']} is in the future", field="completed_on"
            )
        if kind_name == "schools":
            self._place_school(row)

    def _place_school(self, row: dict[str, Any]) -> None:
        if (row["lon"] is None) != (row["lat"] is None):
            raise InvalidInput("give both lon and lat, or neither", field="lon")
        if row["lon"] is not None:
            code = district_locator(self.conn).locate(row["lon"], row["lat"])
            if code is None:
                raise InvalidInput(
                    f"lon {row['lon']}, lat {row['lat']} is outside the province", field="lon"
                )
            if row["district_code"] not in (None, code):
                raise InvalidInput(
                    f"district_code {row['district_code']} but lon/lat lie in {code}",
                    field="district_code",
                )
            row["district_code"] = code
        elif row["district_code"] is not None and row["district_code"] not in self._districts:
            raise InvalidInput(
                f"unknown district_code {row['district_code']!r}; known: "
                f"{', '.join(sorted(self._districts))}",
                field="district_code",
            )


def _write(conn: Connection, kind_name: str, rows: list[dict[str, Any]]) -> tuple[int, int]:
    kind = KINDS[kind_name]
    t = kind.table
    now = datetime.now(UTC)
    stored = unchanged = 0
    for row in rows:
        key = sa.and_(*(t.c[k] == row[k] for k in kind.key))
        current = conn.execute(sa.select(t).where(key)).first()
        extra = {}
        if "updated_at" in t.c:
            extra["updated_at"] = now
        if "created_at" in t.c and current is None:
            extra["created_at"] = now
        if current is None:
            conn.execute(t.insert().values(**row, **extra))
            stored += 1
        elif {k: current._mapping[k] for k in row} != row:
            conn.execute(t.update().where(key).values(**row, **extra))
            stored += 1
        else:
            unchanged += 1
    return stored, unchanged


def import_rows(
    conn: Connection,
    kind_name: str,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    columns: list[str] | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Check ``(line, cells)`` rows of one kind, then store the good ones on ``conn``."""
    if kind_name not in KINDS:
        raise InvalidInput(
            f"unknown kind {kind_name!r}; use one of {', '.join(KINDS)}", field="kind"
        )
    kind = KINDS[kind_name]
    known = {c.name for c in kind.columns}
    report = ImportReport(kind_name, received=len(rows))
    if columns is not None:
        missing = [c.name for c in kind.columns if c.required and c.name not in columns]
        if missing:
            raise InvalidInput(f"{kind_name}: the file lacks column(s) {missing}", field=missing[0])
        report.ignored_columns = [c for c in columns if c and c not in known]
    checker = _Checker(conn)
    seen: dict[tuple[Any, ...], int] = {}
    good = []
    for line, cells in rows:
        try:
            row = _parse_row(kind, cells)
            checker.check(kind_name, row)
        except InvalidInput as exc:
            report.errors.append(ItemError(line, str(exc), exc.field))
            continue
        key = tuple(row[k] for k in kind.key)
        if key in seen:
            report.errors.append(ItemError(line, f"{key} repeats line {seen[key]}", kind.key[0]))
            continue
        seen[key] = line
        good.append(row)
    report.rejected = len(report.errors)
    if report.errors and not skip_invalid:
        raise BatchRejected(report.errors, len(rows))
    report.stored, report.unchanged = _write(conn, kind_name, good)
    return report


def import_table(
    conn: Connection, kind_name: str, table: Table, *, skip_invalid: bool = False
) -> ImportReport:
    """:func:`import_rows` of a CSV/Excel table (errors name the file's line numbers)."""
    return import_rows(
        conn, kind_name, table.rows, columns=table.columns, skip_invalid=skip_invalid
    )
