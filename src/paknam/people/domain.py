"""Smart People (พลเมือง): PBL teacher training and student device use in OBEC schools."""

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
from paknam.people import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _indicators(store: Store, year: int | None = None) -> Sequence[Indicator]:
    from paknam.people.service import board_indicators

    return board_indicators(store, year)


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.people.demo import load_demo_people

    ppl = load_demo_people(store)
    return [f"people (SAMPLE/SIMULATED): {ppl['schools']} schools, {ppl['statements']} statements"]


DOMAIN = Domain(
    name="people",
    title_th="พลเมืองอัจฉริยะ",
    title_en="Smart People",
    order=60,
    routers=routers_in("paknam.people.routes"),
    install_cli=commands_in("paknam.people.cli"),
    tables=tables_of(schema),
    indicators=_indicators,
    demo=DemoStep(_demo, order=70),
)
