"""Every source's health as people and the API see it (times in Thai-time ISO 8601).

Configured sources that never ran are listed too (``never_run``), and sources that ran
once but are no longer configured (``configured: false``), so an officer sees both a
forgotten source and a new one that has not started.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paknam.core.store import Store
from paknam.core.timeutil import local_iso, now_s, to_local_iso
from paknam.sources import health
from paknam.sources.base import Source
from paknam.sources.runner import is_stale


def source_status(
    store: Store, sources: Sequence[Source], now: int | None = None
) -> list[dict[str, Any]]:
    """One record per source: configured ones first (in configuration order), then the
    others the health table knows.

    Fields: ``source_id``, ``kind``, ``configured``, ``never_run``, ``every_s``,
    ``stale_after_s``, ``last_attempt_at``, ``last_success_at`` (Thai time), ``rows_last``,
    ``rows_total``, ``newest_time``, ``lag_s`` [s], ``last_error``, ``failures``,
    ``stale``, ``stale_since``.
    """
    now = now_s() if now is None else now
    with store.read() as conn:
        rows = {r["source_id"]: r for r in health.list_health(conn, now)}
    out = []
    for src in sources:
        out.append(_record(rows.pop(src.id, None), src.id, src.kind, src, now))
    for sid, row in sorted(rows.items()):
        out.append(_record(row, sid, row["kind"], None, now))
    return out


def _record(
    row: dict[str, Any] | None, sid: str, kind: str, src: Source | None, now: int
) -> dict[str, Any]:
    stale, since = (
        is_stale(row, every_s=src.every_s, stale_after_s=src.stale_after_s, now=now)
        if src is not None
        else (None, None)
    )
    r = row or {}
    newest = r.get("newest_time_s")
    return {
        "source_id": sid,
        "kind": kind,
        "configured": src is not None,
        "never_run": row is None,
        "every_s": src.every_s if src else None,
        "stale_after_s": src.stale_after_s if src else None,
        "last_attempt_at": local_iso(r["last_attempt_at"]) if r.get("last_attempt_at") else None,
        "last_success_at": local_iso(r["last_success_at"]) if r.get("last_success_at") else None,
        "rows_last": r.get("rows_last", 0),
        "rows_total": r.get("rows_total", 0),
        "newest_time": to_local_iso(newest) if newest is not None else None,
        "lag_s": r.get("lag_s"),
        "last_error": r.get("last_error"),
        "failures": r.get("failures", 0),
        "stale": stale,
        "stale_since": to_local_iso(since) if stale and since is not None else None,
    }
