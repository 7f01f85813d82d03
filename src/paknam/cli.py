"""The ``paknam`` command. Every subcommand works on the store named by PAKNAM_DATABASE_URL.

Errors in what the user typed or in input files print a message naming the problem and
exit with status 2; nothing is half-written.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from paknam.core.cli_support import err, friendly, open_store, out, run_until_stopped
from paknam.core.config import DEFAULT_PUBLIC_BASE_URL, get_settings, redact_url
from paknam.core.errors import BatchRejected
from paknam.core.models import SeriesSpec, StationCreate, UserCreate

app = typer.Typer(
    help="paknam — city data platform for Samut Prakan (แพลตฟอร์มข้อมูลเมืองสมุทรปราการ)",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
station_app = typer.Typer(help="Stations (สถานี)", no_args_is_help=True)
key_app = typer.Typer(help="Device keys (กุญแจอุปกรณ์)", no_args_is_help=True)
user_app = typer.Typer(help="Officer accounts (บัญชีเจ้าหน้าที่)", no_args_is_help=True)
db_app = typer.Typer(help="Database (ฐานข้อมูล)", no_args_is_help=True)
app.add_typer(station_app, name="station")
app.add_typer(key_app, name="key")
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")


# ---- serving -------------------------------------------------------------------------------


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    settings = get_settings()
    out.print(
        f"paknam serving {redact_url(settings.database_url)} at http://{host}:{port}  "
        "(API docs: /docs)"
    )
    if host not in ("127.0.0.1", "localhost", "::1") and (
        settings.public_base_url == DEFAULT_PUBLIC_BASE_URL
    ):
        err.print(
            f"note: links in feeds and messages start with {DEFAULT_PUBLIC_BASE_URL}: set "
            "PAKNAM_PUBLIC_BASE_URL to the address citizens use (ตั้งค่า PAKNAM_PUBLIC_BASE_URL)",
            markup=False,
        )
    if (
        workers > 1
        and settings.rate_limits_enabled
        and (settings.rate_limit_storage.startswith("memory://"))
    ):
        err.print(
            f"note: each of the {workers} workers counts rate limits and failed logins on its "
            "own: set PAKNAM_RATE_LIMIT_STORAGE=redis://… to share them (docs/scale.md)",
            markup=False,
        )
    uvicorn.run(
        "paknam.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API and dashboard (ให้บริการ API และแดชบอร์ด)."""
    open_store().close()  # migrate once before workers start
    _serve(host, port, workers)


@app.command()
@friendly
def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Only load the data (replayed up to now)")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    speed: Annotated[
        float,
        typer.Option(help="Demo clock speed while it catches up (144: a day in 10 min)", min=1),
    ] = 144.0,
    window_hours: Annotated[
        float,
        typer.Option(help="Hours of recorded data streamed live (the clock starts this far back)"),
    ] = 24.0,
    recorded: Annotated[
        bool,
        typer.Option("--recorded", help="Load the samples at their recorded times (no replay)"),
    ] = False,
) -> None:
    """Load the real sample data and run a live day: replayed readings stream in on an
    accelerated clock while the scheduler runs the rules (สาธิตระบบแบบสด)."""
    from paknam.pipeline.demo import run_demo
    from paknam.pipeline.live_demo import load_live, start_live, use_served_address

    if window_hours < 0 or window_hours > 24 * 14:
        raise typer.BadParameter("--window-hours must be between 0 and 336")
    say = lambda line: out.print(line, markup=False)  # noqa: E731
    if not no_serve:  # the links in the demo's alerts open the pages it serves
        say(f"links in alerts and messages start with {use_served_address(host, port)}")
    if recorded:
        with open_store() as store:
            run_demo(store, say=say)
        if not no_serve:
            _serve(host, port, 1)
        return
    window = 0 if no_serve else int(window_hours * 3600)
    store = open_store()
    try:
        plan, _ = load_live(store, say, window_s=window)
        if no_serve:
            return
        live = start_live(store, plan, speed=speed, serve_url=f"http://{host}:{port}")
        minutes = window / speed / 60
        say(
            f"live demo: the clock starts {window_hours:g} h back and runs {speed:g}x, "
            f"catching up with real time in {minutes:.1f} min; readings go by {live.path}; "
            "replayed and simulated data only ever give Exercise alerts"
        )
        try:
            _serve(host, port, 1)
        finally:
            live.stop()
            say(f"live demo stopped: {live.status()}")
    finally:
        store.close()


