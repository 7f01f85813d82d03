"""Warnings raised by domain rules, and citizens' observation reports.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("domain", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=True),
        sa.Column("district_code", sa.String(8), nullable=True),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("headline_th", sa.Text, nullable=False),
        sa.Column("headline_en", sa.Text, nullable=False),
        sa.Column("description_th", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("threshold", sa.Float, nullable=True),
        sa.Column("observed_at", TZ, nullable=False),
        sa.Column("expected_at", TZ, nullable=True),
        sa.Column("probability", sa.Float, nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("cleared_at", TZ, nullable=True),
    )
    op.create_index("ix_warnings_status", "warnings", ["status", "domain"])
    op.create_index("ix_warnings_key", "warnings", ["domain", "kind", "station_id", "status"])
    op.create_table(
        "citizen_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("district_code", sa.String(8), nullable=True),
        sa.Column("observed_at", TZ, nullable=False),
        sa.Column("photo_type", sa.String(40), nullable=True),
        sa.Column("photo", sa.LargeBinary, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_citizen_reports_observed", "citizen_reports", ["observed_at"])


def downgrade() -> None:
    op.drop_table("citizen_reports")
    op.drop_table("warnings")
