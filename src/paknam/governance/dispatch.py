"""From warnings to citizens without waiting for an officer, for the serious ones.

:func:`alerts_from_warnings` issues the CAP messages (see
:func:`paknam.governance.alerts.sync_from_warnings`) and queues for delivery, to the
subscribers of the alert's districts and topic:

- every new Alert or Update whose severity is in :data:`AUTO_SEND` (severe, extreme), and
- every Update or Cancel of an alert that was sent before (people told of a danger are
  told when it changes or ends).

Alerts from simulated stations (CAP status ``Exercise``) are never sent on their own.
Minor and moderate alerts wait for an officer (``POST /api/v1/alerts/{id}/send``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.config import get_settings
from paknam.governance.alerts import get_alert, sync_from_warnings
from paknam.governance.outbox import enqueue
from paknam.governance.render import render_alert
from paknam.governance.schema import alerts, messages
from paknam.governance.subscribers import Audience

AUTO_SEND = ("severe", "extreme")


def _thread_was_sent(conn: Connection, thread_id: int) -> bool:
    ids = sa.select(alerts.c.id).where(alerts.c.thread_id == thread_id)
    return (
        conn.execute(sa.select(messages.c.id).where(messages.c.alert_id.in_(ids))).first()
        is not None
    )


def alerts_from_warnings(conn: Connection) -> dict[str, list[int]]:
    """Issue alerts for the warnings and queue the ones that go out by themselves.

    Returns the alert ids by message type and under ``"queued"`` the message ids.
    """
    issued = sync_from_warnings(conn)
    queued: list[int] = []
    link_base = get_settings().public_base_url.rstrip("/")
    for msg_type in ("Alert", "Update", "Cancel"):
        for alert_id in issued[msg_type]:
            a = get_alert(conn, alert_id)
            if a["status"] != "Actual":
                continue
            earlier = msg_type != "Alert" and _thread_was_sent(conn, a["thread_id"])
            if not (earlier or (msg_type != "Cancel" and a["severity"] in AUTO_SEND)):
                continue
            mid, _ = enqueue(
                conn,
                kind="alert",
                content=render_alert(a, f"{link_base}/alerts/{alert_id}"),
                audience=Audience(districts=tuple(a["districts"]), topics=(a["topic"],)),
                created_by="rules",
                alert_id=alert_id,
                raised_at=datetime.fromisoformat(a["raised_at"]),
            )
            queued.append(mid)
    return {**issued, "queued": queued}
