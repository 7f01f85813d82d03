"""Complaints (เรื่องร้องเรียน), a Smart Governance service: Open311 intake, routing to the
agency, workflow with SLA, and the complaints-handled indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.complaints import schema
from paknam.core.registry import (
    DemoPlan,
    DemoStep,
    Domain,
    commands_in,
    indicators_in,
    routers_in,
    tables_of,
)

if TYPE_CHECKING:
    from paknam.core.store import Store


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.complaints.demo import load_demo_complaints

    n = load_demo_complaints(store)
    return [f"complaints: {n} SAMPLE complaint(s) added"] if n else []


DOMAIN = Domain(
    name="complaints",
    title_th="เรื่องร้องเรียน",
    title_en="Complaints",
    order=35,
    routers=routers_in("paknam.complaints.open311_routes", "paknam.complaints.routes"),
    install_cli=commands_in("paknam.complaints.cli"),
    tables=tables_of(schema),
    indicators=indicators_in("paknam.complaints.indicators"),
    demo=DemoStep(_demo, order=50),
)
