"""``paknam run``: the scheduler (every periodic job of the platform, one process).

The lead's ``paknam.cli`` calls :func:`install` with the top-level Typer app.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from typing import Annotated

import typer

from paknam.core.cli_support import err, friendly, open_store, out


def _configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def run(
    once: Annotated[
        bool, typer.Option("--once", help="run the jobs that are due now, then stop")
    ] = False,
    job: Annotated[
        list[str] | None,
        typer.Option("--job", help="only this job (repeatable); see --list"),
    ] = None,
    list_jobs: Annotated[
        bool, typer.Option("--list", help="list the jobs and their periods, then stop")
    ] = False,
    holder: Annotated[
        str | None, typer.Option(help="name of this process in leases and runs (host:pid)")
    ] = None,
) -> None:
    """Run every periodic job: rules, alerts, notifications, harvests (งานตามกำหนดเวลา).

    Periods come from PAKNAM_JOB_<NAME>_EVERY_S (0: off); see docs/scheduler.md. Streaming
    sources (a ChirpStack MQTT integration) run in supervised background threads. Stops
    cleanly on SIGTERM or Ctrl-C after the jobs running at that moment end.
    """
    from paknam.pipeline.scheduler.config import scheduler_settings
    from paknam.pipeline.scheduler.jobs import jobs_from_registry, stream_sources
    from paknam.pipeline.scheduler.loop import Scheduler
    from paknam.pipeline.scheduler.streams import start_streams, stop_streams

    settings = scheduler_settings()
    jobs = jobs_from_registry()
    if job:
        known = {j.name for j in jobs}
        unknown = [n for n in job if n not in known]
        if unknown:
            raise ValueError(f"no job {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        jobs = [j for j in jobs if j.name in job]
    if list_jobs:
        for j in jobs:
            state = f"every {j.every_s:g} s" if j.enabled else "off"
            out.print(f"{j.name:<28} {state:<16} {j.summary}", markup=False)
        return
    _configure_logging()
    with open_store() as store:
        sched = Scheduler(
            store,
            jobs,
            holder,
            lease_s=settings.lease_s,
            threads=settings.threads,
            keep_runs=settings.keep_runs,
        )
        if once:
            for a in sched.run_once():
                line = {"job": a.job, "outcome": a.outcome, "status": a.status}
                if a.error:
                    line["error"] = a.error
                out.print(json.dumps(line, ensure_ascii=False), markup=False)
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        wanted = {j.name for j in jobs if j.enabled}
        streaming = [s for s in stream_sources() if f"source.{s.id}" in wanted]
        streams = start_streams(store, streaming, sched.holder, lease_s=settings.lease_s)
        err.print(
            f"paknam run: {sched.holder}; {len(wanted)} jobs"
            + (f"; streams: {', '.join(s.id for s in streaming)}" if streaming else "")
        )
        try:
            sched.run(stop)
        except KeyboardInterrupt:
            stop.set()
        finally:
            stop_streams(streams)


def install(app: typer.Typer) -> None:
    """Add ``run`` to ``app`` (the top-level ``paknam`` command)."""
    app.command("run")(friendly(run))
