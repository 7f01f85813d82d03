"""Tables of the complaint conversation in the LINE chat (created by migration ``0013``).

- ``line_conversations``: one draft complaint per LINE user (what was said, the photo, the
  place, the categories proposed), kept across restarts and dropped after
  :data:`paknam.complaints.line_chat.DRAFT_TTL_S`. The user is known only by the keyed
  hash of their LINE user id (:meth:`paknam.core.notify.crypto.AddressCipher.digest`).
- ``complaint_line_links``: which LINE user filed a complaint, to tell them of every status
  change. The user id and the complaint's citizen token (to rate it) are encrypted; the
  hash finds a user's complaints. Personal data: never in logs, open data or Open311 views
  (those read ``complaints`` only).
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

line_conversations = sa.Table(
    "line_conversations",
    metadata,
    sa.Column("user_hash", sa.String(64), primary_key=True),
    sa.Column("step", sa.String(20), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("draft", sa.JSON, nullable=False),
    sa.Column("photo", sa.LargeBinary, nullable=True),
    sa.Column("updated_s", sa.BigInteger, nullable=False),
    sa.Column("expires_s", sa.BigInteger, nullable=False),
    sa.Index("ix_line_conversations_expires", "expires_s"),
)

complaint_line_links = sa.Table(
    "complaint_line_links",
    metadata,
    sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
    sa.Column("user_hash", sa.String(64), nullable=False),
    sa.Column("user_enc", sa.LargeBinary, nullable=False),
    sa.Column("token_enc", sa.LargeBinary, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("created_s", sa.BigInteger, nullable=False),
    sa.Index("ix_complaint_line_links_user", "user_hash"),
)
