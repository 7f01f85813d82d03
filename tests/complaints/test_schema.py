"""The migration creates exactly the tables and columns that ``complaints.schema`` declares."""

from __future__ import annotations

import sqlalchemy as sa

from paknam.complaints import schema
from paknam.core.store import Store

TABLES = [
    schema.complaint_api_keys,
    schema.complaints,
    schema.complaint_events,
    schema.complaint_photos,
    schema.complaint_supporters,
]


def test_migrated_tables_match_the_declared_ones(store: Store) -> None:
    with store.read() as conn:
        inspector = sa.inspect(conn)
        for table in TABLES:
            got = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
            want = {c.name: c.nullable for c in table.c}
            assert got == want, table.name
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name
