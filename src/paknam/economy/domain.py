"""Smart Economy (เศรษฐกิจ): community products and places, tourism figures and indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from paknam.core.registry import (
    Dataset,
    DemoPlan,
    DemoStep,
    Domain,
    Indicator,
    Link,
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


DATASETS = (
    Dataset(
        name="tourism-statistics",
        title_th="สถิติการท่องเที่ยวรายเดือน",
        title_en="Tourism statistics, monthly",
        notes_th="จำนวนผู้เยี่ยมเยือนและรายได้จากการท่องเที่ยวของจังหวัดรายเดือน (กระทรวงการท่องเที่ยวและกีฬา) "
        "และตัวชี้วัดการเติบโต",
        notes_en="Monthly visitors and tourism revenue of the province (Ministry of Tourism "
        "and Sports figures) and the growth indicators.",
        keywords=("tourism", "visitors", "การท่องเที่ยว"),
        theme="ECON",
        category_th="เศรษฐกิจ",
        frequency="MONTHLY",
        licence_note="Monthly figures of the Ministry of Tourism and Sports (MOTS); cite MOTS.",
        links=(
            Link("visits", "/api/v1/economy/visits", "JSON", "ผู้เยี่ยมเยือนรายเดือน", "Monthly visits"),
            Link(
                "indicators",
                "/api/v1/economy/indicators",
                "JSON",
                "ตัวชี้วัดการท่องเที่ยว",
                "Tourism indicators",
            ),
        ),
    ),
)


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
    datasets=DATASETS,
)
