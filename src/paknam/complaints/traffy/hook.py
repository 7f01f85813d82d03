"""The complaints change hook of the bridge: an officer's status change of a Traffy
ticket is queued and sent at once, in the background (the officer's request does not
wait for Traffy).

The hook only speeds things up: the outbox is the event log itself
(:mod:`paknam.complaints.traffy.outbox`), and the scheduler's ``complaints.traffy.push``
job sends whatever the hook could not (Traffy down, the process stopped).
Changes whose actor is Traffy (an import, a webhook) are ignored here and never queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from paknam.complaints.hooks import CHANGE_HOOKS, ComplaintChange
from paknam.complaints.traffy import outbox
from paknam.complaints.traffy.client import TraffyClient
from paknam.complaints.traffy.tickets import is_traffy_origin, link_of_complaint
from paknam.core.store import Store
from paknam.core.timeutil import now_s

log = logging.getLogger(__name__)


class PushOnChange:
    """A change hook bound to a store; ``client_factory`` makes the Traffy client."""

    def __init__(
        self,
        store: Store,
        client_factory: Callable[[], TraffyClient],
        *,
        background: bool = True,
    ) -> None:
        self.store = store
        self.client_factory = client_factory
        self.background = background
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.reports: list[dict[str, object]] = []

    def wanted(self, change: ComplaintChange) -> bool:
        if change.kind not in outbox.PUSH_KINDS or is_traffy_origin(change.actor):
            return False
        with self.store.read() as conn:
            return link_of_complaint(conn, change.complaint_id) is not None

    def __call__(self, change: ComplaintChange) -> None:
        if not self.wanted(change):
            return
        if not self.background:
            self.run(change.complaint_id)
            return
        thread = threading.Thread(
            target=self.run, args=(change.complaint_id,), name="traffy-push", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def run(self, complaint_id: int) -> None:
        with self._lock:  # one delivery pass at a time in this process
            try:
                with self.client_factory() as client:
                    report = outbox.deliver(self.store, client, now_s(), complaint_id=complaint_id)
                self.reports.append(report)
            except Exception:  # the job retries; a hook must not raise
                log.exception("Traffy push of complaint %s failed (job retries)", complaint_id)

    def join(self, timeout_s: float = 10.0) -> None:
        """Wait for the background deliveries started so far (tests, shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout_s)

    def install(self) -> PushOnChange:
        if self not in CHANGE_HOOKS:
            CHANGE_HOOKS.append(self)
        return self

    def uninstall(self) -> None:
        if self in CHANGE_HOOKS:
            CHANGE_HOOKS.remove(self)
