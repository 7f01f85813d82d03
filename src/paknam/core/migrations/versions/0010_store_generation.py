"""The store's generation: a value every committed write advances, so that each server
process can tell cheaply that its cached answers are out of date (paknam.core.http.cache).

SQLite: one row counting writes (advanced inside each write transaction). PostgreSQL: a
sequence advanced after each commit (no row lock for concurrent writers to queue on).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS paknam_generation")
    else:
        op.create_table(
            "store_generation",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("token", sa.BigInteger, nullable=False),
            sa.Column("n", sa.BigInteger, nullable=False),
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS paknam_generation")
    else:
        op.drop_table("store_generation")
