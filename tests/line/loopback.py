"""A loopback LINE platform for the chat tests: the Messaging API (reply, push, multicast),
the content host (a photo a user sent) and the rich menu endpoints, as documented.

Every message body is read with ``line-bot-sdk``'s request models (``ReplyMessageRequest``,
``PushMessageRequest``, ``MulticastRequest``, ``RichMenuRequest``) and with the limits
LINE states that the models do not check: ≤ 5 messages, text ≤ 5,000 characters, a
quick reply ≤ 13 buttons with labels ≤ 20 characters, a Flex ``altText`` ≤ 1,500; a
malformed body answers 400 like LINE, and is kept in ``bad`` for the test to look at.
Bearer channel access token (401 otherwise); ``X-Line-Retry-Key`` must be a UUID and a
repeat of an accepted key answers 409 with ``x-line-accepted-request-id`` without
delivering again.

Content: ``GET /v2/bot/message/{id}/content`` answers the bytes put in ``contents[id]``
(404 otherwise). Rich menus: ``POST /v2/bot/richmenu`` (→ ``richMenuId``),
``POST /v2/bot/richmenu/{id}/content`` (PNG or JPEG, ≤ 1 MB, the menu's size),
``POST /v2/bot/user/all/richmenu/{id}`` (default menu), ``GET /v2/bot/richmenu/list``,
``DELETE /v2/bot/richmenu/{id}``.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler
from typing import Any

from linebot.v3.messaging import (
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
)
from PIL import Image

from tests.http_loopback import HttpLoopback

_USER = re.compile(r"^U[0-9a-f]{32}$")
_CONTENT = re.compile(r"^/v2/bot/message/(\d+)/content$")
_MENU_CONTENT = re.compile(r"^/v2/bot/richmenu/(richmenu-[0-9a-f]+)/content$")
_MENU_DEFAULT = re.compile(r"^/v2/bot/user/all/richmenu/(richmenu-[0-9a-f]+)$")
_MENU = re.compile(r"^/v2/bot/richmenu/(richmenu-[0-9a-f]+)$")
MODELS = {
    "/v2/bot/message/reply": ReplyMessageRequest,
    "/v2/bot/message/push": PushMessageRequest,
    "/v2/bot/message/multicast": MulticastRequest,
}


def limits_problem(messages: list[dict[str, Any]]) -> str | None:
    """What breaks LINE's stated limits in ``messages`` (None when nothing)."""
    if not 1 <= len(messages) <= 5:
        return "messages: size must be between 1 and 5"
    for m in messages:
        if len(m.get("text") or "") > 5000:
            return "text longer than 5000"
        if m.get("type") == "flex" and len(m.get("altText") or "") > 1500:
            return "altText longer than 1500"
        items = (m.get("quickReply") or {}).get("items") or []
        if len(items) > 13:
            return "quickReply.items: at most 13"
        for item in items:
            label = item["action"].get("label") or ""
            if len(label) > 20:
                return f"quickReply label longer than 20: {label!r}"
            if len(item["action"].get("data") or "") > 300:
                return "postback data longer than 300"
    return None


