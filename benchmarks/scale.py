"""Capacity per core: ingest (HTTP, MQTT), public reads and forecasting, with 1 and 2
workers of each kind, on one PostgreSQL store (issue 20; the figures of docs/scale.md).

Each part reuses an existing benchmark instead of repeating it:

- **HTTP ingest** (``ingest.py``'s bodies and client): ``--http-rows`` observations of 200
  stations × 5 quantities in batches of ``--batch``, POSTed by 2 client threads per server
  worker to ``paknam serve --workers N`` on a fresh scratch database.
- **MQTT ingest**: N ``paknam mqtt`` processes (one: its own client id; two: one
  ``--group``, MQTT 5 shared subscription) on the real Mosquitto (``PAKNAM_MQTT_HOST``,
  default 127.0.0.1:1883) with a topic prefix and client ids of this run only, so other
  users of the broker are not disturbed. ``--mqtt-messages`` messages of one reading each
  (a sensor reporting) are published with QoS 1 as fast as paho can; the time runs until
  every reading is stored (counted in the database).
- **Public reads** (``surge.py``'s store, alert and ``wrk`` runner): the demo data and one
  alert, then ``wrk`` against ``/alerts/{id}`` (the alert page a citizen opens from a
  message) and ``/api/v1/stations`` (the map's data), for ``--duration`` seconds each.
- **Forecasting** (``tides.py``'s data and code): one tide forecast is a harmonic fit of
  a year of hourly levels (Honolulu 2010, UTide's "auto" constituents) and a 7-day hourly
  prediction; N processes each run ``--forecasts`` of them.

For each part and N the benchmark prints the rate, the CPU seconds spent by the servers
(PostgreSQL's backends counted apart) and the rate per CPU second ("per core": what one
fully used core does). The machine has few cores and is often shared: ``uptime`` is
printed before and after each part, and wall-clock rates with 2 workers say more about
the machine than about paknam when the load average is above the core count.

Usage::

    .venv/bin/python benchmarks/scale.py                    # everything, ~5 minutes
    .venv/bin/python benchmarks/scale.py --only reads --duration 5
    .venv/bin/python benchmarks/scale.py --only mqtt --workers 1
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C
import ingest
import surge

from paknam.core.store import Store

PARTS = ("http", "mqtt", "reads", "forecast")
READ_ROUTES = ("/alerts/{alert}", "/api/v1/stations")


@dataclass
class Figure:
    part: str
    workers: int
    what: str
    count: int
    wall_s: float
    server_cpu_s: float
    db_cpu_s: float
    extra: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.wall_s

    @property
    def per_cpu(self) -> float:
        return self.count / self.server_cpu_s if self.server_cpu_s > 0 else float("nan")

    @property
    def per_cpu_all(self) -> float:
        total = self.server_cpu_s + self.db_cpu_s
        return self.count / total if total > 0 else float("nan")

    def line(self) -> str:
        return (
            f"  {self.part:<9} {self.workers:>2}  {self.what:<26} {self.count:>9,} "
            f"{self.wall_s:>7.2f} {self.rate:>10,.0f} {self.server_cpu_s:>7.2f} "
            f"{self.db_cpu_s:>6.2f} {self.per_cpu:>10,.0f} {self.per_cpu_all:>10,.0f}  {self.extra}"
        )


HEADER = (
    f"  {'part':<9} {'N':>2}  {'unit':<26} {'count':>9} {'wall s':>7} {'per s':>10} "
    f"{'cpu s':>7} {'db s':>6} {'per cpu-s':>10} {'+db':>10}"
)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return C.load()


@contextmanager
def store_at(url: str) -> Iterator[Store]:
    store = Store.open(url)
    try:
        yield store
    finally:
        store.close()


# ---- HTTP ingest ---------------------------------------------------------------------------


def http_ingest(workers: int, args: argparse.Namespace, tmp: Path) -> Figure:
    cols = C.observations(args.http_rows, 200)
    bodies = ingest.http_bodies(cols, args.batch)
    with C.pg_scratch("scale_http") as url, store_at(url) as store:
        ids = C.add_stations(store, 200)
        _, key, _ = store.create_device_key(ids, label="benchmark")
        db_cpu, monitor = ingest._pg_backends_cpu(url)
        try:
            with C.serve(url, tmp / "serve-http.log", workers=workers, start_timeout=300) as (
                port,
                pid,
            ):
                cpu0, db0, t0 = C.tree_cpu_s(pid), db_cpu(), time.perf_counter()
                errors = ingest._post_all(port, key, bodies, 2 * workers)
                wall = time.perf_counter() - t0
                cpu, db = C.tree_cpu_s(pid) - cpu0, db_cpu() - db0
        finally:
            monitor.close()
        if errors:
            raise SystemExit(f"{len(errors)} request(s) failed, first: {errors[0]}")
        stored = store.count_observations()
    if stored != args.http_rows:
        raise SystemExit(f"HTTP stored {stored} of {args.http_rows}")
    return Figure(
        "http", workers, f"observations, {args.batch}/request", stored, wall, cpu, db,
        f"{2 * workers} client threads",
    )  # fmt: skip


# ---- MQTT ingest ---------------------------------------------------------------------------


def _publish(host: str, port: int, topics: list[str], payloads: list[bytes]) -> float:
    """Publish every payload with QoS 1 (one connection, many in flight); returns when the
    broker acknowledged the last one. Returns this thread's elapsed seconds."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"scale-pub-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv311,
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    t0 = time.perf_counter()
    infos = [
        client.publish(topic, payload, qos=1)
        for topic, payload in zip(topics, payloads, strict=True)
    ]
    for info in infos:
        info.wait_for_publish(120)
    took = time.perf_counter() - t0
    client.loop_stop()
    client.disconnect()
    return took


