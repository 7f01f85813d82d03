"""The audit trail: who did what, when, to which object — for officers to read.

One append-only table (``audit_log``, migration ``0015``). Domains call :func:`record`
inside the transaction that makes the change, so an entry exists exactly when the change
was committed (a refused or rolled-back change leaves none). Domains never import each
other: the complaints domain, governance (CAP alerts) and living (warning levels) all
write here through this core module.

``kind`` names the sort of object (:data:`KINDS`), ``object_id`` which one (a complaint id,
an alert id, a station id), ``action`` what was done (``status``, ``assign``, ``issue``,
``cancel``, ``set`` ...), ``actor`` the officer's user name (or ``rules`` / ``cli`` for the
machine), ``details`` a small JSON object (the new values; never a citizen's contact).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.schema import metadata
from paknam.core.store import Store
from paknam.core.timeutil import now_s, to_local_iso

KINDS: dict[str, tuple[str, str]] = {
    "complaint": ("เรื่องร้องเรียน", "complaint"),
    "alert": ("การแจ้งเตือน (CAP)", "alert (CAP)"),
    "warning_levels": ("ระดับเตือนภัย", "warning levels"),
    "open_dataset": ("ชุดข้อมูลเปิด", "open dataset"),
}
"""The kinds of object the trail records, with their Thai and English names."""

MAX_DETAIL_TEXT = 500
"""Longest text kept of one detail value (notes are cut, never stored twice in full)."""

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at_s", sa.BigInteger, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("object_id", sa.String(100), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
)
sa.Index("ix_audit_log_object", audit_log.c.kind, audit_log.c.object_id)
sa.Index("ix_audit_log_at", audit_log.c.at_s)
sa.Index("ix_audit_log_actor", audit_log.c.actor)


def _clean(details: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
            value = value[: MAX_DETAIL_TEXT - 1] + "…"
        out[str(key)] = value
    return out


def record(
    conn: Connection,
    kind: str,
    action: str,
    object_id: object,
    actor: str,
    details: Mapping[str, Any] | None = None,
    *,
    at_s: int | None = None,
) -> None:
    """Append one entry in the caller's transaction (committed with the change itself)."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown audit kind {kind!r}; use one of {', '.join(KINDS)}")
    conn.execute(
        audit_log.insert().values(
            at_s=int(at_s if at_s is not None else now_s()),
            actor=(actor or "?")[:100],
            kind=kind,
            action=action[:40],
            object_id=str(object_id)[:100],
            details=_clean(details),
        )
    )


def _entry(r: Any) -> dict[str, Any]:
    th, en = KINDS.get(r.kind, (r.kind, r.kind))
    return {
        "id": r.id,
        "at": to_local_iso(r.at_s),
        "actor": r.actor,
        "kind": r.kind,
        "kind_th": th,
        "kind_en": en,
        "action": r.action,
        "object_id": r.object_id,
        "details": r.details or {},
    }


def entries(
    conn: Connection,
    *,
    kind: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since_s: int | None = None,
    until_s: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """``{"total", "items"}``: the entries that match, newest first."""
    query = sa.select(audit_log)
    if kind is not None:
        if kind not in KINDS:
            raise InvalidInput(
                f"unknown audit kind {kind!r}; use one of {', '.join(KINDS)}", field="kind"
            )
        query = query.where(audit_log.c.kind == kind)
    if object_id:
        query = query.where(audit_log.c.object_id == object_id)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    if since_s is not None:
        query = query.where(audit_log.c.at_s >= since_s)
    if until_s is not None:
        query = query.where(audit_log.c.at_s < until_s)
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    rows = conn.execute(
        query.order_by(audit_log.c.at_s.desc(), audit_log.c.id.desc()).limit(limit).offset(offset)
    ).all()
    return {"total": int(total or 0), "items": [_entry(r) for r in rows]}


def list_entries(store: Store, **filters: Any) -> dict[str, Any]:
    """:func:`entries` in a read transaction of ``store``."""
    with store.read() as conn:
        return entries(conn, **filters)


def record_now(
    store: Store,
    kind: str,
    action: str,
    object_id: object,
    actor: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """:func:`record` in a write transaction of its own, for a caller that has no
    connection at hand (prefer :func:`record` in the change's own transaction)."""
    with store.write(changes_answers=False) as conn:
        record(conn, kind, action, object_id, actor, details)


def alert_details(spec: Any, thread_id: int | None) -> dict[str, Any]:
    """What the trail keeps of an issued CAP message (``spec``: governance's AlertSpec)."""
    return {
        "thread_id": thread_id,
        "status": getattr(spec, "status", None),
        "severity": getattr(spec, "severity", None),
        "headline_th": getattr(spec, "headline_th", None),
        "headline_en": getattr(spec, "headline_en", None),
        "districts": list(getattr(spec, "districts", None) or []),
    }


def alert_sent(store: Store, alert_id: int, actor: str, message_id: int, recipients: int) -> None:
    """An officer queued alert ``alert_id`` for delivery (message ``message_id``)."""
    record_now(
        store,
        "alert",
        "send",
        alert_id,
        actor,
        {"message_id": message_id, "recipients": recipients},
    )
