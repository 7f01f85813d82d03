"""``paknam environment …``, ``paknam aqi …`` and ``paknam wqi …``.

``paknam environment check`` runs the environment rules through the alert pipeline; the
command line makes it from the rule this domain registers (:mod:`paknam.environment.domain`).
"""

from __future__ import annotations

from typing import Annotated

import typer

env_app = typer.Typer(help="Smart Environment (สิ่งแวดล้อม)", no_args_is_help=True)


def aqi(
    assignments: Annotated[
        list[str], typer.Argument(help="POLLUTANT=VALUE, e.g. pm25=38.2 pm10=71 o3=40")
    ],
    date: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD: use the breakpoint table of that day")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Thai AQI from concentrations (ดัชนีคุณภาพอากาศ): PM2.5/PM10 24 h, O3/CO 8 h, NO2/SO2 1 h."""
    from paknam.environment.aqi.cli import aqi_command

    raise typer.Exit(aqi_command(assignments, date, as_json))


def wqi(
    assignments: Annotated[
        list[str],
        typer.Argument(help="PARAMETER=VALUE, e.g. do=4.2 bod=2.5 tcb=5000 fcb=900 nh3n=0.4"),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Thai surface water WQI and class (ดัชนีคุณภาพน้ำ); Malaysia DOE WQI beside it."""
    from paknam.environment.wqi.cli import wqi_command

    raise typer.Exit(wqi_command(assignments, as_json))


def install(app: typer.Typer) -> None:
    """Add ``paknam environment`` and the top-level ``aqi`` and ``wqi`` commands."""
    app.add_typer(env_app, name="environment")
    app.command(context_settings={"allow_extra_args": False})(aqi)
    app.command(context_settings={"allow_extra_args": False})(wqi)
