"""Fixtures of the LINE chat tests: the loopback LINE platform, the app configured to
speak to it, and builders of webhook events as LINE sends them (every field the SDK's
models require)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.config import get_settings
from paknam.core.store import Store

from .loopback import LinePlatform

SECRET = "0123456789abcdef0123456789abcdef"
USER = "U" + "4f" * 16
OTHER = "U" + "0a" * 16
_ids = itertools.count(1)


@pytest.fixture
def line() -> Iterator[LinePlatform]:
    server = LinePlatform().start()
    yield server
    server.stop()


@pytest.fixture
def configured(line: LinePlatform, monkeypatch: pytest.MonkeyPatch) -> LinePlatform:
    s = get_settings()
    monkeypatch.setattr(s, "line_channel_secret", SECRET)
    monkeypatch.setattr(s, "line_channel_access_token", line.token)
    monkeypatch.setattr(s, "line_api_base", line.url)
    monkeypatch.setattr(s, "line_data_api_base", line.url)
    monkeypatch.setattr(s, "public_base_url", "https://paknam.example")
    return line


@pytest.fixture
def client(store: Store, configured: LinePlatform) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    sig = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-Line-Signature": sig, "Content-Type": "application/json"}


def event(kind: str, user: str = USER, **extra: Any) -> dict[str, Any]:
    n = next(_ids)
    base = {
        "type": kind,
        "mode": "active",
        "timestamp": 1_767_225_600_000 + n,
        "webhookEventId": f"01JTEST{n:019d}",
        "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user},
    }
    if kind not in ("unfollow",):
        base["replyToken"] = f"reply{n:027d}"
    if kind == "follow":
        base["follow"] = {"isUnblocked": False}
    return {**base, **extra}


def message(kind: str, user: str = USER, **fields: Any) -> dict[str, Any]:
    mid = str(500_000_000_000_000 + next(_ids))
    body: dict[str, Any] = {"type": kind, "id": mid, **fields}
    if kind in ("text", "image"):
        body["quoteToken"] = "q" + mid
    if kind == "image":
        body.setdefault("contentProvider", {"type": "line"})
    return event("message", user, message=body)


def text(said: str, user: str = USER) -> dict[str, Any]:
    return message("text", user, text=said)


def postback(data: str, user: str = USER) -> dict[str, Any]:
    return event("postback", user, postback={"data": data})


def deliver(client: TestClient, *events: dict[str, Any]) -> Any:
    body = json.dumps({"destination": "U" + "1" * 32, "events": list(events)}).encode()
    r = client.post("/api/v1/line/webhook", content=body, headers=signed(body))
    assert r.status_code == 200, r.text
    return r.json()


def last_reply(line: LinePlatform) -> list[dict[str, Any]]:
    assert line.replies, "no reply reached the loopback"
    assert not line.bad, line.bad
    return list(line.replies[-1]["messages"])


def quick_data(msg: dict[str, Any]) -> list[str]:
    """The postback data (or type) of each quick-reply button of a message."""
    items = (msg.get("quickReply") or {}).get("items") or []
    return [i["action"].get("data") or i["action"]["type"] for i in items]
