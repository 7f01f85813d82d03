"""The Traffy Fondue bridge as a service (one transaction per ticket; hooks after
commit): the webhook, the polled sync, the push of paknam's changes, the status report.

Configuration (``PAKNAM_TRAFFY_*``, :class:`paknam.core.config.Settings`): the API base,
user and password (``get-auth``), the org id(s) to read, the webhook secret, the credits
kept back for pushes, the sync and push periods, extra type mappings.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from paknam.complaints.classifier_runtime import advise_text
from paknam.complaints.hooks import emit
from paknam.complaints.service import needs_triage
from paknam.complaints.traffy import outbox, tickets
from paknam.complaints.traffy.client import TraffyClient
from paknam.complaints.traffy.errors import TraffyError, TraffyRejected
from paknam.complaints.traffy.mapping import (
    StatusIn,
    TicketIn,
    description_of,
    service_for_type,
    status_from_doc,
    ticket_from_doc,
    ticket_id_of,
)
from paknam.complaints.traffy.schema import traffy_state, traffy_tickets
from paknam.complaints.traffy.store_quota import StoreQuota
from paknam.core.config import Settings, get_settings
from paknam.core.errors import AuthenticationFailed, InvalidInput, NotFound, PaknamError
from paknam.core.store import Store
from paknam.core.timeutil import now_s, to_local_iso

log = logging.getLogger(__name__)

COMMENT_EVENTS = ("chat", "rating", "comment", "chat_staff_only")
LAST_SYNC = "last_sync"
FIRST_SYNC_DURATION = "3days"


def configured(settings: Settings | None = None) -> bool:
    """True when the settings give a Traffy user and password."""
    s = settings or get_settings()
    return bool(s.traffy_user and s.traffy_pass)


def make_client(store: Store, settings: Settings | None = None) -> TraffyClient:
    """A client of the configured account, counting credits in ``store``."""
    s = settings or get_settings()
    return TraffyClient(
        s.traffy_api_base,
        s.traffy_user or "",
        s.traffy_pass or "",
        quota=StoreQuota(store),
        timeout_s=s.traffy_timeout_s,
    )


def check_secret(given: str | None, settings: Settings | None = None) -> None:
    """:class:`NotFound` while no webhook secret is set (the endpoint is off);
    :class:`AuthenticationFailed` for a missing or wrong one (compared in constant time)."""
    secret = (settings or get_settings()).traffy_webhook_secret
    if not secret:
        raise NotFound("the Traffy Fondue webhook is not enabled on this server")
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        raise AuthenticationFailed("Traffy Fondue webhook: missing or wrong key")


def _classify(t: TicketIn, type_map: Mapping[str, str]) -> tuple[list[Any] | None, bool]:
    """(classifier suggestions, whether the classifier doubts Traffy's category)."""
    code, _ = service_for_type(t.type, type_map)
    advice = advise_text(description_of(t))
    return (advice["suggestions"] if advice else None), needs_triage(advice, code)


def import_one(
    store: Store,
    t: TicketIn,
    *,
    via: str,
    now: int | None = None,
    settings: Settings | None = None,
) -> tickets.Outcome:
    """Ticket ``t`` as a complaint (one transaction; hooks told after commit)."""
    s = settings or get_settings()
    now = now or now_s()
    suggested, doubts = _classify(t, s.traffy_type_map)
    with store.write() as conn:
        out = tickets.import_ticket(
            conn,
            t,
            via=via,
            now=now,
            type_map=s.traffy_type_map,
            suggested=suggested,
            classifier_doubts=doubts,
        )
    emit(out.changes)
    return out


def apply_status(store: Store, s: StatusIn, *, via: str, now: int | None = None) -> tickets.Outcome:
    with store.write() as conn:
        out = tickets.apply_status_in(conn, s, via=via, now=now or now_s())
    emit(out.changes)
    return out


def receive_webhook(
    store: Store,
    method: str,
    doc: Any,
    *,
    client: TraffyClient | None = None,
    now: int | None = None,
    settings: Settings | None = None,
) -> tuple[int, dict[str, Any]]:
    """One webhook call from Traffy: ``POST`` a new ticket (or a chat/comment/rating
    event), ``PATCH`` a status change. Returns (HTTP status, body).

    A ``PATCH`` for a ticket paknam has not seen is fetched with ``get-issue`` when a
    ``client`` is given (one credit), else answered 404."""
    now = now or now_s()
    if not isinstance(doc, dict):
        raise InvalidInput("the webhook body must be a JSON object", field="body")
    if method == "POST" and "event" in doc:
        event = doc.get("event")
        if event not in COMMENT_EVENTS:
            raise InvalidInput(f"event must be one of {', '.join(COMMENT_EVENTS)}", field="event")
        ticket_id = ticket_id_of(doc)
        text = doc.get("comment")
        if not isinstance(text, (str, int)) or isinstance(text, bool):
            raise InvalidInput("comment is required (text)", field="comment")
        with store.write() as conn:
            out = tickets.note_comment(conn, ticket_id, str(text), str(event), now)
        emit(out.changes)
        return 200, out.as_dict()
    if method == "POST":
        out = import_one(store, ticket_from_doc(doc), via="webhook", now=now, settings=settings)
        return (201 if out.result == "imported" else 200), out.as_dict()
    if method == "PATCH":
        status = status_from_doc(doc)
        try:
            return 200, apply_status(store, status, via="webhook", now=now).as_dict()
        except NotFound:
            if client is None:
                raise
        try:
            issue = client.get_issue(status.ticket_id)
        except TraffyRejected:
            raise NotFound(
                f"Traffy ticket {status.ticket_id!r} is unknown to paknam and to Traffy"
            ) from None
        ticket = ticket_from_doc({**issue, "status": status.status})
        out = import_one(store, ticket, via="webhook", now=now, settings=settings)
        return 201, out.as_dict()
    raise InvalidInput(f"method {method} is not a Traffy webhook (POST or PATCH)")


# ---- polled sync -------------------------------------------------------------------------


def last_sync(store: Store) -> int | None:
    with store.read() as conn:
        return conn.execute(
            sa.select(traffy_state.c.value_s).where(traffy_state.c.key == LAST_SYNC)
        ).scalar()


def _set_last_sync(store: Store, at_s: int) -> None:
    with store.write(changes_answers=False) as conn:
        done = conn.execute(
            traffy_state.update().where(traffy_state.c.key == LAST_SYNC).values(value_s=at_s)
        ).rowcount
        if not done:
            conn.execute(traffy_state.insert().values(key=LAST_SYNC, value_s=at_s))


def duration_since(last_s: int | None, now: int) -> str:
    """The narrowest ``get-issues`` duration that covers activity since ``last_s``
    (with ten minutes' overlap)."""
    if last_s is None:
        return FIRST_SYNC_DURATION
    gap = now - last_s + 600
    if gap <= 86_400:
        return "today"
    if gap <= 3 * 86_400:
        return "3days"
    return "all"


def sync(
    store: Store,
    client: TraffyClient,
    *,
    now: int | None = None,
    duration: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Read the organisation's tickets with recent activity (``get-issues``, one credit,
    leaving ``traffy_quota_reserve`` credits for pushes) and import or update each."""
    s = settings or get_settings()
    now = now or now_s()
    last = last_sync(store)
    duration = duration or duration_since(last, now)
    issues = client.get_issues(
        org_id=s.traffy_org_id, duration=duration, reserve=s.traffy_quota_reserve
    )
    counts = {"imported": 0, "updated": 0, "unchanged": 0, "echo": 0}
    skipped: list[dict[str, str]] = []
    for doc in issues:
        try:
            t = ticket_from_doc(doc)
            quiet = t.last_activity_s is not None and last is not None
            if quiet and t.last_activity_s < last - 600:  # type: ignore[operator]
                counts["unchanged"] += 1
                continue
            out = import_one(store, t, via="sync", now=now, settings=s)
        except PaknamError as exc:  # one bad ticket must not stop the others
            skipped.append({"ticket_id": str(doc.get("ticket_id"))[:40], "reason": str(exc)})
            continue
        if out.result == "imported":
            counts["imported"] += 1
        elif out.result in ("applied", "noted"):
            counts["updated"] += 1
        elif out.result == "echo":
            counts["echo"] += 1
        else:
            counts["unchanged"] += 1
    _set_last_sync(store, now)
    return {
        "duration": duration,
        "received": len(issues),
        **counts,
        "skipped": skipped,
        "quota": client.quota.state(client.clock()).as_dict(),
    }


def push(store: Store, client: TraffyClient, *, now: int | None = None) -> dict[str, Any]:
    """Send paknam's queued changes to Traffy (see :mod:`outbox`)."""
    report = outbox.deliver(store, client, now or now_s())
    report["quota"] = client.quota.state(client.clock()).as_dict()
    return report


def status(store: Store, *, now: int | None = None) -> dict[str, Any]:
    """The bridge at a glance: configured, last sync, linked tickets, outbox, quota."""
    now = now or now_s()
    last = last_sync(store)
    with store.read() as conn:
        linked = conn.execute(sa.select(sa.func.count()).select_from(traffy_tickets)).scalar()
    return {
        "configured": configured(),
        "webhook_enabled": bool(get_settings().traffy_webhook_secret),
        "last_sync": to_local_iso(last) if last is not None else None,
        "tickets": int(linked or 0),
        "outbox": outbox.outbox_counts(store),
        "quota": StoreQuota(store).state(now).as_dict(),
    }


__all__ = ["TraffyError", "configured", "make_client", "push", "receive_webhook", "sync"]
