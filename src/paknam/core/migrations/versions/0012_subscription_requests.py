"""Verified subscriptions: SMS and e-mail subscriptions wait in ``subscription_requests``
until their one-time code or confirmation link is confirmed. Existing subscribers are not
touched (those active stay active).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscription_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("link_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("address_enc", sa.LargeBinary, nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("districts", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("notice_version", sa.String(40), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("sent", sa.String(200), nullable=True),
    )
    op.create_index("ix_subscription_requests_expires", "subscription_requests", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_subscription_requests_expires", table_name="subscription_requests")
    op.drop_table("subscription_requests")
