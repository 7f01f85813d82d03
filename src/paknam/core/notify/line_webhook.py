"""The LINE webhook: citizens follow the province's LINE Official Account, agree to alerts,
choose their districts and topics, and talk to the domains (complaints) in the chat.

Signature (Messaging API reference): ``X-Line-Signature`` = base64(HMAC-SHA256(channel
secret, raw request body)), checked with ``line-bot-sdk``'s ``SignatureValidator`` before
the body is read as JSON; each event is then read by the SDK's ``Event`` model (an event
that does not fit it is skipped and logged, the others are handled). LINE may deliver an
event again (``deliveryContext.isRedelivery``); each ``webhookEventId`` is handled once.

What the platform answers itself (PDPA: no alerts before an explicit yes):

- *follow* → a pending subscriber (no consent yet) and a reply with the privacy notice
  and how to agree;
- the text ``ยินยอม`` / ``agree`` (or postback ``action=consent``) → consent recorded,
  subscribed to every topic in all districts, in Thai (``ยินยอม``) or English (``agree``);
- postback ``action=subscribe&districts=1101,1102&topics=flood,air&lang=th`` (a rich menu
  or LIFF form) → those choices, with consent;
- ``ตั้งค่า`` / ``settings`` (postback ``action=settings``) → the subscription and quick
  replies to toggle districts (``action=district&code=1101``) and topics
  (``action=topic&code=flood``), all districts (``action=all_districts``), the language
  (``action=language&lang=en``) and stop;
- the text ``หยุด`` / ``stop`` (postback ``action=stop``) or *unfollow* → consent withdrawn.

Every other message and button press goes to the chat handlers the domains register
(:func:`paknam.core.registry.chat_handlers`), e.g. the complaint conversation; when none
takes a text, a short help with the menu is answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import AuthenticationFailed, InvalidInput
from paknam.core.notify import chat
from paknam.core.notify.chat import ChatEvent, Message
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import subscribers, webhook_events
from paknam.core.notify.subscribers import (
    PRIVACY_NOTICE,
    TOPICS,
    Subscription,
    find_by_address,
    get_subscriber,
    normalise_address,
    subscribe,
    withdraw,
)
from paknam.core.stations import district_codes, list_districts
from paknam.core.store import Store

if TYPE_CHECKING:
    from linebot.v3.webhooks import Event


def _sdk() -> ModuleType:
    """The SDK's webhook models, imported on first use (the LINE SDK takes about a second
    to import, which every CLI command and worker would otherwise pay)."""
    import linebot.v3.webhooks

    return linebot.v3.webhooks


log = logging.getLogger(__name__)
AGREE = {"ยินยอม": "th", "agree": "en"}
STOP = {"หยุด", "stop", "ยกเลิก", "unsubscribe"}
SETTINGS = {"ตั้งค่า": "th", "settings": "en", "การแจ้งเตือน": "th", "alerts settings": "en"}
REPLIES = {
    "welcome": {
        "th": "สวัสดีค่ะ นี่คือบริการของจังหวัดสมุทรปราการ: แจ้งเรื่องร้องเรียน ติดตามเรื่อง "
        "และรับการแจ้งเตือนภัย\n\n{notice}\n\n"
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
    "consent_first": {
        "th": 'ยังไม่ได้ลงทะเบียนรับการแจ้งเตือน\n\n{notice}\n\nกด "ยินยอม" เพื่อเริ่มรับ',
        "en": 'You do not get alerts yet.\n\n{notice}\n\nPress "agree" to start.',
    },
    "districts": {
        "th": "เลือกอำเภอที่ต้องการรับแจ้งเตือน (กดเพื่อเลือก/เอาออก) ตอนนี้: {districts}",
        "en": "Choose the districts you get alerts for (press to add/remove). Now: {districts}",
    },
    "topics": {
        "th": "เลือกหัวข้อที่ต้องการรับ (กดเพื่อเลือก/เอาออก) ตอนนี้: {topics}",
        "en": "Choose the topics you get (press to add/remove). Now: {topics}",
    },
    "keep_one": {
        "th": "ต้องเลือกไว้อย่างน้อยหนึ่งรายการ",
        "en": "Keep at least one.",
    },
    "help": {
        "th": 'เลือกจากเมนูด้านล่าง หรือพิมพ์ "แจ้งเรื่อง" เพื่อแจ้งปัญหา, "เรื่องของฉัน", "ตั้งค่า"',
        "en": 'Choose from the menu below, or type "report", "my complaints" or "settings".',
    },
    "sorry": {
        "th": "ขออภัย ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง",
        "en": "Sorry, something went wrong. Please try again.",
    },
}
BUTTONS = {
    "th": {"districts": "อำเภอ", "topics": "หัวข้อ", "stop": "หยุดรับ", "done": "เสร็จ",
           "all": "ทุกอำเภอ", "other_lang": "English", "report": "แจ้งเรื่อง",
           "mine": "เรื่องของฉัน", "settings": "ตั้งค่าการแจ้งเตือน"},
    "en": {"districts": "Districts", "topics": "Topics", "stop": "Stop alerts", "done": "Done",
           "all": "All districts", "other_lang": "ภาษาไทย", "report": "Report a problem",
           "mine": "My complaints", "settings": "Alert settings"},
}  # fmt: skip
Reply = tuple[str, list[Message]]
"""(reply token, messages)"""


def verify_signature(channel_secret: str, body: bytes, signature: str | None) -> None:
    """Raise :class:`AuthenticationFailed` unless ``signature`` signs ``body``."""
    if not signature:
        raise AuthenticationFailed("missing X-Line-Signature header")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise AuthenticationFailed("X-Line-Signature does not match the body") from None
    from linebot.v3.exceptions import InvalidSignatureError
    from linebot.v3.webhook import SignatureValidator

    try:
        ok = SignatureValidator(channel_secret).validate(text, signature.strip())
    except (InvalidSignatureError, ValueError, TypeError):
        ok = False
    if not ok:
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


def _names(
    conn: Connection, lang: str, topics: Sequence[str], districts: Sequence[str]
) -> tuple[str, str]:
    i = 0 if lang == "th" else 1
    names = {d["code"]: d[f"name_{lang}"] for d in list_districts(conn)}
    return (
        ", ".join(TOPICS[t][i] for t in topics if t in TOPICS),
        ", ".join(str(names.get(d, d)) for d in districts),
    )


def _subscribed_text(conn: Connection, lang: str, topics: list[str], districts: list[str]) -> str:
    names, places = _names(conn, lang, topics, districts)
    return REPLIES["subscribed"][lang].format(topics=names, districts=places)


def _current(conn: Connection, user_id: str) -> dict[str, Any] | None:
    """The user's subscription when it is active, else None."""
    sid = find_by_address(conn, "line", user_id)
    if sid is None:
        return None
    sub = get_subscriber(conn, sid)
    return sub if sub["status"] == "active" else None


