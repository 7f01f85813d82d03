"""Complaints (เรื่องร้องเรียน), a Smart Governance service: Open311 intake, routing to the
agency, workflow with SLA, and the complaints-handled indicator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from paknam.complaints import indicators, schema
from paknam.core.registry import DemoStep, Domain, tables_of

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from paknam.core.store import Store


def _routers() -> Sequence[APIRouter]:
    from paknam.complaints.open311_routes import router as open311
    from paknam.complaints.routes import router

    return [open311, router]


def _install_cli(app: typer.Typer) -> None:
    from paknam.complaints.cli import complaints_app

    app.add_typer(complaints_app, name="complaints")


def _demo(store: Store) -> list[str]:
    from paknam.complaints.demo import load_demo_complaints

    n = load_demo_complaints(store)
    return [f"complaints: {n} SAMPLE complaint(s) added"] if n else []


DOMAIN = Domain(
    name="complaints",
    title_th="เรื่องร้องเรียน",
    title_en="Complaints",
    order=35,
    routers=_routers,
    install_cli=_install_cli,
    tables=tables_of(schema),
    indicators=indicators.indicators,
    demo=DemoStep(_demo, order=50),
)
