"""``paknam alerts …``: the CAP alerts issued (``alerts sync`` runs the alert pipeline)."""

from __future__ import annotations

from typing import Annotated

import typer

from paknam.core.cli_support import err, open_store, out

alerts_app = typer.Typer(help="CAP alerts (ประกาศเตือนภัย)", no_args_is_help=True)


@alerts_app.command("list")
def alerts_list(
    state: Annotated[str, typer.Option(help="active, past or all")] = "active",
) -> None:
    """The newest message of each alert."""
    from paknam.core.timeutil import local_iso
    from paknam.governance.service import list_alerts

    rows = list_alerts(open_store(), state=state, limit=200)
    for a in rows:
        sent = local_iso(a["sent"])
        out.print(f"{a['id']:>5} {a['msg_type']:<7} {a['severity']:<8} {sent} {a['headline_th']}")
    if not rows:
        err.print(f"no {state} alerts")


def install(app: typer.Typer) -> None:
    """Add ``paknam alerts`` (``alerts sync`` is the pipeline's, added by the command line)."""
    app.add_typer(alerts_app, name="alerts")