class LinePlatform(HttpLoopback):
    def __init__(self, token: str = "test-line-token") -> None:
        self.token = token
        self.lock = threading.Lock()
        self.replies: list[dict[str, Any]] = []
        self.pushes: list[dict[str, Any]] = []
        self.multicasts: list[dict[str, Any]] = []
        self.bad: list[tuple[str, str]] = []
        self.retry_keys: list[str] = []
        self.accepted_keys: dict[str, str] = {}
        self.received: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.contents: dict[str, bytes] = {}
        self.content_gets: list[str] = []
        self.menus: dict[str, dict[str, Any]] = {}
        self.menu_images: dict[str, tuple[str, bytes]] = {}
        self.default_menu: str | None = None
        self.serve(self._handler())

    def texts_to(self, user: str) -> list[str]:
        with self.lock:
            return [m.get("text") or m.get("altText", "") for m in self.received[user]]

    # -- the protocol ---------------------------------------------------------------------

    def _authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.token}"

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
        if not self._authorised(headers):
            return 401, "application/json", b'{"message": "Authentication failed"}'
        found = _CONTENT.match(path)
        if found:
            with self.lock:
                self.content_gets.append(found.group(1))
                data = self.contents.get(found.group(1))
            if data is None:
                return 404, "application/json", b'{"message": "Not found"}'
            return 200, "image/jpeg", data
        if path == "/v2/bot/richmenu/list":
            with self.lock:
                menus = [{"richMenuId": k, **v} for k, v in self.menus.items()]
            return 200, "application/json", json.dumps({"richmenus": menus}).encode()
        return 404, "application/json", b'{"message": "Not found"}'

    def delete(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not self._authorised(headers):
            return 401, {"message": "Authentication failed"}
        found = _MENU.match(path)
        with self.lock:
            if not found or found.group(1) not in self.menus:
                return 404, {"message": "Not found"}
            del self.menus[found.group(1)]
            self.menu_images.pop(found.group(1), None)
            if self.default_menu == found.group(1):
                self.default_menu = None
        return 200, {}

    def post(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not self._authorised(headers):
            return 401, {"message": "Authentication failed"}, {}
        found = _MENU_CONTENT.match(path)
        if found:
            return self._menu_image(found.group(1), headers, raw)
        found = _MENU_DEFAULT.match(path)
        if found:
            with self.lock:
                if found.group(1) not in self.menus:
                    return 400, {"message": "richmenu not found"}, {}
                if found.group(1) not in self.menu_images:
                    return 400, {"message": "An image has not been uploaded"}, {}
                self.default_menu = found.group(1)
            return 200, {}, {}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"message": "The request body has 1 error(s)"}, {}
        if path == "/v2/bot/richmenu":
            try:
                RichMenuRequest.from_dict(body)
                # LINE requires these; the SDK's model leaves them optional
                required = ("size", "selected", "name", "chatBarText", "areas")
                missing = [k for k in required if k not in body]
                if missing or not {"width", "height"} <= set(body["size"]):
                    raise ValueError(f"missing {missing or 'size.width/height'}")
            except (ValueError, TypeError, KeyError) as exc:
                self.bad.append((path, str(exc)))
                return 400, {"message": "The request body has 1 error(s)"}, {}
            menu_id = "richmenu-" + uuid.uuid4().hex
            with self.lock:
                self.menus[menu_id] = body
            return 200, {"richMenuId": menu_id}, {}
        model = MODELS.get(path)
        if model is None:
            return 404, {"message": "Not found"}, {}
        try:
            model.from_dict(body)
            problem = limits_problem(body.get("messages") or [])
        except (ValueError, TypeError, KeyError) as exc:
            problem = str(exc)
        if problem:
            self.bad.append((path, problem))
            return 400, {"message": "The request body has 1 error(s)", "details": [problem]}, {}
        if path.endswith("reply"):
            with self.lock:
                self.replies.append(body)
            return 200, {"sentMessages": []}, {}
        to = [body["to"]] if path.endswith("push") else body["to"]
        if any(not _USER.match(u) for u in to):
            return 400, {"message": "The property, 'to', in the request body is invalid"}, {}
        key = headers.get("x-line-retry-key")
        request_id = str(uuid.uuid4())
        with self.lock:
            if key is not None:
                try:
                    uuid.UUID(key)
                except ValueError:
                    return 400, {"message": "The retry key is not a valid UUID"}, {}
                self.retry_keys.append(key)
                if key in self.accepted_keys:
                    return (
                        409,
                        {"message": "The retry key is already accepted"},
                        {"x-line-accepted-request-id": self.accepted_keys[key]},
                    )
                self.accepted_keys[key] = request_id
            (self.pushes if path.endswith("push") else self.multicasts).append(body)
            for user in to:
                self.received[user].extend(body["messages"])
        return 200, {}, {"x-line-request-id": request_id}

    def _menu_image(
        self, menu_id: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        kind = headers.get("content-type", "")
        if kind not in ("image/png", "image/jpeg"):
            return 415, {"message": "Unsupported Media Type"}, {}
        if len(raw) > 1024 * 1024:
            return 413, {"message": "Request Entity Too Large"}, {}
        with self.lock:
            menu = self.menus.get(menu_id)
        if menu is None:
            return 404, {"message": "Not found"}, {}
        if menu_id in self.menu_images:
            return 409, {"message": "An image has already been uploaded to the richmenu"}, {}
        size = Image.open(io.BytesIO(raw)).size
        want = (menu["size"]["width"], menu["size"]["height"])
        if size != want:
            return 400, {"message": f"image size {size} is not the rich menu's {want}"}, {}
        with self.lock:
            self.menu_images[menu_id] = (kind, raw)
        return 200, {}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, kind: str, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _headers(self) -> dict[str, str]:
                return {k.lower(): v for k, v in self.headers.items()}

            def do_GET(self) -> None:
                status, kind, data = server.get(self.path, self._headers())
                self._send(status, kind, data, {})

            def do_DELETE(self) -> None:
                status, body = server.delete(self.path, self._headers())
                self._send(status, "application/json", json.dumps(body).encode(), {})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, body, headers = server.post(self.path, self._headers(), raw)
                self._send(status, "application/json", json.dumps(body).encode(), headers)

        return Handler
