"""The people domain's operations on the store: the one place that opens transactions.

The routes, the commands, the demo and the registry hooks call these; each takes the
:class:`~paknam.core.store.Store`, reads or writes in one transaction, and returns plain
Python values (dicts, lists, :class:`~paknam.people.terms.Term`, report dataclasses) that
the edges serialise. Below this module everything takes a ``Connection``
(:mod:`~paknam.people.schools`, :mod:`~paknam.people.terms`,
:mod:`~paknam.people.imports`, :mod:`~paknam.people.statements`,
:mod:`~paknam.people.indicators`) or plain values (:mod:`~paknam.people.xapi`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from paknam.core.auth import Principal
from paknam.core.registry import Indicator, with_basis
from paknam.core.store import Store
from paknam.core.tabular import Table, parse_table
from paknam.core.timeutil import BANGKOK
from paknam.people import imports, indicators, schools, statements, terms
from paknam.people.imports import ImportReport
from paknam.people.statements import StatementResult

Rows = list[tuple[int, dict[str, Any]]]
"""``(line or index, {column: cell})`` rows of one kind."""

# ---- terms ---------------------------------------------------------------------------------


def list_terms(store: Store) -> list[terms.Term]:
    """Every configured term, by start."""
    with store.read() as conn:
        return list(terms.all_terms(conn).values())


def current_term(store: Store, today: date) -> terms.Term | None:
    """The term holding ``today``, else the newest one ended."""
    with store.read() as conn:
        return terms.current_term(conn, today)


def set_term(store: Store, term_id: str, start: date, end: date) -> terms.Term:
    """Store the official dates of a term (checked; replacing earlier ones)."""
    term = terms.make_term(term_id, start, end)
    with store.write() as conn:
        terms.set_term(conn, term)
    return term


# ---- schools and indicators ----------------------------------------------------------------


def schools_for_term(
    store: Store,
    term_id: str | None = None,
    *,
    today: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """``{"term": ..., "schools": [...]}``: each school's figures for the term (default:
    the current one), or the stored rows when no term is configured; ``limit``/``offset``
    take one page of the schools."""
    today = today or datetime.now(BANGKOK).date()
    with store.read() as conn:
        term = indicators.resolve_term(conn, term_id, today)
        if term is None:
            found, term_doc = schools.list_schools(conn), None
        else:
            found, term_doc = indicators.school_table(conn, term), term.as_dict()
    page = found[offset:] if limit is None else found[offset : offset + limit]
    return {"term": term_doc, "schools": page}


def school_figures(
    store: Store, school_id: str, term_id: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """One school's figures for a term, against the province targets."""
    with store.read() as conn:
        return indicators.school_indicators(conn, school_id, term_id, today)


def indicator_records(
    store: Store, term_id: str | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """The three Smart People indicators for a term (records for the API and the CLI)."""
    with store.read() as conn:
        return indicators.people_indicators(conn, term_id, today)


def board_indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """Teachers trained and students using PBL devices, for the board (by term); figures
    that count sample rows are labelled ``basis: sample`` and not judged."""
    return [
        Indicator.from_dict(
            with_basis(r, "sample" if (r.get("details") or {}).get("sample") else "measured")
        )
        for r in indicator_records(store)
    ]


# ---- imports -------------------------------------------------------------------------------


def import_rows(store: Store, kind: str, rows: Rows, *, skip_invalid: bool = False) -> ImportReport:
    """Check rows of one kind, then store the good ones in one transaction."""
    with store.write() as conn:
        return imports.import_rows(conn, kind, rows, skip_invalid=skip_invalid)


def import_table(
    store: Store, kind: str, table: Table, *, skip_invalid: bool = False
) -> ImportReport:
    """:func:`import_rows` of a CSV/Excel table (errors name the file's line numbers)."""
    with store.write() as conn:
        return imports.import_table(conn, kind, table, skip_invalid=skip_invalid)


def import_file(
    store: Store, kind: str, data: bytes, filename: str, *, skip_invalid: bool = False
) -> ImportReport:
    """:func:`import_table` of an uploaded CSV or .xlsx file."""
    return import_table(store, kind, parse_table(data, filename), skip_invalid=skip_invalid)


def import_batches(store: Store, batches: Sequence[tuple[str, Rows]]) -> list[ImportReport]:
    """Several kinds in order (schools before the rows that name them), in one transaction."""
    with store.write() as conn:
        return [imports.import_rows(conn, kind, rows) for kind, rows in batches]


# ---- PBL device statements -----------------------------------------------------------------


def ingest_statements(
    store: Store, items: Sequence[object], *, principal: Principal | None = None
) -> StatementResult:
    """Check, authorise and store a batch of xAPI statements (all or nothing)."""
    with store.write() as conn:
        return statements.ingest_statements(conn, items, principal=principal)


def create_gateway(store: Store, school_id: str) -> tuple[str, int, str]:
    """The school's gateway station (created if needed) and a new device key for it:
    ``(station id, key id, key)``; the key is shown this once."""
    with store.write() as conn:
        sid = statements.ensure_gateway(conn, school_id)
    key_id, key, _prefix = store.create_device_key([sid], f"PBL devices of {school_id}")
    return sid, key_id, key
