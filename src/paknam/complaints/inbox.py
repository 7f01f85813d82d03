"""The officers' inbox query: filters, search and sort, shared by the list and its exports.

Search (``q``) finds a complaint by its number (``123`` or ``#123``), by words of its
description or address, or by the name of its district (Thai or English, e.g. ``บางพลี``
or ``Bang Phli``): a complaint matches when any of them does. Sorting keys are
:data:`SORTS`; a leading ``-`` reverses one. Every order ends with the id, so pages never
overlap or skip a complaint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.catalogue import get_service
from paknam.complaints.records import PUBLIC_COLUMNS
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import CLOSED, OPEN, check_state
from paknam.core.errors import InvalidInput
from paknam.core.stations import list_districts

MAX_QUERY = 200
"""Longest search text."""

SORTS = ("due", "created", "updated", "priority")
"""Sort keys of the inbox: SLA due time (the default), filing time, last change, and
priority (overdue open complaints first, then the most escalated, the most supported,
the earliest due)."""

_ID = re.compile(r"^#?\s*(\d{1,10})$")


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the officer asked for (every field optional)."""

    status: str | None = None
    agency_code: str | None = None
    district_code: str | None = None
    service_code: str | None = None
    overdue: bool | None = None
    triage: bool | None = None
    q: str | None = None
    sort: str = "due"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(conn: Connection, q: str) -> Any:
    """The condition of a search text (number, words, district name)."""
    q = q.strip()
    if len(q) > MAX_QUERY:
        raise InvalidInput(f"search text is longer than {MAX_QUERY} characters", field="q")
    found = _ID.match(q)
    if found:
        number = int(found.group(1))
        return table.c.id == number if number < 2**31 else sa.false()
    pattern = _like(q.casefold())
    places = [
        d["code"]
        for d in list_districts(conn)
        if q.casefold() in str(d["name_th"]).casefold()
        or q.casefold() in str(d["name_en"]).casefold()
        or q == d["code"]
    ]
    conditions = [
        sa.func.lower(table.c.description).like(pattern, escape="\\"),
        sa.func.lower(sa.func.coalesce(table.c.address, "")).like(pattern, escape="\\"),
    ]
    if places:
        conditions.append(table.c.district_code.in_(places))
    return sa.or_(*conditions)


def _order(sort: str, now: int) -> list[Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInput(
            f"unknown sort {sort!r}; use one of {', '.join(SORTS)} (with '-' to reverse)",
            field="sort",
        )
    if key == "priority":
        late = sa.case((sa.and_(table.c.status.in_(sorted(OPEN)), table.c.due_s < now), 0), else_=1)
        columns: list[Any] = [late, table.c.escalation_level.desc(), table.c.supporters.desc()]
        columns.append(table.c.due_s)
        if descending:  # least pressing first
            columns = [
                late.desc(),
                table.c.escalation_level,
                table.c.supporters,
                table.c.due_s.desc(),
            ]
        return [*columns, table.c.id.desc() if descending else table.c.id]
    column = {"due": table.c.due_s, "created": table.c.requested_s, "updated": table.c.updated_s}[
        key
    ]
    if descending:
        return [column.desc(), table.c.id.desc()]
    return [column, table.c.id]


def inbox_query(conn: Connection, f: InboxFilter, now: int) -> Any:
    """The SELECT of the complaints ``f`` asks for, in its order (no paging)."""
    query = sa.select(*PUBLIC_COLUMNS)
    if f.status in ("open", "closed"):
        query = query.where(table.c.status.in_(sorted(OPEN if f.status == "open" else CLOSED)))
    elif f.status:
        query = query.where(table.c.status == check_state(f.status))
    if f.agency_code:
        query = query.where(table.c.agency_code == f.agency_code)
    if f.district_code:
        query = query.where(table.c.district_code == f.district_code)
    if f.service_code:
        query = query.where(table.c.service_code == get_service(f.service_code).code)
    if f.triage is not None:
        query = query.where(table.c.triage == f.triage)
    if f.overdue is not None:
        late = sa.and_(table.c.status.in_(sorted(OPEN)), table.c.due_s < now)
        query = query.where(late if f.overdue else sa.not_(late))
    if f.q and f.q.strip():
        query = query.where(_search(conn, f.q))
    return query.order_by(*_order(f.sort or "due", now))


def count(conn: Connection, query: Any) -> int:
    total = conn.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return int(total.scalar() or 0)
