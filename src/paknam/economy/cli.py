"""``paknam economy ...``: catalogue search, visitor figures import, growth and indicators.

Registered through the domain manifest (:mod:`paknam.economy.domain`). Every command opens
the configured store and calls :mod:`paknam.economy.service`; none touches SQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import friendly, open_store, print_json

economy_app = typer.Typer(
    help="Smart Economy: attractions, community products, visitors (เศรษฐกิจอัจฉริยะ)",
    no_args_is_help=True,
)


@economy_app.command("import-visits")
@friendly
def import_visits_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx file", exists=True, dir_okay=False)],
    granularity: Annotated[str, typer.Option(help="month (returns) or day (counters)")] = "month",
    scope: Annotated[str | None, typer.Option(help="'province' or a place id for all rows")] = None,
    definition: Annotated[str, typer.Option(help="visitors, entries or tickets")] = "visitors",
    source: Annotated[str, typer.Option(help="Where the figures come from")] = "",
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: the first)")] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Import monthly returns or daily counters (นำเข้าจำนวนผู้เยี่ยมเยือนและรายได้)."""
    from paknam.core.tabular import read_table
    from paknam.economy.service import import_visits

    table = read_table(file, sheet)
    with open_store() as store:
        report = import_visits(
            store,
            table,
            granularity=granularity,
            scope=scope,
            definition=definition,
            source=source or file.name,
            skip_invalid=skip_invalid,
        )
    if as_json:
        print_json(report.as_dict())
        return
    print(
        f"{report.received} rows: {report.stored} stored, {report.unchanged} unchanged, "
        f"{report.rejected} rejected, {report.other_province} of other provinces"
    )
    if report.zero_as_missing:
        print(f"all-zero months stored as missing (not collected): lines {report.zero_as_missing}")
    for e in report.errors:
        print(f"  line {e.index}: {e.reason}")


@economy_app.command("search")
@friendly
def search_cmd(
    q: Annotated[str, typer.Argument(help="Thai or English words")] = "",
    kind: Annotated[str | None, typer.Option(help="attraction or product")] = None,
    category: Annotated[str | None, typer.Option(help="eco, history, culture, food, ...")] = None,
    district: Annotated[str | None, typer.Option(help="Amphoe code, e.g. 1104")] = None,
    open_now: Annotated[bool, typer.Option("--open-now", help="Only places open now")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print GeoJSON")] = False,
) -> None:
    """Search the catalogue (ค้นหาแหล่งท่องเที่ยวและผลิตภัณฑ์ชุมชน)."""
    from paknam.economy.catalogue import feature_collection
    from paknam.economy.service import search_places

    with open_store() as store:
        found = search_places(
            store,
            q=q,
            kind=kind,
            category=category,
            district=district,
            open_now=True if open_now else None,
        )
    if as_json:
        print_json(feature_collection(found))
        return
    for f in found:
        p = f["properties"]
        mark = " [sample/ตัวอย่าง]" if p["sample"] else ""
        print(f"{p['id']:28} {p['category']:12} {p['name_th']} / {p['name_en']}{mark}")


@economy_app.command("growth")
@friendly
def growth_cmd(
    scope: Annotated[str, typer.Option(help="'province' or a place id")] = "province",
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: newest)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Growth of visitors and revenue (การเติบโตของผู้เยี่ยมเยือนและรายได้)."""
    from paknam.core.errors import InvalidInput
    from paknam.economy.service import growth

    key = None
    if month:
        try:
            y, m = (int(x) for x in month.split("-"))
        except ValueError:
            raise InvalidInput(f"--month {month!r} is not YYYY-MM") from None
        key = (y, m)
    with open_store() as store:
        report = growth(store, scope, key)
    if as_json:
        print_json(report)
        return

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x * 100:+.1f} %"

    print(f"{scope}, {report['month'] or 'no data'}")
    for figure, r in report["figures"].items():
        print(
            f"  {figure:12} month {pct(r['same_month_last_year']['growth'])} "
            f"YTD {pct(r['year_to_date']['growth'])} "
            f"12 months {pct(r['trailing_12_months']['growth'])}  | vs 2019: "
            f"YTD {pct((r['vs_reference']['year_to_date'] or {}).get('growth'))}"
        )


@economy_app.command("indicators")
@friendly
def indicators_cmd(
    year: Annotated[int | None, typer.Option(help="Calendar year (default: newest full)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The proposal's two economy indicators (ตัวชี้วัดด้านเศรษฐกิจ)."""
    from paknam.economy.service import indicator_records

    with open_store() as store:
        records = indicator_records(store, year)
    if as_json:
        print_json(records)
        return
    for r in records:
        print(
            f"{r['id']:26} {r['period']}: {r['value']} (target {r['target']}, "
            f"baseline {r['baseline']} in {r['baseline_period']}) -> {r['status']}"
        )


@economy_app.command("demo")
@friendly
def demo_cmd() -> None:
    """Load the sample catalogue and the real MOTS monthly figures (โหลดข้อมูลสาธิต)."""
    from paknam.economy.demo import load_demo_economy

    with open_store() as store:
        result = load_demo_economy(store)
    v = result["visits"]
    print(
        f"sample places changed: {result['places_changed']}; MOTS months: {v['stored']} stored, "
        f"{v['unchanged']} unchanged"
    )


def install(app: typer.Typer) -> None:
    """Add ``paknam economy``."""
    app.add_typer(economy_app, name="economy")
