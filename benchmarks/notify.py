"""One alert to every subscriber of a district, through the outbox, to a LINE-compatible
server on loopback.

What is timed, end to end: resolving the audience and cutting it into batches of 500
(``enqueue``: one row per batch), then the workers claiming batches, decrypting the LINE
user ids, sending multicast requests (16 in flight per worker; LINE's 200 requests/s
shared by all workers through the store's sending slots, and enforced by the loopback
server, which answers 429 over it) and recording each answer, until no delivery is
pending. Not timed: creating the subscribers and the alert (kept in a template database
on PostgreSQL, vacuumed and analysed, so a second run skips it), starting the workers.

``--workers 0`` (the default) runs one worker inside this process; ``--workers N`` starts
N ``paknam notify worker`` processes on the store (PostgreSQL) before the alert is
queued. ``--kill-one`` sends SIGKILL to one of them once a fifth of the multicast
requests have gone out: the others take over its batches at once (its advisory lock went
with its connection; failing that, when their lease, ``--lease`` =
PAKNAM_NOTIFY_LEASE_S, ends), and the retry key makes the repeats of the batches it had
sent but not recorded harmless (409).

The LINE-compatible server (``tests/governance/loopback.py``) runs in its own process. At
the end its counts and the store are compared: "every recipient exactly once" when each
user id got one message and every delivery is recorded sent, else the discrepancy. The
CPU seconds used meanwhile by the workers, the PostgreSQL backends of the benchmark's
database, the LINE server and this process are printed too (Linux ``/proc``): the machine
may be shared, and the wall time alone then says little.

Usage::

    .venv/bin/python benchmarks/notify.py                       # 50,000 and 500,000, SQLite
    .venv/bin/python benchmarks/notify.py --sizes 50000 500000 --workers 2 --kill-one \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# test data only: a fixed key, so the subscribers kept in the template database stay readable
os.environ["PAKNAM_SECRET_KEY"] = "cGFrbmFtLWJlbmNobWFyay1rZXktbm90LXNlY3JldCE="

import paknam.core.notify.worker as worker_module  # noqa: E402
from paknam.core.notify.channels.line import LineChannel  # noqa: E402
from paknam.core.notify.outbox import enqueue, message_stats, pending  # noqa: E402
from paknam.core.notify.schema import deliveries  # noqa: E402
from paknam.core.notify.subscribers import Audience, Subscription, bulk_subscribe  # noqa: E402
from paknam.core.store import Store  # noqa: E402
from paknam.governance.alerts import AlertSpec, create_alert, get_alert  # noqa: E402
from paknam.governance.render import render_alert  # noqa: E402

TOKEN = "test-line-token"
LINE_RATE = 200
"""LINE's multicast limit [requests/s]: the loopback server answers 429 over it, in any
one-second window; the workers share it (``send_slots``)."""
SPEC = AlertSpec(
    topic="flood",
    severity="severe",
    headline_th="น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
    headline_en="High tide flooding, Phra Samut Chedi",
    description_th="คาดว่าระดับน้ำสูงสุด 1.3 ม. เวลา 18:00 น.",
    description_en="Water expected to peak at 1.3 m at 18:00.",
    districts=["1105"],
)


def start_line_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.governance.loopback", "line", str(LINE_RATE)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def _populate(store: Store, n: int) -> None:
    subs = [Subscription("line", f"U{i:032x}", ["1105"], ["flood"]) for i in range(n)]
    with store.write() as conn:
        bulk_subscribe(conn, subs)
        create_alert(conn, SPEC, "bench")


def fresh_store(url: str | None, tmp: Path, n: int) -> tuple[Store, float]:
    """An empty store holding ``n`` subscribers and one alert; (store, seconds of setup).
    On PostgreSQL a copy of a template database made once (``CREATE DATABASE … TEMPLATE``)."""
    t = time.perf_counter()
    if url is None:
        store = Store.open(f"sqlite:///{tmp / f'notify_{n}.sqlite3'}")
        _populate(store, n)
        return store, time.perf_counter() - t
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    template, name = f"paknam_bench_notify_subs_{n}", f"paknam_bench_notify_{n}"
    with admin.connect() as c:
        have = c.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (template,))
        if have.first() is None:
            c.exec_driver_sql(f'CREATE DATABASE "{template}"')
            tstore = Store.open(_db(url, template))
            _populate(tstore, n)
            tstore.close()
            # the state autovacuum leaves a settled database in (planner statistics, the
            # visibility map): without it the audience query plans 500,000 rows as one
            vac = sa.create_engine(_db(url, template), isolation_level="AUTOCOMMIT")
            with vac.connect() as v:
                v.exec_driver_sql("VACUUM ANALYZE")
            vac.dispose()
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.dispose()
    store = Store.open(_db(url, name))
    return store, time.perf_counter() - t


def _db(url: str, name: str) -> str:
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


class Timers:
    """Wall time inside the worker's claim and record calls (``--workers 0`` only)."""

    def __init__(self) -> None:
        self.s: dict[str, float] = defaultdict(float)
        self.n: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.s[name] += time.perf_counter() - t
                self.n[name] += 1

        return timed


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a live process (Linux /proc), None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent during the timed part by the workers, the PostgreSQL backends of
    the benchmark's database, the LINE loopback server and this process (which runs
    ``enqueue`` and, with ``--workers 0``, the worker). Sampled at the start, just before
    the kill and at the end (a backend that ended between samples is counted up to the
    last sample that saw it)."""

    def __init__(self, store: Store, server_pid: int, worker_pids: list[int]) -> None:
        self.store = store
        self.roles = {server_pid: "LINE server", **{p: "workers" for p in worker_pids}}
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.own = time.process_time()
        self.sample(first=True)

    def _backends(self) -> list[int]:
        if self.store.dialect != "postgresql":
            return []
        with self.store.read() as conn:
            return [
                int(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ]

    def sample(self, first: bool = False) -> None:
        for pid in self._backends():
            self.roles.setdefault(pid, "database")
        for pid in self.roles:
            t = _cpu_s(pid)
            if t is None:
                continue
            if first:
                self.start[pid] = t
            self.start.setdefault(pid, 0.0)  # a backend started since: all of it counts
            self.last[pid] = t
        if not first:
            self.own_end = time.process_time()

    def report(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for pid, t in self.last.items():
            out[self.roles[pid]] += t - self.start[pid]
        out["this process"] = self.own_end - self.own
        return dict(out)


def start_workers(
    n: int, url: str, line_url: str, lease: int, tmp: Path
) -> list[tuple[subprocess.Popen[bytes], Path]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "PAKNAM_DATABASE_URL": url,
        "PAKNAM_LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "PAKNAM_LINE_API_BASE": line_url,
        "PAKNAM_NOTIFY_LEASE_S": str(lease),
        "PAKNAM_LINE_MULTICAST_RATE": str(LINE_RATE),  # for all workers together
    }
    procs = []
    for k in range(n):
        log = tmp / f"worker{k}.log"
        with log.open("wb") as f:
            cmd = [sys.executable, "-m", "paknam.cli", "notify", "worker", "--idle", "0.1"]
            procs.append((subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT), log))
    deadline = time.time() + 120
    for proc, log in procs:  # ready: the worker has opened the store and says so
        while b"requests in flight" not in log.read_bytes():
            if proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"worker did not start: {log.read_text()}")
            time.sleep(0.05)
    return procs


def _server_stats(line_url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{line_url}/_stats") as r:
        return dict(json.load(r))


def run(n: int, url: str | None, tmp: Path, workers: int, kill_one: bool, lease: int) -> dict:
    proc, line_url = start_line_server()
    store, setup = fresh_store(url, tmp, n)
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    timers = Timers()
    killed_at = None
    try:
        with store.read() as conn:
            alert = get_alert(conn, 1)
        if workers:
            procs = start_workers(workers, store.url, line_url, lease, tmp)
        else:
            worker_module.claim = timers.wrap("claim", worker_module.claim)  # type: ignore[attr-defined]
            worker_module.record = timers.wrap("record", worker_module.record)  # type: ignore[attr-defined]
            worker = worker_module.Worker(store, {"line": LineChannel(TOKEN, line_url)}, threads=16)
            worker.prepare()  # as `paknam notify worker` does before it says it is ready
            worker._send = timers.wrap("send (16 threads)", worker._send)  # type: ignore[method-assign]

        cpu = CpuMeter(store, proc.pid, [p.pid for p, _ in procs])
        t0 = time.perf_counter()
        with store.write() as conn:
            mid, queued = enqueue(
                conn,
                kind="alert",
                content=render_alert(alert, "https://paknam.example/alerts/1"),
                audience=Audience(districts=("1105",), topics=("flood",)),
                created_by="bench",
                alert_id=alert["id"],
            )
        t1 = time.perf_counter()
        expected_requests = -(-n // 500)
        while True:
            if workers:
                due = kill_one and killed_at is None
                if due and _server_stats(line_url)["requests"] >= max(2, expected_requests // 5):
                    cpu.sample()  # the killed worker's CPU up to its death
                    os.kill(procs[0][0].pid, signal.SIGKILL)
                    killed_at = time.perf_counter() - t0
                for p, log in procs[1 if killed_at is not None else 0 :]:
                    if p.poll() is not None:
                        raise SystemExit(f"a worker stopped: {log.read_text()}")
                time.sleep(0.05)
            else:
                worker.run_once()
            with store.read() as conn:
                if pending(conn) == 0:
                    break
        t2 = time.perf_counter()
        cpu.sample()
        if not workers:
            worker.close()

        server = _server_stats(line_url)
        with store.read() as conn:
            states = dict(
                conn.execute(
                    sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
                ).all()
            )
            stats = message_stats(conn, mid)
        problems = []
        if queued != n:
            problems.append(f"{queued:,} queued for {n:,} subscribers")
        if states != {"sent": n}:
            problems.append(f"store: deliveries by state {states}")
        if server["recipients"] != n:
            problems.append(f"LINE server: {server['recipients']:,} of {n:,} users reached")
        if server["max_per_recipient"] != 1:
            problems.append(f"LINE server: a user got {server['max_per_recipient']} messages")
        return {
            "subscribers": n,
            "setup_s": setup,
            "enqueue_s": t1 - t0,
            "send_s": t2 - t1,
            "total_s": t2 - t0,
            "requests": server["requests"],
            "status_409": server["status_409"],
            "status_429": server["status_429"],
            "t95_s": stats["t95_s"],
            "killed_at_s": killed_at,
            "problems": problems,
            "cpu": cpu.report(),
            "timers": {k: (v, timers.n[k]) for k, v in timers.s.items()},
        }
    finally:
        for p, _ in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p, _ in procs:
            p.wait(30)
        store.close()
        proc.terminate()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000])
    ap.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    ap.add_argument(
        "--workers", type=int, default=0, help="worker processes (0: one in this process)"
    )
    ap.add_argument("--kill-one", action="store_true", help="SIGKILL one worker mid-send")
    ap.add_argument("--lease", type=int, default=5, help="PAKNAM_NOTIFY_LEASE_S of the workers [s]")
    args = ap.parse_args()
    if args.workers and not args.database_url:
        ap.error("--workers needs --database-url (PostgreSQL): SQLite has one writer")
    if args.kill_one and args.workers < 2:
        ap.error("--kill-one needs --workers 2 or more")
    print(f"# {platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    who = f"{args.workers} worker processes" if args.workers else "one worker in-process"
    kill = f", one SIGKILLed mid-send (lease {args.lease} s)" if args.kill_one else ""
    print(f"# store: {'PostgreSQL' if args.database_url else 'SQLite'}; {who}{kill}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = run(n, args.database_url, Path(tmp), args.workers, args.kill_one, args.lease)
            floor = r["requests"] / 200.0
            check = (
                "every recipient exactly once, all recorded sent"
                if not r["problems"]
                else "DISCREPANCY: " + "; ".join(r["problems"])
            )
            killed = (
                f" killed one worker at {r['killed_at_s']:.2f} s;"
                if r["killed_at_s"] is not None
                else ""
            )
            killed += f" {r['status_409']} repeats answered 409 by retry key;"
            killed += f" {r['status_429']} answered 429 (over {LINE_RATE}/s);"
            print(
                f"{n:>9,} recipients: end-to-end {r['total_s']:.2f} s "
                f"(enqueue {r['enqueue_s']:.2f} s + send {r['send_s']:.2f} s; "
                f"{n / r['total_s']:,.0f} deliveries/s; {r['requests']} multicast requests, "
                f"LINE's 200 req/s limit alone needs {floor:.2f} s);{killed} "
                f"raised→95 % accepted {r['t95_s']:.2f} s; {check} "
                f"[setup {r['setup_s']:.1f} s, not timed]"
            )
            used = ", ".join(f"{k} {v:.2f}" for k, v in r["cpu"].items())
            print(f"    CPU [s] during the {r['total_s']:.2f} s: {used}")
            for name, (secs, calls) in sorted(r["timers"].items()):
                print(f"    {name}: {secs:.2f} s in {calls} calls")
            limit = {50_000: 5, 500_000: 10}.get(n)
            if limit:
                met = "met" if r["total_s"] <= limit and not r["problems"] else "NOT met"
                print(f"    target ≤ {limit} s: {met}")


if __name__ == "__main__":
    main()
