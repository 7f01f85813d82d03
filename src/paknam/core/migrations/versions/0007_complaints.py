"""Complaints (Open311 GeoReport v2): requests, their event log, photos, +1s, API keys.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

S = sa.BigInteger  # UTC epoch seconds


def upgrade() -> None:
    op.create_table(
        "complaint_api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_s", S, nullable=False),
        sa.Column("revoked_s", S, nullable=True),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("district_code", sa.String(8), nullable=True),
        sa.Column("agency_code", sa.String(40), nullable=True),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("media_url", sa.Text, nullable=True),
        sa.Column("requested_s", S, nullable=False),
        sa.Column("updated_s", S, nullable=False),
        sa.Column("due_s", S, nullable=False),
        sa.Column("first_resolved_s", S, nullable=True),
        sa.Column("closed_s", S, nullable=True),
        sa.Column("reopen_count", sa.Integer, nullable=False),
        sa.Column("escalation_level", sa.Integer, nullable=False),
        sa.Column("last_reminder_s", S, nullable=True),
        sa.Column("supporters", sa.Integer, nullable=False),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("rating_comment", sa.Text, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("client", sa.String(40), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("suggested", sa.JSON, nullable=True),
        sa.UniqueConstraint("client", "idempotency_key", name="uq_complaints_idempotency"),
    )
    op.create_index("ix_complaints_status", "complaints", ["status", "agency_code"])
    op.create_index("ix_complaints_requested", "complaints", ["requested_s"])
    op.create_index("ix_complaints_fingerprint", "complaints", ["fingerprint"])
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), nullable=False),
        sa.Column("at_s", S, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("agency_code", sa.String(40), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("public", sa.Boolean, nullable=False),
    )
    op.create_index("ix_complaint_events_complaint_id", "complaint_events", ["complaint_id"])
    op.create_table(
        "complaint_photos",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("created_s", S, nullable=False),
    )
    op.create_index("ix_complaint_photos_complaint_id", "complaint_photos", ["complaint_id"])
    op.create_table(
        "complaint_supporters",
        sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
        sa.Column("supporter_hash", sa.String(64), primary_key=True),
        sa.Column("created_s", S, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("complaint_supporters")
    op.drop_table("complaint_photos")
    op.drop_table("complaint_events")
    op.drop_table("complaints")
    op.drop_table("complaint_api_keys")
