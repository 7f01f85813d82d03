"""Install the chat's rich menu on the province's LINE Official Account.

The menu ships with paknam (``paknam/data/line/richmenu.json`` and ``richmenu.png``, drawn
by ``scripts/line_richmenu.py``): four areas — report, my complaints, alerts (a link to
``{public_base_url}/alerts``), settings — whose postbacks the webhook and the complaint
conversation answer.

LINE's documented calls (Messaging API reference, rich menu):
``POST https://api.line.me/v2/bot/richmenu`` (the menu object → ``richMenuId``),
``POST https://api-data.line.me/v2/bot/richmenu/{richMenuId}/content`` (the image, PNG or
JPEG, ≤ 1 MB, the menu's size), ``POST https://api.line.me/v2/bot/user/all/richmenu/{id}``
(the default menu of every user), ``GET /v2/bot/richmenu/list`` and
``DELETE /v2/bot/richmenu/{id}`` (the menus installed before under the same name are
removed once the new one is the default, so running the setup again replaces the menu).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import httpx

from paknam.core.errors import InvalidInput, PaknamError

IMAGE_MAX = 1024 * 1024


class LineSetupError(PaknamError):
    """LINE refused a step of the setup (the message names the step and LINE's answer)."""


@dataclass
class SetupResult:
    rich_menu_id: str
    removed: list[str] = field(default_factory=list)


def shipped_menu() -> tuple[dict[str, Any], bytes]:
    """The rich menu JSON and image that ship with paknam."""
    folder = files("paknam") / "data" / "line"
    menu = json.loads((folder / "richmenu.json").read_text(encoding="utf-8"))
    return menu, (folder / "richmenu.png").read_bytes()


def prepare(menu: dict[str, Any], public_base_url: str) -> dict[str, Any]:
    """The menu with ``{public_base_url}`` filled in, checked by the SDK's model."""
    text = json.dumps(menu, ensure_ascii=False).replace(
        "{public_base_url}", public_base_url.rstrip("/")
    )
    filled: dict[str, Any] = json.loads(text)
    try:
        from linebot.v3.messaging import RichMenuRequest  # on first use: slow to import

        model = RichMenuRequest.from_dict(filled)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"the rich menu is not a LINE rich menu: {exc}") from None
    # what LINE requires that the SDK's model leaves optional
    missing = [k for k in ("size", "selected", "name", "chatBarText", "areas") if k not in filled]
    size = model.size
    if missing or size is None or size.width is None or size.height is None:
        raise InvalidInput(
            f"the rich menu is not a LINE rich menu: it lacks {missing or ['size.width/height']}"
        )
    if not 800 <= size.width <= 2500 or size.height < 250 or size.width / size.height < 1.45:
        raise InvalidInput(
            "the rich menu is not a LINE rich menu: 800 to 2500 px wide, at least 250 px high, "
            "width/height at least 1.45"
        )
    if not 1 <= len(model.areas or []) <= 20 or len(str(model.chat_bar_text)) > 14:
        raise InvalidInput(
            "the rich menu is not a LINE rich menu: 1 to 20 areas, chatBarText ≤ 14 characters"
        )
    return filled


def _check(r: httpx.Response, step: str) -> dict[str, Any]:
    if r.status_code >= 400:
        raise LineSetupError(f"LINE refused to {step}: HTTP {r.status_code} {r.text[:300]}")
    try:
        body = r.json() if r.content else {}
    except ValueError:
        body = {}
    return body if isinstance(body, dict) else {}


def _image_type(image: bytes) -> str:
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise InvalidInput("the rich menu image must be a PNG or a JPEG", field="image")


def install_rich_menu(
    access_token: str,
    menu: dict[str, Any],
    image: bytes,
    *,
    api_base: str = "https://api.line.me",
    data_api_base: str = "https://api-data.line.me",
    replace: bool = True,
    timeout: float = 20.0,
) -> SetupResult:
    """Create the rich menu, upload its image, make it every user's default and (with
    ``replace``) delete the earlier menus of the same name. Returns the new menu's id."""
    kind = _image_type(image)
    if len(image) > IMAGE_MAX:
        raise InvalidInput("the rich menu image is larger than 1 MB", field="image")
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        with httpx.Client(headers=headers, timeout=timeout) as client:
            return _install(client, api_base, data_api_base, menu, image, kind, replace)
    except httpx.HTTPError as exc:
        raise LineSetupError(f"LINE could not be reached: {type(exc).__name__}: {exc}") from None


def _install(
    client: httpx.Client,
    api_base: str,
    data_api_base: str,
    menu: dict[str, Any],
    image: bytes,
    kind: str,
    replace: bool,
) -> SetupResult:
    api, data = api_base.rstrip("/"), data_api_base.rstrip("/")
    before = []
    if replace:
        listed = _check(client.get(f"{api}/v2/bot/richmenu/list"), "list the rich menus")
        before = [
            m["richMenuId"]
            for m in listed.get("richmenus", [])
            if m.get("name") == menu.get("name")
        ]
    made = _check(client.post(f"{api}/v2/bot/richmenu", json=menu), "create the rich menu")
    menu_id = str(made.get("richMenuId") or "")
    if not menu_id:
        raise LineSetupError("LINE created the rich menu but sent no richMenuId")
    try:
        _check(
            client.post(
                f"{data}/v2/bot/richmenu/{menu_id}/content",
                content=image,
                headers={"Content-Type": kind},
            ),
            "upload the rich menu image",
        )
        _check(
            client.post(f"{api}/v2/bot/user/all/richmenu/{menu_id}"),
            "make the rich menu the default",
        )
    except (LineSetupError, httpx.HTTPError):  # leave no half-made menu behind
        client.delete(f"{api}/v2/bot/richmenu/{menu_id}")
        raise
    for old in before:
        _check(client.delete(f"{api}/v2/bot/richmenu/{old}"), f"delete rich menu {old}")
    return SetupResult(menu_id, before)