def language_of(conn: Connection, user_id: str) -> str:
    """The language the user chose for alerts (Thai until they chose)."""
    sid = find_by_address(conn, "line", user_id)
    if sid is None:
        return "th"
    lang = conn.execute(sa.select(subscribers.c.language).where(subscribers.c.id == sid)).scalar()
    return str(lang) if lang in ("th", "en") else "th"


def _consent_first(lang: str) -> list[Message]:
    return [
        chat.text(
            REPLIES["consent_first"][lang].format(notice=PRIVACY_NOTICE[lang]),
            [chat.says("ยินยอม"), chat.says("agree")],
        )
    ]


def _settings_menu(conn: Connection, sub: dict[str, Any]) -> list[Message]:
    lang = sub["language"]
    b = BUTTONS[lang]
    body = _subscribed_text(conn, lang, sub["topics"], sub["districts"])
    other = "en" if lang == "th" else "th"
    return [
        chat.text(
            body,
            [
                chat.postback(b["districts"], action="districts"),
                chat.postback(b["topics"], action="topics"),
                chat.postback(b["other_lang"], action="language", lang=other),
                chat.postback(b["stop"], action="stop"),
            ],
        )
    ]


def _districts_menu(conn: Connection, sub: dict[str, Any]) -> list[Message]:
    lang = sub["language"]
    chosen = set(sub["districts"])
    rows = list_districts(conn)
    buttons = [
        chat.postback(
            ("✓ " if d["code"] in chosen else "") + str(d[f"name_{lang}"]),
            action="district",
            code=d["code"],
        )
        for d in rows[:10]
    ]
    buttons += [
        chat.postback(BUTTONS[lang]["all"], action="all_districts"),
        chat.postback(BUTTONS[lang]["done"], action="settings"),
    ]
    _, places = _names(conn, lang, [], sub["districts"])
    return [chat.text(REPLIES["districts"][lang].format(districts=places), buttons)]


def _topics_menu(conn: Connection, sub: dict[str, Any]) -> list[Message]:
    lang = sub["language"]
    i = 0 if lang == "th" else 1
    chosen = set(sub["topics"])
    buttons = [
        chat.postback(("✓ " if t in chosen else "") + names[i], action="topic", code=t)
        for t, names in TOPICS.items()
    ]
    buttons.append(chat.postback(BUTTONS[lang]["done"], action="settings"))
    names, _ = _names(conn, lang, sub["topics"], [])
    return [chat.text(REPLIES["topics"][lang].format(topics=names), buttons)]


