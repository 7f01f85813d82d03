"""Telling a reporter in LINE of every change of their complaint.

A complaints change hook (:mod:`paknam.complaints.hooks`), wired to the served store by
the domain's ``start`` (:func:`install`): each public status change of a complaint filed in
the LINE chat (:mod:`paknam.complaints.line_chat`) is pushed to its reporter; when it is
resolved the push asks for a rating (quick replies 1–5 stars). Each push carries an
``X-Line-Retry-Key`` derived from the change, so a retried push is delivered once.
"""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.hooks import CHANGE_HOOKS, ComplaintChange
from paknam.complaints.line_chat import WORDS, rating_buttons, service_name
from paknam.complaints.line_schema import complaint_line_links as links
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import STATES
from paknam.core.config import get_settings
from paknam.core.notify import chat
from paknam.core.notify.chat import Message
from paknam.core.notify.crypto import cipher
from paknam.core.store import Store

log = logging.getLogger(__name__)
PUSH_NAMESPACE = uuid.UUID("6f0e3b1c-6a59-4d59-9d0e-3f6f2b0c7a11")
"""Retry keys of pushes are UUID5 of the change in this namespace (a repeat is harmless)."""

_bound: list[Store] = []
"""The store whose complaints the hook follows (the serving process has one)."""


def _push_messages(conn: Connection, change: ComplaintChange) -> tuple[str, list[Message]] | None:
    row = conn.execute(
        sa.select(links.c.user_enc, links.c.language, table.c.service_code)
        .select_from(links.join(table, table.c.id == links.c.complaint_id))
        .where(links.c.complaint_id == change.complaint_id)
    ).first()
    if row is None:
        return None
    lang = row.language if row.language in WORDS else "th"
    w = WORDS[lang]
    i = 0 if lang == "th" else 1
    status = STATES.get(change.to_status or "", (change.to_status, change.to_status))[i]
    body = w["change"].format(
        id=change.complaint_id, service=service_name(row.service_code, lang), status=status
    )
    if change.note:
        body += f"\n{change.note}"
    messages = [chat.text(body)]
    if change.to_status == "resolved":
        messages.append(chat.text(w["ask_rating"], rating_buttons(change.complaint_id)))
    return cipher().decrypt(bytes(row.user_enc)), messages


def push_change(store: Store, change: ComplaintChange) -> str | None:
    """Push a public status change of a complaint filed in LINE to its reporter; returns
    the outcome (None when nothing is sent: not from LINE, not a status change, LINE not
    configured)."""
    if not change.public or not change.to_status or change.kind == "created":
        return None
    settings = get_settings()
    if not settings.line_channel_access_token:
        return None
    with store.read() as conn:
        found = _push_messages(conn, change)
    if found is None:
        return None
    user_id, messages = found
    from paknam.core.notify.channels.line import LineChannel

    key = uuid.uuid5(
        PUSH_NAMESPACE, f"{change.complaint_id}:{change.kind}:{change.at_s}:{change.to_status}"
    )
    line = LineChannel(settings.line_channel_access_token, settings.line_api_base, timeout=10)
    try:
        outcome = line.push(user_id, messages, str(key))
    finally:
        line.close()
    if outcome.status != "sent":  # the response names no user: safe to log
        log.warning("LINE push of complaint %s change: %s", change.complaint_id, outcome.response)
    return outcome.status


def _hook(change: ComplaintChange) -> None:
    if _bound:
        push_change(_bound[0], change)


def install(store: Store) -> None:
    """Follow the complaints of ``store``: push their changes to LINE reporters (replaces
    an earlier store; the hook is added once)."""
    _bound[:] = [store]
    if _hook not in CHANGE_HOOKS:
        CHANGE_HOOKS.append(_hook)
