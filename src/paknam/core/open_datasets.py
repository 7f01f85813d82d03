"""Open datasets that officers upload (CSV or .xlsx): their metadata and their rows, stored
so that the open-data catalogue serves them like the domains' datasets (CKAN
``datastore_search`` filters, sorts and pages them in SQL).

Tables ``open_datasets`` and ``open_dataset_rows`` (migration ``0018``). A row's cells are
one JSON array in the columns' order (read by position, so any column name works on both
engines); ``search`` holds the row's text, case-folded, for ``q``. Creating, replacing
the file (a new version) and deleting are each one transaction, with an audit entry: a
refused file leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core import audit
from paknam.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from paknam.core.open_upload import Cell, ParsedTable
from paknam.core.schema import metadata
from paknam.core.store import Store
from paknam.core.timeutil import now_s

open_datasets = sa.Table(
    "open_datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("owner", sa.String(100), nullable=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("filename", sa.String(300), nullable=False),
    sa.Column("created_s", sa.BigInteger, nullable=False),
    sa.Column("modified_s", sa.BigInteger, nullable=False),
)

open_dataset_rows = sa.Table(
    "open_dataset_rows",
    metadata,
    sa.Column(
        "dataset_id",
        sa.Integer,
        sa.ForeignKey("open_datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("row_no", sa.Integer, primary_key=True),
    sa.Column("cells", sa.JSON, nullable=False),
    sa.Column("search", sa.Text, nullable=False),
)

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,98}[a-z0-9]$")
"""A dataset's name (CKAN's rule: lower case letters, digits and ``-``; 3 to 100)."""


@dataclass(frozen=True)
class OpenDataset:
    """One uploaded dataset as stored (``meta``: titles, notes, keywords, licence ...)."""

    id: int
    name: str
    owner: str
    meta: dict[str, Any]
    fields: list[tuple[str, str]]
    row_count: int
    version: int
    filename: str
    created_s: int
    modified_s: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owner": self.owner,
            **self.meta,
            "fields": [{"id": n, "type": t} for n, t in self.fields],
            "rows": self.row_count,
            "version": self.version,
            "filename": self.filename,
            "created_s": self.created_s,
            "modified_s": self.modified_s,
        }


def _from_row(r: Any) -> OpenDataset:
    return OpenDataset(
        r.id, r.name, r.owner, dict(r.meta), [(n, t) for n, t in r.fields], r.row_count,
        r.version, r.filename, r.created_s, r.modified_s,
    )  # fmt: skip


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise InvalidInput(
            f"name {name!r}: 3-100 characters, lower-case letters a-z, digits and '-' "
            "(ชื่อชุดข้อมูลใช้ a-z 0-9 และ -)",
            field="name",
        )
    return name


def list_all(store: Store) -> list[OpenDataset]:
    """Every uploaded dataset, by name."""
    with store.read() as conn:
        rows = conn.execute(sa.select(open_datasets).order_by(open_datasets.c.name)).all()
    return [_from_row(r) for r in rows]


def get(store: Store, name: str) -> OpenDataset:
    with store.read() as conn:
        r = conn.execute(sa.select(open_datasets).where(open_datasets.c.name == name)).first()
    if r is None:
        raise NotFound(f"no uploaded dataset {name!r}")
    return _from_row(r)


def _search_text(cells: Sequence[Cell]) -> str:
    return "\n".join(str(c) for c in cells if c is not None).casefold()


def _insert_rows(conn: Connection, dataset_id: int, table: ParsedTable) -> None:
    batch: list[dict[str, Any]] = []
    for i, cells in enumerate(table.rows, start=1):
        batch.append(
            {"dataset_id": dataset_id, "row_no": i, "cells": cells, "search": _search_text(cells)}
        )
        if len(batch) >= 5000:
            conn.execute(open_dataset_rows.insert(), batch)
            batch = []
    if batch:
        conn.execute(open_dataset_rows.insert(), batch)


def create(
    store: Store,
    name: str,
    meta: Mapping[str, Any],
    table: ParsedTable,
    *,
    owner: str,
    filename: str,
    taken: Sequence[str] = (),
) -> OpenDataset:
    """Store a new dataset with its rows (``taken``: names already used elsewhere)."""
    check_name(name)
    if name in taken:
        raise Conflict(f"the name {name!r} is already a dataset of the catalogue")
    t = now_s()
    with store.write() as conn:
        if conn.execute(sa.select(open_datasets.c.id).where(open_datasets.c.name == name)).first():
            raise Conflict(f"a dataset named {name!r} already exists (ชื่อนี้มีอยู่แล้ว)")
        made = conn.execute(
            open_datasets.insert().values(
                name=name, owner=owner, meta=dict(meta), fields=[list(f) for f in table.fields],
                row_count=len(table.rows), version=1, filename=filename[:300],
                created_s=t, modified_s=t,
            )
        )  # fmt: skip
        dataset_id = int(made.inserted_primary_key[0])  # type: ignore[index]
        _insert_rows(conn, dataset_id, table)
        audit.record(
            conn, "open_dataset", "create", name, owner,
            {"rows": len(table.rows), "columns": len(table.fields), "filename": filename},
        )  # fmt: skip
    return get(store, name)


def _may_change(ds: OpenDataset, actor: str, role: str | None) -> None:
    if role != "admin" and ds.owner != actor:
        raise PermissionDenied(
            f"dataset {ds.name!r} belongs to {ds.owner}; only they or an admin may change it"
        )


def replace_file(
    store: Store, name: str, table: ParsedTable, *, actor: str, role: str | None, filename: str
) -> OpenDataset:
    """A new version of the dataset's rows (the columns may change)."""
    ds = get(store, name)
    _may_change(ds, actor, role)
    with store.write() as conn:
        conn.execute(open_dataset_rows.delete().where(open_dataset_rows.c.dataset_id == ds.id))
        conn.execute(
            open_datasets.update()
            .where(open_datasets.c.id == ds.id)
            .values(
                fields=[list(f) for f in table.fields], row_count=len(table.rows),
                version=open_datasets.c.version + 1, filename=filename[:300],
                modified_s=now_s(),
            )
        )  # fmt: skip
        _insert_rows(conn, ds.id, table)
        audit.record(
            conn, "open_dataset", "replace", name, actor,
            {"rows": len(table.rows), "version": ds.version + 1, "filename": filename},
        )  # fmt: skip
    return get(store, name)