def _resubscribe(
    conn: Connection, user_id: str, sub: dict[str, Any], **change: Any
) -> dict[str, Any]:
    """The subscription with ``change`` applied (through :func:`subscribe`)."""
    new = {**sub, **change}
    subscribe(
        conn,
        Subscription(
            "line", user_id, new["districts"], new["topics"], new["language"], new["groups"], "line"
        ),
    )
    return new


def _toggle(values: Sequence[str], value: str) -> list[str]:
    return sorted(set(values) ^ {value})


def _settings_action(
    conn: Connection, user_id: str, action: str, data: dict[str, str]
) -> list[Message] | None:
    """Quick replies of the settings; None when ``action`` is not one of them."""
    if action not in ("settings", "districts", "topics", "district", "topic", "all_districts",
                      "language"):  # fmt: skip
        return None
    sub = _current(conn, user_id)
    if sub is None:
        return _consent_first(language_of(conn, user_id))
    lang = sub["language"]
    if action == "settings":
        return _settings_menu(conn, sub)
    if action == "districts":
        return _districts_menu(conn, sub)
    if action == "topics":
        return _topics_menu(conn, sub)
    if action == "all_districts":
        return _districts_menu(
            conn, _resubscribe(conn, user_id, sub, districts=district_codes(conn))
        )
    if action == "language":
        new_lang = data.get("lang", "th")
        if new_lang not in ("th", "en"):
            raise InvalidInput("language must be th or en", field="lang")
        return _settings_menu(conn, _resubscribe(conn, user_id, sub, language=new_lang))
    code = data.get("code", "")
    if action == "district":
        if code not in district_codes(conn):
            raise InvalidInput(f"unknown district {code!r}", field="code")
        districts = _toggle(sub["districts"], code)
        if not districts:
            return [chat.text(REPLIES["keep_one"][lang]), *_districts_menu(conn, sub)]
        return _districts_menu(conn, _resubscribe(conn, user_id, sub, districts=districts))
    if code not in TOPICS:
        raise InvalidInput(f"unknown topic {code!r}", field="code")
    topics = _toggle(sub["topics"], code)
    if not topics:
        return [chat.text(REPLIES["keep_one"][lang]), *_topics_menu(conn, sub)]
    return _topics_menu(conn, _resubscribe(conn, user_id, sub, topics=topics))


def _stop(conn: Connection, user_id: str, lang: str) -> list[Message]:
    sid = find_by_address(conn, "line", user_id)
    if sid is not None:
        withdraw(conn, sid)
    return [chat.text(REPLIES["stopped"][lang])]


def _platform(conn: Connection, event: Event, user_id: str) -> list[Message] | None:
    """What the platform answers itself; None for the domains' events."""
    w = _sdk()
    if isinstance(event, w.FollowEvent):
        _pending(conn, user_id)
        lang = language_of(conn, user_id)
        return [
            chat.text(
                REPLIES["welcome"]["th"].format(notice=PRIVACY_NOTICE["th"]),
                [chat.says("ยินยอม"), chat.says("agree"),
                 chat.postback(BUTTONS[lang]["report"], action="report")],
            )
        ]  # fmt: skip
    if isinstance(event, w.UnfollowEvent):
        sid = find_by_address(conn, "line", user_id)
        if sid is not None:
            withdraw(conn, sid)
        return []
    if isinstance(event, w.MessageEvent) and isinstance(event.message, w.TextMessageContent):
        said = event.message.text.strip().lower()
        if said in AGREE:
            lang = AGREE[said]
            districts, topics = district_codes(conn), list(TOPICS)
            subscribe(conn, Subscription("line", user_id, districts, topics, lang, (), "line"))
            sub = _current(conn, user_id)
            return _settings_menu(conn, sub) if sub else []
        if said in STOP:
            return _stop(conn, user_id, "en" if said.isascii() else "th")
        if said in SETTINGS:
            return _settings_action(conn, user_id, "settings", {})
        return None
    if isinstance(event, w.PostbackEvent):
        data = _postback_data(event.postback.data)
        action = data.get("action", "")
        if action in ("consent", "subscribe"):
            lang = data.get("lang", "th")
            districts = [d for d in data.get("districts", "").split(",") if d]
            topics = [t for t in data.get("topics", "").split(",") if t]
            districts = districts or district_codes(conn)
            topics = topics or list(TOPICS)
            subscribe(conn, Subscription("line", user_id, districts, topics, lang, (), "line"))
            return [chat.text(_subscribed_text(conn, lang, topics, districts))]
        if action == "stop":
            return _stop(conn, user_id, language_of(conn, user_id))
        return _settings_action(conn, user_id, action, data)
    return None


