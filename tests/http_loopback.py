"""What every loopback server of the tests shares: an HTTP server on 127.0.0.1 (a free
port) answered by a daemon thread, started and stopped by the test."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class _Server(ThreadingHTTPServer):
    """A client that went away mid-request (a worker killed on purpose) is not an error of
    the server: no traceback for it; any other error is printed as usual."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exception(), ConnectionError):
            return
        super().handle_error(request, client_address)


class HttpLoopback:
    """Subclasses call :meth:`serve` with their handler class in ``__init__``; ``url`` is
    the base address (plus :attr:`url_path`, the API's own prefix)."""

    url_path = ""

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.url_path}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
