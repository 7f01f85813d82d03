"""The ``paknam`` command. Every subcommand works on the store named by PAKNAM_DATABASE_URL.

Errors in what the user typed or in input files print a message naming the problem and
exit with status 2; nothing is half-written.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from paknam.core.config import get_settings, redact_url
from paknam.core.errors import BatchRejected, PaknamError
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
env_app = typer.Typer(help="Smart Environment (สิ่งแวดล้อม)", no_args_is_help=True)
app.add_typer(env_app, name="environment")
forecast_app = typer.Typer(help="Water-level forecasts (พยากรณ์ระดับน้ำ)", no_args_is_help=True)
app.add_typer(forecast_app, name="forecast")
tides_app = typer.Typer(help="Tides (น้ำขึ้นน้ำลง)", no_args_is_help=True)
app.add_typer(tides_app, name="tides")
from paknam.governance.cli import alerts_app, notify_app  # noqa: E402

app.add_typer(alerts_app, name="alerts")
app.add_typer(notify_app, name="notify")
from paknam.economy.cli import economy_app  # noqa: E402
from paknam.people.cli import people_app  # noqa: E402

app.add_typer(economy_app, name="economy")
app.add_typer(people_app, name="people")
from paknam.energy.cli import energy_app  # noqa: E402

app.add_typer(energy_app, name="energy")
from paknam.complaints.cli import complaints_app  # noqa: E402

app.add_typer(complaints_app, name="complaints")

err = Console(stderr=True, soft_wrap=True, highlight=False)
out = Console(soft_wrap=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn paknam errors into a clear message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BatchRejected as exc:
            err.print(f"[red]error:[/red] {len(exc.errors)} bad row(s); nothing stored")
            for e in exc.errors[:20]:
                err.print(f"  item/line {e.index}: {e.reason}", markup=False, highlight=False)
            if len(exc.errors) > 20:
                err.print(f"  ... and {len(exc.errors) - 20} more (use --report FILE)")
            raise typer.Exit(2) from None
        except PaknamError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except (ValueError, OSError) as exc:  # unreadable files, bad values in them
            err.print(f"[red]error:[/red] {type(exc).__name__}: {exc}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _store():  # type: ignore[no-untyped-def]
    from paknam.core.store import Store

    return Store.open()


# ---- serving -------------------------------------------------------------------------------


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    url = get_settings().database_url
    out.print(f"paknam serving {redact_url(url)} at http://{host}:{port}  (API docs: /docs)")
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
    _store().close()  # migrate once before workers start
    _serve(host, port, workers)


@app.command()
@friendly
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Only load the data")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Load the real sample data, then serve (โหลดข้อมูลตัวอย่างจริง แล้วเปิดบริการ)."""
    from paknam.ingest.demo import load_demo, load_simulated_water_level

    with _store() as store:
        added, result = load_demo(store)
        out.print(
            f"demo data: {added} new station(s); {result.received} observations read, "
            f"{result.stored} stored, {result.unchanged} already there  "
            f"[{redact_url(store.url)}]"
        )
        sim = load_simulated_water_level(store)
        out.print(
            f"SIMULATED water level (sim-pomphrachun, labelled as such): {sim.stored} new "
            "hourly values"
        )
        from paknam.energy.demo import load_demo_energy
        from paknam.energy.service import run_energy_checks

        en = load_demo_energy(store)
        out.print(
            f"energy: sites added {', '.join(en.sites_added) or 'none'}; "
            f"{en.observations_stored} observations (sim-* sites are SIMULATED)"
        )
        for note in en.notes:
            err.print(f"  note: {note}", markup=False)
        run_energy_checks(store)
        from paknam.environment.checks import run_environment_checks
        from paknam.living.service import run_forecasts

        fc = run_forecasts(store)
        env = run_environment_checks(store)
        issued = sum(1 for r in fc.stations if r.issued_at is not None)
        out.print(
            f"forecasts issued: {issued}; warnings: {len(fc.raised) + len(env.raised)} raised, "
            f"{len(fc.updated) + len(env.updated)} updated"
        )
        _alerts_from_warnings(store)
        from paknam.complaints.demo import load_demo_complaints
        from paknam.economy.demo import load_demo_economy
        from paknam.people.demo import load_demo_people

        load_demo_complaints(store)
        eco = load_demo_economy(store)
        ppl = load_demo_people(store)
        out.print(
            f"economy: {eco['places_changed']} SAMPLE places, {eco['visits']['stored']} MOTS "
            f"months; people (SAMPLE/SIMULATED): {ppl['schools']} schools, "
            f"{ppl['statements']} statements"
        )
    if not no_serve:
        _serve(host, port, 1)


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
    with _store() as store:
        station = store.add_station(new)
    out.print(
        f"station {station.id} added (district {station.district_code or '-'}; "
        f"measures {', '.join(s.quantity for s in station.series) or 'nothing yet'})"
    )


