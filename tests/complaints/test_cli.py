"""``paknam complaints key|sla-check|indicator`` on a store named by PAKNAM_DATABASE_URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paknam.complaints.cli import complaints_app
from paknam.core import config
from paknam.core.store import Store


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("PAKNAM_DATABASE_URL", url)
    config.get_settings.cache_clear()
    yield url
    config.get_settings.cache_clear()


def test_key_create_list_revoke_and_checks(db_env: str) -> None:
    runner = CliRunner()
    res = runner.invoke(complaints_app, ["key", "create", "--label", "LINE bot"])
    assert res.exit_code == 0, res.output
    key = res.stdout.strip().splitlines()[-1]
    assert key.startswith("pko_")
    listed = json.loads(runner.invoke(complaints_app, ["key", "list"]).stdout)
    assert listed[0]["label"] == "LINE bot" and key not in json.dumps(listed)
    assert runner.invoke(complaints_app, ["key", "revoke", "1"]).exit_code == 0
    again = runner.invoke(complaints_app, ["key", "revoke", "1"])
    assert again.exit_code == 2 and "already revoked" in again.output
    res = runner.invoke(complaints_app, ["sla-check"])
    assert json.loads(res.stdout) == {"reminded": [], "escalated": []}
    res = runner.invoke(complaints_app, ["indicator", "2026-01"])
    assert json.loads(res.stdout)["status"] == "no_data"
    bad = runner.invoke(complaints_app, ["indicator", "January"])
    assert bad.exit_code == 2 and "neither YYYY nor YYYY-MM" in bad.output


def test_demo_complaints_load_once(store: Store) -> None:
    from paknam.complaints import service
    from paknam.complaints.demo import SAMPLES, load_demo_complaints

    assert load_demo_complaints(store) == len(SAMPLES)
    assert load_demo_complaints(store) == 0
    inbox = service.inbox(store, limit=100)
    assert inbox["total"] == len(SAMPLES)
    assert all(i["description"].startswith("[ตัวอย่าง / sample]") for i in inbox["items"])
    assert {i["district_code"] for i in inbox["items"]} == {f"110{d}" for d in range(1, 7)}
    assert {i["status"] for i in inbox["items"]} >= {"new", "resolved", "rejected", "forwarded"}
