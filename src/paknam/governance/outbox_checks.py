"""The outbox check of alerts: a queued alert that was cancelled or expired is not sent.

Registered in :mod:`paknam.governance.domain`; the notification worker runs it on every
batch it claims (:func:`paknam.core.notify.outbox.claim`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.timeutil import as_utc
from paknam.governance.schema import alerts


def stale_alert_messages(
    conn: Connection, pairs: Sequence[tuple[int, int | None]], now: float
) -> dict[int, str]:
    """Message ids of alerts (not Cancels) cancelled or expired since they were queued."""
    by_alert: dict[int, list[int]] = defaultdict(list)
    for message_id, alert_id in pairs:
        if alert_id is not None:
            by_alert[alert_id].append(message_id)
    if not by_alert:
        return {}
    a = alerts
    later = a.alias("later")
    later_cancel = (
        sa.select(later.c.id)
        .where(
            later.c.thread_id == a.c.thread_id,
            later.c.id > a.c.id,
            later.c.msg_type == "Cancel",
        )
        .exists()
    )
    rows = conn.execute(
        sa.select(a.c.id, a.c.msg_type, a.c.expires, later_cancel.label("cx")).where(
            a.c.id.in_(list(by_alert))
        )
    ).all()
    reasons: dict[int, str] = {}
    for r in rows:
        if r.msg_type == "Cancel":
            continue
        why = None
        if r.cx:
            why = "alert cancelled before sending: not sent"
        elif as_utc(r.expires).timestamp() <= now:
            why = "alert expired before sending: not sent"
        if why:
            for message_id in by_alert[r.id]:
                reasons[message_id] = why
    return reasons
