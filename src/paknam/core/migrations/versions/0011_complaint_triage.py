"""Complaints: the officer triage flag (the classifier was not sure, or disagreed with the
citizen's category).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("triage", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_complaints_triage", "complaints", ["triage", "status"])


def downgrade() -> None:
    op.drop_index("ix_complaints_triage", table_name="complaints")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("triage")
