"""CAP alerts, subscribers with consent, the notification outbox, LINE webhook events.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("thread_id", sa.Integer, nullable=True, index=True),
        sa.Column("identifier", sa.String(200), nullable=False, unique=True),
        sa.Column("sender", sa.String(200), nullable=False),
        sa.Column("sent", TZ, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("msg_type", sa.String(10), nullable=False),
        sa.Column("references", sa.Text, nullable=True),
        sa.Column("topic", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("event_th", sa.Text, nullable=False),
        sa.Column("event_en", sa.Text, nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("certainty", sa.String(20), nullable=False),
        sa.Column("headline_th", sa.Text, nullable=False),
        sa.Column("headline_en", sa.Text, nullable=False),
        sa.Column("description_th", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("instruction_th", sa.Text, nullable=True),
        sa.Column("instruction_en", sa.Text, nullable=True),
        sa.Column("expires", TZ, nullable=False),
        sa.Column("districts", sa.JSON, nullable=False),
        sa.Column("area", sa.JSON, nullable=False),
        sa.Column("warning_id", sa.Integer, nullable=True, index=True),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("simulated", sa.Boolean, nullable=False),
        sa.Column("cap_xml", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("address_enc", sa.LargeBinary, nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("manage_hash", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("channel", "address_hash", name="uq_subscriber_address"),
    )
    for name, col, width in (
        ("subscriber_districts", "district_code", 8),
        ("subscriber_topics", "topic", 20),
        ("subscriber_groups", "group_code", 40),
    ):
        op.create_table(
            name,
            sa.Column(
                "subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), primary_key=True
            ),
            sa.Column(col, sa.String(width), primary_key=True),
        )
    op.create_index("ix_subscriber_districts_code", "subscriber_districts", ["district_code"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("notice_version", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("granted_at", TZ, nullable=False),
        sa.Column("withdrawn_at", TZ, nullable=True),
    )
    op.create_index("ix_consents_subscriber", "consents", ["subscriber_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, nullable=True, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("audience", sa.JSON, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("recipients", sa.Integer, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("subscriber_id", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_s", sa.BigInteger, nullable=False),
        sa.Column("batch_key", sa.String(36), nullable=True),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("sent_s", sa.Float, nullable=True),
        sa.UniqueConstraint("message_id", "subscriber_id", name="uq_delivery_recipient"),
    )
    op.create_index("ix_deliveries_batch", "deliveries", ["batch_key"])
    op.create_index("ix_deliveries_queue", "deliveries", ["state", "channel", "id"])
    op.create_table(
        "webhook_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("received_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for name in (
        "webhook_events",
        "deliveries",
        "messages",
        "consents",
        "subscriber_groups",
        "subscriber_topics",
        "subscriber_districts",
        "subscribers",
        "alerts",
    ):
        op.drop_table(name)
