"""``paknam energy ...`` in-process on each engine."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.energy.cli import energy_app


def run(store: Store, *args: str, shared: Path | None = None) -> tuple[int, str]:
    env = {"PAKNAM_DATABASE_URL": store.url}
    if shared is not None:
        env["PAKNAM_SHARED_DATA"] = str(shared)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(energy_app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    return r.exit_code, r.output


def test_site_import_report_settle_indicator(store: Store, tmp_path: Path) -> None:
    code, out = run(
        store,
        "site",
        "add",
        "--id",
        "pv-1",
        "--name-th",
        "โรงเรียน",
        "--name-en",
        "School",
        "--lon",
        "100.6",
        "--lat",
        "13.6",
        "--kwp",
        "5",
        "-m",
        "pv_power",
        "-m",
        "load_power",
    )
    assert code == 0, out
    code, out = run(
        store,
        "site",
        "add",
        "--id",
        "pv-1",
        "--name-th",
        "ก",
        "--name-en",
        "x",
        "--lon",
        "100.6",
        "--lat",
        "13.6",
        "--kwp",
        "5",
    )
    assert code == 2 and "already exists" in out
    f = tmp_path / "m.csv"
    f.write_text("time,pv_kw,load_kw\n2024-05-01 12:00,3.0,1.0\n2024-05-01 12:15,-3,1.0\n")
    report = tmp_path / "bad.csv"
    code, out = run(store, "import", str(f), "--site", "pv-1", "--report", str(report))
    assert code == 2 and "bad row" in out and report.read_text().count("\n") == 3
    code, out = run(store, "import", str(f), "--site", "pv-1", "--thai-time", "--skip-invalid")
    assert code == 0 and "3 stored" in out, out
    code, out = run(store, "report", "--site", "pv-1", "--year", "2024", "--json")
    assert code == 0, out
    bal = json.loads(out)["balance"]
    assert bal["total"]["self_consumption"] == 1 / 3  # one interval: min(3, 1) / 3
    code, out = run(store, "demo", shared=tmp_path)  # no shared data: CUEE skipped
    assert code == 0 and "sim-citylearn-b01" in out
    code, out = run(store, "settle", "--community", "sim-community-citylearn", "--month", "2016-10")
    assert code == 0 and "net" in out and "THB" in out
    code, out = run(store, "indicator", "--year", "2016")
    assert code == 0 and "insufficient_data" in out
