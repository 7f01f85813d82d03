"""Schools as stored (on the caller's connection)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.people.errors import UnknownSchool
from paknam.people.schema import schools


def list_schools(conn: Connection) -> list[dict[str, Any]]:
    """Every school's stored row (no figures), by id."""
    return [dict(r._mapping) for r in conn.execute(sa.select(schools).order_by(schools.c.id))]


def get_school(conn: Connection, school_id: str) -> Any:
    """A school's stored row; :class:`UnknownSchool` otherwise."""
    row = conn.execute(sa.select(schools).where(schools.c.id == school_id)).first()
    if row is None:
        raise UnknownSchool(f"school {school_id!r} does not exist")
    return row
