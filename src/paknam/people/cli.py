"""``paknam people ...``: imports, term dates, device gateways and the indicators.

Registered through the domain manifest (:mod:`paknam.people.domain`). Every command opens
the configured store and calls :mod:`paknam.people.service`; none touches SQL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import friendly, open_store

people_app = typer.Typer(
    help="Smart People: schools, PBL training and devices (พลเมืองอัจฉริยะ)", no_args_is_help=True
)


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
    from paknam.people.service import import_table

    table = read_table(file, sheet)
    with open_store() as store:
        report = import_table(store, kind, table, skip_invalid=skip_invalid)
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
    from paknam.people.service import list_terms

    with open_store() as store:
        for t in list_terms(store):
            print(f"{t.id}  {t.start} – {t.end}")


@people_app.command("term-set")
@friendly
def term_set_cmd(
    term_id: Annotated[str, typer.Argument(help="e.g. 2569-1")],
    start: Annotated[str, typer.Option(help="First day YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="Last day YYYY-MM-DD")],
) -> None:
    """Set the official dates of a term (กำหนดวันเปิด-ปิดภาคเรียน)."""
    from paknam.people.service import set_term

    with open_store() as store:
        term = set_term(store, term_id, date.fromisoformat(start), date.fromisoformat(end))
    print(f"term {term.id}: {term.start} – {term.end}")


@people_app.command("gateway")
@friendly
def gateway_cmd(
    school: Annotated[str, typer.Option(help="School id")],
) -> None:
    """Create the school's gateway station and a device key for its PBL devices; the key
    is printed once, on the last line (สร้างกุญแจสำหรับอุปกรณ์ PBL ของโรงเรียน)."""
    from paknam.people.service import create_gateway

    with open_store() as store:
        sid, key_id, key = create_gateway(store, school)
    print(f"device key {key_id} for {sid} — store it now, it is shown once:", flush=True)
    print(key)


@people_app.command("indicators")
@friendly
def indicators_cmd(
    term: Annotated[str | None, typer.Option(help="e.g. 2568-1 (default: current term)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The proposal's three people indicators (ตัวชี้วัดด้านพลเมือง)."""
    from paknam.people.service import indicator_records

    with open_store() as store:
        records = indicator_records(store, term)
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

    with open_store() as store:
        print(json.dumps(load_demo_people(store), ensure_ascii=False))


def install(app: typer.Typer) -> None:
    """Add ``paknam people``."""
    app.add_typer(people_app, name="people")
