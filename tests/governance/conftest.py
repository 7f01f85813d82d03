from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.governance.loopback import LineServer, SmsServer


@pytest.fixture
def line_server() -> Iterator[LineServer]:
    server = LineServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sms_server() -> Iterator[SmsServer]:
    server = SmsServer()
    server.start()
    yield server
    server.stop()


def line_user(i: int) -> str:
    return f"U{i:032x}"
