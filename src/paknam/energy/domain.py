"""Smart Energy (พลังงาน): solar sites, performance, community sharing, the alternative-energy
share indicator, and officers' warnings of under-performing sites."""

from __future__ import annotations

from collections.abc import Sequence
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
from paknam.energy import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _indicators(store: Store, year: int | None = None) -> Sequence[Indicator]:
    from paknam.energy.service import board_indicators

    return board_indicators(store, year)


def _checks(store: Store) -> RuleRun:
    from paknam.energy.service import run_energy_checks

    r = run_energy_checks(store)
    line = (
        f"energy warnings: {len(r.raised)} raised, {len(r.updated)} updated, "
        f"{len(r.cleared)} cleared"
    )
    return RuleRun(r.raised, r.updated, r.cleared, [line])


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.energy.demo import load_demo_energy

    en = load_demo_energy(store, shift_to=plan.now)
    return [
        f"energy: sites added {', '.join(en.sites_added) or 'none'}; "
        f"{en.observations_stored} observations (sim-* sites are SIMULATED)",
        *(f"  note: {note}" for note in en.notes),
    ]


_EVENT = CapEvent(("Infra",), "ระบบผลิตไฟฟ้าทำงานต่ำกว่าที่ควร", "Energy site under-performing")

DOMAIN = Domain(
    name="energy",
    title_th="พลังงานอัจฉริยะ",
    title_en="Smart Energy",
    order=40,
    routers=routers_in("paknam.energy.routes"),
    install_cli=commands_in("paknam.energy.cli"),
    tables=tables_of(schema),
    indicators=_indicators,
    warning_kinds=tuple(
        WarningKind(kind, "news", _EVENT, public=False)  # for the site's officers only
        for kind in (
            "energy_outage",
            "energy_step_drop",
            "energy_gradual_decline",
            "energy_clipping",
        )
    ),
    rules=(
        Rule(
            "energy.checks",
            _checks,
            every_s=86400,
            command=("energy", "check"),
            http_path="/api/v1/energy/checks",
            summary="Turn current findings into warnings (officer)",
        ),
    ),
    demo=DemoStep(_demo, order=30),
)
