"""Smart People (พลเมือง): PBL teacher training and student device use in OBEC schools."""

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


DATASETS = (
    Dataset(
        name="schools-pbl",
        title_th="โรงเรียนและตัวชี้วัดการเรียนรู้แบบโครงงาน (PBL)",
        title_en="Schools and project-based learning (PBL) indicators",
        notes_th="โรงเรียนในสังกัด สพฐ. ครูที่ผ่านการอบรม PBL และนักเรียนที่ใช้อุปกรณ์การเรียนรู้ รายภาคเรียน",
        notes_en="OBEC schools, teachers trained in PBL and students using PBL devices, by "
        "school term.",
        keywords=("education", "schools", "PBL", "การศึกษา", "โรงเรียน"),
        theme="EDUC",
        category_th="การศึกษา",
        frequency="IRREG",
        links=(
            Link("schools", "/api/v1/people/schools", "JSON", "โรงเรียน", "Schools"),
            Link("indicators", "/api/v1/people/indicators", "JSON", "ตัวชี้วัด", "Indicators"),
        ),
    ),
)


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
    datasets=DATASETS,
)
