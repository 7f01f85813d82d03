"""Ingest throughput: the store's bulk path and HTTP, against raw-driver floors.

Default run: 1,000,000 observations (200 stations x 5 pollutants, 1-minute steps,
time-major as a network reports) written

- through ``Store.ingest_columns`` on SQLite (a fresh file per run), in chunks of
  ``--chunk`` rows (each chunk is one validated, committed batch) and in one call;
- through HTTP: ``POST /api/v1/observations`` in batches of ``--batch`` items against a
  ``paknam serve`` subprocess on SQLite, from ``--clients`` client threads;
- through ``Store.ingest_columns`` on PostgreSQL (a scratch database per run, dropped);

and, in the same run, the floors the bulk path is compared with:

- SQLite: ``sqlite3`` ``executemany`` of prepared ``(series_id, time, value)`` tuples into a
  table like the store's (same columns, PRIMARY KEY, WITHOUT ROWID, same PRAGMAs as the
  store's connections: WAL, synchronous=NORMAL, 64 MiB cache), one transaction;
- PostgreSQL: psycopg 3 binary ``COPY`` of prepared ``(series_id, time, value)`` tuples
  into ``(series_id int, time timestamptz, value float8, PRIMARY KEY (series_id, time))``,
  one transaction.

The floors' tuples are built before the clock starts; the store's timings include its
validation and everything it does to the columns. Each variant runs ``--repeat`` times on
an empty table and the median is reported.

Usage::

    .venv/bin/python benchmarks/ingest.py                    # the full run
    .venv/bin/python benchmarks/ingest.py --rows 100000 --repeat 1 --skip-postgres
"""

from __future__ import annotations

import argparse
import http.client
import queue
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

from paknam.core.store import Store

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",
)
SQLITE_FLOOR_DDL = (
    "CREATE TABLE observations (series_id INTEGER NOT NULL, time INTEGER NOT NULL, "
    "value REAL NOT NULL, PRIMARY KEY (series_id, time)) WITHOUT ROWID"
)
PG_FLOOR_DDL = (
    "CREATE TABLE floor_observations (series_id integer NOT NULL, time timestamptz NOT NULL, "
    "value double precision NOT NULL, PRIMARY KEY (series_id, time))"
)

Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _series_ids(cols: Columns, n_stations: int) -> np.ndarray:
    """The series id the store gives each row (stations and quantities added in order)."""
    st, qu, _, _ = cols
    st_index = {s: i for i, s in enumerate(C.station_ids(n_stations))}
    q_index = {q: i for i, q in enumerate(C.QUANTITIES)}
    s = np.fromiter((st_index[x] for x in st), dtype=np.int64, count=len(st))
    q = np.fromiter((q_index[x] for x in qu), dtype=np.int64, count=len(qu))
    return s * len(C.QUANTITIES) + q + 1


@dataclass
class Run:
    """One timed run: wall-clock seconds and CPU seconds (this process plus the server's)."""

    wall: float
    cpu: float
    server_cpu: float = 0.0


