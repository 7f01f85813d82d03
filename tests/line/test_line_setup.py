"""``paknam line setup`` installs the shipped rich menu through LINE's documented calls,
against the loopback LINE platform."""

from __future__ import annotations

import io
import json

from linebot.v3.messaging import RichMenuRequest
from PIL import Image
from typer.testing import CliRunner

from paknam.cli import app
from paknam.core.notify.line_setup import shipped_menu

from .loopback import LinePlatform


def test_shipped_menu_fits_lines_rules() -> None:
    menu, image = shipped_menu()
    model = RichMenuRequest.from_dict(menu)
    width, height = model.size.width, model.size.height
    assert Image.open(io.BytesIO(image)).size == (width, height) == (1200, 405)
    assert 800 <= width <= 2500 and height >= 250 and width / height >= 1.45
    assert len(image) <= 1024 * 1024
    actions = [a["action"] for a in menu["areas"]]
    assert [a.get("data") or a.get("uri") for a in actions] == [
        "action=report", "action=mine", "{public_base_url}/alerts", "action=settings"
    ]  # fmt: skip
    assert sum(a["bounds"]["width"] for a in menu["areas"]) == width


def test_paknam_line_setup_installs_and_replaces_the_menu(configured: LinePlatform) -> None:
    line = configured
    runner = CliRunner()
    first = runner.invoke(app, ["line", "setup"])
    assert first.exit_code == 0, first.output
    (menu_id,) = line.menus
    assert line.default_menu == menu_id and menu_id in first.output
    kind, image = line.menu_images[menu_id]
    assert kind == "image/png" and image == shipped_menu()[1]
    alerts = line.menus[menu_id]["areas"][2]["action"]
    assert alerts == {"type": "uri", "label": "การแจ้งเตือน",
                      "uri": "https://paknam.example/alerts"}  # fmt: skip
    again = runner.invoke(app, ["line", "setup"])  # run again: the old menu is replaced
    assert again.exit_code == 0, again.output
    (second,) = line.menus
    assert second != menu_id and line.default_menu == second


def test_line_setup_errors_exit_2(configured: LinePlatform, tmp_path, monkeypatch) -> None:
    runner = CliRunner()
    wrong = tmp_path / "small.png"
    Image.new("RGB", (800, 270)).save(wrong)  # not the menu's 1200 x 405
    r = runner.invoke(app, ["line", "setup", "--image", str(wrong)])
    assert r.exit_code == 2 and "upload the rich menu image" in r.output
    assert configured.menus == {}  # the half-made menu was deleted again
    bad = tmp_path / "menu.json"
    bad.write_text(json.dumps({"size": {"width": 1200}, "areas": []}))
    r = runner.invoke(app, ["line", "setup", "--menu", str(bad)])
    assert r.exit_code == 2 and "not a LINE rich menu" in r.output
    from paknam.core.config import get_settings

    monkeypatch.setattr(get_settings(), "line_channel_access_token", None)
    r = runner.invoke(app, ["line", "setup"])
    assert r.exit_code == 2 and "PAKNAM_LINE_CHANNEL_ACCESS_TOKEN" in r.output
