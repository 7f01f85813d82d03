"""A surge of citizens after an alert: the public reads under a real load generator.

An alert goes out and thousands of people open the map, the alert and its feed within
minutes. This benchmark loads the demo data (``paknam.pipeline.demo.run_demo``), issues
one CAP alert (flood, Phra Samut Chedi), starts ``paknam serve --workers 2`` and drives
every public read the pages make with ``wrk`` (Debian's ``/usr/bin/wrk``): for each route
requests/s, latency p50 and p99, the share of errors (socket errors and non-2xx/3xx
answers) and the servers' CPU per request. It runs on SQLite (a fresh file) and on
PostgreSQL (a scratch database, dropped at the end).

First, while the server is cold, the indicator board under full load (``indicators
(cold)``: every process must compute it once while the requests wait); then each route,
warm, for ``--duration`` seconds; then ``mix``, one citizen's home page (the HTML and
every API answer it asks for) in turn.

Target on a 2-core machine: every route ≥ 1,000 requests/s with p99 ≤ 300 ms and fewer
than 1 % errors. ``wrk`` runs on the same cores as the servers, and the figures move
with whatever else the machine does (the load average is printed).

Usage::

    .venv/bin/python benchmarks/surge.py
    .venv/bin/python benchmarks/surge.py --duration 5 --connections 64 --skip-postgres
    .venv/bin/python benchmarks/surge.py --route /api/v1/stations --route /api/v1/alerts.atom
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

from paknam.core.store import Store

TARGET_RPS = 1000.0
TARGET_P99_MS = 300.0
TARGET_ERRORS = 0.01

ROUTES = (
    "/",
    "/alerts",
    "/api/v1/stations",
    "/api/v1/latest",
    "/api/v1/environment/aqi",
    "/api/v1/environment/wqi",
    "/api/v1/districts?simplify=0.0002",
    "/api/v1/warnings?status=active&limit=1000",
    "/api/v1/alerts?state=all&limit=1000",
    "/api/v1/alerts/{alert}",
    "/api/v1/alerts/{alert}.xml",
    "/api/v1/alerts.atom",
    "/api/v1/indicators",
    "/static/js/main.js",
    "/static/vendor/leaflet/leaflet.js",
)
"""Every public read of the home and alerts pages (``{alert}``: the alert's id), and two
of the static files a first visit loads."""

HOME_MIX = (
    "/",
    "/api/v1/districts?simplify=0.0002",
    "/api/v1/stations",
    "/api/v1/warnings?status=active&limit=1000",
    "/api/v1/alerts?state=all&limit=1000",
    "/api/v1/environment/aqi",
    "/api/v1/environment/wqi",
    "/api/v1/indicators",
)
"""What a citizen's browser asks for when it opens the home page."""

DONE_HOOK = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "SURGE {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"p50_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"connect\": %d, \"read\": %d, " ..
    "\"write\": %d, \"status\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _mix_script(paths: tuple[str, ...]) -> str:
    listed = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{listed}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n" + DONE_HOOK
    )


@dataclass
class Result:
    route: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: float
    requests: int
    cpu_us: float

    @property
    def meets(self) -> bool:
        return (
            self.rps >= TARGET_RPS and self.p99_ms <= TARGET_P99_MS and self.errors < TARGET_ERRORS
        )

    def line(self) -> str:
        mark = "yes" if self.meets else "NO"
        return (
            f"  {self.route:<44} {self.rps:>8.0f} {self.p50_ms:>8.1f} {self.p99_ms:>8.1f} "
            f"{self.errors * 100:>7.2f} {self.cpu_us:>8.0f}  {mark}"
        )


HEADER = (
    f"  {'route':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'err %':>7} {'CPU µs':>8}  target"
)


def wrk(
    url: str, script: Path, *, duration: float, connections: int, threads: int, timeout: float
) -> dict[str, int]:
    cmd = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        f"--timeout={timeout:g}s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("SURGE "))
    return json.loads(line.removeprefix("SURGE "))  # type: ignore[no-any-return]


def run_route(
    port: int, pid: int, route: str, script: Path, args: argparse.Namespace, label: str = ""
) -> Result:
    cpu0 = C.tree_cpu_s(pid)
    r = wrk(
        f"http://127.0.0.1:{port}{route}",
        script,
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        timeout=args.timeout,
    )
    cpu = C.tree_cpu_s(pid) - cpu0
    n = r["requests"]
    bad = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return Result(
        route=label or route,
        rps=n / (r["duration_us"] / 1e6),
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        errors=bad / max(n + r["connect"], 1),
        requests=n,
        cpu_us=cpu / max(n, 1) * 1e6,
    )


