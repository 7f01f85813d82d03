"""LINE Messaging API client (httpx): multicast of one text to up to 500 user ids.

Facts used (developers.line.biz, Messaging API reference): ``POST /v2/bot/message/multicast``
with ``{"to": [≤ 500 user ids], "messages": [≤ 5 messages]}`` and a channel access token as
Bearer; rate limit 200 requests/s for multicast (HTTP 429 over it, also when the monthly
quota is used up); ``X-Line-Retry-Key`` (a UUID) makes a retried request idempotent for
24 h — a repeat of an accepted request answers 409 with ``x-line-accepted-request-id``,
which we count as sent. ``POST /v2/bot/message/reply`` answers a webhook event;
``POST /v2/bot/message/push`` sends to one user (a complaint's reporter), also with a retry
key; ``GET https://api-data.line.me/v2/bot/message/{messageId}/content`` gives the bytes
of an image a user sent (kept by LINE for a limited time).

Sending stays with this httpx client rather than the SDK's ``MessagingApi``: the outbox
needs the raw status, ``Retry-After`` and the 409 of an accepted retry key for each batch
(:func:`status_outcome`), one pooled client per worker with our own rate limit, and the
two hosts (api / api-data) pointed at a loopback server in tests. The SDK's models
(:mod:`linebot.v3.messaging`) build and check every message body sent
(:func:`checked_messages`).

Alert texts may carry a Flex message (``texts["line_flex"]``, JSON made by
:mod:`paknam.core.notify.line_flex` when the alert is queued): it is sent instead of the
plain text, whose words it repeats in its ``altText``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx

from paknam.core.errors import InvalidInput
from paknam.core.notify.channels import Batch, Outcome, status_outcome

MULTICAST_MAX = 500
MULTICAST_RATE = 200.0
"""Requests per second LINE allows for multicast."""
MESSAGES_MAX = 5
"""Messages per reply, push or multicast request."""
CONTENT_MAX = 10 * 1024 * 1024
"""Largest image content read from LINE [bytes] (LINE allows up to 10 MB)."""


def checked_messages(messages: Sequence[str | dict[str, Any]]) -> list[dict[str, Any]]:
    """Message objects for a request: texts become text messages; each one is read by the
    SDK's model (a malformed message raises :class:`InvalidInput` before anything is sent)."""
    if not 1 <= len(messages) <= MESSAGES_MAX:
        raise InvalidInput(f"a LINE request carries 1 to {MESSAGES_MAX} messages")
    out = []
    for m in messages:
        body = {"type": "text", "text": m} if isinstance(m, str) else m
        try:
            from linebot.v3.messaging import Message as SdkMessage  # slow to import

            model = SdkMessage.from_dict(body)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"not a LINE message: {exc}") from None
        if model is None:
            raise InvalidInput(f"not a LINE message: {body.get('type')!r}")
        out.append(body)
    return out


class RateLimiter:
    """Token bucket shared by the sending threads."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        self.rate = rate
        self.capacity = float(burst or max(int(rate // 10), 1))
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.rate
            time.sleep(wait)


class LineChannel:
    """Sends batches with multicast; one text message per request."""

    name = "line"
    batch_size = MULTICAST_MAX

    def __init__(
        self,
        access_token: str,
        base_url: str = "https://api.line.me",
        *,
        timeout: float = 10.0,
        rate: float = MULTICAST_RATE,
    ) -> None:
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.rate = rate  # shared by the workers: slots reserved in the store
        self.limiter = RateLimiter(rate)  # and within this process

    def prepare(self) -> None:
        """Load the SDK's message models now (about a second), not on the first send."""
        checked_messages(["ready"])

    def send(self, batch: Batch) -> Outcome:
        self.limiter.acquire()
        flex = batch.texts.get("line_flex")
        message = json.loads(flex) if flex else {"type": "text", "text": batch.texts["line"]}
        body = {
            "to": [address for _, address in batch.recipients],
            "messages": checked_messages([message]),
        }
        try:
            r = self.client.post(
                "/v2/bot/message/multicast", json=body, headers={"X-Line-Retry-Key": batch.key}
            )
        except httpx.HTTPError as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        if r.status_code == 409 and r.headers.get("x-line-accepted-request-id"):
            accepted = r.headers["x-line-accepted-request-id"]
            return Outcome("sent", f"HTTP 409: already accepted as request {accepted}")
        return status_outcome(r.status_code, r.text, r.headers.get("retry-after"))

    def reply(self, reply_token: str, messages: Sequence[str | dict[str, Any]]) -> None:
        """Answer a webhook event (best effort: a reply token lives about a minute)."""
        body = {"replyToken": reply_token, "messages": checked_messages(messages[:MESSAGES_MAX])}
        r = self.client.post("/v2/bot/message/reply", json=body)
        if r.status_code >= 400:
            raise httpx.HTTPStatusError(
                f"LINE reply answered HTTP {r.status_code}", request=r.request, response=r
            )

    def push(self, user_id: str, messages: Sequence[str | dict[str, Any]], key: str) -> Outcome:
        """Send to one user; ``key`` (a UUID, the same on every retry of this push) makes a
        repeat harmless (409 with ``x-line-accepted-request-id``: counted as sent)."""
        body = {"to": user_id, "messages": checked_messages(messages[:MESSAGES_MAX])}
        try:
            r = self.client.post(
                "/v2/bot/message/push", json=body, headers={"X-Line-Retry-Key": key}
            )
        except httpx.HTTPError as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        if r.status_code == 409 and r.headers.get("x-line-accepted-request-id"):
            return Outcome("sent", "HTTP 409: already accepted")
        return status_outcome(r.status_code, r.text, r.headers.get("retry-after"))

    def content(self, data_base_url: str, message_id: str) -> bytes:
        """The bytes a user sent in message ``message_id`` (an image), from LINE's content
        host; :class:`InvalidInput` when LINE has none or it is larger than
        :data:`CONTENT_MAX`."""
        if not message_id.isdigit() or len(message_id) > 30:
            raise InvalidInput("a LINE message id is digits", field="message_id")
        url = f"{data_base_url.rstrip('/')}/v2/bot/message/{message_id}/content"
        with self.client.stream("GET", url) as r:
            if r.status_code != 200:
                raise InvalidInput(
                    f"LINE has no content for this message (HTTP {r.status_code})",
                    field="message_id",
                )
            data = bytearray()
            for chunk in r.iter_bytes():
                data += chunk
                if len(data) > CONTENT_MAX:
                    raise InvalidInput("the photo is larger than 10 MB", field="media")
        return bytes(data)

    def close(self) -> None:
        self.client.close()
