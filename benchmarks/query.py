"""Series reads: a year of one-minute data aggregated by hour and by day.

One series (station ``bench-000``, ``pm25``) holds one year of one-minute observations
(2025-01-01 to 2026-01-01, Bangkok time: 525,600 points), loaded through the store's bulk
path. The benchmark times the mean per hour (8,760 buckets) and per day (365 buckets) over
the whole year

- through ``Store.read_series`` (in-process),
- through HTTP, ``GET /api/v1/stations/bench-000/series?...&bucket=hour&agg=mean``, against a
  ``paknam serve`` subprocess (one keep-alive connection, the answer read and decoded),
- and, to show where the time goes, the store's own SQL alone through the raw driver
  (the statement ``read_series`` sends, captured from the engine, then fetched whole),

on SQLite (a fresh file) and on PostgreSQL (a scratch database, dropped at the end; after
the load it runs ``VACUUM ANALYZE observations`` as autovacuum would). Each figure is the
median of ``--runs`` runs after one warm-up run.

Usage::

    .venv/bin/python benchmarks/query.py
    .venv/bin/python benchmarks/query.py --days 30 --runs 5 --skip-postgres
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import orjson
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

from paknam.core.store import Store

STATION, QUANTITY = "bench-000", "pm25"


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def _load(store: Store, days: int) -> tuple[int, float]:
    C.add_stations(store, 1, (QUANTITY,))
    st, qu, t, v = C.observations(days * 1440, n_stations=1, quantities=(QUANTITY,))
    t0 = time.perf_counter()
    chunk = 100_000
    for i in range(0, len(t), chunk):
        j = i + chunk
        store.ingest_columns(st[i:j], qu[i:j], t[i:j], v[i:j])
    return len(t), time.perf_counter() - t0


def _captured_sql(store: Store, bucket: str, start: int, end: int) -> tuple[str, object]:
    """The driver-level statement and parameters that ``read_series`` sends."""
    seen: list[tuple[str, object]] = []

    def hook(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM observations" in statement:
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", hook)
    try:
        store.read_series(STATION, QUANTITY, start, end, bucket=bucket, agg="mean")
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", hook)
    return seen[-1]


def bench_engine(label: str, url: str, days: int, runs: int, tmp: Path) -> list[str]:
    store = Store.open(url)
    n, load_s = _load(store, days)
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE observations"
            )
    start = C.START_S
    end = start + days * 86400
    lines = [
        f"{label}: {n:,} points loaded in {load_s:.1f} s ({n / load_s:,.0f} obs/s, "
        f"chunks of 100,000); range {C.iso_bkk(start)} .. {C.iso_bkk(end)}"
    ]
    print(lines[0], flush=True)
    results: dict[tuple[str, str], float] = {}
    with C.serve(url, tmp / f"serve-{label}.log") as (port, _pid):

        def http_get(bucket: str) -> Callable[[], object]:
            query = urlencode(
                {
                    "quantity": QUANTITY,
                    "start": C.iso_bkk(start),
                    "end": C.iso_bkk(end),
                    "bucket": bucket,
                    "agg": "mean",
                }
            )
            path = f"/api/v1/stations/{STATION}/series?{query}"
            # a connection per figure: uvicorn closes keep-alive connections idle for 5 s
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

            def get() -> object:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    raise SystemExit(f"GET {path}: {resp.status} {body[:300]!r}")
                return orjson.loads(body)

            return get

        for bucket in ("hour", "day"):
            expect = days * (24 if bucket == "hour" else 1)
            t_first = time.perf_counter()
            points = store.read_series(STATION, QUANTITY, start, end, bucket=bucket)
            first_ms = (time.perf_counter() - t_first) * 1000
            line = (
                f"  {bucket:<4} mean, first query after the load (refreshes the hourly "
                f"roll-up where stale): {first_ms:.0f} ms"
            )
            print(line, flush=True)
            lines.append(line)
            if len(points) != expect or sum(p.count for p in points) != n:
                raise SystemExit(f"{bucket}: {len(points)} buckets, expected {expect}")
            sql, params = _captured_sql(store, bucket, start, end)

            def raw(sql: str = sql, params: object = params) -> object:
                with store.engine.connect() as c:
                    cur = c.connection.driver_connection.cursor()
                    cur.execute(sql, params)
                    rows = cur.fetchall()
                    cur.close()
                    c.rollback()
                    return rows

            for how, fn in (
                ("SQL alone (driver)", raw),
                (
                    "Store.read_series",
                    lambda b=bucket: store.read_series(  # type: ignore[misc]
                        STATION, QUANTITY, start, end, bucket=b, agg="mean"
                    ),
                ),
                ("HTTP GET", http_get(bucket)),
            ):
                med, all_ms = _median_ms(fn, runs)
                results[(bucket, how)] = med
                line = (
                    f"  {bucket:<4} mean, {expect:>5} buckets  {how:<20} {med:8.1f} ms   "
                    f"runs: {' '.join(f'{x:.0f}' for x in all_ms)}"
                )
                print(line, flush=True)
                lines.append(line)
    store.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=365, help="days of one-minute data (365)")
    ap.add_argument("--runs", type=int, default=9, help="timed runs per figure (median)")
    ap.add_argument("--skip-postgres", action="store_true")
    args = ap.parse_args(argv)
    print(f"machine: {C.machine()}")
    print(f"start: {C.load()}")
    with tempfile.TemporaryDirectory(prefix="paknam-bench-") as tmpname:
        tmp = Path(tmpname)
        bench_engine("SQLite", f"sqlite:///{tmp / 'query.sqlite3'}", args.days, args.runs, tmp)
        if not args.skip_postgres:
            import psycopg

            try:
                with C.pg_scratch("paknam_bench_query") as url:
                    bench_engine("PostgreSQL", url, args.days, args.runs, tmp)
            except psycopg.OperationalError as exc:
                print(f"PostgreSQL: skipped, cannot connect: {exc}".strip())
    print(f"end: {C.load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
