"""Complaint states, the transitions between them, and their Open311 ``open``/``closed``.

::

    new ──► assigned ──► in_progress ──► resolved ──► reopened ─┐
     │  ╲      │  ╲          │  ╲            ▲                   │
     │   ╲     │   ► forwarded ◄──────────────────────────────────┘
     │    ╲    ▼       (to another agency; open until it accepts)
     └─────► rejected (not relevant / spam)    not_fixable ("closed, not fixed")

``new`` means routed to an agency that has not accepted it yet (Traffy Fondue's
รอรับเรื่อง). Closed states: resolved, rejected, not_fixable; a citizen may reopen a
resolved or not-fixable complaint (officers may reopen any closed one).
"""

from __future__ import annotations

from paknam.complaints.errors import TransitionNotAllowed
from paknam.core.errors import InvalidInput

STATES: dict[str, tuple[str, str]] = {
    "new": ("รอรับเรื่อง", "Waiting for the agency"),
    "assigned": ("รับเรื่องแล้ว", "Accepted by the agency"),
    "in_progress": ("กำลังดำเนินการ", "In progress"),
    "forwarded": ("ส่งต่อหน่วยงานอื่น", "Forwarded to another agency"),
    "reopened": ("เปิดเรื่องใหม่", "Reopened"),
    "resolved": ("เสร็จสิ้น", "Resolved"),
    "rejected": ("ไม่เกี่ยวข้อง", "Rejected (not relevant)"),
    "not_fixable": ("ปิดเรื่อง แก้ไขไม่ได้", "Closed, not fixed"),
}
"""Internal states with Thai and English labels."""

CLOSED = frozenset({"resolved", "rejected", "not_fixable"})
OPEN = frozenset(STATES) - CLOSED

_WORK = {"assigned", "in_progress", "forwarded", "resolved", "rejected", "not_fixable"}
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset(_WORK),
    "assigned": frozenset(_WORK - {"assigned"}),
    "in_progress": frozenset(_WORK - {"assigned", "in_progress"}),
    "forwarded": frozenset(_WORK),  # forwarded again, or accepted by the new agency
    "reopened": frozenset(_WORK),
    "resolved": frozenset({"reopened"}),
    "rejected": frozenset({"reopened"}),
    "not_fixable": frozenset({"reopened"}),
}
"""Allowed officer transitions: state → states it may move to."""

CITIZEN_REOPENABLE = frozenset({"resolved", "not_fixable"})
NEEDS_NOTE = frozenset({"rejected", "not_fixable", "forwarded"})
"""Moving to these states needs a note saying why (shown to the citizen)."""


def open311_status(state: str) -> str:
    """Open311 GeoReport v2 ``status``: ``closed`` for closed states, else ``open``."""
    return "closed" if state in CLOSED else "open"


def check_state(state: str, field: str = "status") -> str:
    if state not in STATES:
        raise InvalidInput(
            f"unknown complaint status {state!r}; valid: {', '.join(STATES)}", field=field
        )
    return state


def check_transition(current: str, new: str, note: str | None) -> None:
    """:class:`TransitionNotAllowed` unless ``current`` → ``new`` is allowed (and has its
    note)."""
    check_state(new)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        raise TransitionNotAllowed(
            f"a complaint in state {current!r} cannot move to {new!r}; allowed: {allowed}"
        )
    if new in NEEDS_NOTE and not (note and note.strip()):
        raise InvalidInput(f"moving to {new!r} needs a note saying why", field="note")


def state_label(state: str) -> str:
    th, en = STATES[state]
    return f"{th} / {en}"
