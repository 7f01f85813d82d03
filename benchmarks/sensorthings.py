"""SensorThings Observations: a day of minute data, filtered on time, 1000 at a time.

Twenty stations with the five pollutants each (100 Datastreams) hold one day of one-minute
observations (144,000 rows), loaded through the store's bulk path. Against a ``paknam
serve`` subprocess, on one keep-alive connection, the benchmark times ``--requests``
requests (after 10 warm-up ones) of

- ``GET /sta/v1.1/Datastreams(N)/Observations?$filter=phenomenonTime ge T0 and
  phenomenonTime lt T1&$top=1000`` (the day: 1000 observations and an ``@iot.nextLink``),
- its peer ``GET /api/v1/stations/bench-000/series?quantity=pm25&start=T0&end=T0+1000 min``
  (the same 1000 points through the platform's own API),

interleaved, and prints p50 and p95 of each, on SQLite (a fresh file) and PostgreSQL (a
scratch database, dropped at the end). The answers are checked: the same 1000 values.

Usage::

    .venv/bin/python benchmarks/sensorthings.py
    .venv/bin/python benchmarks/sensorthings.py --requests 500 --skip-postgres
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

from paknam.core.store import Store

STATION, QUANTITY = "bench-000", "pm25"
N_STATIONS = 20
TOP = 1000


def _load(store: Store) -> int:
    C.add_stations(store, N_STATIONS)
    rows = N_STATIONS * len(C.QUANTITIES) * 1440
    st, qu, t, v = C.observations(rows, n_stations=N_STATIONS)
    for i in range(0, rows, 100_000):
        store.ingest_columns(st[i : i + 100_000], qu[i : i + 100_000], t[i : i + 100_000],
                             v[i : i + 100_000])  # fmt: skip
    return rows


def _percentiles(ms: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(ms, n=20, method="inclusive")
    return statistics.median(ms), q[18]


def bench_engine(label: str, url: str, requests: int, tmp: Path) -> None:
    store = Store.open(url)
    t0 = time.perf_counter()
    rows = _load(store)
    print(f"{label}: {rows:,} observations loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE observations"
            )
    sid = next(
        r["series_id"]
        for r in store.series_index()
        if r["station"] == STATION and r["quantity"] == QUANTITY
    )
    start, end = C.START_S, C.START_S + 86400
    sta_path = f"/sta/v1.1/Datastreams({sid})/Observations?" + urlencode(
        {
            "$filter": f"phenomenonTime ge {C.iso_bkk(start)} and phenomenonTime lt "
            f"{C.iso_bkk(end)}",
            "$top": str(TOP),
        }
    )
    v1_path = f"/api/v1/stations/{STATION}/series?" + urlencode(
        {"quantity": QUANTITY, "start": C.iso_bkk(start), "end": C.iso_bkk(start + TOP * 60)}
    )
    with C.serve(url, tmp / f"serve-{label}.log") as (port, _pid):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def get(path: str) -> tuple[float, dict[str, object]]:
            t = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                raise SystemExit(f"GET {path}: {resp.status} {body[:300]!r}")
            doc = orjson.loads(body)
            return (time.perf_counter() - t) * 1000, doc

        _, sta_doc = get(sta_path)
        _, v1_doc = get(v1_path)
        sta_values = [o["result"] for o in sta_doc["value"]]  # type: ignore[attr-defined]
        v1_values = [p["value"] for p in v1_doc["points"]]  # type: ignore[attr-defined]
        if len(sta_values) != TOP or sta_values != v1_values or "@iot.nextLink" not in sta_doc:
            raise SystemExit(f"answers differ: {len(sta_values)} vs {len(v1_values)} values")
        for _ in range(10):
            get(sta_path)
            get(v1_path)
        sta_ms: list[float] = []
        v1_ms: list[float] = []
        for _ in range(requests):
            sta_ms.append(get(sta_path)[0])
            v1_ms.append(get(v1_path)[0])
        conn.close()
    store.close()
    for name, ms in (
        ("SensorThings $filter+$top=1000", sta_ms),
        ("/api/v1 series (1000 pts)", v1_ms),
    ):
        p50, p95 = _percentiles(ms)
        print(f"  {label:<10} {name:<32} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
              f"({requests} requests)", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200, help="timed requests of each (200)")
    ap.add_argument("--skip-postgres", action="store_true")
    args = ap.parse_args(argv)
    print(f"machine: {C.machine()}")
    print(f"start: {C.load()}")
    with tempfile.TemporaryDirectory(prefix="paknam-bench-") as tmpname:
        tmp = Path(tmpname)
        bench_engine("SQLite", f"sqlite:///{tmp / 'sta.sqlite3'}", args.requests, tmp)
        if not args.skip_postgres:
            import psycopg

            try:
                with C.pg_scratch("paknam_bench_sta") as url:
                    bench_engine("PostgreSQL", url, args.requests, tmp)
            except psycopg.OperationalError as exc:
                print(f"PostgreSQL: skipped, cannot connect: {exc}".strip())
    print(f"end: {C.load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