def update_meta(
    store: Store, name: str, meta: Mapping[str, Any], *, actor: str, role: str | None
) -> OpenDataset:
    ds = get(store, name)
    _may_change(ds, actor, role)
    with store.write() as conn:
        conn.execute(
            open_datasets.update()
            .where(open_datasets.c.id == ds.id)
            .values(meta=dict(meta), modified_s=now_s())
        )
        audit.record(conn, "open_dataset", "metadata", name, actor, {})
    return get(store, name)


def delete(store: Store, name: str, *, actor: str, role: str | None) -> None:
    ds = get(store, name)
    _may_change(ds, actor, role)
    with store.write() as conn:
        conn.execute(open_dataset_rows.delete().where(open_dataset_rows.c.dataset_id == ds.id))
        conn.execute(open_datasets.delete().where(open_datasets.c.id == ds.id))
        audit.record(conn, "open_dataset", "delete", name, actor, {"version": ds.version})


# ---- reading rows --------------------------------------------------------------------------


def _column(ds: OpenDataset, name: str) -> tuple[sa.ColumnElement[Any], str]:
    for i, (n, kind) in enumerate(ds.fields):
        if n == name:
            cell = open_dataset_rows.c.cells[i]
            return (cell.as_float() if kind == "numeric" else cell.as_string()), kind
    raise InvalidInput(f"unknown field {name!r}", field="filters")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _where(
    ds: OpenDataset, filters: Mapping[str, Any], q: str | None
) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = [open_dataset_rows.c.dataset_id == ds.id]
    unknown = sorted(set(filters) - {n for n, _ in ds.fields})
    if unknown:
        raise InvalidInput(f"unknown filter field(s): {', '.join(unknown)}", field="filters")
    for name, wanted in filters.items():
        column, kind = _column(ds, name)
        values: list[Any] = []
        for w in _as_list(wanted):
            if kind == "numeric":
                try:
                    values.append(float(w))
                except (TypeError, ValueError):
                    raise InvalidInput(f"{name}: not a number: {w!r}", field="filters") from None
            else:
                values.append(str(w))
        conds.append(column.in_(values))
    if q:
        term = q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(open_dataset_rows.c.search.like(f"%{term}%", escape="\\"))
    return conds


def query_rows(
    store: Store,
    ds: OpenDataset,
    *,
    filters: Mapping[str, Any],
    q: str | None,
    sort: Sequence[tuple[str, bool]],
    limit: int,
    offset: int,
    total: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """One page of rows as {column: cell} and how many rows match."""
    conds = _where(ds, filters, q)
    order = []
    for name, desc in sort:
        column, _ = _column(ds, name)
        order.append(column.desc().nulls_last() if desc else column.asc().nulls_last())
    order.append(open_dataset_rows.c.row_no.asc())
    query = (
        sa.select(open_dataset_rows.c.cells)
        .where(*conds)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    names = [n for n, _ in ds.fields]
    with store.read() as conn:
        records = [dict(zip(names, r.cells, strict=False)) for r in conn.execute(query)]
        count = len(records)
        if total:
            count = conn.execute(
                sa.select(sa.func.count()).select_from(open_dataset_rows).where(*conds)
            ).scalar_one()
    return records, int(count)


def iter_rows(store: Store, ds: OpenDataset, page: int = 5000) -> Iterator[list[Cell]]:
    """Every row's cells, in the file's order (for the CSV download)."""
    last = 0
    while True:
        with store.read() as conn:
            rows = conn.execute(
                sa.select(open_dataset_rows.c.row_no, open_dataset_rows.c.cells)
                .where(open_dataset_rows.c.dataset_id == ds.id, open_dataset_rows.c.row_no > last)
                .order_by(open_dataset_rows.c.row_no)
                .limit(page)
            ).all()
        for r in rows:
            yield list(r.cells)
        if len(rows) < page:
            return
        last = rows[-1].row_no
