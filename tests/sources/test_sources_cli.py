"""``paknam sources list`` and ``paknam sources harvest`` in-process (the lead installs
them in paknam.cli with ``paknam.sources.cli.install``), against a loopback feed."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from click.testing import Result
from typer.testing import CliRunner

from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.sources.cli import install

from .loopback import Answer, loopback

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "air4thai_getAQI_sample_3stations.json"

root = typer.Typer()
install(root)


def run(store: Store, sources: str | None, *args: str) -> Result:
    get_settings.cache_clear()
    env = {"PAKNAM_DATABASE_URL": store.url, "PAKNAM_SOURCES": sources or ""}
    try:
        return CliRunner().invoke(root, ["sources", *args], env=env)
    finally:
        get_settings.cache_clear()


def test_sources_list_and_harvest(sqlite_store: Store) -> None:
    r = run(sqlite_store, None, "list")
    assert r.exit_code == 0 and "no source configured" in r.stdout
    with loopback() as lb:
        lb.play("/feed", Answer(200, SAMPLE.read_bytes()))
        lb.play("/down", Answer(503, b"maintenance"))
        config = json.dumps(
            [
                {"id": "air4thai", "kind": "air4thai", "url": lb.base + "/feed"},
                {
                    "id": "broken",
                    "kind": "json",
                    "url": lb.base + "/down",
                    "station_id": "x",
                    "quantity_id": "pm25",
                    "value": "v",
                    "retries": 0,
                },
            ]
        )
        r = run(sqlite_store, config, "list")
        assert r.exit_code == 0 and "air4thai (air4thai): never run" in r.stdout
        r = run(sqlite_store, config, "harvest", "air4thai")
        assert r.exit_code == 0, r.output
        assert "air4thai: received 3, stored 3" in r.stdout and "16t: station created" in r.stdout
        r = run(sqlite_store, config, "harvest")
        assert r.exit_code == 1 and "broken: FAILED" in r.output and "HTTP 503" in r.output
        r = run(sqlite_store, config, "harvest", "nope")
        assert r.exit_code == 2 and "no configured source 'nope'" in r.output
    r = run(sqlite_store, config, "list", "--json")
    rows = {x["source_id"]: x for x in json.loads(r.stdout)}
    assert rows["air4thai"]["rows_total"] == 3 and rows["broken"]["failures"] == 1


def test_lorawan_refuses_a_bad_mapping_with_exit_2(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "chirpstack.json"
    bad.write_text('{"devices": {"zz": {}}}', encoding="utf-8")
    r = run(store, None, "lorawan", str(bad))
    assert r.exit_code == 2 and "16-hex-digit DevEUI" in r.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{oops", encoding="utf-8")
    r = run(store, None, "lorawan", str(broken))
    assert r.exit_code == 2 and "not valid JSON/TOML" in r.stderr
