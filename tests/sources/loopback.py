"""A real HTTP server on 127.0.0.1 (a free port) that plays scripted answers.

Each path has a list of answers played in turn (the last one repeats): status, body,
headers and a delay before answering (to provoke client timeouts). Every request's path
and query are recorded. Not a mock: the client goes through sockets like on the network.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def json(cls, doc: Any, status: int = 200, **kw: Any) -> Answer:
        headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
        return cls(status, json.dumps(doc, ensure_ascii=False).encode(), headers, **kw)


class Loopback:
    def __init__(self) -> None:
        self.script: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def play(self, path: str, *answers: Answer) -> None:
        with self.lock:
            self.script[path] = list(answers)

    def _next(self, path: str) -> Answer:
        with self.lock:
            queue = self.script.get(path)
            if not queue:
                return Answer(404, b"no such path")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@contextmanager
def loopback() -> Iterator[Loopback]:
    lb = Loopback()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with lb.lock:
                lb.requests.append((parts.path, parse_qs(parts.query)))
            ans = lb._next(parts.path)
            if ans.delay_s:
                time.sleep(ans.delay_s)
            try:
                self.send_response(ans.status)
                for k, v in ans.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(ans.body)))
                self.end_headers()
                self.wfile.write(ans.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *_a: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    lb.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield lb
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
