"""Bytes per stored observation on SQLite and PostgreSQL (table + index), and of the roll-up.

Loads ``--rows`` observations (default 1,000,000: 200 air stations × 5 quantities, one a
minute, the data of ``benchmarks/ingest.py``) through the store's bulk path
(``Store.ingest_columns`` in chunks), rolls every hour up (``observations_hourly``), then
measures what the database holds:

- SQLite (a fresh file): the pages of each b-tree (``dbstat``) after a WAL checkpoint.
  ``observations`` is a ``WITHOUT ROWID`` table: the table is its primary-key index.
- PostgreSQL (a scratch database, dropped at the end; migration 0017's partitioned table,
  the data's month given its partition): ``pg_table_size`` (heap, free-space and
  visibility maps) and ``pg_indexes_size`` of every partition, after ``VACUUM ANALYZE``.

For comparison ThingsBoard's documentation measured 152 GiB per 10⁹ points on PostgreSQL:
163 bytes a point.

Usage::

    .venv/bin/python benchmarks/storage.py
    .venv/bin/python benchmarks/storage.py --rows 100000 --skip-postgres
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_stations, load, machine, observations, pg_scratch

from paknam.core import observations as obs
from paknam.core import partitions
from paknam.core.store import Store

THINGSBOARD_BYTES = 152 * 2**30 / 1e9


def _fill(store: Store, rows: int, stations: int, chunk: int) -> float:
    add_stations(store, stations)
    st, qu, t, v = observations(rows, n_stations=stations)
    if store.dialect == "postgresql":  # the data's months get their partitions
        first, last = partitions.Month.of(int(t.min())), partitions.Month.of(int(t.max()))
        m = first
        while (m.year, m.month) <= (last.year, last.month):
            with store.write() as conn:
                partitions.ensure_month(conn, m)
            m = m.plus(1)
    t0 = time.perf_counter()
    for i in range(0, rows, chunk):
        store.ingest_columns(
            st[i : i + chunk], qu[i : i + chunk], t[i : i + chunk], v[i : i + chunk]
        )
    with store.write(changes_answers=False) as conn:  # the roll-up of every hour
        for (sid,) in conn.exec_driver_sql("SELECT id FROM series").all():
            obs.refresh_rollup(conn, int(sid), -(2**33), 2**33)
    return time.perf_counter() - t0


def _report(engine: str, rows: int, sizes: dict[str, tuple[int, int]], seconds: float) -> None:
    print(f"\n{engine}: {rows:,} observations loaded and rolled up in {seconds:.1f} s")
    print(f"  {'what':<28}{'table B':>14}{'index B':>14}{'B/point':>10}")
    for what, (table, index) in sizes.items():
        print(f"  {what:<28}{table:>14,}{index:>14,}{(table + index) / rows:>10.1f}")
    raw = sizes["observations"]
    per = (raw[0] + raw[1]) / rows
    print(
        f"  raw observations: {per:.1f} B/point = {per * 1e9 / 2**30:.0f} GiB per 10^9 points "
        f"(ThingsBoard on PostgreSQL: {THINGSBOARD_BYTES:.0f} B/point, 152 GiB)"
    )


def sqlite_sizes(rows: int, stations: int, chunk: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/storage.sqlite3")
        try:
            seconds = _fill(store, rows, stations, chunk)
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                pages = dict(
                    conn.exec_driver_sql("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").all()
                )
        finally:
            store.close()
    sizes = {
        # WITHOUT ROWID: the table is the primary-key b-tree
        "observations": (int(pages.get("observations", 0)), 0),
        "observations_hourly": (
            int(pages.get("observations_hourly", 0)),
            int(pages.get("sqlite_autoindex_observations_hourly_1", 0)),
        ),
    }
    _report("SQLite", rows, sizes, seconds)


def postgres_sizes(rows: int, stations: int, chunk: int) -> None:
    with pg_scratch("paknam_storage") as url:
        store = Store.open(url)
        try:
            seconds = _fill(store, rows, stations, chunk)
            with store.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE observations")
                conn.exec_driver_sql("VACUUM ANALYZE observations_hourly")
                raw = conn.exec_driver_sql(
                    "SELECT sum(pg_table_size(relid)), sum(pg_indexes_size(relid)) "
                    "FROM pg_partition_tree('observations') WHERE isleaf"
                ).one()
                hourly = conn.exec_driver_sql(
                    "SELECT pg_table_size('observations_hourly'), "
                    "pg_indexes_size('observations_hourly')"
                ).one()
                held = conn.exec_driver_sql(
                    "SELECT relid::regclass::text FROM pg_partition_tree('observations') "
                    "WHERE isleaf AND pg_table_size(relid) > 8192"
                ).all()
        finally:
            store.close()
    sizes = {
        "observations": (int(raw[0]), int(raw[1])),
        "observations_hourly": (int(hourly[0]), int(hourly[1])),
    }
    _report("PostgreSQL", rows, sizes, seconds)
    print(f"  partitions holding the data: {', '.join(r[0] for r in held)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--stations", type=int, default=200)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true")
    args = ap.parse_args()
    print(machine())
    print(load(), "(start)")
    if not args.skip_sqlite:
        sqlite_sizes(args.rows, args.stations, args.chunk)
    if not args.skip_postgres:
        postgres_sizes(args.rows, args.stations, args.chunk)
    print("\n" + load(), "(end)")


if __name__ == "__main__":
    main()
