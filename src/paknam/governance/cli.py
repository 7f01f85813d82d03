"""``paknam alerts …`` and ``paknam notify …``: CAP alerts from warnings, the delivery worker."""

from __future__ import annotations

import json
import signal
import threading
from typing import Annotated

import typer
from rich.console import Console

alerts_app = typer.Typer(help="CAP alerts (ประกาศเตือนภัย)", no_args_is_help=True)
notify_app = typer.Typer(help="Notifications: LINE, SMS, e-mail (การแจ้งเตือน)", no_args_is_help=True)
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _store():  # type: ignore[no-untyped-def]
    from paknam.core.store import Store

    return Store.open()


@alerts_app.command("sync")
def alerts_sync() -> None:
    """Issue CAP Alerts/Updates/Cancels for the warnings the rules raised or cleared."""
    from paknam.governance.alerts import sync_from_warnings

    store = _store()
    with store.write() as conn:
        result = sync_from_warnings(conn)
    out.print(json.dumps({k: len(v) for k, v in result.items()}))


@alerts_app.command("list")
def alerts_list(
    state: Annotated[str, typer.Option(help="active, past or all")] = "active",
) -> None:
    """The newest message of each alert."""
    from paknam.governance.alerts import list_alerts

    store = _store()
    with store.read() as conn:
        rows = list_alerts(conn, state=state)
    for a in rows:
        out.print(
            f"{a['id']:>5} {a['msg_type']:<7} {a['severity']:<8} {a['sent']} {a['headline_th']}"
        )
    if not rows:
        err.print(f"no {state} alerts")


@notify_app.command("worker")
def notify_worker(
    once: Annotated[bool, typer.Option(help="send what is due, then stop")] = False,
    threads: Annotated[int, typer.Option(min=1, max=128, help="requests in flight")] = 16,
    recover: Annotated[
        bool, typer.Option(help="take over batches left in 'sending' (only worker of the store)")
    ] = True,
) -> None:
    """Send queued deliveries on the configured channels (PAKNAM_LINE_*, SMS_*, SMTP_*)."""
    from paknam.governance.worker import Worker, channels_from_settings

    channels = channels_from_settings()
    if not channels:
        err.print(
            "[red]error:[/red] no channel is configured: set PAKNAM_LINE_CHANNEL_ACCESS_TOKEN, "
            "PAKNAM_SMS_GATEWAY_URL or PAKNAM_SMTP_HOST"
        )
        raise typer.Exit(2)
    worker = Worker(_store(), channels, threads=threads)
    err.print(f"worker: channels {', '.join(channels)}; {threads} requests in flight")
    try:
        if once:
            if recover:
                worker.recover()
            n = worker.run_once()
            err.print(f"worker: {n} deliveries attempted")
        else:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                worker.run(stop, recover=recover)
            except KeyboardInterrupt:
                stop.set()
    finally:
        worker.close()


@notify_app.command("stats")
def notify_stats(message_id: int) -> None:
    """Delivery progress of one message."""
    from paknam.governance.outbox import message_stats

    store = _store()
    with store.read() as conn:
        out.print(json.dumps(message_stats(conn, message_id), ensure_ascii=False, indent=2))
