"""LINE Messaging API client (httpx): multicast of one text to up to 500 user ids.

Facts used (developers.line.biz, Messaging API reference): ``POST /v2/bot/message/multicast``
with ``{"to": [≤ 500 user ids], "messages": [≤ 5 messages]}`` and a channel access token as
Bearer; rate limit 200 requests/s for multicast (HTTP 429 over it, also when the monthly
quota is used up); ``X-Line-Retry-Key`` (a UUID) makes a retried request idempotent for
24 h — a repeat of an accepted request answers 409 with ``x-line-accepted-request-id``,
which we count as sent. ``POST /v2/bot/message/reply`` answers a webhook event.
"""

from __future__ import annotations

import threading
import time

import httpx

from paknam.core.notify.channels import Batch, Outcome, status_outcome

MULTICAST_MAX = 500
MULTICAST_RATE = 200.0
"""Requests per second LINE allows for multicast."""


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
        self.limiter = RateLimiter(rate)

    def send(self, batch: Batch) -> Outcome:
        self.limiter.acquire()
        body = {
            "to": [address for _, address in batch.recipients],
            "messages": [{"type": "text", "text": batch.texts["line"]}],
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

    def reply(self, reply_token: str, texts: list[str]) -> None:
        """Answer a webhook event (best effort: a reply token lives about a minute)."""
        messages = [{"type": "text", "text": t} for t in texts[:5]]
        self.client.post(
            "/v2/bot/message/reply", json={"replyToken": reply_token, "messages": messages}
        )

    def close(self) -> None:
        self.client.close()
