"""``paknam notify …``: the delivery worker and delivery progress."""

from __future__ import annotations

import json
import signal
import threading
from typing import Annotated

import typer

from paknam.core.cli_support import err, open_store, out

notify_app = typer.Typer(help="Notifications: LINE, SMS, e-mail (การแจ้งเตือน)", no_args_is_help=True)


@notify_app.command("worker")
def notify_worker(
    once: Annotated[bool, typer.Option(help="send what is due, then stop")] = False,
    threads: Annotated[int, typer.Option(min=1, max=128, help="requests in flight")] = 16,
    recover: Annotated[
        bool,
        typer.Option(
            help="take over at once the batches left in 'sending' by a worker that is gone "
            "(only when no other worker runs on this store: a live worker's batches would go "
            "out twice); without it they are taken over when their lease ends"
        ),
    ] = False,
    idle: Annotated[
        float,
        typer.Option(min=0.05, max=60, help="longest pause between looks at the queue [s]"),
    ] = 1.0,
) -> None:
    """Send queued deliveries on the configured channels (PAKNAM_LINE_*, SMS_*, SMTP_*).
    Any number of workers may share a store (a dead worker's batches are taken over when
    their lease, PAKNAM_NOTIFY_LEASE_S, ends)."""
    from paknam.core.notify.worker import Worker, channels_from_settings

    channels = channels_from_settings()
    if not channels:
        err.print(
            "[red]error:[/red] no channel is configured: set PAKNAM_LINE_CHANNEL_ACCESS_TOKEN, "
            "PAKNAM_SMS_GATEWAY_URL or PAKNAM_SMTP_HOST"
        )
        raise typer.Exit(2)
    worker = Worker(open_store(), channels, threads=threads)
    worker.prepare()
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
                worker.run(stop, idle=idle, recover=recover)
            except KeyboardInterrupt:
                stop.set()
    finally:
        worker.close()


@notify_app.command("stats")
def notify_stats(message_id: int) -> None:
    """Delivery progress of one message."""
    from paknam.core.notify.outbox import message_stats

    store = open_store()
    with store.read() as conn:
        out.print(json.dumps(message_stats(conn, message_id), ensure_ascii=False, indent=2))
