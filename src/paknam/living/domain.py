"""Smart Living (ความเป็นอยู่): water levels, tides and surge forecasts, high-water warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import (
    CapEvent,
    DemoPlan,
    DemoStep,
    Domain,
    Rule,
    RuleRun,
    WarningKind,
    commands_in,
    indicators_in,
    routers_in,
    tables_of,
)
from paknam.living import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _forecasts(store: Store) -> RuleRun:
    from paknam.core.timeutil import to_local_iso
    from paknam.living.service import run_forecasts

    report = run_forecasts(store)
    lines = []
    for s in report.stations:
        if s.skipped:
            lines.append(f"  {s.station}: skipped — {s.skipped}")
        else:
            issued = to_local_iso(s.issued_at) if s.issued_at is not None else "-"
            extra = f"; warning: {s.warning}" if s.warning else ""
            trained = " (retrained)" if s.trained else ""
            lines.append(f"  {s.station}: forecast issued {issued}{trained}{extra}")
    lines.append(
        f"water-level warnings: {len(report.raised)} raised, {len(report.updated)} updated, "
        f"{len(report.cleared)} cleared"
    )
    return RuleRun(
        report.raised,
        report.updated,
        report.cleared,
        lines,
        data={"stations": [s.__dict__ for s in report.stations]},
    )


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.living.demo import hindcast_simulated, load_simulated_water_level

    sim = load_simulated_water_level(store, plan.now)
    past = hindcast_simulated(store, plan.now)
    return [
        f"SIMULATED water level (sim-pomphrachun, labelled as such): {sim.stored} new hourly "
        f"values; {past} past forecasts re-issued without look-ahead (for the accuracy check)"
    ]


DOMAIN = Domain(
    name="living",
    title_th="ความเป็นอยู่อัจฉริยะ",
    title_en="Smart Living",
    order=20,
    routers=routers_in("paknam.living.routes"),
    install_cli=commands_in("paknam.living.cli"),
    tables=tables_of(schema),
    indicators=indicators_in("paknam.living.indicators"),
    warning_kinds=(
        WarningKind(
            "water_level", "flood", CapEvent(("Met",), "น้ำทะเลหนุนสูง", "High tide flooding")
        ),
    ),
    rules=(
        Rule(
            "living.forecasts",
            _forecasts,
            every_s=3600,
            command=("forecast", "run"),
            http_path="/api/v1/living/forecasts/run",
            summary="Run the forecast service once (officer)",
        ),
    ),
    demo=DemoStep(_demo, order=20),
)