class Clock:
    """Wall and CPU time of a block; ``others`` returns CPU seconds of server processes."""

    def __init__(self, others: Callable[[], float] | None = None) -> None:
        self.others = others or (lambda: 0.0)

    def __enter__(self) -> Clock:
        self.o0, self.c0, self.t0 = self.others(), _cpu_self(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.server = self.others() - self.o0
        self.run = Run(self.wall, _cpu_self() - self.c0 + self.server, self.server)


def _cpu_self() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _bulk(
    store: Store, cols: Columns, chunk: int, others: Callable[[], float] | None = None
) -> Run:
    st, qu, t, v = cols
    n = len(t)
    stored = 0
    with Clock(others) as clock:
        for i in range(0, n, chunk):
            j = i + chunk
            stored += store.ingest_columns(st[i:j], qu[i:j], t[i:j], v[i:j]).stored
    if stored != n:
        raise SystemExit(f"bulk path stored {stored} of {n} rows")
    return clock.run


# ---- SQLite -------------------------------------------------------------------------------


def sqlite_floor(tmp: Path, rows: list[tuple[int, int, float]]) -> Run:
    path = tmp / f"floor-{time.monotonic_ns()}.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for p in SQLITE_PRAGMAS:
        conn.execute(p)
    conn.execute(SQLITE_FLOOR_DDL)
    with Clock() as clock:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO observations (series_id, time, value) VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
    assert conn.execute("SELECT count(*) FROM observations").fetchone()[0] == len(rows)
    conn.close()
    path.unlink()
    return clock.run


def sqlite_store(tmp: Path, cols: Columns, n_stations: int, chunk: int) -> Run:
    path = tmp / f"store-{time.monotonic_ns()}.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    C.add_stations(store, n_stations)
    run = _bulk(store, cols, chunk)
    store.close()
    for p in tmp.glob(path.name + "*"):
        p.unlink()
    return run


# ---- HTTP ---------------------------------------------------------------------------------


def http_bodies(cols: Columns, batch: int) -> list[bytes]:
    st, qu, t, v = cols
    iso = {int(x): C.iso_bkk(int(x)) for x in np.unique(t)}
    st_l, qu_l, t_l, v_l = st.tolist(), qu.tolist(), t.tolist(), v.tolist()
    bodies = []
    for i in range(0, len(t_l), batch):
        items = [
            {"station": s, "quantity": q, "time": iso[tt], "value": vv}
            for s, q, tt, vv in zip(
                st_l[i : i + batch],
                qu_l[i : i + batch],
                t_l[i : i + batch],
                v_l[i : i + batch],
                strict=True,
            )
        ]
        bodies.append(orjson.dumps({"observations": items}))
    return bodies


def _post_all(port: int, key: str, bodies: list[bytes], clients: int) -> list[str]:
    """POST every body from ``clients`` threads (one keep-alive connection each)."""
    work: queue.Queue[bytes | None] = queue.Queue()
    for b in bodies:
        work.put(b)
    for _ in range(clients):
        work.put(None)
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while (body := work.get()) is not None:
            conn.request("POST", "/api/v1/observations", body=body, headers=headers)
            resp = conn.getresponse()
            answer = resp.read()
            if resp.status != 200:
                errors.append(f"{resp.status} {answer[:300]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def http_sqlite(
    tmp: Path, bodies: list[bytes], n: int, n_stations: int, clients: int, workers: int
) -> Run:
    path = tmp / f"http-{time.monotonic_ns()}.sqlite3"
    url = f"sqlite:///{path}"
    store = Store.open(url)
    ids = C.add_stations(store, n_stations)
    _, key, _ = store.create_device_key(ids, label="benchmark")
    with (
        C.serve(url, tmp / "serve.log", workers=workers) as (port, pid),
        Clock(lambda: C.tree_cpu_s(pid)) as clock,
    ):
        errors = _post_all(port, key, bodies, clients)
    if errors:
        raise SystemExit(f"{len(errors)} request(s) failed, first: {errors[0]}")
    stored = store.count_observations()
    store.close()
    for p in tmp.glob(path.name + "*"):
        p.unlink()
    if stored != n:
        raise SystemExit(f"HTTP path stored {stored} of {n} rows")
    return clock.run


# ---- PostgreSQL ---------------------------------------------------------------------------


def _pg_backends_cpu(url: str) -> tuple[Callable[[], float], Any]:
    """CPU seconds of the server backends connected to the database of ``url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    monitor = psycopg.connect(url, autocommit=True)
    me = monitor.info.backend_pid

    def cpu() -> float:
        pids = [
            r[0]
            for r in monitor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s", (name, me)
            )
        ]
        return sum(C.process_cpu_s(p) for p in pids)

    return cpu, monitor


def pg_floor(rows: list[tuple[int, object, float]]) -> Run:
    import psycopg

    with C.pg_scratch("paknam_bench_floor") as url, psycopg.connect(url) as conn:
        conn.execute(PG_FLOOR_DDL)
        conn.commit()
        backend = conn.info.backend_pid
        with Clock(lambda: C.process_cpu_s(backend)) as clock, conn.cursor() as cur:
            with cur.copy(
                "COPY floor_observations (series_id, time, value) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int4", "timestamptz", "float8"])
                for row in rows:
                    copy.write_row(row)
            conn.commit()
        n = conn.execute("SELECT count(*) FROM floor_observations").fetchone()[0]
        assert n == len(rows), n
    return clock.run


def pg_store(cols: Columns, n_stations: int, chunk: int) -> Run:
    with C.pg_scratch("paknam_bench_store") as url:
        store = Store.open(url)
        C.add_stations(store, n_stations)
        backends, monitor = _pg_backends_cpu(url)
        try:
            return _bulk(store, cols, chunk, backends)
        finally:
            monitor.close()
            store.close()


# ---- driver -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="observations (default 1e6)")
    ap.add_argument("--stations", type=int, default=200, help="stations (x5 quantities)")
    ap.add_argument("--chunk", type=int, default=100_000, help="rows per ingest_columns call")
    ap.add_argument("--batch", type=int, default=5_000, help="items per HTTP request")
    ap.add_argument("--clients", type=int, default=2, help="HTTP client threads")
    ap.add_argument("--workers", type=int, default=1, help="paknam serve --workers")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant (median shown)")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--skip-sqlite-bulk", action="store_true", help="no SQLite bulk/floor")
    args = ap.parse_args(argv)

    print(f"machine: {C.machine()}")
    print(f"start: {C.load()}")
    t0 = time.perf_counter()
    cols = C.observations(args.rows, args.stations)
    n = len(cols[2])
    sids = _series_ids(cols, args.stations)
    print(
        f"data: {n:,} observations, {args.stations} stations x {len(C.QUANTITIES)} quantities, "
        f"{-(-n // (args.stations * len(C.QUANTITIES)))} one-minute steps, time-major "
        f"(generated in {time.perf_counter() - t0:.1f} s); median of {args.repeat} run(s)"
    )
    print(
        f"  {'variant':<36}{'wall s':>8}{'obs/s':>11}{'x floor':>9}"
        f"{'CPU s':>8}{'obs/CPU-s':>11}{'x floor':>9}   wall runs"
    )

    def report(name: str, runs: list[Run], floor: list[Run] | None = None) -> None:
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        line = f"  {name:<36}{wall:8.2f}{n / wall:11,.0f}"
        if floor:
            fw = statistics.median(r.wall for r in floor)
            fc = statistics.median(r.cpu for r in floor)
            line += f"{fw / wall:9.2f}{cpu:8.2f}{n / cpu:11,.0f}{fc / cpu:9.2f}"
        else:
            line += f"{'':9}{cpu:8.2f}{n / cpu:11,.0f}{'':9}"
        print(line + "   " + "/".join(f"{r.wall:.2f}" for r in runs))

    with tempfile.TemporaryDirectory(prefix="paknam-bench-") as tmpname:
        tmp = Path(tmpname)
        # warm-up (imports, first-call costs), not timed
        small = tuple(c[: 10 * args.stations] for c in cols)
        sqlite_store(tmp, small, args.stations, args.chunk)  # type: ignore[arg-type]
        floor: list[Run] = []
        chunked: list[Run] = []
        whole: list[Run] = []
        if not args.skip_sqlite_bulk:
            print("SQLite (CPU = this process)")
            sq_rows = list(zip(sids.tolist(), cols[2].tolist(), cols[3].tolist(), strict=True))
            for _ in range(args.repeat):  # interleaved, so that drift hits all alike
                floor.append(sqlite_floor(tmp, sq_rows))
                chunked.append(sqlite_store(tmp, cols, args.stations, args.chunk))
                whole.append(sqlite_store(tmp, cols, args.stations, n))
            del sq_rows
            report("floor: sqlite3 executemany", floor)
            report(f"store bulk, chunks of {args.chunk:,}", chunked, floor)
            report(f"store bulk, one call of {n:,}", whole, floor)
            print(f"  ({C.load()})")

        if not args.skip_http:
            t0 = time.perf_counter()
            bodies = http_bodies(cols, args.batch)
            enc = time.perf_counter() - t0
            mb = sum(map(len, bodies)) / 1e6
            print(
                f"HTTP on SQLite (CPU = server + client): {len(bodies)} requests of "
                f"{args.batch:,} items, {mb:.0f} MB JSON, {args.clients} client thread(s) "
                f"with keep-alive, paknam serve --workers {args.workers}"
            )
            print(
                f"  client: building and encoding the JSON took {enc:.2f} s "
                f"({enc / n * 1e6:.1f} us/obs), done before the clock starts"
            )
            runs = [
                http_sqlite(tmp, bodies, n, args.stations, args.clients, args.workers)
                for _ in range(args.repeat)
            ]
            for r in runs:
                client = r.cpu - r.server_cpu
                print(
                    f"    run: {r.wall:.2f} s; server CPU {r.server_cpu:.1f} s "
                    f"({r.server_cpu / r.wall:.2f} cores, {r.server_cpu / n * 1e6:.1f} us/obs); "
                    f"client CPU {client:.2f} s ({client / r.wall:.2f} cores)"
                )
            report(f"HTTP POST, batches of {args.batch:,}", runs)
            print(f"  ({C.load()})")
            del bodies

    if not args.skip_postgres:
        import psycopg

        try:
            with psycopg.connect(
                C.pg_admin_url().replace("postgresql+psycopg://", "postgresql://"),
                connect_timeout=5,
            ) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
        except psycopg.OperationalError as exc:
            print(f"PostgreSQL: skipped, cannot connect: {exc}".strip())
        else:
            print(f"PostgreSQL {version} (CPU = this process + its server backends)")
            pg_rows = list(
                zip(
                    sids.tolist(),
                    [C.utc(x) for x in cols[2].tolist()],
                    cols[3].tolist(),
                    strict=True,
                )
            )
            floor, chunked, whole = [], [], []
            for _ in range(args.repeat):
                floor.append(pg_floor(pg_rows))
                chunked.append(pg_store(cols, args.stations, args.chunk))
                whole.append(pg_store(cols, args.stations, n))
            del pg_rows
            report("floor: psycopg binary COPY", floor)
            report(f"store bulk, chunks of {args.chunk:,}", chunked, floor)
            report(f"store bulk, one call of {n:,}", whole, floor)
            print(f"  ({C.load()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
