"""Servers on loopback that speak the channels' protocols, for tests and benchmarks.

:class:`LineServer` implements the parts of the LINE Messaging API paknam uses, with the
documented behaviour: Bearer channel access token (401 otherwise), multicast to ≤ 500
user ids and ≤ 5 messages (400 otherwise), text ≤ 5,000 characters, ``X-Line-Retry-Key``
must be a UUID and a repeat of an accepted key answers 409 with
``x-line-accepted-request-id`` without delivering again; a rate limit answering 429; and
faults on demand (``fail_next``: answer an error without delivering; ``lose_next``:
deliver, then answer 500 as if the answer was lost; ``delay``: hold each answer).

:class:`SmsServer` implements the JSON SMS protocol documented in docs/alerts.md, with the
same idempotency (``Idempotency-Key``) and faults.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.http_loopback import HttpLoopback

_USER = re.compile(r"^U[0-9a-f]{32}$")


class _Base(HttpLoopback):
    def __init__(self, token: str) -> None:
        self.token = token
        self.lock = threading.Lock()
        self.accepted_keys: dict[str, str] = {}
        self.received: dict[str, list[str]] = defaultdict(list)
        self.requests = 0
        self.statuses: list[int] = []
        self._fail: list[int] = []
        self._lose = 0
        self.delay = 0.0
        self.rate_per_s: float | None = None
        self._window: list[float] = []
        self.serve(self._handler())

    def fail_next(self, n: int, status: int) -> None:
        with self.lock:
            self._fail.extend([status] * n)

    def lose_next(self, n: int) -> None:
        with self.lock:
            self._lose += n

    def deliveries(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.received.values())

    def _rate_limited(self) -> bool:
        if self.rate_per_s is None:
            return False
        now = time.monotonic()
        self._window = [t for t in self._window if now - t < 1.0]
        if len(self._window) >= self.rate_per_s:
            return True
        self._window.append(now)
        return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
                with server.lock:
                    server.statuses.append(status)

            def do_GET(self) -> None:
                if self.path != "/_stats":
                    self._answer(404, {"message": "Not found"}, {})
                    return
                with server.lock:
                    counts = [len(v) for v in server.received.values()]
                    stats = {
                        "requests": server.requests,
                        "deliveries": sum(counts),
                        "recipients": len(counts),
                        "max_per_recipient": max(counts, default=0),
                        "status_409": server.statuses.count(409),
                        "status_429": server.statuses.count(429),
                    }
                self._answer(200, stats, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                status, body, headers = server.handle(self.path, dict(self.headers), raw)
                if server.delay:
                    time.sleep(server.delay)
                self._answer(status, body, headers)

        return Handler

    def handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        raise NotImplementedError


class LineServer(_Base):
    def __init__(self, token: str = "test-line-token") -> None:
        super().__init__(token)
        self.replies: list[dict[str, Any]] = []

    def handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        h = {k.lower(): v for k, v in headers.items()}
        request_id = str(uuid.uuid4())
        with self.lock:
            self.requests += 1
            if h.get("authorization") != f"Bearer {self.token}":
                return 401, {"message": "Authentication failed. Confirm that the access token "
                             "in the authorization header is valid."}, {}  # fmt: skip
            if self._fail:
                return self._fail.pop(0), {"message": "injected fault"}, {}
            if self._rate_limited():
                return 429, {"message": "Too Many Requests"}, {}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"message": "The request body has 1 error(s)"}, {}
        if path == "/v2/bot/message/reply":
            with self.lock:
                self.replies.append(body)
            return 200, {"sentMessages": []}, {"x-line-request-id": request_id}
        if path not in ("/v2/bot/message/multicast", "/v2/bot/message/push"):
            return 404, {"message": "Not found"}, {}
        to = body.get("to")
        to = [to] if path.endswith("push") else to
        messages = body.get("messages") or []
        if not isinstance(to, list) or not 1 <= len(to) <= 500:
            return 400, {"message": "The request body has 1 error(s)",
                         "details": [{"message": "Size must be between 1 and 500",
                                      "property": "to"}]}, {}  # fmt: skip
        if any(not isinstance(u, str) or not _USER.match(u) for u in to):
            return 400, {"message": "The property, 'to', in the request body is invalid"}, {}
        if not 1 <= len(messages) <= 5 or any(len(m.get("text", "")) > 5000 for m in messages):
            return 400, {"message": "The request body has 1 error(s)"}, {}
        key = h.get("x-line-retry-key")
        with self.lock:
            if key is not None:
                try:
                    uuid.UUID(key)
                except ValueError:
                    return 400, {"message": "The retry key is not a valid UUID"}, {}
                if key in self.accepted_keys:
                    return (
                        409,
                        {"message": "The retry key is already accepted", "sentMessages": []},
                        {"x-line-accepted-request-id": self.accepted_keys[key]},
                    )
                self.accepted_keys[key] = request_id
            for user in to:
                for m in messages:
                    # a Flex message is recorded by its fallback text (altText)
                    self.received[user].append(m.get("text") or m.get("altText", ""))
            if self._lose:
                self._lose -= 1
                return 500, {"message": "injected: delivered but the answer is lost"}, {}
        return 200, {}, {"x-line-request-id": request_id}


class SmsServer(_Base):
    def __init__(self, token: str = "test-sms-key") -> None:
        super().__init__(token)
        self.bodies: list[dict[str, Any]] = []

    def handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        h = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.requests += 1
            if h.get("authorization") != f"Bearer {self.token}":
                return 401, {"error": "bad api key"}, {}
            if self._fail:
                return self._fail.pop(0), {"error": "injected fault"}, {}
        body = json.loads(raw)
        key = h.get("idempotency-key")
        with self.lock:
            if key in self.accepted_keys:
                return 409, {"error": "duplicate"}, {}
            if key:
                self.accepted_keys[key] = key
            accepted, rejected = [], []
            for number in body["to"]:
                if number.startswith("+66"):
                    accepted.append(number)
                    self.received[number].append(body["text"])
                else:
                    rejected.append({"to": number, "reason": "destination not allowed"})
            self.bodies.append(body)
        return 202, {"accepted": accepted, "rejected": rejected}, {}


if __name__ == "__main__":  # a server in its own process, for benchmarks
    import sys

    # ``line [RATE]``: a LINE server answering 429 over RATE requests in any second
    srv = LineServer() if sys.argv[1:2] == ["line"] else SmsServer()
    if sys.argv[2:]:
        srv.rate_per_s = float(sys.argv[2])
    srv.start()
    print(srv.url, flush=True)
    srv.thread.join()
