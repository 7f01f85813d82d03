"""``paknam economy ...``: catalogue search, visitor figures import, growth and indicators.

The lead registers it with ``app.add_typer(economy_app, name="economy")``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from paknam.core.cli_support import friendly

economy_app = typer.Typer(
    help="Smart Economy: attractions, community products, visitors (เศรษฐกิจอัจฉริยะ)",
    no_args_is_help=True,
)


def _store():  # type: ignore[no-untyped-def]
    from paknam.core.store import Store

    return Store.open()


def _print_json(doc: object) -> None:
    print(json.dumps(doc, ensure_ascii=False, default=str))


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
    from paknam.economy.imports import import_visits

    table = read_table(file, sheet)
    with _store() as store, store.write() as conn:
        report = import_visits(
            conn,
            table,
            granularity=granularity,
            scope=scope,
            definition=definition,
            source=source or file.name,
            skip_invalid=skip_invalid,
        )
    if as_json:
        _print_json(report.as_dict())
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
    from paknam.economy.catalogue import feature_collection, search_places

    with _store() as store, store.read() as conn:
        found = search_places(
            conn,
            q=q,
            kind=kind,
            category=category,
            district=district,
            open_now=True if open_now else None,
        )
    if as_json:
        _print_json(feature_collection(found))
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
    from paknam.economy.visits import growth_report

    key = None
    if month:
        try:
            y, m = (int(x) for x in month.split("-"))
        except ValueError:
            raise InvalidInput(f"--month {month!r} is not YYYY-MM") from None
        key = (y, m)
    with _store() as store, store.read() as conn:
        report = growth_report(conn, scope, key)
    if as_json:
        _print_json(report)
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
    from paknam.economy.indicators import economy_indicators

    with _store() as store:
        records = economy_indicators(store, year)
    if as_json:
        _print_json(records)
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

    with _store() as store:
        result = load_demo_economy(store)
    v = result["visits"]
    print(
        f"sample places changed: {result['places_changed']}; MOTS months: {v['stored']} stored, "
        f"{v['unchanged']} unchanged"
    )
