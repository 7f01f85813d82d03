"""The store's generation on PostgreSQL: a sequence advanced after every committed write,
so that each server process can tell cheaply that its cached answers are out of date
(SQLite tells the same with ``PRAGMA data_version``; nothing to create there).

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS paknam_generation")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS paknam_generation")
