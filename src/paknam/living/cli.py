"""``paknam forecast …`` and ``paknam tides …``: warning levels and the tide backtest.

``paknam forecast run`` runs the forecasts through the alert pipeline; the command line
makes it from the rule this domain registers (:mod:`paknam.living.domain`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from paknam.core.cli_support import friendly, open_store, out

forecast_app = typer.Typer(help="Water-level forecasts (พยากรณ์ระดับน้ำ)", no_args_is_help=True)
tides_app = typer.Typer(help="Tides (น้ำขึ้นน้ำลง)", no_args_is_help=True)


@forecast_app.command("levels")
@friendly
def forecast_levels(
    station: Annotated[str, typer.Option(help="Water-level station id")],
    watch: Annotated[float | None, typer.Option(help="Watch level [m above datum]")] = None,
    warning: Annotated[float | None, typer.Option(help="Warning level [m]")] = None,
    danger: Annotated[float | None, typer.Option(help="Danger level [m]")] = None,
) -> None:
    """Set a station's warning levels (ตั้งระดับเตือนภัย)."""
    from paknam.living.service import set_warning_levels

    given = {
        k: v
        for k, v in (("watch", watch), ("warning", warning), ("danger", danger))
        if v is not None
    }
    with open_store() as store:
        levels = set_warning_levels(store, station, given, "cli")
    out.print(f"{station}: " + ", ".join(f"{k} {v:.2f} m" for k, v in levels.items()))


@tides_app.command("backtest")
def tides_backtest(
    file: Annotated[str, typer.Argument(help="Water-level record (CSV, UHSLC, DIA, ...)")],
    train_until: Annotated[str, typer.Option("--train-until", help="YYYY-MM-DD")],
    latitude: Annotated[
        float | None, typer.Option(help="Latitude [deg N] if the file does not say")
    ] = None,
    level: Annotated[
        float | None, typer.Option(help="Exceedance level [m]; default the training P99")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    report: Annotated[
        str | None, typer.Option("--report", help="Write an HTML report with figures to DIR")
    ] = None,
) -> None:
    """Replay the period after --train-until, forecasting every hour (no look-ahead)."""
    from paknam.living.backtest_cli import backtest_command

    raise typer.Exit(
        backtest_command(file, train_until, as_json, latitude=latitude, level=level, report=report)
    )


def install(app: typer.Typer) -> None:
    """Add ``paknam forecast`` and ``paknam tides``."""
    app.add_typer(forecast_app, name="forecast")
    app.add_typer(tides_app, name="tides")
