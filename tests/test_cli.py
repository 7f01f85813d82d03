"""The ``paknam`` command against each engine.

Most tests drive the Typer app in-process (same code, faster); the last ones run the real
``paknam`` entry point as a subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paknam.cli import app
from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.core.timeutil import parse_time


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def paknam(store: Store, *args: str, stdin: str | None = None) -> Ran:
    """Run ``paknam ARGS`` in-process on ``store``."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, list(args), env={"PAKNAM_DATABASE_URL": store.url}, input=stdin
        )
    finally:
        get_settings.cache_clear()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def paknam_process(store: Store, *args: str) -> subprocess.CompletedProcess:
    """Run the installed entry point as a real process."""
    env = {**os.environ, "PAKNAM_DATABASE_URL": store.url}
    return subprocess.run(
        [sys.executable, "-m", "paknam.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def add_18t(store: Store) -> None:
    r = paknam(
        store,
        "station",
        "add",
        "--id",
        "18t",
        "--name-th",
        "ศาลากลาง",
        "--name-en",
        "City Hall",
        "--lon",
        "100.597345",
        "--lat",
        "13.599149",
        "--kind",
        "air",
        "-q",
        "pm25,pm10",
    )
    assert r.returncode == 0, r.stderr


def test_cli_station_add_and_key_create_last_line(store: Store) -> None:
    add_18t(store)
    assert store.get_station("18t").district_code == "1101"
    r = paknam_process(store, "key", "create", "--station", "18t")
    assert r.returncode == 0, r.stderr
    key = r.stdout.strip().splitlines()[-1]
    assert key.startswith("pkd_")
    assert store.principal(key).stations == {"18t"}


def test_cli_bad_input_exit_2_with_message(store: Store) -> None:
    r = paknam(
        store,
        "station",
        "add",
        "--id",
        "x1",
        "--name-th",
        "ก",
        "--name-en",
        "x",
        "--lon",
        "200",
        "--lat",
        "13",
    )
    assert r.returncode == 2
    assert "lon" in r.stderr
    r = paknam(store, "key", "create", "--station", "nope")
    assert r.returncode == 2 and "station 'nope' does not exist" in r.stderr
    r = paknam_process(store, "station", "add", "--id", "x1")
    assert r.returncode == 2  # usage error: missing options
    assert "Missing option" in r.stderr


def test_cli_import_long_then_reimport_idempotent(store: Store, tmp_path: Path) -> None:
    add_18t(store)
    f = tmp_path / "long.csv"
    f.write_text(
        "station,quantity,time,value\n"
        "18t,pm25,2025-01-01T07:00:00+07:00,12.5\n"
        "18t,pm10,2025-01-01T07:00:00+07:00,40\n"
        "18t,pm25,2025-01-01T08:00:00Z,13\n",
        encoding="utf-8",
    )
    r = paknam(store, "import", str(f))
    assert r.returncode == 0, r.stderr
    assert "3 observations, 3 stored" in r.stdout
    r = paknam(store, "import", str(f))
    assert "0 stored, 3 unchanged" in r.stdout
    assert store.count_observations() == 3


def test_cli_import_wide_with_station_option(store: Store, tmp_path: Path) -> None:
    add_18t(store)
    f = tmp_path / "wide.csv"
    f.write_text(
        "time,pm25,pm10\n2025-01-01T07:00:00+07:00,12.5,40\n2025-01-01T08:00:00+07:00,,41\n",
        encoding="utf-8",
    )
    r = paknam(store, "import", str(f))
    assert r.returncode == 2 and "--station" in r.stderr
    r = paknam(store, "import", str(f), "--station", "18t")
    assert r.returncode == 0, r.stderr
    assert "wide format" in r.stdout and "3 stored" in r.stdout
    t = parse_time("2025-01-01T08:00:00+07:00")
    assert [p.value for p in store.read_series("18t", "pm10", t, t + 1)] == [41.0]


def test_cli_import_bad_rows_nothing_stored_and_report(store: Store, tmp_path: Path) -> None:
    add_18t(store)
    f = tmp_path / "bad.csv"
    f.write_text(
        "station,quantity,time,value\n"
        "18t,pm25,2025-01-01T07:00:00+07:00,12.5\n"
        "18t,pm25,2025-01-01 08:00,13\n"
        "18t,pm25,2025-01-01T09:00:00+07:00,abc\n"
        "99t,pm25,2025-01-01T09:00:00+07:00,1\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    r = paknam(store, "import", str(f), "--report", str(report))
    assert r.returncode == 2
    assert "3 bad row(s); nothing stored" in r.stderr
    assert "line 3:" in r.stderr and "no UTC offset" in r.stderr
    assert "line 4:" in r.stderr and "'abc' is not a number" in r.stderr
    assert "line 5:" in r.stderr and "unknown station '99t'" in r.stderr
    assert store.count_observations() == 0
    assert report.read_text(encoding="utf-8").count("\n") == 4
    r = paknam(store, "import", str(f), "--skip-invalid")
    assert r.returncode == 0 and "1 stored" in r.stdout and "3 rejected" in r.stdout
    assert store.count_observations() == 1


def test_cli_import_unknown_column_names_it(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "wide.csv"
    f.write_text("station,time,pm2_5\n18t,2025-01-01T07:00:00+07:00,1\n", encoding="utf-8")
    r = paknam(store, "import", str(f))
    assert r.returncode == 2 and "['pm2_5'] are not quantity codes" in r.stderr
    r = paknam(store, "import", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_cli_user_add_password_stdin(store: Store) -> None:
    r = paknam(
        store,
        "user",
        "add",
        "--username",
        "admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a strong password\n",
    )
    assert r.returncode == 0, r.stderr
    assert store.principal(store.login("admin", "a strong password")).role == "admin"
    r = paknam(store, "user", "add", "--username", "x", "--password-stdin", stdin="short\n")
    assert r.returncode == 2 and "password" in r.stderr


@pytest.mark.parametrize("runs", [2])
def test_cli_demo_no_serve_loads_real_sample_idempotent(store: Store, runs: int) -> None:
    hour = time.time() // 3600
    for i in range(runs):
        r = (paknam_process if i == 0 else paknam)(store, "demo", "--no-serve")
        assert r.returncode == 0, r.stderr
    whole = r"1\d{4}"  # every recorded reading read again, all already there
    if time.time() // 3600 != hour:  # an hour began during the runs: the replay moved on by
        r = paknam(store, "demo", "--no-serve")  # a whole hour (a new segment), and a run in
        assert r.returncode == 0, r.stderr  # that hour reads what the segment began with
        whole = r"\d+"
    # replayed up to now: the second run stores nothing new (readings after now wait)
    assert re.search(rf"observations read, 0 stored, {whole} already there", r.stdout), r.stdout
    assert store.get_station("18t").meta["replayed"] is True
    ids = {s.id for s in store.list_stations()}
    assert {"08t", "16t", "17t", "18t", "19t", "bma-371"} <= ids
    assert store.get_station("19t").district_code == "1106"  # Bang Sao Thong
    latest = store.latest()
    assert latest[("18t", "pm25_24h")][1] > 0


def test_cli_aqi_and_wqi_json_contract(store: Store) -> None:
    import json

    r = paknam(store, "aqi", "pm25=39.3", "pm10=100", "--json")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert (body["aqi"], body["pollutant"], body["level"]) == (106, "pm25", 4)
    assert body["sub_indices"] == {"pm25": 106, "pm10": 75}
    r = paknam(store, "wqi", "do=6.5", "bod=1", "tcb=1000", "fcb=200", "nh3n=0.2", "--json")
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert {"wqi", "band", "method", "sub_indices"} <= set(body)
    r = paknam(store, "wqi", "do=-1", "--json")
    assert r.returncode == 2


def test_cli_tides_backtest_json_contract(store: Store, tmp_path: Path) -> None:
    """`paknam tides backtest FILE --train-until DATE --json` answers in the contract shape."""
    import json

    import pandas as pd

    src = pd.read_csv(Path(__file__).parent / "data" / "tides_honolulu_hourly_2010.csv")
    part = src.iloc[: 24 * 120]  # January to April 2010
    f = tmp_path / "honolulu.csv"
    with f.open("w") as fh:
        fh.write("# Honolulu 2010 (UHSLC 057), metres above station zero\n")
        for t, mm in zip(part.iloc[:, 0], part.iloc[:, 1], strict=True):
            fh.write(f"{t},{mm / 1000:.3f}\n")
    r = paknam(
        store,
        "tides",
        "backtest",
        str(f),
        "--train-until",
        "2010-03-15",
        "--latitude",
        "21.307",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    fields = {"rmse_m", "mae_m", "central_frequency", "pod", "far", "csi", "n"}
    for block in (body, body["baselines"]["harmonic"], body["baselines"]["persistence"]):
        assert set(block["leads"]) >= {"24", "48", "72"}
        for lead in ("24", "48", "72"):
            assert fields <= set(block["leads"][lead])
            assert 0 <= block["leads"][lead]["central_frequency"] <= 1
    r = paknam(store, "tides", "backtest", str(f), "--train-until", "2030-01-01", "--json")
    assert r.returncode == 2


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    env = {**os.environ, "PAKNAM_DATABASE_URL": url}
    run = [sys.executable, "-m", "paknam.cli", "db", "upgrade"]
    first = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "schema created at revision" in first.stdout
    again = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert "schema already current (revision" in again.stdout
