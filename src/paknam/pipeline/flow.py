"""One pipeline from evidence to people: rules → warnings → CAP alerts → deliveries.

Every entry point (the ``paknam`` commands, the officers' HTTP endpoints, the scheduler,
the demo) runs rules through :func:`run_rules` and issues alerts through
:func:`issue_alerts`, so one policy decides what reaches citizens:

- each warning of a public kind becomes a CAP Alert; a changed warning an Update; a
  cleared one a Cancel (:func:`paknam.governance.alerts.sync_from_warnings`);
- a new Alert or Update with severity in :data:`AUTO_SEND` and status ``Actual`` is queued
  for its audience at once; an Update of an alert that was sent is queued when its
  severity changed, and a Cancel of one always (people told of a danger are told when it
  changes or ends); an Update that only refreshes the texts is published, not pushed;
- a warning whose evidence is older than its kind's ``fresh_s`` (history, a backfill, a
  source that stopped) gives no new Alert or Update: it stays an officers' warning;
- ``Exercise`` and ``Test`` alerts (simulated or replayed stations) are never sent on their own;
  minor and moderate ones wait for an officer;
- an alert an officer updated or cancelled is the officer's: the rules leave it alone.

Dependencies: this package sits between the edges (api, cli, scheduler) and the domains;
it reads the registry and calls the governance domain's alert functions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from paknam.core.config import get_settings
from paknam.core.registry import Rule, RuleRun, domains
from paknam.core.store import Store
from paknam.governance.alerts import get_alert, sync_from_warnings, thread_was_sent
from paknam.governance.service import queue_alert

log = logging.getLogger(__name__)

AUTO_SEND = ("severe", "extreme")
"""Severities that go to subscribers without waiting for an officer (status Actual only)."""


@dataclass(frozen=True)
class AlertRun:
    """What :func:`issue_alerts` did: alert ids per CAP message type, the outbox messages
    queued, and warnings whose kind no domain registers (no alert: a defect to fix)."""

    alert: list[int] = field(default_factory=list)
    update: list[int] = field(default_factory=list)
    cancel: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    unregistered: list[int] = field(default_factory=list)
    historical: list[int] = field(default_factory=list)
    """Warnings whose evidence is too old to reach citizens (officers see them)."""

    def summary(self) -> str:
        text = (
            f"CAP alerts: {len(self.alert)} new, {len(self.update)} updated, "
            f"{len(self.cancel)} cancelled; {len(self.queued)} queued for delivery"
        )
        if self.historical:
            text += f"; {len(self.historical)} warning(s) on old data kept for officers only"
        return text

    def as_dict(self) -> dict[str, list[int]]:
        return {
            "Alert": self.alert,
            "Update": self.update,
            "Cancel": self.cancel,
            "queued": self.queued,
            "unregistered": self.unregistered,
            "historical": self.historical,
        }


@dataclass(frozen=True)
class PipelineRun:
    """Each rule's run (by rule name) and the alerts issued after them."""

    rules: dict[str, RuleRun]
    alerts: AlertRun


def should_send(
    status: str,
    msg_type: str,
    severity: str,
    thread_was_sent: bool,
    severity_changed: bool = True,
) -> bool:
    """The delivery policy for an alert the rules issued (pure).

    Only ``Actual`` alerts go out on their own. A Cancel goes out when the alert was sent
    (people told of a danger are told it ended); a Cancel of an alert nobody was told about
    stays quiet. An Update of a sent alert goes out when its severity changed, up or down;
    an Update that only refreshes the texts (a new hourly value at the same severity) is
    published in the CAP feed and on the web but not pushed again, so a long haze does
    not send every subscriber a message every hour. Otherwise a new Alert or an Update goes
    out when its severity is in :data:`AUTO_SEND`.
    """
    if status != "Actual":
        return False
    if msg_type == "Cancel":
        return thread_was_sent
    if msg_type == "Update" and thread_was_sent:
        return severity_changed
    return severity.lower() in AUTO_SEND


def _severity_changed(alert: dict[str, Any]) -> bool:
    """Whether this message's severity differs from the one before it in its thread."""
    thread = alert["thread"]
    at = next(i for i, m in enumerate(thread) if m["id"] == alert["id"])
    return at == 0 or str(thread[at - 1]["severity"]).lower() != str(alert["severity"]).lower()


def issue_alerts_in(conn: Connection) -> AlertRun:
    """:func:`issue_alerts` inside the caller's transaction."""
    issued = sync_from_warnings(conn)
    run = AlertRun(
        alert=issued["Alert"],
        update=issued["Update"],
        cancel=issued["Cancel"],
        unregistered=issued["unregistered"],
        historical=issued["historical"],
    )
    link_base = get_settings().public_base_url.rstrip("/")
    for msg_type in ("Alert", "Update", "Cancel"):
        for alert_id in issued[msg_type]:
            a = get_alert(conn, alert_id)
            sent_before = msg_type != "Alert" and thread_was_sent(conn, a["thread_id"])
            if not should_send(
                a["status"], msg_type, a["severity"], sent_before, _severity_changed(a)
            ):
                continue
            mid, _ = queue_alert(conn, alert_id, created_by="rules", link_base=link_base)
            run.queued.append(mid)
    if run.unregistered:
        log.error("warnings %s have kinds no domain registers: no alert", run.unregistered)
    return run


def issue_alerts(store: Store) -> AlertRun:
    """Bring CAP alerts in line with the active warnings and queue what goes out by itself
    (one transaction: alerts and their deliveries together, or neither)."""
    with store.write() as conn:
        return issue_alerts_in(conn)


def all_rules() -> list[Rule]:
    """Every rule of every registered domain, in the domains' order."""
    return [r for d in domains() for r in d.rules]


def rule(name: str) -> Rule:
    """The rule called ``name``."""
    for r in all_rules():
        if r.name == name:
            return r
    known = ", ".join(r.name for r in all_rules())
    raise KeyError(f"no rule {name!r} (known: {known})")


def run_rules(store: Store, rules: Sequence[Rule] | None = None) -> PipelineRun:
    """Run ``rules`` (default: every domain's), then issue alerts once for all of them."""
    done: dict[str, RuleRun] = {}
    for r in all_rules() if rules is None else rules:
        done[r.name] = r.run(store)
    return PipelineRun(done, issue_alerts(store))


__all__ = [
    "AUTO_SEND",
    "AlertRun",
    "PipelineRun",
    "all_rules",
    "issue_alerts",
    "issue_alerts_in",
    "rule",
    "run_rules",
    "should_send",
]
