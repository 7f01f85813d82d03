"""Alert subscriptions managed in the LINE chat by quick replies: consent first, then
districts, topics, language, stop."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paknam.core.notify.subscribers import find_by_address, get_subscriber
from paknam.core.store import Store

from .conftest import USER, deliver, event, last_reply, postback, quick_data, text
from .loopback import LinePlatform


def _sub(store: Store) -> dict:
    with store.read() as conn:
        sid = find_by_address(conn, "line", USER)
        assert sid is not None
        return get_subscriber(conn, sid)


def test_settings_by_quick_replies(
    client: TestClient, configured: LinePlatform, store: Store
) -> None:
    line = configured
    deliver(client, event("follow"))
    welcome = last_reply(line)[0]
    assert "ยินยอม" in welcome["text"] and "action=report" in quick_data(welcome)
    deliver(client, postback("action=settings"))  # no consent yet: the notice first
    ask = last_reply(line)[0]
    assert "ยังไม่ได้ลงทะเบียน" in ask["text"] and quick_data(ask) == ["message", "message"]
    assert _sub(store)["status"] == "pending"

    deliver(client, text("ยินยอม"))
    menu = last_reply(line)[0]
    assert "ลงทะเบียนรับการแจ้งเตือนแล้ว" in menu["text"]
    assert quick_data(menu) == [
        "action=districts", "action=topics", "action=language&lang=en", "action=stop"
    ]  # fmt: skip
    sub = _sub(store)
    assert sub["status"] == "active" and len(sub["districts"]) == 6 and len(sub["topics"]) == 4

    deliver(client, postback("action=districts"))
    buttons = quick_data(last_reply(line)[0])
    assert "action=district&code=1101" in buttons and "action=all_districts" in buttons
    assert last_reply(line)[0]["quickReply"]["items"][0]["action"]["label"].startswith("✓ ")
    deliver(client, postback("action=district&code=1101"))  # removes it
    assert "1101" not in _sub(store)["districts"]
    label = last_reply(line)[0]["quickReply"]["items"][0]["action"]["label"]
    assert not label.startswith("✓")
    deliver(client, postback("action=district&code=1101"))  # and back
    assert "1101" in _sub(store)["districts"]

    deliver(client, postback("action=topics"))
    for topic in ("air", "water", "news"):
        deliver(client, postback(f"action=topic&code={topic}"))
    assert _sub(store)["topics"] == ["flood"]
    deliver(client, postback("action=topic&code=flood"))  # the last one stays
    assert "อย่างน้อยหนึ่ง" in last_reply(line)[0]["text"]
    assert _sub(store)["topics"] == ["flood"]

    deliver(client, postback("action=language&lang=en"))
    assert "Subscribed: Flooding and high tides" in last_reply(line)[0]["text"]
    assert _sub(store)["language"] == "en"
    deliver(client, postback("action=district&code=9999"))  # a forged button: skipped
    assert _sub(store)["status"] == "active"

    deliver(client, postback("action=stop"))
    assert "no more alerts" in last_reply(line)[0]["text"]
    assert _sub(store)["status"] == "withdrawn"
    assert not line.bad
