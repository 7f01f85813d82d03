"""``paknam economy ...`` in-process (the lead registers economy_app in paknam.cli)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.economy.cli import economy_app

root = typer.Typer()
root.add_typer(economy_app, name="economy")


def run(store: Store, *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(root, ["economy", *args], env={"PAKNAM_DATABASE_URL": store.url})
    finally:
        get_settings.cache_clear()


def test_economy_cli_demo_search_growth_indicators(sqlite_store: Store) -> None:
    assert run(sqlite_store, "demo").exit_code == 0
    r = run(sqlite_store, "search", "ป้อม")
    assert r.exit_code == 0 and "phra-chula-chomklao-fort" in r.stdout and "sample" in r.stdout
    r = run(sqlite_store, "growth", "--month", "2023-02", "--json")
    doc = json.loads(r.stdout)
    assert round(doc["figures"]["visitors"]["year_to_date"]["growth"], 3) == 0.945
    r = run(sqlite_store, "indicators", "--json")
    assert [x["status"] for x in json.loads(r.stdout)] == ["on_track", "on_track"]


def test_economy_cli_import_errors_exit_2(sqlite_store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("month,visitors\n2024-01,many\n2024-02,5\n", encoding="utf-8")
    r = run(sqlite_store, "import-visits", str(bad), "--scope", "province")
    assert r.exit_code == 2 and "line 2" in r.output and "not a number" in r.output
    r = run(sqlite_store, "import-visits", str(bad), "--scope", "province", "--skip-invalid")
    assert r.exit_code == 0 and "1 stored" in r.stdout and "line 2" in r.stdout