# ---- stations and keys ---------------------------------------------------------------------


def _meta(pairs: list[str]) -> dict[str, str]:
    meta = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"--meta {pair!r} is not KEY=VALUE")
        k, v = pair.split("=", 1)
        meta[k] = v
    return meta


@station_app.command("add")
@friendly
def station_add(
    id: Annotated[str, typer.Option("--id", help="Station id, e.g. 18t")],
    name_th: Annotated[str, typer.Option("--name-th", help="Thai name")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name")],
    lon: Annotated[float, typer.Option(help="Longitude [deg E]")],
    lat: Annotated[float, typer.Option(help="Latitude [deg N]")],
    kind: Annotated[str, typer.Option(help="air, water_quality, water_level, ...")] = "other",
    district: Annotated[str | None, typer.Option(help="Amphoe code; default from lon/lat")] = None,
    quantity: Annotated[
        list[str] | None, typer.Option("--quantity", "-q", help="Quantity measured (repeat)")
    ] = None,
    datum: Annotated[str | None, typer.Option(help="Vertical datum for water_level")] = None,
    meta: Annotated[list[str] | None, typer.Option(help="KEY=VALUE metadata (repeat)")] = None,
) -> None:
    """Register a station (ลงทะเบียนสถานี)."""
    from pydantic import ValidationError

    codes = [c for q in quantity or [] for c in q.replace(",", " ").split()]
    try:
        new = StationCreate(
            id=id,
            name_th=name_th,
            name_en=name_en,
            kind=kind,
            lon=lon,
            lat=lat,
            district_code=district,
            meta=_meta(meta or []),
            quantities=[SeriesSpec(quantity=c, datum=datum) for c in codes],
        )
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        err.print(f"[red]error:[/red] {reasons}", highlight=False)
        raise typer.Exit(2) from None
    with open_store() as store:
        station = store.add_station(new)
    out.print(
        f"station {station.id} added (district {station.district_code or '-'}; "
        f"measures {', '.join(s.quantity for s in station.series) or 'nothing yet'})"
    )


@station_app.command("list")
@friendly
def station_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List stations (รายการสถานี)."""
    with open_store() as store:
        stations = store.list_stations()
    if as_json:
        print(json.dumps([s.model_dump(mode="json") for s in stations], ensure_ascii=False))
        return
    for s in stations:
        qs = ",".join(x.quantity for x in s.series)
        out.print(f"{s.id:12} {s.kind:14} {s.district_code or '-':5} {s.name_en} [{qs}]")


@key_app.command("create")
@friendly
def key_create(
    station: Annotated[list[str], typer.Option("--station", help="Station id (repeat)")],
    label: Annotated[str, typer.Option(help="What the key is for")] = "",
) -> None:
    """Create a device key; the key is printed once, on the last line (สร้างกุญแจอุปกรณ์)."""
    with open_store() as store:
        key_id, key, _prefix = store.create_device_key(station, label)
    err.print(f"device key {key_id} for {', '.join(station)} — store it now, it is shown once:")
    print(key)


@key_app.command("revoke")
@friendly
def key_revoke(key_id: Annotated[int, typer.Argument(help="Key id")]) -> None:
    """Revoke a device key (ยกเลิกกุญแจ)."""
    with open_store() as store:
        store.revoke_device_key(key_id)
    out.print(f"device key {key_id} revoked")


@user_app.command("add")
@friendly
def user_add(
    username: Annotated[str, typer.Option(help="Login name")],
    role: Annotated[str, typer.Option(help="admin, officer or viewer")] = "officer",
    display_name: Annotated[str, typer.Option(help="Name shown")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Add an officer account (เพิ่มบัญชีเจ้าหน้าที่)."""
    from pydantic import ValidationError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        new = UserCreate.model_validate(
            {"username": username, "password": password, "role": role, "display_name": display_name}
        )
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        err.print(f"[red]error:[/red] {reasons}", highlight=False)
        raise typer.Exit(2) from None
    with open_store() as store:
        user = store.add_user(new)
    out.print(f"user {user.username} ({user.role}) added")


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Create or upgrade the schema (สร้าง/ปรับปรุงฐานข้อมูล)."""
    with open_store() as store:
        before, after = store.schema_change or (None, None)
        where = redact_url(store.url)
        if store.schema_change is None:
            out.print(f"schema not checked in {where}")
        elif before is None:
            out.print(f"schema created at revision {after} in {where}")
        elif before != after:
            out.print(f"schema upgraded from revision {before} to {after} in {where}")
        else:
            out.print(f"schema already current (revision {after}) in {where}")
        if store.partitions_created:
            out.print(
                f"{len(store.partitions_created)} partition(s) of observations created: "
                + ", ".join(store.partitions_created)
            )


@db_app.command("retention")
@friendly
def db_retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be removed; change nothing")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option(help="Keep raw data this many days (instead of PAKNAM_RETENTION_RAW_DAYS)"),
    ] = None,
    quantity: Annotated[
        list[str] | None, typer.Option("--quantity", "-q", help="Only this quantity (repeat)")
    ] = None,
    batch: Annotated[
        int | None, typer.Option(help="Rows deleted per transaction (100-100000)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Remove raw observations past their retention; the hourly roll-up stays
    (ลบข้อมูลดิบที่หมดอายุการเก็บ)."""
    from paknam.core.errors import InvalidInput
    from paknam.core.retention import Policy, policy_from_settings
    from paknam.core.retention_run import run_retention

    if batch is not None and not 100 <= batch <= 100_000:
        raise InvalidInput(f"--batch must be 100 to 100000 rows, got {batch}", field="batch")
    if days is not None and days < 1:
        raise InvalidInput(f"--days must be at least 1, got {days}", field="days")
    policy = policy_from_settings()
    if days is not None:
        policy = Policy.parse(days, policy.by)
    if not policy.active:
        err.print(
            "no retention policy: raw data is kept for ever (set PAKNAM_RETENTION_RAW_DAYS, "
            "PAKNAM_RETENTION_RAW_DAYS_BY or --days)"
        )
    with open_store() as store:
        report = run_retention(
            store,
            policy=policy,
            only_quantities=quantity or None,
            dry_run=dry_run,
            batch_rows=batch,
            progress=lambda m: err.print(m, markup=False),
        )
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"{verb} {report.rows:,} raw observation(s) of "
        f"{sum(1 for s in report.series if s.rows)} series; "
        f"partitions {'to drop' if dry_run else 'dropped'}: "
        f"{', '.join(p['name'] for p in report.partitions) or 'none'}; "
        "the hourly roll-up is kept"
    )


