"""``paknam line …``: set up the province's LINE Official Account (rich menu)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import err, friendly, out

line_app = typer.Typer(help="LINE Official Account: the citizens' chat (ไลน์)", no_args_is_help=True)


@line_app.command("setup")
@friendly
def line_setup(
    menu: Annotated[
        Path | None, typer.Option(help="rich menu JSON (default: the one shipped with paknam)")
    ] = None,
    image: Annotated[
        Path | None, typer.Option(help="rich menu image, PNG or JPEG (default: shipped)")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="delete the menus installed before under the same name")
    ] = True,
) -> None:
    """Install the rich menu (report, my complaints, alerts, settings) as every user's
    default: needs PAKNAM_LINE_CHANNEL_ACCESS_TOKEN; links use PAKNAM_PUBLIC_BASE_URL."""
    from paknam.core.config import get_settings
    from paknam.core.notify.line_setup import install_rich_menu, prepare, shipped_menu

    s = get_settings()
    if not s.line_channel_access_token:
        err.print(
            "[red]error:[/red] set PAKNAM_LINE_CHANNEL_ACCESS_TOKEN (LINE Developers console)"
        )
        raise typer.Exit(2)
    shipped, shipped_image = shipped_menu()
    body = json.loads(menu.read_text(encoding="utf-8")) if menu else shipped
    picture = image.read_bytes() if image else shipped_image
    result = install_rich_menu(
        s.line_channel_access_token,
        prepare(body, s.public_base_url),
        picture,
        api_base=s.line_api_base,
        data_api_base=s.line_data_api_base,
        replace=replace,
    )
    if result.removed:
        err.print(f"removed earlier rich menu(s): {', '.join(result.removed)}")
    out.print(f"rich menu {result.rich_menu_id} installed as the default")
