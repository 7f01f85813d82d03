"""The outbox in batches: ``delivery_batches`` (one row per batch of up to 500 recipients)
replaces the table ``deliveries`` (one row per recipient), which becomes a view over it;
``send_slots``: a channel's rate limit shared by all workers.

Existing deliveries are kept: those of a batch still pending (``queued``/``sending`` with a
batch key) become one batch under the same key (its retry stays idempotent); every other
delivery becomes a batch of one.

Revision ID: 0019
Revises: 0018
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

VIEW_PG = """
CREATE VIEW deliveries AS
SELECT b.id::bigint * 1000 + r.ord AS id, b.message_id, r.sid::integer AS subscriber_id,
       b.channel, b.language,
       COALESCE((b.exceptions::json -> r.sid) ->> 0, b.state) AS state,
       b.attempts, b.next_attempt_s, b.batch_key,
       COALESCE((b.exceptions::json -> r.sid) ->> 1, b.response) AS response,
       CASE WHEN b.exceptions::json -> r.sid IS NULL THEN b.sent_s END AS sent_s
FROM delivery_batches AS b
CROSS JOIN LATERAL unnest(string_to_array(b.recipients, ',')) WITH ORDINALITY AS r(sid, ord)
"""

VIEW_SQLITE = """
CREATE VIEW deliveries AS
SELECT b.id * 1000 + r.key + 1 AS id, b.message_id, CAST(r.value AS INTEGER) AS subscriber_id,
       b.channel, b.language,
       COALESCE(json_extract(b.exceptions, '$."' || r.value || '"[0]'), b.state) AS state,
       b.attempts, b.next_attempt_s, b.batch_key,
       COALESCE(json_extract(b.exceptions, '$."' || r.value || '"[1]'), b.response) AS response,
       CASE WHEN json_extract(b.exceptions, '$."' || r.value || '"') IS NULL
            THEN b.sent_s END AS sent_s
FROM delivery_batches AS b, json_each('[' || b.recipients || ']') AS r
"""

OLD_COLUMNS = (
    "id", "message_id", "subscriber_id", "channel", "language", "state", "attempts",
    "next_attempt_s", "batch_key", "response", "sent_s",
)  # fmt: skip


BATCH_SIZES = {"line": 500, "sms": 100}
"""Recipients per batch by channel, as ``paknam.core.notify.outbox.BATCH_SIZES`` had them
when this migration was written (e-mail and others: 1); frozen here like the tables."""


def _batches(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The batch rows holding these deliveries (see the module's docstring)."""
    pending: dict[str, list[Any]] = defaultdict(list)
    unclaimed: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    out: list[dict[str, Any]] = []
    for r in rows:
        if r.batch_key and r.state in ("queued", "sending"):
            pending[r.batch_key].append(r)
            continue
        if r.state == "queued" and not r.attempts:  # never claimed: batched as enqueue does
            unclaimed[(r.message_id, r.channel, r.language, r.next_attempt_s)].append(r)
            continue
        out.append(
            {
                "message_id": r.message_id, "channel": r.channel, "language": r.language,
                "state": r.state, "attempts": r.attempts, "next_attempt_s": r.next_attempt_s,
                "batch_key": None, "size": 1, "recipients": str(r.subscriber_id),
                "exceptions": None, "response": r.response, "sent_s": r.sent_s,
            }
        )  # fmt: skip
    for (message_id, channel, language, due), members in unclaimed.items():
        members.sort(key=lambda m: m.subscriber_id)
        size = BATCH_SIZES.get(channel, 1)
        for i in range(0, len(members), size):
            part = members[i : i + size]
            out.append(
                {
                    "message_id": message_id, "channel": channel, "language": language,
                    "state": "queued", "attempts": 0, "next_attempt_s": due,
                    "batch_key": None, "size": len(part),
                    "recipients": ",".join(str(m.subscriber_id) for m in part),
                    "exceptions": None, "response": None, "sent_s": None,
                }
            )  # fmt: skip
    for key, members in pending.items():
        first = members[0]
        out.append(
            {
                "message_id": first.message_id, "channel": first.channel,
                "language": first.language, "state": first.state,
                "attempts": max(m.attempts for m in members),
                "next_attempt_s": first.next_attempt_s, "batch_key": key,
                "size": len(members),
                "recipients": ",".join(str(m.subscriber_id) for m in members),
                "exceptions": None, "response": first.response, "sent_s": None,
            }
        )  # fmt: skip
    return out


def upgrade() -> None:
    op.create_table(
        "delivery_batches",
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
    )
    op.create_index("ix_delivery_batches_queue", "delivery_batches", ["state", "channel", "id"])
    op.create_index("ix_delivery_batches_message", "delivery_batches", ["message_id"])
    op.create_index("ux_delivery_batches_key", "delivery_batches", ["batch_key"], unique=True)
    op.create_table(
        "send_slots",
        sa.Column("channel", sa.String(10), primary_key=True),
        sa.Column("next_slot", sa.Float, nullable=False),
    )
    conn = op.get_bind()
    old = sa.table("deliveries", *(sa.column(c) for c in OLD_COLUMNS))
    rows = conn.execute(sa.select(old).order_by(old.c.id)).all()
    if rows:
        new = sa.table(
            "delivery_batches",
            *(
                sa.column(c)
                for c in (
                    "message_id",
                    "channel",
                    "language",
                    "state",
                    "attempts",
                    "next_attempt_s",
                    "batch_key",
                    "size",
                    "recipients",
                    "exceptions",
                    "response",
                    "sent_s",
                )
            ),
        )
        conn.execute(new.insert(), _batches(rows))
    op.drop_table("deliveries")
    op.execute(VIEW_PG if conn.dialect.name == "postgresql" else VIEW_SQLITE)


def downgrade() -> None:
    conn = op.get_bind()
    view = sa.table("deliveries", *(sa.column(c) for c in OLD_COLUMNS))
    rows = [dict(r._mapping) for r in conn.execute(sa.select(view)).all()]
    op.execute("DROP VIEW deliveries")
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
    if rows:
        for i, r in enumerate(rows, 1):
            r["id"] = i
        conn.execute(sa.table("deliveries", *(sa.column(c) for c in OLD_COLUMNS)).insert(), rows)
    if conn.dialect.name == "postgresql" and rows:
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('deliveries', 'id'), "
            "(SELECT max(id) FROM deliveries))"
        )
    op.drop_table("delivery_batches")
    op.drop_table("send_slots")
