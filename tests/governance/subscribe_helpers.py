"""Helpers of the verified-subscription tests: a server configured with the loopback SMS
gateway and SMTP server, and reading the code or link a citizen would receive."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from paknam.core.config import get_settings
from paknam.core.notify.subscribers import NOTICE_VERSION
from tests.governance.loopback import SmsServer

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
LINK = re.compile(r"(https?://\S+/subscribe/confirm#token=(pkl_[A-Za-z0-9_-]+))")


def form(address: str, channel: str = "sms", **kw: Any) -> dict[str, Any]:
    """A subscription as the /subscribe page sends it."""
    return {
        "channel": channel,
        "address": address,
        "districts": ["1101"],
        "topics": ["flood"],
        "language": "th",
        "consent": True,
        "notice_version": NOTICE_VERSION,
        **kw,
    }


def use_sms(monkeypatch: pytest.MonkeyPatch, sms: SmsServer) -> None:
    """Send SMS through the loopback gateway (settings read at request time)."""
    s = get_settings()
    monkeypatch.setattr(s, "sms_gateway_url", sms.url + "/v1/sms")
    monkeypatch.setattr(s, "sms_api_key", sms.token)


def texts_to(sms: SmsServer, number: str) -> list[str]:
    with sms.lock:
        return list(sms.received.get(number, []))


def code_sent_to(sms: SmsServer, number: str) -> str:
    """The code in the last SMS to ``number`` (E.164)."""
    texts = texts_to(sms, number)
    assert texts, f"no SMS reached {number}"
    found = CODE.search(texts[-1])
    assert found, texts[-1]
    return found.group(1)


class Inbox:
    """An SMTP server on loopback (aiosmtpd) keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def link_to(self, address: str) -> tuple[str, str]:
        """(link, token) in the last e-mail to ``address``."""
        from email import message_from_bytes

        for rcpt, raw in reversed(self.messages):
            if any(address.lower() == r.lower() for r in rcpt):
                body = message_from_bytes(raw).get_payload(decode=True).decode("utf-8")
                found = LINK.search(body)
                assert found, body
                return found.group(1), found.group(2)
        raise AssertionError(f"no e-mail reached {address}")


@contextmanager
def smtp_inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A loopback SMTP server the settings send e-mail to."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start() cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    s = get_settings()
    monkeypatch.setattr(s, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(s, "smtp_port", port)
    try:
        yield inbox
    finally:
        controller.stop()
