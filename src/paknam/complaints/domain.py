"""Complaints (เรื่องร้องเรียน), a Smart Governance service: Open311 intake, routing to the
agency, workflow with SLA, and the complaints-handled indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.complaints import line_schema, schema
from paknam.complaints.traffy import schema as traffy_schema
from paknam.core.registry import (
    Dataset,
    DemoPlan,
    DemoStep,
    Domain,
    Table,
    commands_in,
    indicators_in,
    routers_in,
    tables_of,
)

if TYPE_CHECKING:
    from paknam.core.notify.chat import ChatEvent, Message
    from paknam.core.store import Store


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.complaints.demo import load_demo_complaints

    n = load_demo_complaints(store)
    return [f"complaints: {n} SAMPLE complaint(s) added"] if n else []


def _open_rows(store: Store) -> Table:
    from paknam.complaints.opendata import open_table

    return open_table(store)


def _line_chat(store: Store, event: ChatEvent) -> list[Message] | None:
    from paknam.complaints.line_chat import handle

    return handle(store, event)


def _start(store: Store) -> None:
    from paknam.complaints.line_followup import install

    install(store)  # status changes of complaints filed in LINE reach their reporter


DATASETS = (
    Dataset(
        name="complaints",
        title_th="เรื่องร้องเรียนของประชาชน (ไม่ระบุตัวตน)",
        title_en="Citizens' complaints (anonymised)",
        notes_th="เรื่องร้องเรียนที่รับผ่านทุกช่องทาง: ประเภท หน่วยงาน สถานะ เวลา และพิกัดปัดเศษ "
        "ประมาณ 100 เมตร ไม่มีชื่อ ช่องทางติดต่อ รูปภาพ หรือรหัสติดตาม",
        notes_en="Complaints received on every channel: service, agency, status, times and "
        "a location rounded to about 100 m. No names, contacts, photos or tracking tokens.",
        keywords=("complaints", "Open311", "เรื่องร้องเรียน"),
        theme="GOVE",
        category_th="การบริหารจัดการ",
        frequency="CONT",
        table=_open_rows,
    ),
)


DOMAIN = Domain(
    name="complaints",
    title_th="เรื่องร้องเรียน",
    title_en="Complaints",
    order=35,
    routers=routers_in(
        "paknam.complaints.open311_routes",
        "paknam.complaints.traffy.routes",  # before routes: /traffy is not a complaint id
        "paknam.complaints.routes",
    ),
    install_cli=commands_in("paknam.complaints.cli"),
    tables=tables_of(schema) + tables_of(traffy_schema) + tables_of(line_schema),
    indicators=indicators_in("paknam.complaints.indicators"),
    demo=DemoStep(_demo, order=50),
    datasets=DATASETS,
    chat_handlers=(_line_chat,),
    start=_start,
)
