"""Tables of the Traffy Fondue bridge (migration ``0014_traffy``; owned by the complaints
domain).

``traffy_tickets`` links a Traffy ticket to the complaint it became (both unique).
``traffy_pushes`` is the outbox of paknam's own changes going back to Traffy: one row per
logged status change (``event_id`` unique, so a change is queued once), delivered with
retries and marked ``sent`` once. ``traffy_quota`` keeps the month's credit count and the
balance Traffy last reported; ``traffy_state`` the time of the last polled sync.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

traffy_tickets = sa.Table(
    "traffy_tickets",
    metadata,
    sa.Column("ticket_id", sa.String(40), primary_key=True),
    sa.Column(
        "complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), nullable=False, unique=True
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

traffy_pushes = sa.Table(
    "traffy_pushes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "event_id",
        sa.Integer,
        sa.ForeignKey("complaint_events.id"),
        nullable=False,
        unique=True,
    ),
    sa.Column("complaint_id", sa.Integer, nullable=False),
    sa.Column("ticket_id", sa.String(40), nullable=False, index=True),
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
sa.Index("ix_traffy_pushes_due", traffy_pushes.c.state, traffy_pushes.c.next_attempt_s)

traffy_quota = sa.Table(
    "traffy_quota",
    metadata,
    sa.Column("month", sa.String(7), primary_key=True),  # YYYY-MM, Thai time
    sa.Column("calls", sa.Integer, nullable=False),
    sa.Column("credit_balance", sa.Integer, nullable=True),
    sa.Column("quota_limit", sa.Integer, nullable=True),
    sa.Column("exhausted", sa.Boolean, nullable=False),
    sa.Column("warning", sa.Text, nullable=True),
    sa.Column("updated_s", sa.BigInteger, nullable=False),
)

traffy_state = sa.Table(
    "traffy_state",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value_s", sa.BigInteger, nullable=True),
)
