"""Tables of the notification service: subscribers, consent, the outbox, webhook events.

Declared on the platform's :data:`paknam.core.schema.metadata`; created by migration 0005.

- ``subscribers`` with ``subscriber_districts`` / ``subscriber_topics`` /
  ``subscriber_groups``: who may be reached, where and about what. The address (LINE user
  id, phone number, e-mail) is encrypted at rest; ``address_hash`` (keyed HMAC) finds a
  subscriber again without decrypting.
- ``consents``: PDPA consent per subscriber and purpose, with grant and withdrawal times.
- ``messages`` and ``delivery_batches``: the outbox. One message (an alert, news or a
  complaint update to an audience) has one delivery per recipient, kept in batches (one row
  per batch, migration 0019); the worker moves batches from ``queued`` through ``sending``
  to ``sent`` or ``failed``. ``deliveries`` is a view with one row per recipient.
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

delivery_batches = sa.Table(
    "delivery_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_s", sa.BigInteger, nullable=False),
    sa.Column("batch_key", sa.String(36), nullable=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("exceptions", sa.Text, nullable=True),
    sa.Column("response", sa.Text, nullable=True),
    sa.Column("sent_s", sa.Float, nullable=True),
    sa.Column("claimed_by", sa.Integer, nullable=True),
    sa.Index("ix_delivery_batches_queue", "state", "channel", "id"),
    sa.Index("ix_delivery_batches_message", "message_id"),
    sa.Index("ux_delivery_batches_key", "batch_key", unique=True),
)
"""The outbox (migration 0019): one row per batch of recipients of one message, channel
and language (LINE 500, SMS 100, e-mail 1), formed when the message is queued and moved as
a whole by the worker. ``recipients``: the subscriber ids, comma-separated; ``exceptions``:
JSON ``{"subscriber id": [state, response]}`` for the recipients whose outcome differs from
the batch's (refused by the channel, consent withdrawn, address unreadable), so a sent
batch of 500 is one row written twice, not 500 rows written three times. ``claimed_by``:
the worker holding the claim (PostgreSQL: while that worker lives it holds an advisory
lock under this number, see :mod:`paknam.core.notify.worker`)."""

send_slots = sa.Table(
    "send_slots",
    metadata,
    sa.Column("channel", sa.String(10), primary_key=True),
    sa.Column("next_slot", sa.Float, nullable=False),
)
"""A channel's rate limit shared by every worker of the store (migration 0019): the
first free sending time [epoch s]. A claim reserves one slot per batch (LINE: 1/200 s
apart), so N workers together keep to the limit, and when one dies the others take its
share at once."""

deliveries = sa.Table(
    "deliveries",
    sa.MetaData(),  # a view (migration 0019), not created by metadata.create_all
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("message_id", sa.Integer, nullable=False),
    sa.Column("subscriber_id", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_s", sa.BigInteger, nullable=False),
    sa.Column("batch_key", sa.String(36), nullable=True),
    sa.Column("response", sa.Text, nullable=True),
    sa.Column("sent_s", sa.Float, nullable=True),
)
"""One row per message and recipient, read-only: the view ``deliveries`` over
``delivery_batches`` (a recipient's state and response are its batch's unless its
``exceptions`` entry says otherwise). ``id`` is the batch id × 1000 + the recipient's place
in the batch. For reports and ad-hoc queries; the worker reads and writes the batches."""

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
