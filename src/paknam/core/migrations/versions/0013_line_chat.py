"""Complaints filed in the LINE chat: the conversation drafts and the link from a complaint
to its reporter's LINE user (encrypted).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_conversations",
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("draft", sa.JSON, nullable=False),
        sa.Column("photo", sa.LargeBinary, nullable=True),
        sa.Column("updated_s", sa.BigInteger, nullable=False),
        sa.Column("expires_s", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_line_conversations_expires", "line_conversations", ["expires_s"])
    op.create_table(
        "complaint_line_links",
        sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("user_enc", sa.LargeBinary, nullable=False),
        sa.Column("token_enc", sa.LargeBinary, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("created_s", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_complaint_line_links_user", "complaint_line_links", ["user_hash"])


def downgrade() -> None:
    op.drop_index("ix_complaint_line_links_user", table_name="complaint_line_links")
    op.drop_table("complaint_line_links")
    op.drop_index("ix_line_conversations_expires", table_name="line_conversations")
    op.drop_table("line_conversations")
