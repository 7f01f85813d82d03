"""Smart Environment (สิ่งแวดล้อม): air and canal water quality, their rules and indicators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import (
    CapEvent,
    DemoPlan,
    DemoStep,
    Domain,
    Indicator,
    Rule,
    RuleRun,
    WarningKind,
    commands_in,
    routers_in,
    tables_of,
)
from paknam.environment import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _indicators(store: Store, year: int | None) -> list[Indicator]:
    from paknam.environment.service import indicator_records

    return indicator_records(store, year)


def _checks(store: Store) -> RuleRun:
    from paknam.environment.service import run_environment_checks

    r = run_environment_checks(store)
    active = store.list_warnings(domain="environment")
    lines = [
        f"environment warnings: {len(r.raised)} raised, {len(r.updated)} updated, "
        f"{len(r.cleared)} cleared; {len(active)} active",
        *(f"  [{w['severity']}] {w['headline_th']} / {w['headline_en']}" for w in active),
    ]
    return RuleRun(r.raised, r.updated, r.cleared, lines)


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.core.config import redact_url
    from paknam.environment.demo import load_demo

    added, result = load_demo(store, plan)
    return [
        f"demo data: {added} new station(s); {result.received} observations read, "
        f"{result.stored} stored, {result.unchanged} already there  [{redact_url(store.url)}]"
    ]


SAMPLE_FRESH_S = 2 * 86400
"""Canal water is sampled (by hand or by sensor) far less often than air: a sample up to
two days old may still warn citizens; air and water level need data of the last 3 hours."""

DOMAIN = Domain(
    name="environment",
    title_th="สิ่งแวดล้อมอัจฉริยะ",
    title_en="Smart Environment",
    order=10,
    routers=routers_in("paknam.environment.routes"),
    install_cli=commands_in("paknam.environment.cli"),
    tables=tables_of(schema),
    indicators=_indicators,
    warning_kinds=(
        WarningKind(
            "aqi",
            "air",
            CapEvent(("Env", "Health"), "คุณภาพอากาศมีผลกระทบต่อสุขภาพ", "Unhealthy air quality"),
        ),
        WarningKind(
            "do_low",
            "water",
            CapEvent(("Env",), "ออกซิเจนละลายน้ำต่ำ", "Low dissolved oxygen"),
            fresh_s=SAMPLE_FRESH_S,
        ),
        WarningKind(
            "do_drop",
            "water",
            CapEvent(("Env",), "ออกซิเจนละลายน้ำลดลงฉับพลัน", "Sudden drop in dissolved oxygen"),
            fresh_s=SAMPLE_FRESH_S,
        ),
        WarningKind(
            "wqi_poor",
            "water",
            CapEvent(("Env",), "คุณภาพน้ำเสื่อมโทรม", "Poor water quality"),
            fresh_s=SAMPLE_FRESH_S,
        ),
    ),
    rules=(
        Rule(
            "environment.checks",
            _checks,
            every_s=3600,
            command=("environment", "check"),
            http_path="/api/v1/environment/checks",
            summary="Run the environment rules now (officer)",
        ),
    ),
    demo=DemoStep(_demo, order=10),
)