def _postback_data(raw: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(raw or "", max_num_fields=20).items()}


def _chat_event(
    event: Event, user_id: str, lang: str, fetch: Callable[[str], bytes] | None
) -> ChatEvent | None:
    w = _sdk()
    at_s = int(event.timestamp) // 1000
    if isinstance(event, w.PostbackEvent):
        data = _postback_data(event.postback.data)
        return ChatEvent(user_id, "postback", at_s, data=data, language=lang)
    if not isinstance(event, w.MessageEvent):
        return None
    m = event.message
    if isinstance(m, w.TextMessageContent):
        return ChatEvent(user_id, "text", at_s, text=m.text.strip(), message_id=m.id, language=lang)
    if isinstance(m, w.ImageMessageContent):
        return ChatEvent(user_id, "image", at_s, message_id=m.id, fetch=fetch, language=lang)
    if isinstance(m, w.LocationMessageContent):
        return ChatEvent(
            user_id, "location", at_s, lat=m.latitude, lon=m.longitude,
            address=m.address, message_id=m.id, language=lang,
        )  # fmt: skip
    return None


def _dispatch(store: Store, event: ChatEvent) -> list[Message] | None:
    from paknam.core.registry import chat_handlers

    for handler in chat_handlers():
        try:
            out = handler(store, event)
        except Exception:  # a domain's failure must not make LINE redeliver the event
            log.exception("LINE chat handler %s failed", getattr(handler, "__name__", handler))
            return [chat.text(REPLIES["sorry"][event.language])]
        if out is not None:
            return out
    if event.kind == "text":
        b = BUTTONS[event.language]
        return [
            chat.text(
                REPLIES["help"][event.language],
                [chat.postback(b["report"], action="report"),
                 chat.postback(b["mine"], action="mine"),
                 chat.postback(b["settings"], action="settings")],
            )
        ]  # fmt: skip
    return None


def _seen(conn: Connection, event_id: str | None, now: datetime) -> bool:
    """Whether the event was handled before (else it is recorded as handled)."""
    if not event_id:
        return False
    found = conn.execute(
        sa.select(webhook_events.c.event_id).where(webhook_events.c.event_id == event_id)
    ).first()
    if found:
        return True
    conn.execute(webhook_events.insert().values(event_id=str(event_id), received_at=now))
    return False


def parse_event(ev: Any) -> Event | None:
    """The SDK's model of one webhook event, or None (logged) when it does not fit."""
    if not isinstance(ev, dict):
        log.warning("LINE webhook: an event is not an object; skipped")
        return None
    try:
        return _sdk().Event.from_dict(ev)
    except (ValueError, TypeError, AttributeError) as exc:
        # the SDK's message may quote the event (with the user id): log only its kind
        log.warning(
            "LINE webhook event %s of type %r skipped: it does not fit the SDK's model (%s)",
            str(ev.get("webhookEventId"))[:64],
            str(ev.get("type"))[:40],
            type(exc).__name__,
        )
        return None


def handle_events(
    store: Store, payload: dict[str, Any], *, fetch: Callable[[str], bytes] | None = None
) -> list[Reply]:
    """Apply the events of one webhook request; returns the replies to send. Events
    already handled are skipped; one bad event does not undo the others.

    fetch : downloads the content of an image message by its id (for the domains)."""
    events = payload.get("events")
    if not isinstance(events, list):
        raise InvalidInput("webhook body has no 'events' list", field="events")
    replies: list[Reply] = []
    for ev in events:
        event = parse_event(ev)
        if event is None:
            continue
        source = event.source
        if not isinstance(source, _sdk().UserSource) or not source.user_id:
            continue  # groups and rooms are not citizens of the chat
        user_id = source.user_id
        try:
            with store.write() as conn:
                if _seen(conn, event.webhook_event_id, datetime.now(UTC)):
                    continue
                messages = _platform(conn, event, user_id)
                lang = language_of(conn, user_id) if messages is None else "th"
        except InvalidInput as exc:
            log.warning("LINE webhook event %s skipped: %s", event.webhook_event_id, exc)
            continue
        if messages is None:
            found = _chat_event(event, user_id, lang, fetch)
            messages = _dispatch(store, found) if found is not None else None
        token = getattr(event, "reply_token", None)
        if messages and token:
            replies.append((str(token), messages[:5]))
    return replies