@station_app.command("list")
@friendly
def station_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List stations (รายการสถานี)."""
    with _store() as store:
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
    with _store() as store:
        key_id, key, _prefix = store.create_device_key(station, label)
    err.print(f"device key {key_id} for {', '.join(station)} — store it now, it is shown once:")
    print(key)


@key_app.command("revoke")
@friendly
def key_revoke(key_id: Annotated[int, typer.Argument(help="Key id")]) -> None:
    """Revoke a device key (ยกเลิกกุญแจ)."""
    with _store() as store:
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
        new = UserCreate(username=username, password=password, role=role, display_name=display_name)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        err.print(f"[red]error:[/red] {reasons}", highlight=False)
        raise typer.Exit(2) from None
    with _store() as store:
        user = store.add_user(new)
    out.print(f"user {user.username} ({user.role}) added")


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Create or upgrade the schema (สร้าง/ปรับปรุงฐานข้อมูล)."""
    with _store() as store:
        out.print(f"schema is current at {redact_url(store.url)}")


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
    with _store() as store:
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
    from paknam.ingest.air4thai import import_air4thai, looks_like_air4thai
    from paknam.ingest.csv_file import import_csv

    if fmt not in ("auto", "paknam", "air4thai"):
        raise InvalidInput(f"--format {fmt!r}: use auto, paknam or air4thai")
    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    if fmt == "air4thai" or (fmt == "auto" and looks_like_air4thai(file)):
        with _store() as store:
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
        _store() as store,
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
) -> None:
    """Subscribe to the MQTT broker and store observations (รับข้อมูลผ่าน MQTT)."""
    from paknam.ingest.mqtt import MqttIngestor

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    s = get_settings()
    store = _store()
    ingestor = MqttIngestor(
        store,
        host=host or s.mqtt_host,
        port=port or s.mqtt_port,
        prefix=prefix or s.mqtt_topic_prefix,
        client_id=client_id,
        username=s.mqtt_username,
        password=s.mqtt_password,
    )
    signal.signal(signal.SIGTERM, lambda *_: ingestor.stop())
    out.print(f"paknam mqtt: {ingestor.host}:{ingestor.port}, topics {ingestor.prefix}/#")
    try:
        ingestor.run()
    except KeyboardInterrupt:
        ingestor.stop()
    finally:
        store.close()


@env_app.command("check")
@friendly
def environment_check() -> None:
    """Run the environment rules once: raise, update, clear warnings (ตรวจเกณฑ์)."""
    from paknam.environment.checks import run_environment_checks

    with _store() as store:
        r = run_environment_checks(store)
        active = store.list_warnings(domain="environment")
        out.print(
            f"environment warnings: {len(r.raised)} raised, {len(r.updated)} updated, "
            f"{len(r.cleared)} cleared; {len(active)} active"
        )
        _alerts_from_warnings(store)
    for w in active:
        out.print(f"  [{w['severity']}] {w['headline_th']} / {w['headline_en']}")


