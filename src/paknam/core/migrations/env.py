"""Alembic environment: run against the connection the store hands over."""

from __future__ import annotations

from alembic import context

from paknam.core.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through paknam.core.store.migrate
    raise RuntimeError("run migrations through paknam (paknam db upgrade), not bare alembic")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
