"""``paknam energy ...``: sites, imports, reports, settlements, the indicator.

Registered through the domain manifest (:mod:`paknam.energy.domain`). Every command opens
the configured store and calls :mod:`paknam.energy.service`; none touches SQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from paknam.core.cli_support import friendly, open_store

energy_app = typer.Typer(help="Smart Energy (พลังงานอัจฉริยะ)", no_args_is_help=True)
site_app = typer.Typer(help="Energy sites (สถานที่ผลิตพลังงาน)", no_args_is_help=True)
community_app = typer.Typer(help="Energy communities (ชุมชนพลังงาน)", no_args_is_help=True)
energy_app.add_typer(site_app, name="site")
energy_app.add_typer(community_app, name="community")


def _echo(text: str) -> None:
    typer.echo(text)


def _dump(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def _validation(exc: Exception) -> NoReturn:
    from pydantic import ValidationError

    from paknam.core.errors import InvalidInput

    assert isinstance(exc, ValidationError)
    reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    raise InvalidInput(reasons)


def _report(path: Path | None, errors: list[Any]) -> None:
    if path is None or not errors:
        return
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["line", "field", "reason"])
        for e in errors:
            w.writerow([e.index, e.field or "", e.reason])
    typer.echo(f"rejected rows written to {path}", err=True)


@site_app.command("add")
@friendly
def site_add(
    id: Annotated[str, typer.Option("--id", help="Site id")],
    name_th: Annotated[str, typer.Option("--name-th", help="Thai name")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name")],
    lon: Annotated[float, typer.Option(help="Longitude [deg E]")],
    lat: Annotated[float, typer.Option(help="Latitude [deg N]")],
    kwp: Annotated[float, typer.Option(help="PV DC nameplate [kWp]")],
    tilt: Annotated[float, typer.Option(help="Tilt [deg]")] = 10.0,
    azimuth: Annotated[float, typer.Option(help="Azimuth [deg from north], 180 = south")] = 180.0,
    inverter_kw: Annotated[float | None, typer.Option(help="Inverter AC limit [kW]")] = None,
    irradiance: Annotated[str, typer.Option(help="Sensor: poa, horizontal or none")] = "none",
    meter: Annotated[
        list[str] | None, typer.Option("--meter", "-m", help="Meter quantity (repeat)")
    ] = None,
) -> None:
    """Register a PV site (ลงทะเบียนสถานที่ผลิตไฟฟ้าแสงอาทิตย์)."""
    from pydantic import ValidationError

    from paknam.energy.service import add_site
    from paknam.energy.sites import ArrayIn, SiteCreate

    try:
        new = SiteCreate(
            id=id,
            name_th=name_th,
            name_en=name_en,
            lon=lon,
            lat=lat,
            irradiance_plane=irradiance,  # type: ignore[arg-type]
            meters=meter or ["pv_power"],
            arrays=[
                ArrayIn(kwp=kwp, tilt_deg=tilt, azimuth_deg=azimuth, inverter_ac_kw=inverter_kw)
            ],
        )
    except ValidationError as exc:
        _validation(exc)
    with open_store() as store:
        site = add_site(store, new)
    _echo(f"site {site['id']} added: {site['kwp']:g} kWp, meters {', '.join(site['meters'])}")


@site_app.command("import")
@friendly
def site_import(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx site list")],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid")] = False,
    report: Annotated[Path | None, typer.Option(help="Write rejected rows to this CSV")] = None,
) -> None:
    """Register sites from a site list (นำเข้ารายชื่อสถานที่)."""
    from paknam.core.errors import BatchRejected
    from paknam.energy.service import import_sites

    with open_store() as store:
        try:
            n, errors = import_sites(store, file, skip_invalid=skip_invalid)
        except BatchRejected as exc:
            _report(report, exc.errors)
            raise
    _report(report, errors)
    _echo(f"{file.name}: {n} site(s) added, {len(errors)} row(s) rejected")
    for e in errors[:20]:
        typer.echo(f"  line {e.index}: {e.reason}", err=True)


@energy_app.command("import")
@friendly
def readings_import(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx meter export")],
    site: Annotated[str | None, typer.Option(help="Site of a file without a site column")] = None,
    thai_time: Annotated[
        bool, typer.Option("--thai-time", help="Read times without offset as +07:00")
    ] = False,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: first)")] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the valid rows, report the rest")
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Write rejected rows to this CSV")] = None,
) -> None:
    """Import meter readings (นำเข้าข้อมูลมิเตอร์จากไฟล์ CSV/Excel)."""
    from paknam.core.errors import BatchRejected
    from paknam.energy.service import import_readings

    with open_store() as store:
        try:
            rep = import_readings(
                store, file, site=site, thai_time=thai_time, skip_invalid=skip_invalid, sheet=sheet
            )
        except BatchRejected as exc:
            _report(report, exc.errors)
            raise
    _report(report, rep.errors)
    r = rep.result
    _echo(
        f"{file.name}: {r.received} readings, {r.stored} stored, {r.unchanged} unchanged, "
        f"{r.rejected} rejected; columns: " + ", ".join(f"{k}→{v}" for k, v in rep.columns.items())
    )
    for e in rep.errors[:20]:
        typer.echo(f"  line {e.index}: {e.reason}", err=True)


@energy_app.command("report")
@friendly
def report_cmd(
    site: Annotated[str, typer.Option(help="Site id")],
    year: Annotated[int, typer.Option(help="Thai calendar year")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Monthly PR, balance and findings of a site (รายงานประจำปีของสถานที่)."""
    from paknam.core.errors import InvalidInput
    from paknam.energy.periods import year_bounds
    from paknam.energy.service import site_balance, site_performance

    with open_store() as store:
        bal = site_balance(store, site, year)
        try:
            perf = site_performance(store, site, *year_bounds(year))
        except InvalidInput as exc:
            perf = {"months": [], "flags": [], "note": str(exc)}
    if as_json:
        _dump({"balance": bal, "performance": {k: v for k, v in perf.items() if k != "days"}})
        return
    pr = {m["month"]: m["pr"] for m in perf["months"]}
    _echo(f"site {site} {year}  (PR basis: {perf.get('irradiance_basis', '-')})")
    _echo("month    gen kWh   load kWh  self-cons  self-suff  PR")
    for m in bal["months"]:
        sc, ss = m["self_consumption"], m["self_sufficiency"]
        _echo(
            f"{m['period']}  {m['generation_kwh']:9.1f}  {m['consumption_kwh'] or 0:9.1f}  "
            f"{'' if sc is None else f'{sc:9.1%}':>9}  {'' if ss is None else f'{ss:9.1%}':>9}  "
            f"{pr.get(m['period'], '')}"
        )
    for f in perf["flags"]:
        _echo(f"! {f['kind']} {f['start']}..{f['end']}: {f['reason_en']}")


