"""Complaints: the citizen's optional contact for a call back (web form), encrypted.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_contacts",
        sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address_enc", sa.LargeBinary, nullable=False),
        sa.Column("created_s", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("complaint_contacts")
