"""Shared helpers of the benchmarks: synthetic data, stations, a server, scratch databases.

Not a test module and not part of the package: the benchmarks import it from their own
folder (``python benchmarks/ingest.py`` puts ``benchmarks/`` on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from paknam.core.models import StationCreate
from paknam.core.store import Store

QUANTITIES = ("pm25", "pm10", "o3", "no2", "so2")
# typical level, diurnal amplitude (fraction of level), noise (fraction of level)
_LEVELS = {
    "pm25": (28.0, 0.35, 0.15),
    "pm10": (48.0, 0.30, 0.15),
    "o3": (22.0, 0.80, 0.20),  # photochemical: peaks in the afternoon
    "no2": (18.0, 0.45, 0.20),  # traffic: peaks at rush hours
    "so2": (3.5, 0.25, 0.30),
}
START_S = int(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=7))).timestamp())
"""2025-01-01T00:00:00+07:00: well in the past, so the future-time rule never bites."""

DISTRICTS = ("1101", "1102", "1103", "1104", "1105", "1106")  # Samut Prakan amphoe
BKK = timezone(timedelta(hours=7))
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# ---- machine -------------------------------------------------------------------------------


def machine() -> str:
    """One line describing the machine: CPU model, cores, RAM, Python, SQLite."""
    import sqlite3

    model = "unknown CPU"
    with contextlib.suppress(OSError):
        text = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        if m:
            model = m.group(1).strip()
    mem = ""
    with contextlib.suppress(OSError):
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        if m:
            mem = f", {int(m.group(1)) / 2**20:.1f} GiB RAM"
    return (
        f"{model}, nproc={os.cpu_count()}{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )


def load() -> str:
    """The load average (other work on the machine skews wall-clock figures)."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- data ----------------------------------------------------------------------------------


def station_ids(n: int) -> list[str]:
    return [f"bench-{i:03d}" for i in range(n)]


def add_stations(store: Store, n: int, quantities: tuple[str, ...] = QUANTITIES) -> list[str]:
    """Register ``n`` air-quality stations measuring ``quantities`` (the five pollutants)."""
    ids = station_ids(n)
    rng = np.random.default_rng(7)
    points = zip(ids, rng.uniform(100.52, 100.90, n), rng.uniform(13.48, 13.68, n), strict=True)
    for i, (sid, lon, lat) in enumerate(points):
        store.add_station(
            StationCreate(
                id=sid,
                name_th=f"สถานีทดสอบ {sid}",
                name_en=f"Benchmark station {sid}",
                kind="air",
                lon=float(lon),
                lat=float(lat),
                # given, not inferred: add_station would build a DistrictLocator per call
                district_code=DISTRICTS[i % len(DISTRICTS)],
                quantities=list(quantities),
            )
        )
    return ids


def observations(
    rows: int,
    n_stations: int = 200,
    start_s: int = START_S,
    step_s: int = 60,
    quantities: tuple[str, ...] = QUANTITIES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``rows`` observations as columns (station, quantity, time_s, value).

    Time-major, as a network reports: every (station, quantity) for minute 0, then
    minute 1, ... Values: a level per station, a diurnal cycle (Bangkok time) per
    quantity and red noise, never negative, rounded to 0.1 as instruments report.
    """
    from scipy.signal import lfilter

    n_series = n_stations * len(quantities)
    steps = -(-rows // n_series)
    rng = np.random.default_rng(42)
    t = start_s + step_s * np.arange(steps, dtype=np.int64)
    hour = ((t + 7 * 3600) % 86400) / 3600.0
    cols = []
    for q in quantities:
        level, amp, noise = _LEVELS[q]
        if q == "o3":
            cycle = np.cos((hour - 15.0) / 24.0 * 2 * np.pi)
        elif q == "no2":
            cycle = 0.5 * (np.cos((hour - 8.0) / 12.0 * 2 * np.pi) + 1.0) - 0.5
        else:
            cycle = np.cos((hour - 7.0) / 24.0 * 2 * np.pi)
        station_level = level * rng.lognormal(0.0, 0.3, n_stations)  # (stations,)
        # AR(1) noise per station along time, vectorised over stations
        eps = rng.normal(0.0, noise, (steps, n_stations))
        red = lfilter([0.31], [1.0, -0.95], eps, axis=0)
        v = station_level[None, :] * (1.0 + amp * cycle[:, None] + red)
        cols.append(np.round(np.clip(v, 0.0, None), 1))  # (steps, stations)
    # (steps, stations, quantities) -> time-major rows
    values = np.stack(cols, axis=2).reshape(-1)
    st = np.array(station_ids(n_stations), dtype=object)
    qu = np.array(quantities, dtype=object)
    stations = np.tile(np.repeat(st, len(quantities)), steps)
    quantities = np.tile(qu, steps * n_stations)
    times = np.repeat(t, n_series)
    return stations[:rows], quantities[:rows], times[:rows], values[:rows]


def iso_bkk(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, BKK).isoformat()


def utc(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


# ---- server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paknam_command() -> list[str]:
    exe = Path(sys.executable).parent / "paknam"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("paknam")
    if found:
        return [found]
    return [sys.executable, "-c", "from paknam.cli import main; main()"]


@contextlib.contextmanager
def serve(
    database_url: str, log: Path, workers: int = 1, start_timeout: float = 60.0
) -> Iterator[tuple[int, int]]:
    """Run ``paknam serve`` on a free port; yields (port, pid). Stopped at the end.
    ``start_timeout``: seconds it may take to answer (more on a loaded machine)."""
    port = free_port()
    env = {**os.environ, "PAKNAM_DATABASE_URL": database_url}
    cmd = [*paknam_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers != 1:
        cmd += ["--workers", str(workers)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"paknam serve exited ({proc.returncode}); see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"paknam serve did not come up in {start_timeout:g} s; see {log}"
                )
            time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its reaped children (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    # fields[0] is state (field 3); utime, stime, cutime, cstime are fields 14-17
    return sum(int(x) for x in fields[11:15]) / tick


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and its live children (uvicorn workers)."""
    total = process_cpu_s(pid)
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task").iterdir():
            for c in (child / "children").read_text().split():
                total += tree_cpu_s(int(c))
    return total


# ---- PostgreSQL scratch databases ----------------------------------------------------------


def pg_admin_url() -> str:
    return os.environ.get("PAKNAM_BENCH_POSTGRES_URL", DEFAULT_PG_ADMIN_URL)


@contextlib.contextmanager
def pg_scratch(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this run (dropped at the end); yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(pg_admin_url())
    name = f"{prefix}_{os.getpid()}_{int(time.time())}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