@community_app.command("add")
@friendly
def community_add(
    id: Annotated[str, typer.Option("--id")],
    name_th: Annotated[str, typer.Option("--name-th")],
    name_en: Annotated[str, typer.Option("--name-en")],
    member: Annotated[list[str], typer.Option("--member", help="Site id (repeat)")],
    retail: Annotated[float, typer.Option(help="Retail tariff THB/kWh")] = 4.18,
    buyback: Annotated[float, typer.Option(help="Buy-back THB/kWh")] = 2.20,
    price: Annotated[float | None, typer.Option(help="Community price THB/kWh")] = None,
    loss: Annotated[float, typer.Option(help="Network loss fraction")] = 0.0,
) -> None:
    """Group sites into an energy-sharing community (สร้างชุมชนแบ่งปันพลังงาน)."""
    from pydantic import ValidationError

    from paknam.energy.community import CommunityCreate
    from paknam.energy.service import add_community

    try:
        new = CommunityCreate(
            id=id,
            name_th=name_th,
            name_en=name_en,
            members=member,
            retail_thb_kwh=retail,
            buyback_thb_kwh=buyback,
            community_thb_kwh=price,
            loss_fraction=loss,
        )
    except ValidationError as exc:
        _validation(exc)
    with open_store() as store:
        c = add_community(store, new)
    _echo(f"community {c['id']} added with {len(c['members'])} members")


@energy_app.command("settle")
@friendly
def settle_cmd(
    community: Annotated[str, typer.Option(help="Community id")],
    month: Annotated[str, typer.Option(help="YYYY-MM (Thai time)")],
    by: Annotated[str, typer.Option(help="Who settles (kept in the ledger)")] = "cli",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Settle a month and print each member's statement (ชำระบัญชีรายเดือน)."""
    from paknam.energy.service import settle

    with open_store() as store:
        st = settle(store, community, month, by)
    if as_json:
        _dump(st)
        return
    _echo(f"{st['name_en']} / {st['name_th']} — {month} (run {st['runs'][-1]['id']})")
    for m in st["members"]:
        e = m["entries"]
        _echo(
            f"{m['member']:24} grid in {e['grid_import']['kwh']:8.1f} kWh  "
            f"community in {e['community_in']['kwh']:7.1f}  out {e['community_out']['kwh']:7.1f}  "
            f"grid out {e['grid_export']['kwh']:7.1f}  net {m['net_thb']:9.2f} THB"
        )


@energy_app.command("indicator")
@friendly
def indicator_cmd(
    year: Annotated[int | None, typer.Option(help="Year (default: trailing 12 months)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Alternative-energy share, year on year (ตัวชี้วัดสัดส่วนพลังงานทางเลือก)."""
    from paknam.energy.service import alternative_share

    with open_store() as store:
        ind = alternative_share(store, year)
    if as_json:
        _dump(ind)
        return
    v = ind["value"]
    _echo(
        f"{ind['name_en']} ({ind['period']}): {'-' if v is None else f'{v:.1%}'}; "
        f"status {ind['status']}; coverage {ind['coverage']:.0%}"
    )


@energy_app.command("demo")
@friendly
def demo_cmd() -> None:
    """Load the demo energy sites (โหลดข้อมูลตัวอย่างพลังงาน)."""
    from paknam.energy.demo import load_demo_energy

    with open_store() as store:
        r = load_demo_energy(store)
    _echo(
        f"energy demo: sites added {', '.join(r.sites_added) or 'none'}; "
        f"{r.observations_stored} observations stored"
    )
    for n in r.notes:
        typer.echo(f"  note: {n}", err=True)


def install(app: typer.Typer) -> None:
    """Add ``paknam energy``."""
    app.add_typer(energy_app, name="energy")
