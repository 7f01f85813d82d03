"""The LINE webhook: citizens subscribe by following the province's LINE Official Account.

Signature (Messaging API reference): ``X-Line-Signature`` = base64(HMAC-SHA256(channel
secret, raw request body)); anything else is refused before the body is read as JSON.
LINE may deliver an event again (``deliveryContext.isRedelivery``); each
``webhookEventId`` is handled once.

Conversation (PDPA: no alerts before an explicit yes):

- *follow* → a pending subscriber (no consent yet) and a reply with the privacy notice
  and how to agree;
- the text ``ยินยอม`` / ``agree`` (or postback ``action=consent``) → consent recorded,
  subscribed to every topic in all districts, in Thai (``ยินยอม``) or English (``agree``);
- postback ``action=subscribe&districts=1101,1102&topics=flood,air&lang=th`` (a rich menu
  or LIFF form) → those choices, with consent;
- the text ``หยุด`` / ``stop`` or *unfollow* → consent withdrawn.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import AuthenticationFailed, InvalidInput
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import subscribers, webhook_events
from paknam.core.notify.subscribers import (
    PRIVACY_NOTICE,
    TOPICS,
    Subscription,
    find_by_address,
    normalise_address,
    subscribe,
    withdraw,
)
from paknam.core.stations import district_codes

log = logging.getLogger(__name__)
AGREE = {"ยินยอม": "th", "agree": "en"}
STOP = {"หยุด", "stop", "ยกเลิก", "unsubscribe"}
REPLIES = {
    "welcome": {
        "th": "สวัสดีค่ะ นี่คือบริการแจ้งเตือนภัยของจังหวัดสมุทรปราการ\n\n{notice}\n\n"
        'พิมพ์ "ยินยอม" เพื่อรับการแจ้งเตือน (ภาษาไทย) / type "agree" for English. '
        'พิมพ์ "หยุด" เพื่อเลิกรับได้ทุกเมื่อ',
    },
    "subscribed": {
        "th": 'ลงทะเบียนรับการแจ้งเตือนแล้ว: {topics} · อำเภอ {districts}. พิมพ์ "หยุด" เพื่อเลิกรับ',
        "en": 'Subscribed: {topics} · districts {districts}. Type "stop" to unsubscribe.',
    },
    "stopped": {
        "th": "ยกเลิกการรับแจ้งเตือนแล้ว ข้อมูลความยินยอมถูกบันทึกการเพิกถอน",
        "en": "You will get no more alerts. Your withdrawal of consent is recorded.",
    },
}


def verify_signature(channel_secret: str, body: bytes, signature: str | None) -> None:
    """Raise :class:`AuthenticationFailed` unless ``signature`` signs ``body``."""
    if not signature:
        raise AuthenticationFailed("missing X-Line-Signature header")
    expected = base64.b64encode(
        hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    ).decode("ascii")
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise AuthenticationFailed("X-Line-Signature does not match the body")


def _pending(conn: Connection, user_id: str) -> None:
    if find_by_address(conn, "line", user_id) is not None:
        return
    c = cipher()
    address = normalise_address("line", user_id)
    now = datetime.now(UTC)
    conn.execute(
        subscribers.insert().values(
            channel="line",
            address_enc=c.encrypt(address),
            address_hash=c.digest(address),
            language="th",
            status="pending",
            created_at=now,
            updated_at=now,
        )
    )


def _subscribed_text(lang: str, topics: list[str], districts: list[str]) -> str:
    names = ", ".join(TOPICS[t][0 if lang == "th" else 1] for t in topics)
    template = REPLIES["subscribed"][lang]
    return template.format(topics=names, districts=", ".join(districts))


def handle(conn: Connection, payload: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Apply the events of one webhook request; returns the replies to send
    ``(reply token, texts)``. Events already handled are skipped."""
    events = payload.get("events")
    if not isinstance(events, list):
        raise InvalidInput("webhook body has no 'events' list", field="events")
    replies: list[tuple[str, list[str]]] = []
    now = datetime.now(UTC)
    for ev in events:
        if not isinstance(ev, dict):
            log.warning("LINE webhook: an event is not an object; skipped")
            continue
        # one bad event must not undo the others (another citizen's unfollow, say)
        try:
            with conn.begin_nested():
                reply = _handle_event(conn, ev, now)
        except InvalidInput as exc:
            log.warning("LINE webhook event %s skipped: %s", ev.get("webhookEventId"), exc)
            continue
        if reply is not None:
            replies.append(reply)
    return replies


def _handle_event(
    conn: Connection, ev: dict[str, Any], now: datetime
) -> tuple[str, list[str]] | None:
    event_id = ev.get("webhookEventId")
    if event_id:
        seen = conn.execute(
            sa.select(webhook_events.c.event_id).where(webhook_events.c.event_id == event_id)
        ).first()
        if seen:
            return None
        conn.execute(webhook_events.insert().values(event_id=str(event_id), received_at=now))
    source = ev.get("source")
    user_id = source.get("userId") if isinstance(source, dict) else None
    if not isinstance(source, dict) or source.get("type") != "user" or not user_id:
        return None  # groups and rooms are not subscribers
    token = ev.get("replyToken")
    kind = ev.get("type")
    text = None
    if kind == "follow":
        _pending(conn, user_id)
        text = REPLIES["welcome"]["th"].format(notice=PRIVACY_NOTICE["th"])
    elif kind == "unfollow":
        sid = find_by_address(conn, "line", user_id)
        if sid is not None:
            withdraw(conn, sid)
    elif kind == "message" and (ev.get("message") or {}).get("type") == "text":
        said = str(ev["message"].get("text", "")).strip().lower()
        if said in AGREE:
            lang = AGREE[said]
            districts, topics = district_codes(conn), list(TOPICS)
            subscribe(conn, Subscription("line", user_id, districts, topics, lang, (), "line"))
            text = _subscribed_text(lang, topics, districts)
        elif said in STOP:
            sid = find_by_address(conn, "line", user_id)
            if sid is not None:
                withdraw(conn, sid)
            text = REPLIES["stopped"]["en" if said.isascii() else "th"]
    elif kind == "postback":
        data = parse_qs(str((ev.get("postback") or {}).get("data", "")))
        action = (data.get("action") or [""])[0]
        if action in ("consent", "subscribe"):
            lang = (data.get("lang") or ["th"])[0]
            districts = [d for d in ",".join(data.get("districts", [])).split(",") if d]
            topics = [t for t in ",".join(data.get("topics", [])).split(",") if t]
            districts = districts or district_codes(conn)
            topics = topics or list(TOPICS)
            subscribe(conn, Subscription("line", user_id, districts, topics, lang, (), "line"))
            text = _subscribed_text(lang if lang in ("th", "en") else "th", topics, districts)
        elif action == "stop":
            sid = find_by_address(conn, "line", user_id)
            if sid is not None:
                withdraw(conn, sid)
            text = REPLIES["stopped"]["th"]
    if text and token:
        return (str(token), [text])
    return None
