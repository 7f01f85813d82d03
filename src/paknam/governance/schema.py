"""Tables of the governance domain: the CAP alerts we issued.

Declared on the platform's :data:`paknam.core.schema.metadata`; created by migration 0005.

- ``alerts``: every CAP message we issued (Alert, Update, Cancel), with the XML exactly as
  published. Messages about one event share a ``thread_id`` (the id of its first Alert).

The subscribers and the outbox are the notification service's
(:mod:`paknam.core.notify.schema`).
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

alerts = sa.Table(
    "alerts",
    metadata,
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
