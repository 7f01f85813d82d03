"""The LINE chat as the domains see it: one citizen's message, and the messages to answer.

The webhook (:mod:`paknam.core.notify.line_webhook`) checks the signature, parses LINE's
events with the ``line-bot-sdk`` models, handles following and alert subscriptions itself,
and hands every other message or button press to the chat handlers the domains register
(:attr:`paknam.core.registry.Domain.chat_handlers`) as a :class:`ChatEvent`. A handler
answers the LINE messages to reply with, or ``None`` when the event is not its business.

Messages are built with the SDK's models (:mod:`linebot.v3.messaging`), which check their
shape, and passed on as the JSON LINE expects (``to_dict()``). LINE's own limits that the
SDK does not check are applied here: a quick reply has at most 13 buttons, a button label
at most 20 characters, a postback at most 300 characters of data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

if TYPE_CHECKING:
    from linebot.v3.messaging import QuickReplyItem

QUICK_REPLY_MAX = 13
LABEL_MAX = 20
TEXT_MAX = 5000
POSTBACK_DATA_MAX = 300

Message = dict[str, Any]
"""One LINE message object (``{"type": "text", ...}``) as sent in a reply or push."""


@dataclass(frozen=True)
class ChatEvent:
    """A citizen's message or button press in the LINE chat.

    user_id : the LINE user id (personal data: store it encrypted, never log it).
    kind : ``text``, ``image``, ``location`` or ``postback``.
    text : the text message (stripped).
    data : a postback's data, parsed (``action=rate&id=3`` → ``{"action": "rate", ...}``).
    lat, lon, address : a location message.
    message_id : LINE's id of the message (for the content of an image).
    at_s : when LINE received it [epoch s].
    fetch : downloads the content of a message (an image) by its id.
    language : the language the user chose for alerts (``th`` until they chose).
    """

    user_id: str
    kind: Literal["text", "image", "location", "postback"]
    at_s: int
    text: str = ""
    data: Mapping[str, str] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    message_id: str | None = None
    fetch: Callable[[str], bytes] | None = None
    language: str = "th"

    @property
    def action(self) -> str:
        """The postback's ``action`` ('' for a message)."""
        return self.data.get("action", "")


def _sdk() -> ModuleType:
    """The SDK's message models, imported on first use (the package takes about a second
    to import, which every CLI command and worker would otherwise pay)."""
    import linebot.v3.messaging

    return linebot.v3.messaging


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def postback(label: str, display: str | None = None, **data: str | int) -> QuickReplyItem:
    """A quick-reply button that sends ``data`` back (and shows ``display`` as said)."""
    encoded = urlencode({k: str(v) for k, v in data.items()})
    if len(encoded) > POSTBACK_DATA_MAX:
        raise ValueError(f"postback data is longer than {POSTBACK_DATA_MAX} characters")
    sdk = _sdk()
    action = sdk.PostbackAction(
        label=_label(label), data=encoded, display_text=(display or label)[:300]
    )
    return sdk.QuickReplyItem(action=action)


def _button(action: str, label: str, **fields: str) -> QuickReplyItem:
    sdk = _sdk()
    return sdk.QuickReplyItem(action=getattr(sdk, action)(label=_label(label), **fields))


def says(label: str, text: str | None = None) -> QuickReplyItem:
    """A quick-reply button that sends a text message (``text``, else its label)."""
    return _button("MessageAction", label, text=text or label)


def ask_location(label: str) -> QuickReplyItem:
    """LINE's "send my location" button (opens the location picker)."""
    return _button("LocationAction", label)


def ask_camera(label: str) -> QuickReplyItem:
    return _button("CameraAction", label)


def ask_photo(label: str) -> QuickReplyItem:
    return _button("CameraRollAction", label)


def link(label: str, uri: str) -> QuickReplyItem:
    return _button("URIAction", label, uri=uri)


def text(body: str, buttons: Sequence[QuickReplyItem] = ()) -> Message:
    """A text message (cut to LINE's 5,000 characters) with quick-reply buttons."""
    if len(buttons) > QUICK_REPLY_MAX:
        raise ValueError(f"a quick reply has at most {QUICK_REPLY_MAX} buttons")
    body = body if len(body) <= TEXT_MAX else body[: TEXT_MAX - 1] + "…"
    sdk = _sdk()
    quick = sdk.QuickReply(items=list(buttons)) if buttons else None
    msg: Message = sdk.TextMessage(text=body, quick_reply=quick).to_dict()
    return msg


ChatHandler = Callable[[Any, ChatEvent], "list[Message] | None"]
"""``(store, event) -> messages | None``: a domain's part of the chat (``None``: not mine)."""

__all__ = [
    "ChatEvent",
    "ChatHandler",
    "Message",
    "ask_camera",
    "ask_location",
    "ask_photo",
    "link",
    "postback",
    "says",
    "text",
]
