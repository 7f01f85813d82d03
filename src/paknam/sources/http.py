"""The one HTTP helper of the source connectors (on httpx).

Every GET has a timeout and is retried, with exponential backoff and *full jitter*
(sleep a random time in ``[0, min(max_backoff_s, backoff_s * 2**attempt)]``, as in the
AWS architecture blog's "Exponential Backoff and Jitter"), on what may pass by itself:
timeouts, connection errors, HTTP 5xx and 429. A ``Retry-After`` header (seconds or an
HTTP date) is honoured, bounded by ``max_retry_after_s``. Everything else (4xx, a body
that is not what was asked for) is not retried.

Failures become :class:`~paknam.sources.base.SourceError` naming the URL and the problem;
``retryable`` says whether a later harvest may succeed. URLs in messages never show the
query string or user info (an agency's key may sit there): only scheme, host and path.

The transport is injectable (``transport=httpx.MockTransport(...)``) for tests; ``sleep``
and ``random`` too, so that backoff can be checked without waiting.
"""

from __future__ import annotations

import csv
import email.utils
import io
import logging
import random as _random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from paknam import __version__
from paknam.sources.base import SourceError

log = logging.getLogger("paknam.sources.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses worth retrying (besides timeouts and connection errors); other 5xx too."""
USER_AGENT = f"paknam/{__version__} (city data platform; +https://github.com/paknam)"


def safe_url(url: str | httpx.URL) -> str:
    """``scheme://host[:port]/path`` of ``url``: no query, no user info (may hold keys)."""
    u = httpx.URL(str(url))
    port = f":{u.port}" if u.port else ""
    return f"{u.scheme}://{u.host}{port}{u.path}"


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ref = datetime.now(UTC).timestamp() if now is None else now
    return max(when.timestamp() - ref, 0.0)


class HttpClient:
    """GET with timeouts, bounded retries and backoff; errors as :class:`SourceError`.

    Parameters
    ----------
    timeout_s : float
        Connect/read/write/pool timeout of each try [s].
    retries : int
        Further tries after the first (0: try once).
    backoff_s, max_backoff_s : float
        Base and cap of the exponential backoff [s].
    max_retry_after_s : float
        Longest ``Retry-After`` honoured [s]; a longer one ends the retries (the source is
        asked again at its next harvest).
    headers : mapping, optional
        Extra request headers (e.g. an agency's API key).
    transport : httpx.BaseTransport, optional
        For tests (``httpx.MockTransport``); default the network.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 20.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        max_retry_after_s: float = 120.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if timeout_s <= 0 or retries < 0 or backoff_s < 0 or max_backoff_s < 0:
            raise ValueError("timeout_s must be > 0; retries, backoff_s, max_backoff_s >= 0")
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_retry_after_s = max_retry_after_s
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self.transport = transport
        self.sleep = sleep
        self.random = random
        self.attempts = 0
        """Tries made by this client in all (for tests and logs)."""

    def _backoff(self, attempt: int) -> float:
        return self.random() * min(self.max_backoff_s, self.backoff_s * 2**attempt)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """A successful (2xx) response to GET ``url``; :class:`SourceError` otherwise."""
        where = safe_url(url)
        last: SourceError | None = None
        with httpx.Client(
            timeout=self.timeout_s,
            headers=self.headers,
            transport=self.transport,
            follow_redirects=True,
        ) as client:
            for attempt in range(self.retries + 1):
                self.attempts += 1
                wait: float | None = None
                try:
                    resp = client.get(url, params=dict(params) if params else None)
                except httpx.TimeoutException as exc:
                    last = SourceError(
                        f"GET {where}: no answer within {self.timeout_s:g} s "
                        f"({type(exc).__name__})",
                        retryable=True,
                    )
                except httpx.TransportError as exc:
                    last = SourceError(f"GET {where}: cannot connect: {exc}", retryable=True)
                else:
                    if resp.is_success:
                        return resp
                    status = resp.status_code
                    snippet = resp.text[:200].replace("\n", " ").strip()
                    retryable = status in RETRY_STATUSES or status >= 500
                    last = SourceError(
                        f"GET {where}: HTTP {status} {resp.reason_phrase}"
                        + (f": {snippet}" if snippet else ""),
                        retryable=retryable,
                    )
                    if not retryable:
                        raise last
                    asked = retry_after_s(resp.headers.get("Retry-After"))
                    if asked is not None:
                        if asked > self.max_retry_after_s:
                            raise SourceError(
                                f"{last}; the server asks to wait {asked:.0f} s "
                                f"(more than {self.max_retry_after_s:g} s): try at next harvest",
                                retryable=True,
                            )
                        wait = asked
                if attempt == self.retries:
                    break
                wait = self._backoff(attempt) if wait is None else wait
                log.info("%s; retry %d/%d in %.2f s", last, attempt + 1, self.retries, wait)
                self.sleep(wait)
        assert last is not None
        tries = self.retries + 1
        raise SourceError(f"{last} (after {tries} tries)", retryable=True)

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """The JSON document at ``url``; malformed JSON is a :class:`SourceError` (retryable:
        a truncated answer or a maintenance page usually passes)."""
        resp = self.get(url, params)
        try:
            return orjson.loads(resp.content)
        except orjson.JSONDecodeError as exc:
            head = resp.content[:80].decode("utf-8", "replace").replace("\n", " ")
            raise SourceError(
                f"GET {safe_url(url)}: answer is not JSON ({exc}); it starts {head!r}",
                retryable=True,
            ) from None

    def get_csv(self, url: str, params: Mapping[str, Any] | None = None) -> list[dict[str, str]]:
        """Rows of the CSV at ``url`` (first line is the header; UTF-8, BOM allowed)."""
        resp = self.get(url, params)
        try:
            text = resp.content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"GET {safe_url(url)}: CSV is not UTF-8 ({exc})", retryable=False
            ) from None
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise SourceError(f"GET {safe_url(url)}: CSV has no header line", retryable=True)
        return [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in reader]
