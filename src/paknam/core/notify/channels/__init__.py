"""Delivery channels: LINE Messaging API, an SMS gateway over HTTP, SMTP e-mail.

Every channel takes a :class:`Batch` (one text to up to ``batch_size`` recipients, with a
key that stays the same on every retry of that batch) and answers an :class:`Outcome`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Batch:
    key: str  # UUID; the channel's idempotency key (LINE X-Line-Retry-Key ...)
    channel: str
    language: str
    texts: dict[str, str]  # line / sms / email_subject / email_body
    recipients: list[tuple[int, str]]  # (recipient id: the subscriber's, address)
    skipped: list[int] = field(default_factory=list)
    """Deliveries of the batch not sent (the subscriber withdrew consent since queueing)."""
    lease: int = 0
    """``next_attempt_s`` written by the claim: an answer is recorded only while the batch
    still carries it (a claim that lost its lease to another must not overwrite)."""
    unsure: frozenset[int] = frozenset()
    """Deliveries a worker that died was handing over to a channel without an idempotency
    key: whether that first attempt arrived is unknown (sent again: at least once)."""
    attempts: int = 0
    """Attempts of this batch recorded before this one."""
    not_before: float = 0.0
    """Its sending slot [epoch s]: a channel with a rate limit shared by the workers
    (``rate``) sends the batch no earlier."""
    done: Mapping[str, list[str]] = field(default_factory=dict)
    """Recipients of the batch whose outcome is already recorded apart from the batch's
    (subscriber id → [state, response]; see :mod:`paknam.core.notify.outbox`)."""


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry" or "failed"
    response: str
    retry_after: float | None = None
    failed_ids: frozenset[int] = field(default_factory=frozenset)
    """Deliveries in the batch the channel refused for good (e.g. an invalid number)."""


class Channel(Protocol):
    name: str
    batch_size: int
    # A channel may also have ``rate`` (requests/s allowed to all workers together: each
    # batch claimed gets a slot, Batch.not_before), and ``idempotent = False`` (no key
    # makes a repeat harmless, e.g. SMTP) with ``send(batch, handover=...)``: the worker
    # then fences and records each recipient on its own (paknam.core.notify.worker).

    def send(self, batch: Batch) -> Outcome: ...

    def close(self) -> None: ...


def status_outcome(code: int, body: str, retry_after: str | None) -> Outcome:
    """The usual reading of an HTTP answer: 2xx sent; 429, 5xx and 408 retried; 401/403
    retried (a key being rotated must not lose messages); other 4xx failed for good."""
    wait = None
    if retry_after:
        try:
            wait = max(float(retry_after), 0.0)
        except ValueError:
            wait = None
    text = f"HTTP {code}: {body[:500]}" if body else f"HTTP {code}"
    if 200 <= code < 300:
        return Outcome("sent", text)
    if code in (401, 403, 408, 425, 429) or code >= 500:
        return Outcome("retry", text, wait)
    return Outcome("failed", text)
