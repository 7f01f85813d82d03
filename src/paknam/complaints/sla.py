"""SLA watch: reminders to agencies that sit on a complaint, escalation when overdue.

Run periodically (``paknam complaints sla-check`` or ``POST /api/v1/complaints/sla-check``;
e.g. hourly from cron/systemd). Rules, with ``span`` = the complaint's SLA
(due − requested):

- **reminder**: an open complaint with no change for ``span × REMINDER_FRACTION`` (at
  least :data:`MIN_REMINDER_S`) since its last change or last reminder gets a reminder to
  its agency (an internal event; the hooks deliver it).
- **escalation 1**: past its due time → the district office hears of it.
- **escalation 2**: past due by another ``span`` → the provincial Damrongtham Centre.

Escalation informs; it does not take the complaint away from its agency. A reopened
complaint starts again at level 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.agencies import AGENCIES, escalation_target
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.records import log_event
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import OPEN
from paknam.core.timeutil import to_local_iso

REMINDER_FRACTION = 0.5
MIN_REMINDER_S = 12 * 3600


@dataclass
class SlaResult:
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    changes: list[ComplaintChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"reminded": self.reminded, "escalated": self.escalated}


def run_sla_checks(conn: Connection, now: int) -> SlaResult:
    """Send due reminders and escalations (logged) at time ``now``."""
    result = SlaResult()
    rows = conn.execute(
        sa.select(
            table.c.id,
            table.c.status,
            table.c.agency_code,
            table.c.district_code,
            table.c.requested_s,
            table.c.updated_s,
            table.c.due_s,
            table.c.escalation_level,
            table.c.last_reminder_s,
        )
        .where(table.c.status.in_(sorted(OPEN)))
        .order_by(table.c.id)
    ).all()
    for r in rows:
        span = max(r.due_s - r.requested_s, 3600)
        level = 2 if now > r.due_s + span else 1 if now > r.due_s else 0
        if level > r.escalation_level:
            target = escalation_target(level, r.district_code)
            name = AGENCIES[target]
            conn.execute(table.update().where(table.c.id == r.id).values(escalation_level=level))
            result.changes.append(
                log_event(
                    conn,
                    r.id,
                    "escalated",
                    now,
                    "system",
                    agency_code=target,
                    note=(
                        f"เกินกำหนดเวลา ({to_local_iso(r.due_s)}) แจ้ง {name.name_th} / "
                        f"overdue since {to_local_iso(r.due_s)}: escalated to {name.name_en} "
                        f"(level {level})"
                    ),
                    public=False,
                )
            )
            result.escalated.append(r.id)
        quiet_since = max(r.updated_s, r.last_reminder_s or 0)
        if now - quiet_since >= max(span * REMINDER_FRACTION, MIN_REMINDER_S):
            conn.execute(table.update().where(table.c.id == r.id).values(last_reminder_s=now))
            result.changes.append(
                log_event(
                    conn,
                    r.id,
                    "reminder",
                    now,
                    "system",
                    agency_code=r.agency_code,
                    note=(
                        f"เตือน: ไม่มีความคืบหน้าตั้งแต่ {to_local_iso(r.updated_s)} / "
                        f"reminder: no progress since {to_local_iso(r.updated_s)}"
                    ),
                    public=False,
                )
            )
            result.reminded.append(r.id)
    return result