def prepare(url: str) -> int:
    """Demo data and one alert in the store at ``url``; returns the alert's id."""
    from paknam.governance import service
    from paknam.governance.alerts import AlertSpec
    from paknam.pipeline.demo import run_demo

    with Store.open(url) as store:
        run_demo(store)
        alert = service.create_alert(
            store,
            AlertSpec(
                topic="flood",
                severity="severe",
                urgency="Expected",
                certainty="Likely",
                headline_th="น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
                headline_en="High tide flooding, Phra Samut Chedi",
                description_th="คาดว่าระดับน้ำสูงสุด 1.3 ม. เวลา 18:00 น.",
                description_en="Water expected to peak at 1.3 m at 18:00.",
                districts=["1105"],
            ),
            "benchmark",
        )
    return int(alert["id"])


class Writer:
    """Observations written to the store at a steady rate from another process's point of
    view (its own store), as a sensor network does during the surge: every write changes
    the store's generation, so every cached answer is recomputed once after it."""

    def __init__(self, url: str, per_s: float) -> None:
        self.url = url
        self.interval = 1.0 / per_s
        self.done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with Store.open(self.url, migrate=False) as store:
            station = next(s for s in store.list_stations(kind="air") if s.series)
            quantity = station.series[0].quantity
            t = int(time.time()) - 3600
            while not self._stop.wait(self.interval):
                value = 20.0 + self.done % 10
                store.ingest_items(
                    [
                        {
                            "station": station.id,
                            "quantity": quantity,
                            "time": C.iso_bkk(t),
                            "value": value,
                        }
                    ]
                )
                t += 1
                self.done += 1

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def bench_engine(name: str, url: str, tmp: Path, args: argparse.Namespace) -> list[Result]:
    t0 = time.perf_counter()
    alert = prepare(url)
    print(f"{name}: demo data and one alert loaded in {time.perf_counter() - t0:.1f} s")
    routes = [r.replace("{alert}", str(alert)) for r in (args.route or ROUTES)]
    hook = tmp / "done.lua"
    hook.write_text(DONE_HOOK)
    mix = tmp / "mix.lua"
    mix.write_text(_mix_script(HOME_MIX))
    results: list[Result] = []
    with C.serve(url, tmp / f"serve-{name}.log", workers=args.workers) as (port, pid):
        print(f"  paknam serve --workers {args.workers} (pid {pid}); {C.load()}")
        print(HEADER)
        if not args.route or "/api/v1/indicators" in args.route:
            cold = run_route(port, pid, "/api/v1/indicators", hook, args, "indicators (cold)")
            results.append(cold)
            print(cold.line(), flush=True)
        for route in routes:
            for _ in range(2 * args.workers):  # each worker computes its answer once
                status = _get(port, route)
                if status >= 400:
                    raise RuntimeError(f"GET {route} answered {status}")
            res = run_route(port, pid, route, hook, args)
            results.append(res)
            print(res.line(), flush=True)
        if not args.route:
            res = run_route(port, pid, "/", mix, args, "mix: the home page and its API reads")
            results.append(res)
            print(res.line(), flush=True)
            if args.writes_per_s > 0:
                label = f"mix while {args.writes_per_s:g} writes/s arrive"
                with Writer(url, args.writes_per_s) as writer:
                    res = run_route(port, pid, "/", mix, args, label)
                results.append(res)
                print(f"{res.line()}  ({writer.done} writes)", flush=True)
        print(f"  {C.load()}")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per route")
    ap.add_argument("--connections", type=int, default=64, help="open connections (wrk -c)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--timeout", type=float, default=5.0, help="wrk request timeout, s")
    ap.add_argument("--workers", type=int, default=2, help="paknam serve --workers")
    ap.add_argument("--route", action="append", help="only this route (repeatable)")
    ap.add_argument(
        "--writes-per-s", type=float, default=2.0, help="writes during the last mix (0: none)"
    )
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not os.access(WRK, os.X_OK):
        sys.exit(f"wrk not found at {WRK} (apt-get install wrk)")
    print(f"surge: {C.machine()}")
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s per route; "
        f"target ≥ {TARGET_RPS:.0f} req/s, p99 ≤ {TARGET_P99_MS:.0f} ms, "
        f"< {TARGET_ERRORS:.0%} errors; {C.load()}"
    )
    summary: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory(prefix="paknam-surge-") as d:
        tmp = Path(d)
        if not args.skip_sqlite:
            summary["SQLite"] = bench_engine(
                "sqlite", f"sqlite:///{tmp / 'surge.sqlite3'}", tmp, args
            )
        if not args.skip_postgres:
            with C.pg_scratch("paknam_surge") as url:
                summary["PostgreSQL"] = bench_engine("postgresql", url, tmp, args)
    for engine, results in summary.items():
        missed = [r.route for r in results if not r.meets]
        print(f"{engine}: {len(results) - len(missed)}/{len(results)} meet the target", end="")
        print(f"; missed: {', '.join(missed)}" if missed else "")


WRK = shutil.which("wrk") or "/usr/bin/wrk"

if __name__ == "__main__":
    main()
