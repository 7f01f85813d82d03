"""Complaints: the Traffy Fondue bridge (ticket links, the outbox of pushes back to
Traffy, the monthly credit quota, the last sync).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "traffy_tickets",
        sa.Column("ticket_id", sa.String(40), primary_key=True),
        sa.Column(
            "complaint_id",
            sa.Integer,
            sa.ForeignKey("complaints.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("org_id", sa.String(40), nullable=True),
        sa.Column("traffy_type", sa.String(200), nullable=True),
        sa.Column("traffy_status", sa.String(100), nullable=True),
        sa.Column("photos", sa.JSON, nullable=False),
        sa.Column("photos_after", sa.JSON, nullable=False),
        sa.Column("last_activity_s", sa.BigInteger, nullable=True),
        sa.Column("imported_via", sa.String(10), nullable=False),
        sa.Column("imported_s", sa.BigInteger, nullable=False),
        sa.Column("updated_s", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "traffy_pushes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey("complaint_events.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("complaint_id", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("state_name", sa.String(100), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_s", sa.BigInteger, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_s", sa.BigInteger, nullable=False),
        sa.Column("claimed_s", sa.BigInteger, nullable=True),
        sa.Column("sent_s", sa.BigInteger, nullable=True),
        sa.Column("echoed_s", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_traffy_pushes_ticket_id", "traffy_pushes", ["ticket_id"])
    op.create_index("ix_traffy_pushes_due", "traffy_pushes", ["state", "next_attempt_s"])
    op.create_table(
        "traffy_quota",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.Column("credit_balance", sa.Integer, nullable=True),
        sa.Column("quota_limit", sa.Integer, nullable=True),
        sa.Column("exhausted", sa.Boolean, nullable=False),
        sa.Column("warning", sa.Text, nullable=True),
        sa.Column("updated_s", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "traffy_state",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value_s", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("traffy_state")
    op.drop_table("traffy_quota")
    op.drop_index("ix_traffy_pushes_due", table_name="traffy_pushes")
    op.drop_index("ix_traffy_pushes_ticket_id", table_name="traffy_pushes")
    op.drop_table("traffy_pushes")
    op.drop_table("traffy_tickets")
