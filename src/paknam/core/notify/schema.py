"""Tables of the notification service: subscribers, consent, the outbox, webhook events.

Declared on the platform's :data:`paknam.core.schema.metadata`; created by migration 0005.

- ``subscribers`` with ``subscriber_districts`` / ``subscriber_topics`` /
  ``subscriber_groups``: who may be reached, where and about what. The address (LINE user
  id, phone number, e-mail) is encrypted at rest; ``address_hash`` (keyed HMAC) finds a
  subscriber again without decrypting.
- ``consents``: PDPA consent per subscriber and purpose, with grant and withdrawal times.
- ``messages`` and ``deliveries``: the outbox. One message (an alert, news or a complaint
  update to an audience) has one delivery per recipient; the worker moves deliveries from
  ``queued`` through ``sending`` to ``sent`` or ``failed``.
- ``webhook_events``: LINE webhook event ids already handled (redeliveries are ignored).
- ``subscription_requests``: SMS and e-mail subscriptions waiting for their one-time code
  or confirmation link (migration 0012).
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

subscribers = sa.Table(
    "subscribers",
    metadata,
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

subscriber_districts = sa.Table(
    "subscriber_districts",
    metadata,
    sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), primary_key=True),
    sa.Column("district_code", sa.String(8), primary_key=True),
    sa.Index("ix_subscriber_districts_code", "district_code"),
)

subscriber_topics = sa.Table(
    "subscriber_topics",
    metadata,
    sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), primary_key=True),
    sa.Column("topic", sa.String(20), primary_key=True),
)

subscriber_groups = sa.Table(
    "subscriber_groups",
    metadata,
    sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), primary_key=True),
    sa.Column("group_code", sa.String(40), primary_key=True),
)

consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), nullable=False),
    sa.Column("purpose", sa.String(40), nullable=False),
    sa.Column("notice_version", sa.String(40), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("granted_at", TZ, nullable=False),
    sa.Column("withdrawn_at", TZ, nullable=True),
    sa.Index("ix_consents_subscriber", "subscriber_id"),
)

messages = sa.Table(
    "messages",
    metadata,
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

deliveries = sa.Table(
    "deliveries",
    metadata,
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
    sa.Index("ix_deliveries_batch", "batch_key"),
    sa.Index("ix_deliveries_queue", "state", "channel", "id"),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("received_at", TZ, nullable=False),
)

subscription_requests = sa.Table(
    "subscription_requests",
    metadata,
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
    sa.Index("ix_subscription_requests_expires", "expires_at"),
)
"""Subscriptions by SMS or e-mail waiting for their owner's proof (migration 0012): the
address (encrypted), the choices, the keyed hash of the one-time code (SMS) or of the link
token (e-mail), attempts, expiry. ``state``: ``pending`` → ``verified`` or ``dead`` (out of
attempts, expired, not sent). Nothing is ever sent to a request but its verification
message; its subscriber row is made (or changed) only when it is verified. Rows are
deleted a day after they expire (:func:`paknam.core.notify.verify.purge`)."""