def mqtt_ingest(workers: int, args: argparse.Namespace, tmp: Path) -> Figure:
    from paknam.core.config import get_settings

    s = get_settings()
    host, port = s.mqtt_host, s.mqtt_port
    run = uuid.uuid4().hex[:8]
    prefix = f"scale-{run}"
    n = args.mqtt_messages
    stations = C.station_ids(200)
    topics = [f"{prefix}/{stations[i % 200]}/pm25" for i in range(n)]
    t_start = C.START_S
    payloads = [
        json.dumps({"time": C.iso_bkk(t_start + 60 * (i // 200)), "value": 20.0 + i % 7}).encode()
        for i in range(n)
    ]
    with C.pg_scratch("scale_mqtt") as url, store_at(url) as store:
        C.add_stations(store, 200, quantities=("pm25",))
        db_cpu, monitor = ingest._pg_backends_cpu(url)
        env = {**os.environ, "PAKNAM_DATABASE_URL": url}
        procs: list[subprocess.Popen[bytes]] = []
        logs = []
        try:
            for k in range(workers):
                cmd = [*C.paknam_command(), "mqtt", "--host", host, "--port", str(port),
                       "--prefix", prefix, "--client-id", f"scale-{run}-{k}"]  # fmt: skip
                if workers > 1:
                    cmd += ["--group", f"scale{run}"]
                log = tmp / f"mqtt-{k}.log"
                logs.append(log)
                with log.open("wb") as out:
                    procs.append(
                        subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
                    )
            _wait_subscribed(logs, procs)
            cpu0 = sum(C.process_cpu_s(p.pid) for p in procs)
            broker0 = _broker_cpu()
            db0, t0 = db_cpu(), time.perf_counter()
            pub_s = _publish(host, port, topics, payloads)
            deadline = time.monotonic() + 300
            while (stored := store.count_observations()) < n:
                if time.monotonic() > deadline:
                    raise SystemExit(f"MQTT stored {stored} of {n} after 300 s; see {logs}")
                time.sleep(0.05)
            wall = time.perf_counter() - t0
            cpu = sum(C.process_cpu_s(p.pid) for p in procs) - cpu0
            db = db_cpu() - db0
            broker = _broker_cpu() - broker0
        finally:
            monitor.close()
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        _drop_sessions(host, port, [f"scale-{run}-{k}" for k in range(workers)])
    what = "readings (1 per message)"
    extra = f"published in {pub_s:.2f} s, broker {broker:.2f} cpu-s" + (
        ", shared subscription" if workers > 1 else ""
    )
    return Figure("mqtt", workers, what, n, wall, cpu, db, extra)


def _broker_cpu() -> float:
    """CPU seconds of the local Mosquitto (shared: other clients' traffic counts too)."""
    found = subprocess.run(["pgrep", "-x", "mosquitto"], capture_output=True, text=True)
    pids = [int(p) for p in found.stdout.split()]
    return sum(C.process_cpu_s(p) for p in pids) if pids else float("nan")


def _wait_subscribed(logs: list[Path], procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while True:
        texts = [p.read_text(errors="replace") for p in logs]
        if all("subscribing to" in t for t in texts):
            time.sleep(0.5)  # the SUBACK follows the log line
            return
        for proc, text in zip(procs, texts, strict=True):
            if proc.poll() is not None:
                raise SystemExit(f"paknam mqtt exited ({proc.returncode}): {text[-2000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"paknam mqtt did not subscribe in 120 s: {texts[0][-2000:]}")
        time.sleep(0.2)


def _drop_sessions(host: str, port: int, client_ids: list[str]) -> None:
    """End the benchmark's persistent sessions on the shared broker (a clean start with
    session expiry 0), so that nothing of this run stays queued there."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    for cid in client_ids:
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=cid, protocol=mqtt.MQTTv5)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 0
        try:
            c.connect(host, port, clean_start=True, properties=props)
            c.loop_start()
            time.sleep(0.2)
            c.loop_stop()
            c.disconnect()
        except OSError:
            pass


# ---- public reads --------------------------------------------------------------------------


def public_reads(workers: int, args: argparse.Namespace, tmp: Path) -> list[Figure]:
    out = []
    with C.pg_scratch("scale_reads") as url:
        alert = surge.prepare(url)
        hook = tmp / "done.lua"
        hook.write_text(surge.DONE_HOOK)
        wrk_args = argparse.Namespace(
            duration=args.duration, connections=args.connections, threads=2, timeout=5.0
        )
        db_cpu, monitor = ingest._pg_backends_cpu(url)
        try:
            with C.serve(url, tmp / "serve-reads.log", workers=workers, start_timeout=300) as (
                port,
                pid,
            ):
                for template in READ_ROUTES:
                    route = template.replace("{alert}", str(alert))
                    for _ in range(4 * workers):  # every worker has computed it once
                        if surge._get(port, route) >= 400:
                            raise SystemExit(f"GET {route} failed")
                    db0 = db_cpu()
                    r = surge.run_route(port, pid, route, hook, wrk_args)
                    db = db_cpu() - db0
                    wall = r.requests / r.rps
                    extra = f"p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, errors {r.errors:.2%}"
                    out.append(
                        Figure(
                            "reads", workers, f"GET {template}", r.requests, wall,
                            r.cpu_us * r.requests / 1e6, db, extra,
                        )
                    )  # fmt: skip
        finally:
            monitor.close()
    return out


# ---- forecasting ---------------------------------------------------------------------------


@functools.cache
def _tide_record() -> tuple[np.ndarray, np.ndarray, float]:
    import tides

    _, times, levels, lat = tides.records()[0]
    return times, levels, lat


def _forecasts(k: int) -> tuple[int, float]:
    """``k`` tide forecasts in this process; returns (k, CPU seconds)."""
    import resource

    from paknam.living.tides.harmonics import predict, solve

    times, levels, lat = _tide_record()  # read once per process, in the warm-up
    future = times[-1] + np.timedelta64(1, "h") * np.arange(1, 7 * 24 + 1)
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(k):
        fit = solve(times, levels, latitude=lat)
        predict(fit, future)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return k, (ru.ru_utime - ru0.ru_utime) + (ru.ru_stime - ru0.ru_stime)


def forecasting(workers: int, args: argparse.Namespace, tmp: Path) -> Figure:
    per = args.forecasts
    with ProcessPoolExecutor(workers, initializer=_single_blas) as pool:
        list(pool.map(_forecasts, [1] * workers))  # warm-up: imports and data in each
        t0 = time.perf_counter()
        done = list(pool.map(_forecasts, [per] * workers))
        wall = time.perf_counter() - t0
    count = sum(k for k, _ in done)
    cpu = sum(c for _, c in done)
    what = "tide forecasts (1 y fit, 7 d)"
    return Figure("forecast", workers, what, count, wall, cpu, 0.0, "single-threaded BLAS")


def _single_blas() -> None:
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


# ---- main ----------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", choices=PARTS, help="only this part (repeat)")
    ap.add_argument("--workers", type=int, action="append", help="N to measure (default 1, 2)")
    ap.add_argument("--http-rows", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=1_000, help="observations per HTTP request")
    ap.add_argument("--mqtt-messages", type=int, default=10_000)
    ap.add_argument("--duration", type=float, default=8.0, help="wrk seconds per route")
    ap.add_argument("--connections", type=int, default=64, help="wrk -c")
    ap.add_argument("--forecasts", type=int, default=40, help="tide forecasts per process")
    args = ap.parse_args()
    parts = args.only or list(PARTS)
    counts = args.workers or [1, 2]
    print(f"benchmarks/scale.py on {C.machine()}")
    print(f"PostgreSQL: scratch databases on {C.pg_admin_url().rsplit('@', 1)[-1]}")
    runners: dict[str, Callable[[int, argparse.Namespace, Path], Figure | list[Figure]]] = {
        "http": http_ingest,
        "mqtt": mqtt_ingest,
        "reads": public_reads,
        "forecast": forecasting,
    }
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="paknam-scale-") as d:
        tmp = Path(d)
        for part in parts:
            print(f"\n{part}: before: {uptime()}")
            print(HEADER)
            for n in counts:
                got = runners[part](n, args, tmp)
                for f in got if isinstance(got, list) else [got]:
                    figures.append(f)
                    print(f.line(), flush=True)
            print(f"{part}: after: {uptime()}")
    print("\n'cpu s': the paknam processes (servers, ingestors, forecasting processes); 'db s':")
    print("PostgreSQL backends of the scratch database; 'per cpu-s' = count / cpu s, '+db' =")
    print("count / (cpu s + db s): what one fully used core does.")
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "scale"
    raise SystemExit(main())
