"""``paknam complaints traffy ...``: the Traffy Fondue bridge from the command line.

``sync`` imports the organisation's tickets now (``get-issues``), ``push`` sends paknam's
queued changes back (``update-issue`` / ``comment``), ``status`` shows the last sync, the
outbox and the month's credits. Results are one line of JSON on stdout; errors (Traffy
unreachable, credentials refused, quota used up, nothing configured) exit with 2.
"""

from __future__ import annotations

from typing import Annotated

import typer

from paknam.core.cli_support import friendly, open_store, print_json
from paknam.core.errors import InvalidInput

traffy_app = typer.Typer(
    help="Traffy Fondue bridge (เชื่อมต่อ Traffy Fondue): sync, push, status",
    no_args_is_help=True,
)


def _configured() -> None:
    from paknam.complaints.traffy import bridge

    if not bridge.configured():
        raise InvalidInput(
            "no Traffy Fondue account: set PAKNAM_TRAFFY_USER and PAKNAM_TRAFFY_PASS "
            "(docs/citizens-traffy.md)"
        )


@traffy_app.command("sync")
@friendly
def sync(
    duration: Annotated[
        str | None,
        typer.Option(help="today | 3days | all (default: what covers the time since the last)"),
    ] = None,
) -> None:
    """Import Traffy Fondue tickets now (one credit)."""
    from paknam.complaints.traffy import bridge

    _configured()
    if duration is not None and duration not in ("today", "3days", "all"):
        raise InvalidInput("--duration must be today, 3days or all", field="duration")
    with open_store() as store, bridge.make_client(store) as client:
        print_json(bridge.sync(store, client, duration=duration))


@traffy_app.command("push")
@friendly
def push() -> None:
    """Send paknam's queued status changes to Traffy Fondue now."""
    from paknam.complaints.traffy import bridge

    _configured()
    with open_store() as store, bridge.make_client(store) as client:
        print_json(bridge.push(store, client))


@traffy_app.command("status")
@friendly
def status() -> None:
    """Last sync, linked tickets, the outbox and this month's credits."""
    from paknam.complaints.traffy import bridge

    with open_store() as store:
        print_json(bridge.status(store))
