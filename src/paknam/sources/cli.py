"""``paknam sources list``, ``paknam sources harvest [ID]`` and ``paknam sources lorawan
CONFIG`` (แหล่งข้อมูล).

The lead's ``paknam`` command adds these with :func:`install`. Sources come from
``PAKNAM_SOURCES`` / ``PAKNAM_SOURCES_FILE`` (:mod:`paknam.sources.config`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import err, friendly, open_store, out, print_json, run_until_stopped
from paknam.core.errors import NotFound

sources_app = typer.Typer(help="Data sources (แหล่งข้อมูล): health and harvests", no_args_is_help=True)


@sources_app.command("list")
@friendly
def list_sources(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Configured sources and their health (สถานะแหล่งข้อมูล)."""
    from paknam.sources.config import configured_sources
    from paknam.sources.status import source_status

    sources = configured_sources()
    with open_store() as store:
        rows = source_status(store, sources)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no source configured (set PAKNAM_SOURCES or PAKNAM_SOURCES_FILE)")
    for r in rows:
        state = (
            "never run"
            if r["never_run"]
            else "STALE"
            if r["stale"]
            else "failing"
            if r["failures"]
            else "ok"
        )
        out.print(
            f"{r['source_id']} ({r['kind']}): {state}; last success {r['last_success_at']}; "
            f"newest data {r['newest_time']}; rows {r['rows_last']}/{r['rows_total']}; "
            f"failures {r['failures']}",
            markup=False,
        )
        if r["last_error"]:
            out.print(f"  last error: {r['last_error']}", markup=False)


@sources_app.command("harvest")
@friendly
def harvest(
    source_id: Annotated[str | None, typer.Argument(help="Source id (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Harvest now, once (เก็บข้อมูลทันที); exit 1 if a source failed."""
    from paknam.sources.config import configured_sources
    from paknam.sources.runner import harvest_source

    sources = configured_sources()
    if source_id is not None:
        sources = [s for s in sources if s.id == source_id]
        if not sources:
            raise NotFound(f"no configured source {source_id!r}")
    if not sources:
        err.print("no source configured (set PAKNAM_SOURCES or PAKNAM_SOURCES_FILE)")
        return
    failed = False
    results = []
    with open_store() as store:
        for src in sources:
            o = harvest_source(store, src)
            results.append(o.as_dict())
            failed |= not o.ok
            if as_json:
                continue
            if o.ok and o.harvest is not None:
                h = o.harvest
                out.print(
                    f"{src.id}: received {h.received}, stored {h.stored}, "
                    f"unchanged {h.unchanged}, rejected {h.rejected}"
                    + (" (data_gap: stale)" if o.stale else ""),
                    markup=False,
                )
                for note in h.notes:
                    out.print(f"  {note}", markup=False)
            else:
                err.print(f"{src.id}: FAILED: {o.error}", markup=False)
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(1)


@sources_app.command("lorawan")
@friendly
def lorawan(
    config: Annotated[Path, typer.Argument(help="ChirpStack mapping, JSON or TOML")],
    host: Annotated[str | None, typer.Option(help="Broker host (PAKNAM_MQTT_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Broker port (PAKNAM_MQTT_PORT)")] = None,
    client_id: Annotated[str, typer.Option(help="MQTT client id (persistent session)")] = (
        "paknam-chirpstack"
    ),
) -> None:
    """Store LoRaWAN uplinks from a ChirpStack v4 MQTT integration (รับข้อมูล LoRaWAN).

    CONFIG maps DevEUIs or device profiles to stations, codecs and quantities (see
    docs/sources.md). Runs until SIGTERM or Ctrl-C."""
    import json
    import tomllib

    from paknam.core.config import get_settings
    from paknam.core.errors import InvalidInput
    from paknam.sources.chirpstack import ChirpstackConfig
    from paknam.sources.chirpstack_ingest import ChirpstackIngestor

    try:
        raw = config.read_text(encoding="utf-8")
        doc = tomllib.loads(raw) if config.suffix == ".toml" else json.loads(raw)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"{config}: not valid JSON/TOML: {exc}") from None
    mapping = ChirpstackConfig.from_dict(doc)
    s = get_settings()
    store = open_store()
    ingestor = ChirpstackIngestor(
        store,
        mapping,
        host=host or s.mqtt_host,
        port=port or s.mqtt_port,
        client_id=client_id,
        username=s.mqtt_username,
        password=s.mqtt_password,
    )
    run_until_stopped(
        ingestor, store, f"paknam sources lorawan: {ingestor.host}:{ingestor.port}, {mapping.topic}"
    )


def install(app: typer.Typer) -> None:
    """Add ``paknam sources``."""
    app.add_typer(sources_app, name="sources")