@app.command("districts")
@friendly
def districts_import(
    file: Annotated[Path, typer.Argument(help="GeoJSON of amphoe (amphoe_code, ...)")],
) -> None:
    """Load district boundaries from GeoJSON (นำเข้าขอบเขตอำเภอ)."""
    from paknam.core.errors import InvalidInput

    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{file}: {exc}") from None
    with open_store() as store:
        n = store.load_districts(doc)
    out.print(f"{n} district(s) loaded")


# ---- ingestion -----------------------------------------------------------------------------


@app.command("import")
@friendly
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV file (long or wide format)")],
    station: Annotated[
        str | None, typer.Option(help="Station of a wide file without a station column")
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the valid rows, report the rest")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write every rejected line and reason to this CSV")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto, paknam (long/wide CSV) or air4thai (getAQI JSON, history CSV)",
        ),
    ] = "auto",
) -> None:
    """Import observations from CSV or air4thai files (นำเข้าข้อมูลจากไฟล์)."""
    from paknam.core.errors import InvalidInput
    from paknam.sources.air4thai import import_air4thai, looks_like_air4thai
    from paknam.sources.csv_file import import_csv

    if fmt not in ("auto", "paknam", "air4thai"):
        raise InvalidInput(f"--format {fmt!r}: use auto, paknam or air4thai")
    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    if fmt == "air4thai" or (fmt == "auto" and looks_like_air4thai(file)):
        with open_store() as store:
            try:
                rep4 = import_air4thai(store, file, skip_invalid=skip_invalid)
            except BatchRejected as exc:
                if report:
                    _write_report(report, exc.errors)
                raise
        r = rep4.result
        out.print(
            f"{file.name} (air4thai): {r.received} observations, {r.stored} stored, "
            f"{r.unchanged} unchanged, {r.rejected} rejected; stations created: "
            f"{', '.join(rep4.stations_created) or 'none'}"
        )
        for note in rep4.notes:
            err.print(f"  note: {note}", markup=False)
        for e in rep4.errors[:20]:
            err.print(f"  line {e.index}: {e.reason}", markup=False, highlight=False)
        if report and rep4.errors:
            _write_report(report, rep4.errors)
        return
    with (
        open_store() as store,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task(f"reading {file.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            rep = import_csv(
                store, file, station=station, skip_invalid=skip_invalid, progress=progress
            )
        except BatchRejected as exc:
            if report:
                _write_report(report, exc.errors)
            raise
    if report and rep.errors:
        _write_report(report, rep.errors)
    r = rep.result
    out.print(
        f"{file.name} ({rep.layout} format): {r.received} observations, {r.stored} stored, "
        f"{r.unchanged} unchanged, {r.duplicates} duplicate(s), {r.rejected} rejected"
    )
    for e in rep.errors[:20]:
        err.print(f"  line {e.index}: {e.reason}", markup=False, highlight=False)


def _write_report(path: Path, errors: list[Any]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["line", "reason"])
        for e in errors:
            w.writerow([e.index, e.reason])
    err.print(f"rejected lines written to {path}")


@app.command()
@friendly
def mqtt(
    host: Annotated[str | None, typer.Option(help="Broker host")] = None,
    port: Annotated[int | None, typer.Option(help="Broker port")] = None,
    prefix: Annotated[str | None, typer.Option(help="Topic prefix")] = None,
    client_id: Annotated[str, typer.Option(help="MQTT client id (persistent session)")] = (
        "paknam-ingest"
    ),
    group: Annotated[
        str | None,
        typer.Option(
            help="MQTT 5 shared-subscription group: run several `paknam mqtt` with the same "
            "--group and each its own --client-id to share the load"
        ),
    ] = None,
    lease_seconds: Annotated[
        float,
        typer.Option(
            min=5.0,
            help="Lifetime of this process's claim on its client id: how long a killed "
            "instance keeps a restart with the same id waiting",
        ),
    ] = 30.0,
) -> None:
    """Subscribe to the MQTT broker and store observations (รับข้อมูลผ่าน MQTT).

    Refuses to start while another `paknam mqtt` with the same --client-id runs on this
    store (the two would take the broker session from each other)."""
    from paknam.pipeline.scheduler.instance import single_instance
    from paknam.sources.mqtt import MqttIngestor

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    s = get_settings()
    store = open_store()
    ingestor = MqttIngestor(  # ValueError (a bad --group) → exit 2
        store,
        host=host or s.mqtt_host,
        port=port or s.mqtt_port,
        prefix=prefix or s.mqtt_topic_prefix,
        client_id=client_id,
        username=s.mqtt_username,
        password=s.mqtt_password,
        group=group,
    )
    job = f"mqtt.{client_id}"[:64]
    what = f"paknam mqtt with client id {client_id!r}"
    with single_instance(store, job, on_lost=ingestor.stop, what=what, ttl_s=lease_seconds):
        run_until_stopped(
            ingestor,
            store,
            f"paknam mqtt: {ingestor.host}:{ingestor.port} as {client_id}, topics "
            + ", ".join(ingestor.topics()),
        )


# ---- domains, rules and the alert pipeline ------------------------------------------------


def _group(name: str, help_text: str) -> typer.Typer:
    """The sub-command group ``name`` (made if no domain added it)."""
    for info in app.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def _print_run(run: Any) -> None:
    for rule_run in run.rules.values():
        for line in rule_run.lines:
            out.print(line, markup=False)
    out.print(run.alerts.summary(), markup=False)


def _rule_command(rule: Any) -> Callable[..., None]:
    @friendly
    def command(
        every: Annotated[
            int | None,
            typer.Option(help="Repeat every N seconds (e.g. 3600) instead of running once"),
        ] = None,
    ) -> None:
        import time

        from paknam.pipeline.flow import run_rules

        if every is not None and every < 60:
            raise typer.BadParameter("--every must be at least 60 seconds")
        while True:
            with open_store() as store:
                _print_run(run_rules(store, [rule]))
            if every is None:
                return
            time.sleep(every)

    command.__doc__ = (
        f"{rule.summary or rule.name}: run it once, then issue CAP alerts and queue "
        "deliveries by the one policy (--every N repeats)."
    )
    return command


def _install_domains() -> None:
    from paknam.core.notify.cli import notify_app
    from paknam.core.notify.line_cli import line_app
    from paknam.core.registry import domains
    from paknam.pipeline.scheduler.cli import install as install_scheduler
    from paknam.sources.cli import install as install_sources

    for d in domains():
        d.install_cli(app)
    for d in domains():
        for rule in d.rules:
            if rule.command is not None:
                group, name = rule.command
                _group(group, d.title_en).command(name)(_rule_command(rule))
    app.add_typer(notify_app, name="notify")
    app.add_typer(line_app, name="line")  # paknam line setup
    install_scheduler(app)  # paknam run
    install_sources(app)  # paknam sources list / harvest
    _group("alerts", "CAP alerts (ประกาศเตือนภัย)").command("sync")(alerts_sync)
    _group("opendata", "Open data (ข้อมูลเปิด)").command("publish")(opendata_publish)


@friendly
def alerts_sync() -> None:
    """Issue CAP Alerts/Updates/Cancels for the current warnings and queue what goes out by
    itself (severe and extreme Actual alerts; changes to alerts already sent)."""
    from paknam.pipeline.flow import issue_alerts

    with open_store() as store:
        run = issue_alerts(store)
    out.print(run.summary(), markup=False)
    print(json.dumps({k: len(v) for k, v in run.as_dict().items()}))


@friendly
def opendata_publish(
    ckan: Annotated[
        str, typer.Option("--ckan", help="Base URL of the CKAN, e.g. https://data.example.go.th")
    ],
    api_key: Annotated[
        str, typer.Option("--api-key", envvar="PAKNAM_CKAN_API_KEY", help="CKAN API token")
    ],
    organization: Annotated[
        str | None, typer.Option(help="CKAN organization (name or id) to own the datasets")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would change")] = False,
) -> None:
    """Create or update every open dataset on an external CKAN (ckanapi), resources linking
    back to this platform. Exit 2: the CKAN is unreachable or refuses the key; exit 1:
    some datasets were refused (listed)."""
    from paknam.api.opendata.publish import publish

    with open_store() as store:
        report = publish(
            store, ckan, api_key, organization=organization, dry_run=dry_run,
            echo=lambda line: out.print(line, markup=False, highlight=False),
        )  # fmt: skip
    out.print(("dry run: " if dry_run else "") + report.summary(), markup=False)
    if report.failed:
        raise typer.Exit(1)


_install_domains()


def main() -> None:
    """Entry point of the ``paknam`` command."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()


if __name__ == "__main__":
    main()
