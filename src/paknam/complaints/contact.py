"""A citizen's optional contact for a call back about one complaint (the web form).

A phone number (Thai mobile, kept as E.164) or an e-mail address, given by choice on
``/report``. Personal data, so: stored **encrypted** (AES-GCM,
:func:`paknam.core.notify.crypto.cipher`) in a table of its own (``complaint_contacts``,
migration ``0016``) that no public answer reads — not Open311, not open data, not the
citizen's follow view, not the officers' inbox; an officer asks for it one complaint at a
time (``GET /api/v1/complaints/{id}/contact``) and each reading is written to the
complaint's private event log. It is erased :data:`KEEP_DAYS` after the complaint is
closed (the citizen's reopening window): at the next filing, and whenever it is asked for.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.citizen import REOPEN_DAYS
from paknam.complaints.records import log_event
from paknam.complaints.schema import complaints
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.notify.crypto import cipher
from paknam.core.notify.subscribers import normalise_address
from paknam.core.schema import metadata

KEEP_DAYS = REOPEN_DAYS
"""Days a contact is kept after its complaint was closed."""

complaint_contacts = sa.Table(
    "complaint_contacts",
    metadata,
    sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
    sa.Column("channel", sa.String(8), nullable=False),  # sms | email
    sa.Column("address_enc", sa.LargeBinary, nullable=False),
    sa.Column("created_s", sa.BigInteger, nullable=False),
)


def normalise_contact(text: str | None) -> tuple[str, str] | None:
    """``(channel, address)`` of what the citizen typed (``sms`` + E.164, or ``email``);
    None when empty; :class:`InvalidInput` naming ``contact`` otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    channel = "email" if "@" in text else "sms"
    try:
        return channel, normalise_address(channel, text)
    except InvalidInput:
        raise InvalidInput(
            "contact must be a Thai mobile number (08x-xxx-xxxx) or an e-mail address "
            "(เบอร์มือถือหรืออีเมลไม่ถูกต้อง)",
            field="contact",
        ) from None


def save(conn: Connection, complaint_id: int, contact: tuple[str, str], now: int) -> None:
    """Store ``contact`` encrypted with the complaint (in the filing's transaction)."""
    channel, address = contact
    conn.execute(
        complaint_contacts.insert().values(
            complaint_id=complaint_id,
            channel=channel,
            address_enc=cipher().encrypt(address),
            created_s=now,
        )
    )


def purge(conn: Connection, now: int) -> int:
    """Erase the contacts of complaints closed more than :data:`KEEP_DAYS` ago."""
    old = (  # driven by the (small) contacts table, not a scan of every complaint
        sa.select(complaint_contacts.c.complaint_id)
        .join(complaints, complaints.c.id == complaint_contacts.c.complaint_id)
        .where(complaints.c.closed_s < now - KEEP_DAYS * 86400)
    )
    done = conn.execute(
        complaint_contacts.delete().where(complaint_contacts.c.complaint_id.in_(old))
    )
    return int(done.rowcount or 0)


def read(conn: Connection, complaint_id: int, actor: str, now: int) -> dict[str, str]:
    """The contact of a complaint, for an officer; the reading is logged (private)."""
    purge(conn, now)
    row = conn.execute(
        sa.select(complaint_contacts).where(complaint_contacts.c.complaint_id == complaint_id)
    ).first()
    if row is None:
        raise NotFound(
            f"complaint {complaint_id} has no contact: none was given, or it was erased "
            f"{KEEP_DAYS} days after the complaint was closed"
        )
    log_event(conn, complaint_id, "contact_read", now, actor, note="contact read", public=False)
    return {"channel": row.channel, "address": cipher().decrypt(bytes(row.address_enc))}
