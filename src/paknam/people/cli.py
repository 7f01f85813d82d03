"""``paknam people ...``: imports, term dates, device gateways and the indicators.

The lead registers it with ``app.add_typer(people_app, name="people")``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import friendly

people_app = typer.Typer(
    help="Smart People: schools, PBL training and devices (พลเมืองอัจฉริยะ)", no_args_is_help=True
)
PROVINCIAL_HALL = (100.5969, 13.5996)
"""(lon, lat) used for a gateway station when its school has no location."""


def _store():  # type: ignore[no-untyped-def]
    from paknam.core.store import Store

    return Store.open()


@people_app.command("import")
@friendly
def import_cmd(
    kind: Annotated[
        str, typer.Argument(help="schools, enrolments, teachers, courses, completions, devices")
    ],
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx file", exists=True, dir_okay=False)],
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: the first)")] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Import schools, enrolment, teachers, courses, completions or devices (นำเข้าข้อมูล)."""
    from paknam.core.tabular import read_table
    from paknam.people.imports import import_table

    table = read_table(file, sheet)
    with _store() as store, store.write() as conn:
        report = import_table(conn, kind, table, skip_invalid=skip_invalid)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    print(
        f"{kind}: {report.received} rows, {report.stored} stored, {report.unchanged} unchanged, "
        f"{report.rejected} rejected"
    )
    for e in report.errors:
        print(f"  line {e.index}: {e.reason}")


@people_app.command("terms")
@friendly
def terms_cmd() -> None:
    """List the school terms (ภาคเรียน)."""
    from paknam.people.terms import all_terms

    with _store() as store, store.read() as conn:
        for t in all_terms(conn).values():
            print(f"{t.id}  {t.start} – {t.end}")


@people_app.command("term-set")
@friendly
def term_set_cmd(
    term_id: Annotated[str, typer.Argument(help="e.g. 2569-1")],
    start: Annotated[str, typer.Option(help="First day YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="Last day YYYY-MM-DD")],
) -> None:
    """Set the official dates of a term (กำหนดวันเปิด-ปิดภาคเรียน)."""
    from paknam.people.terms import make_term, set_term

    term = make_term(term_id, date.fromisoformat(start), date.fromisoformat(end))
    with _store() as store, store.write() as conn:
        set_term(conn, term)
    print(f"term {term.id}: {term.start} – {term.end}")


@people_app.command("gateway")
@friendly
def gateway_cmd(
    school: Annotated[str, typer.Option(help="School id")],
) -> None:
    """Create the school's gateway station and a device key for its PBL devices; the key
    is printed once, on the last line (สร้างกุญแจสำหรับอุปกรณ์ PBL ของโรงเรียน)."""
    import sqlalchemy as sa

    from paknam.core import stations
    from paknam.core.errors import NotFound
    from paknam.core.models import StationCreate
    from paknam.core.schema import stations as stations_table
    from paknam.people.schema import schools
    from paknam.people.statements import gateway_station_id

    sid = gateway_station_id(school)
    with _store() as store:
        with store.write() as conn:
            row = conn.execute(sa.select(schools).where(schools.c.id == school)).first()
            if row is None:
                raise NotFound(f"school {school!r} does not exist")
            if not conn.execute(
                sa.select(stations_table.c.id).where(stations_table.c.id == sid)
            ).first():
                lon, lat = (row.lon, row.lat) if row.lon is not None else PROVINCIAL_HALL
                stations.add_station(
                    conn,
                    StationCreate(
                        id=sid,
                        name_th=f"เกตเวย์อุปกรณ์ PBL {row.name_th}",
                        name_en=f"PBL device gateway, {row.name_en}",
                        kind="other",
                        lon=lon,
                        lat=lat,
                        district_code=row.district_code,
                        meta={"pbl_school": school, "located_at_school": row.lon is not None},
                    ),
                )
        key_id, key, _prefix = store.create_device_key([sid], f"PBL devices of {school}")
    print(f"device key {key_id} for {sid} — store it now, it is shown once:", flush=True)
    print(key)


@people_app.command("indicators")
@friendly
def indicators_cmd(
    term: Annotated[str | None, typer.Option(help="e.g. 2568-1 (default: current term)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The proposal's three people indicators (ตัวชี้วัดด้านพลเมือง)."""
    from paknam.people.indicators import people_indicators

    with _store() as store:
        records = people_indicators(store, term)
    if as_json:
        print(json.dumps(records, ensure_ascii=False, default=str))
        return
    for r in records:
        print(f"{r['id']:30} {r['period']}: {r['value']} (target {r['target']}) -> {r['status']}")


@people_app.command("demo")
@friendly
def demo_cmd() -> None:
    """Load SAMPLE schools and SIMULATED training and device use (โหลดข้อมูลสาธิต)."""
    from paknam.people.demo import load_demo_people

    with _store() as store:
        print(json.dumps(load_demo_people(store), ensure_ascii=False))
