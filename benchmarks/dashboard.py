"""Dashboard: how fast the home page draws the city map with 200 stations, in Chromium.

The store (a fresh SQLite file) holds what ``paknam demo`` loads (16 stations: the real
sample and the SIMULATED gauge, with its forecast and the environment rules' warnings) plus
184 synthetic air stations (``bench-000``…, PM2.5 and PM10 hourly for the last 3 days), so
the map draws 200 markers coloured by their AQI, WQI band or water-level state. ``paknam
serve`` runs in a subprocess; headless Chromium (``/usr/bin/chromium``, via Playwright)
opens ``/`` in a fresh browser context each run (empty HTTP cache). Figures are the page's
own performance marks, in milliseconds from the start of navigation:

- ``paknam:map-ready``: district boundaries and every station marker drawn
  (``#map[data-ready]``) — the figure for the target (≤ 1 s);
- ``paknam:map-coloured``: every marker coloured by its AQI level, WQI band or water-level
  state (``#map[data-coloured]``), which waits for ``GET /api/v1/environment/aqi`` (timed
  alone as well, since it computes each station's AQI and dominates).

Median and worst of ``--runs`` runs after one warm-up run.

Usage::

    .venv/bin/python benchmarks/dashboard.py [--runs 7] [--stations 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_stations, load, machine, observations, process_cpu_s, serve

from paknam.core.store import Store
from paknam.core.timeutil import now_s

CHROMIUM = "/usr/bin/chromium"
ENDPOINTS = (
    "/",
    "/api/v1/districts",
    "/api/v1/stations",
    "/api/v1/environment/aqi",
    "/api/v1/environment/wqi",
    "/api/v1/warnings?status=active",
)
"""The answers the home page waits for, timed alone after the runs."""
TARGET_MS = 1000.0


def build_store(url: str, n_total: int) -> int:
    """Demo data plus synthetic air stations up to ``n_total``; returns the station count."""
    from paknam.environment.demo import load_demo
    from paknam.environment.service import run_environment_checks
    from paknam.living.demo import load_simulated_water_level
    from paknam.living.service import run_forecasts

    with Store.open(url) as store:
        load_demo(store)
        load_simulated_water_level(store)
        run_forecasts(store)
        run_environment_checks(store)
        n_bench = n_total - len(store.list_stations())
        quantities = ("pm25", "pm10")
        add_stations(store, n_bench, quantities=quantities)
        hours = 72
        start = (now_s() // 3600 - hours) * 3600
        cols = observations(
            n_bench * len(quantities) * hours,
            n_stations=n_bench,
            start_s=start,
            step_s=3600,
            quantities=quantities,
        )
        store.ingest_columns(*cols)
        return len(store.list_stations())


def measure(
    url: str, runs: int, server_pid: int
) -> tuple[list[float], list[float], list[float], list[float], int]:
    """Per run: map drawn [ms], markers coloured [ms], wall time [ms], server CPU [s] of
    the whole page load; markers drawn."""
    from playwright.sync_api import sync_playwright

    marks: list[float] = []
    coloured: list[float] = []
    cpu: list[float] = []
    walls: list[float] = []
    markers = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for i in range(runs + 1):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            cpu0 = process_cpu_s(server_pid)
            t0 = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_selector("#map[data-ready=true]", timeout=60_000)
            wall = (time.perf_counter() - t0) * 1000
            page.wait_for_selector("#map[data-coloured=true]", timeout=60_000)
            page.wait_for_selector("body[data-loaded=true]", timeout=60_000)
            cpu1 = process_cpu_s(server_pid)
            mark, colour = page.evaluate(
                "['paknam:map-ready', 'paknam:map-coloured']"
                ".map(n => performance.getEntriesByName(n)[0].startTime)"
            )
            markers = page.locator("#map path.station-marker").count()
            context.close()
            if i:  # the first run warms the server up
                marks.append(mark)
                coloured.append(colour)
                walls.append(wall)
                cpu.append(cpu1 - cpu0)
        browser.close()
    return marks, coloured, walls, cpu, markers


def time_get(port: int, path: str) -> float:
    """Milliseconds of one GET (answer read), on a warm server."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    conn.request("GET", path)
    conn.getresponse().read()
    conn.close()
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stations", type=int, default=200)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is absent (apt-get install chromium)", file=sys.stderr)
        return 2
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        n = build_store(url, args.stations)
        with serve(url, Path(tmp) / "serve.log") as (port, pid):
            marks, coloured, walls, cpu, markers = measure(
                f"http://127.0.0.1:{port}", args.runs, pid
            )
            alone = {p: time_get(port, p) for p in ENDPOINTS}
    med = statistics.median(marks)
    print(load())
    print(
        f"home page, {n} stations ({markers} markers drawn), SQLite, {args.runs} runs: "
        f"map with districts and markers drawn in median {med:.0f} ms, worst "
        f"{max(marks):.0f} ms after navigation start (wall incl. Playwright: median "
        f"{statistics.median(walls):.0f} ms); target ≤ {TARGET_MS:.0f} ms: "
        f"{'met' if med <= TARGET_MS else 'NOT met'}"
    )
    print(
        f"markers coloured by AQI/WQI/water level: median {statistics.median(coloured):.0f} ms, "
        f"worst {max(coloured):.0f} ms; server CPU per whole page load: median "
        f"{statistics.median(cpu):.2f} s"
    )
    print(
        "each answer alone (warm, one at a time): "
        + ", ".join(f"{p} {ms:.0f} ms" for p, ms in alone.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
