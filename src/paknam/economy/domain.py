"""Smart Economy (เศรษฐกิจ): community products and places, tourism figures and indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from paknam.core.registry import (
    DemoPlan,
    DemoStep,
    Domain,
    Indicator,
    commands_in,
    routers_in,
    tables_of,
)
from paknam.economy import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _indicators(store: Store, year: int | None = None) -> Sequence[Indicator]:
    from paknam.economy.service import board_indicators

    return board_indicators(store, year)


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.economy.demo import load_demo_economy

    eco = load_demo_economy(store)
    return [
        f"economy: {eco['places_changed']} SAMPLE places, {eco['visits']['stored']} MOTS months"
    ]


DOMAIN = Domain(
    name="economy",
    title_th="เศรษฐกิจอัจฉริยะ",
    title_en="Smart Economy",
    order=50,
    routers=routers_in("paknam.economy.routes"),
    install_cli=commands_in("paknam.economy.cli"),
    tables=tables_of(schema),
    indicators=_indicators,
    demo=DemoStep(_demo, order=60),
)
