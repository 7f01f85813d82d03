"""The Traffy Fondue Exchange API client against the loopback server built from the
published specification: JWT renewal, error codes, the monthly credit quota."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from paknam.complaints.traffy.client import TraffyClient
from paknam.complaints.traffy.errors import (
    TraffyAuthFailed,
    TraffyQuotaExhausted,
    TraffyRejected,
    TraffyUnavailable,
)
from paknam.complaints.traffy.quota import MemoryQuota
from tests.complaints.traffy_loopback import TraffyServer


@pytest.fixture
def traffy() -> Iterator[TraffyServer]:
    server = TraffyServer().start()
    server.add_issue("2026-ABCDEF")
    yield server
    server.stop()


def _client(server: TraffyServer, **kw: object) -> TraffyClient:
    return TraffyClient(server.url, server.user, server.password, **kw)  # type: ignore[arg-type]


def test_token_is_taken_once_and_renewed_when_traffy_says_it_expired(
    traffy: TraffyServer,
) -> None:
    with _client(traffy) as client:
        assert [i["ticket_id"] for i in client.get_issues()] == ["2026-ABCDEF"]
        assert client.get_issue("2026-ABCDEF")["status"] == "รอรับเรื่อง"
        assert traffy.auths == 1 and client.permissions == ["read", "write"]
        traffy.expire_tokens()  # Traffy now answers "This token has expired"
        assert client.get_issue("2026-ABCDEF")["ticket_id"] == "2026-ABCDEF"
        assert traffy.auths == 2
        assert traffy.count("/get-issue/v1") == 3  # the refused call, then the retry


def test_token_renewed_before_its_expire_timestamp(traffy: TraffyServer) -> None:
    clock = [traffy.now]
    with _client(traffy, clock=lambda: clock[0]) as client:
        client.get_issues()
        clock[0] += 3600 - 30  # within a minute of expire_timestamp
        traffy.now = clock[0]
        client.get_issues()
        assert traffy.auths == 2
        assert traffy.count("/get-issues/v2") == 2  # no call was refused


def test_error_codes_become_clear_errors(traffy: TraffyServer) -> None:
    with (
        pytest.raises(TraffyAuthFailed, match="Invalid user or pass"),
        TraffyClient(traffy.url, traffy.user, "wrong") as refused,
    ):
        refused.get_issues()
    with _client(traffy) as client:
        with pytest.raises(TraffyRejected, match="note is not specified"):
            client.call(
                "PATCH", "/update-issue/v1", body={"ticket_id": "2026-ABCDEF", "state_name": "x"}
            )
        with pytest.raises(TraffyRejected, match="not found"):
            client.update_issue("2026-NOPE", state_name="เสร็จสิ้น", note="done")
        traffy.fail_next(1, 503)
        with pytest.raises(TraffyUnavailable, match="HTTP 503"):
            client.get_issues()
        done = client.update_issue("2026-ABCDEF", state_name="เสร็จสิ้น", note="ซ่อมแล้ว")
        assert done["status"] == "success"
        client.comment("2026-ABCDEF", "รับทราบ", comment_type="chat_staff_only")
        client.star("2026-ABCDEF", 5)
    assert traffy.updates == [
        {"ticket_id": "2026-ABCDEF", "state_name": "เสร็จสิ้น", "note": "ซ่อมแล้ว"}
    ]
    assert traffy.comments[0]["comment_type"] == "chat_staff_only"
    assert traffy.stars[0]["star"] == 5
    with pytest.raises(TraffyAuthFailed, match="not configured"):
        TraffyClient(traffy.url, "", "")


def test_no_server_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/exchange-api"
    with (
        TraffyClient(url, "u", "p", timeout_s=2) as client,
        pytest.raises(TraffyUnavailable, match="no answer"),
    ):
        client.get_issues()


def test_quota_refused_before_exceeding_and_when_traffy_says_it_ran_out(
    traffy: TraffyServer,
) -> None:
    traffy.balance = traffy.quota_limit = 3
    quota = MemoryQuota()
    with _client(traffy, quota=quota) as client:
        client.get_issues(reserve=1)  # 3 → 2
        client.get_issues(reserve=1)  # 2 → 1
        state = quota.state(client.clock())
        assert (state.calls, state.credit_balance, state.quota_limit) == (2, 1, 3)
        with pytest.raises(TraffyQuotaExhausted, match="1 credit"):
            client.get_issues(reserve=1)  # would eat into the reserve: not sent
        assert traffy.count("/get-issues/v2") == 2
        client.update_issue("2026-ABCDEF", state_name="เสร็จสิ้น", note="ok")  # reserve 0
        with pytest.raises(TraffyQuotaExhausted):
            client.comment("2026-ABCDEF", "again")  # balance 0: refused locally
        assert traffy.count("/comment/v1") == 0

    fresh = MemoryQuota()  # a book that does not know: Traffy's own answer decides
    with _client(traffy, quota=fresh) as client:
        with pytest.raises(TraffyQuotaExhausted, match="Running out of API usage quota"):
            client.get_issues()
        assert fresh.state(client.clock()).exhausted
        with pytest.raises(TraffyQuotaExhausted, match="used up"):
            client.get_issues()
        assert traffy.count("/get-issues/v2") == 3


def test_almost_out_warning_is_recorded(traffy: TraffyServer) -> None:
    traffy.warn_at = 999
    quota = MemoryQuota()
    with _client(traffy, quota=quota) as client:
        assert client.get_issues()  # still answered
    assert quota.state(client.clock()).warning == "Almost running out of API usage quota"
