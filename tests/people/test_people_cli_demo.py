"""``paknam people ...`` in-process, and the demo loader."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from typer.testing import CliRunner

from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.people.cli import people_app
from paknam.people.demo import load_demo_people
from paknam.people.service import indicator_records

root = typer.Typer()
root.add_typer(people_app, name="people")


def run(store: Store, *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(root, ["people", *args], env={"PAKNAM_DATABASE_URL": store.url})
    finally:
        get_settings.cache_clear()


def test_people_cli_import_gateway_and_terms(sqlite_store: Store, tmp_path: Path) -> None:
    schools = tmp_path / "schools.csv"
    schools.write_text("id,name_th,name_en,district_code\nS1,หนึ่ง,One,1101\n", encoding="utf-8")
    r = run(sqlite_store, "import", "schools", str(schools))
    assert r.exit_code == 0 and "1 stored" in r.stdout
    bad = tmp_path / "teachers.csv"
    bad.write_text("id,school_id\nt1,S9\n", encoding="utf-8")
    r = run(sqlite_store, "import", "teachers", str(bad))
    assert r.exit_code == 2 and "'S9' is not a stored school" in r.output
    r = run(sqlite_store, "gateway", "--school", "S1")
    assert r.exit_code == 0, r.output
    key = r.stdout.strip().splitlines()[-1]
    assert key.startswith("pkd_") and sqlite_store.principal(key).stations == {"pbl-S1"}
    r = run(sqlite_store, "term-set", "2569-1", "--start", "2026-05-18", "--end", "2026-10-09")
    assert r.exit_code == 0
    assert "2569-1  2026-05-18 – 2026-10-09" in run(sqlite_store, "terms").stdout


def test_people_demo_is_sample_idempotent_and_feeds_indicators(sqlite_store: Store) -> None:
    today = date(2025, 12, 15)  # inside term 2568-2
    first = load_demo_people(sqlite_store, today=today)
    assert first["schools"] == 25 and first["term"] == "2568-2"
    assert first["statements"] > 0
    again = load_demo_people(sqlite_store, today=today)
    assert again["schools"] == again["teachers"] == again["statements"] == 0
    teachers, covered, share = indicator_records(sqlite_store, "2568-2", today=today)
    assert teachers["details"]["sample"] is True
    assert covered["details"]["registered_obec_schools"] == 25
    assert share["details"]["enrolment"] == 37_730  # the sample enrolment file
    assert 0 < share["value"] < 1 and share["status"] in ("on_track", "off_track")
    r = run(sqlite_store, "indicators", "--term", "2568-2", "--json")
    assert json.loads(r.stdout)[0]["id"] == "people_teachers_trained"
