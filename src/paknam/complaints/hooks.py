"""Change hooks: callables told about every logged change of a complaint, after commit.

The notification outbox (LINE, SMS, e-mail; :mod:`paknam.governance`) is built separately;
this module does not depend on it. To wire it, append a callable::

    from paknam.complaints.hooks import CHANGE_HOOKS
    CHANGE_HOOKS.append(my_outbox.on_complaint_change)

Each hook receives one :class:`ComplaintChange` per logged event, after the transaction
that made it has committed (so a hook never sees a change that was rolled back). A hook
that raises is logged and skipped: a failing notifier never fails the citizen's request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ComplaintChange:
    """One logged change. ``kind``: created, status, assigned, note, photo, reopened,
    rated, supported, reminder, escalated."""

    complaint_id: int
    kind: str
    at_s: int
    actor: str
    from_status: str | None = None
    to_status: str | None = None
    agency_code: str | None = None
    note: str | None = None
    public: bool = True

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


ChangeHook = Callable[[ComplaintChange], None]
CHANGE_HOOKS: list[ChangeHook] = []
"""Called with each change after commit; append to subscribe."""


def emit(changes: Iterable[ComplaintChange]) -> None:
    """Tell every hook about ``changes`` (call only after the commit)."""
    for change in changes:
        for hook in list(CHANGE_HOOKS):
            try:
                hook(change)
            except Exception:  # a notifier must not break the workflow
                log.exception("complaint change hook %r failed on %s", hook, change.kind)
