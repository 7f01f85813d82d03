"""The sources' HTTP helper against a real loopback server: timeouts, 5xx, 429, 4xx,
malformed JSON, refused connections; backoff with full jitter and Retry-After."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from paknam.sources.base import SourceError
from paknam.sources.http import HttpClient, retry_after_s, safe_url

from .loopback import Answer, Loopback, loopback


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback() as lb:
        yield lb


def client(sleeps: list[float], **kw: object) -> HttpClient:
    kw.setdefault("timeout_s", 2.0)
    return HttpClient(sleep=sleeps.append, random=lambda: 1.0, **kw)  # type: ignore[arg-type]


def test_timeout_is_retried_then_a_retryable_error_naming_the_url(server: Loopback) -> None:
    server.play("/slow", Answer.json({"ok": 1}, delay_s=1.0))
    sleeps: list[float] = []
    c = client(sleeps, timeout_s=0.2, retries=1, backoff_s=0.01)
    with pytest.raises(SourceError) as info:
        c.get_json(server.base + "/slow?key=secret")
    assert info.value.retryable
    msg = str(info.value)
    assert "no answer within 0.2 s" in msg and "/slow" in msg and "secret" not in msg
    assert "after 2 tries" in msg
    assert server.hits("/slow") == 2 and c.attempts == 2 and sleeps == [0.01]


def test_5xx_then_success_is_retried_with_capped_exponential_backoff(server: Loopback) -> None:
    server.play(
        "/feed",
        Answer(503, b"busy"),
        Answer(500, b"oops"),
        Answer(502, b"gateway"),
        Answer.json({"stations": []}),
    )
    sleeps: list[float] = []
    c = client(sleeps, retries=3, backoff_s=0.01, max_backoff_s=0.03)
    assert c.get_json(server.base + "/feed") == {"stations": []}
    assert server.hits("/feed") == 4
    assert sleeps == [0.01, 0.02, 0.03]  # random()=1: the cap of each full-jitter draw


def test_full_jitter_draws_below_the_cap() -> None:
    c = HttpClient(backoff_s=1.0, max_backoff_s=8.0, random=lambda: 0.25)
    assert [c._backoff(a) for a in range(5)] == [0.25, 0.5, 1.0, 2.0, 2.0]


def test_5xx_that_persists_fails_retryable(server: Loopback) -> None:
    server.play("/down", Answer(500, b"internal error"))
    sleeps: list[float] = []
    with pytest.raises(SourceError, match=r"HTTP 500.*internal error.*after 3 tries") as info:
        client(sleeps, retries=2, backoff_s=0.0).get(server.base + "/down")
    assert info.value.retryable and server.hits("/down") == 3


def test_429_retry_after_is_honoured_and_bounded(server: Loopback) -> None:
    server.play("/rl", Answer(429, b"", {"Retry-After": "2"}), Answer.json([1]))
    sleeps: list[float] = []
    assert client(sleeps, retries=2, backoff_s=0.01).get_json(server.base + "/rl") == [1]
    assert sleeps == [2.0]
    server.play("/rl2", Answer(429, b"", {"Retry-After": "3600"}))
    sleeps.clear()
    with pytest.raises(SourceError, match="asks to wait 3600 s") as info:
        client(sleeps, retries=3, max_retry_after_s=60).get(server.base + "/rl2")
    assert info.value.retryable and sleeps == [] and server.hits("/rl2") == 1


def test_4xx_is_not_retried(server: Loopback) -> None:
    server.play("/gone", Answer(404, b"not here"))
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="HTTP 404") as info:
        client(sleeps, retries=3).get(server.base + "/gone")
    assert not info.value.retryable and server.hits("/gone") == 1 and sleeps == []


def test_malformed_json_names_the_url_and_the_start(server: Loopback) -> None:
    server.play("/bad", Answer(200, b'{"stations": [ {"stationID": "18t",'))
    with pytest.raises(SourceError, match=r"/bad: answer is not JSON") as info:
        client([]).get_json(server.base + "/bad")
    assert "stationID" in str(info.value) and info.value.retryable


def test_refused_connection_is_retryable() -> None:
    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="cannot connect") as info:
        client(sleeps, retries=1, backoff_s=0.0).get(f"http://127.0.0.1:{port}/x")
    assert info.value.retryable and len(sleeps) == 1


def test_safe_url_and_retry_after_parsing() -> None:
    assert safe_url("https://u:p@api.example:8443/a/b?key=s") == "https://api.example:8443/a/b"
    assert retry_after_s("120") == 120.0
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60.0
    assert retry_after_s("soon") is None and retry_after_s(None) is None