def _alerts_from_warnings(store: Any) -> None:
    """Issue CAP alerts for the warnings just raised, updated or cleared (and queue the
    severe ones for delivery)."""
    from paknam.governance.dispatch import alerts_from_warnings

    with store.write() as conn:
        r = alerts_from_warnings(conn)
    out.print(
        f"CAP alerts: {len(r['Alert'])} new, {len(r['Update'])} updated, "
        f"{len(r['Cancel'])} cancelled; {len(r['queued'])} queued for delivery"
    )


@forecast_app.command("run")
@friendly
def forecast_run(
    every: Annotated[
        int | None,
        typer.Option(help="Repeat every N seconds (e.g. 3600) instead of running once"),
    ] = None,
) -> None:
    """Forecast every water-level station 72 h ahead (once, or --every 3600 as the job)."""
    import time

    if every is not None and every < 60:
        raise typer.BadParameter("--every must be at least 60 seconds")
    while True:
        _forecast_once()
        if every is None:
            return
        time.sleep(every)


def _forecast_once() -> None:
    from paknam.core.timeutil import to_local_iso
    from paknam.living.service import run_forecasts

    with _store() as store:
        report = run_forecasts(store)
        _alerts_from_warnings(store)
    for s in report.stations:
        if s.skipped:
            out.print(f"  {s.station}: skipped — {s.skipped}", markup=False)
        else:
            issued = to_local_iso(s.issued_at) if s.issued_at is not None else "-"
            extra = f"; warning: {s.warning}" if s.warning else ""
            trained = " (retrained)" if s.trained else ""
            out.print(f"  {s.station}: forecast issued {issued}{trained}{extra}", markup=False)
    out.print(
        f"water-level warnings: {len(report.raised)} raised, {len(report.updated)} updated, "
        f"{len(report.cleared)} cleared"
    )


@forecast_app.command("levels")
@friendly
def forecast_levels(
    station: Annotated[str, typer.Option(help="Water-level station id")],
    watch: Annotated[float | None, typer.Option(help="Watch level [m above datum]")] = None,
    warning: Annotated[float | None, typer.Option(help="Warning level [m]")] = None,
    danger: Annotated[float | None, typer.Option(help="Danger level [m]")] = None,
) -> None:
    """Set a station's warning levels (ตั้งระดับเตือนภัย)."""
    from paknam.living import forecast_store

    given = {
        k: v
        for k, v in (("watch", watch), ("warning", warning), ("danger", danger))
        if v is not None
    }
    with _store() as store:
        store.get_station(station)
        with store.write() as conn:
            levels = forecast_store.set_warning_levels(conn, station, given, "cli")
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
) -> None:
    """Replay the period after --train-until, forecasting every hour (no look-ahead)."""
    from paknam.living.tides_cli import backtest_command

    raise typer.Exit(backtest_command(file, train_until, as_json, latitude=latitude, level=level))


# ---- science on the command line ----------------------------------------------------------


@app.command(context_settings={"allow_extra_args": False})
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
    from paknam.environment.aqi_cli import aqi_command

    raise typer.Exit(aqi_command(assignments, date, as_json))


@app.command(context_settings={"allow_extra_args": False})
def wqi(
    assignments: Annotated[
        list[str],
        typer.Argument(help="PARAMETER=VALUE, e.g. do=4.2 bod=2.5 tcb=5000 fcb=900 nh3n=0.4"),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Thai surface water WQI and class (ดัชนีคุณภาพน้ำ); Malaysia DOE WQI beside it."""
    from paknam.environment.wqi_cli import wqi_command

    raise typer.Exit(wqi_command(assignments, as_json))


def main() -> None:
    """Entry point of the ``paknam`` command."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()


if __name__ == "__main__":
    main()
