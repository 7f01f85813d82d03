"""What a citizen does with their token: follow, reopen, rate; and anyone's "+1".

The token is returned once, when the complaint is submitted (Open311 ``token``); it is
stored as SHA-256. Knowing it is the proof of being the complainant.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.apikeys import sha256
from paknam.complaints.errors import TransitionNotAllowed
from paknam.complaints.handling import _lock, apply_status
from paknam.complaints.hooks import ComplaintChange
from paknam.complaints.intake import complaint_for_token
from paknam.complaints.records import citizen_view, fetch_row, log_event
from paknam.complaints.schema import complaint_supporters as supporters
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import CITIZEN_REOPENABLE, CLOSED, STATES
from paknam.core.errors import Conflict, InvalidInput
from paknam.core.text import check_text

REOPEN_DAYS = 30
"""A citizen may reopen a resolved complaint up to this many days after it was closed."""


def follow(conn: Connection, token: str) -> dict[str, Any]:
    return citizen_view(conn, fetch_row(conn, complaint_for_token(conn, token)))


def reopen(conn: Connection, token: str, reason: str, at_s: int) -> list[ComplaintChange]:
    reason = (check_text(reason, "reason") or "").strip()
    if not 3 <= len(reason) <= 2000:
        raise InvalidInput(
            "say why the complaint is reopened (3 to 2000 characters)", field="reason"
        )
    row = _lock(conn, complaint_for_token(conn, token))
    if row.status not in CITIZEN_REOPENABLE:
        th, en = STATES[row.status]
        raise TransitionNotAllowed(
            f"complaint {row.id} is {row.status} ({th} / {en}); a citizen may reopen only a "
            "resolved or not-fixed complaint"
        )
    if row.closed_s is not None and at_s - row.closed_s > REOPEN_DAYS * 86400:
        raise TransitionNotAllowed(
            f"complaint {row.id} was closed more than {REOPEN_DAYS} days ago; file a new one"
        )
    return [apply_status(conn, row, "reopened", at_s, "citizen", note=reason, kind="reopened")]


def rate(
    conn: Connection, token: str, stars: int, comment: str | None, at_s: int
) -> list[ComplaintChange]:
    """1–5 stars once the complaint is closed; a second rating with the token is refused."""
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise InvalidInput("stars must be a whole number from 1 to 5", field="stars")
    check_text(comment, "comment")
    if comment is not None and len(comment) > 2000:
        raise InvalidInput("comment is longer than 2000 characters", field="comment")
    row = _lock(conn, complaint_for_token(conn, token))
    if row.status not in CLOSED:
        raise Conflict(f"complaint {row.id} is still open; rate it once it is closed")
    if row.rating is not None:
        raise Conflict(f"complaint {row.id} was already rated with this token ({row.rating} ★)")
    conn.execute(
        table.update()
        .where(table.c.id == row.id)
        .values(rating=stars, rating_comment=(comment or "").strip() or None, updated_s=at_s)
    )
    return [log_event(conn, row.id, "rated", at_s, "citizen", note=f"{stars}/5", public=True)]


def support(
    conn: Connection, complaint_id: int, supporter: str, at_s: int
) -> tuple[bool, int, list[ComplaintChange]]:
    """ "+1" by ``supporter`` (any stable id of the person: LINE user id, device id...).

    Returns (added, supporters count, changes); a repeated +1 by the same supporter adds
    nothing. Stored as SHA-256 of the id.
    """
    supporter = (supporter or "").strip()
    if not 3 <= len(supporter) <= 200:
        raise InvalidInput("supporter id must be 3 to 200 characters", field="supporter")
    row = _lock(conn, complaint_id)
    if row.status in CLOSED:
        raise Conflict(f"complaint {complaint_id} is closed ({row.status}); nothing to support")
    digest = sha256(f"{complaint_id}:{supporter}")
    seen = conn.execute(
        sa.select(supporters.c.created_s).where(
            supporters.c.complaint_id == complaint_id, supporters.c.supporter_hash == digest
        )
    ).first()
    if seen is not None:
        return False, int(row.supporters), []
    conn.execute(
        supporters.insert().values(complaint_id=complaint_id, supporter_hash=digest, created_s=at_s)
    )
    conn.execute(
        table.update().where(table.c.id == complaint_id).values(supporters=table.c.supporters + 1)
    )
    change = log_event(conn, complaint_id, "supported", at_s, "citizen", note="+1", public=True)
    return True, int(row.supporters) + 1, [change]
