"""Rehearse deploy/nginx/paknam.conf: nginx in front of two `paknam serve` hosts on one
PostgreSQL scratch database (docs/deploy.md, "Several API hosts").

Prints: the proxy's cache status for public reads, how long until both hosts and the proxy
answer a new observation, that requests with credentials bypass the cache, and that GETs
and POSTs still succeed with one host killed. Needs nginx, openssl and the PostgreSQL of
PAKNAM_BENCH_POSTGRES_URL (default postgres@127.0.0.1:5432); uses ports 18001, 18002 and
18443 and a temporary folder.

Run from the repository root: ``PYTHONPATH=src:. .venv/bin/python scripts/rehearse_proxy.py``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, "benchmarks")
import _common as C
import httpx
from tests.conftest import add_air_station, obs

from paknam.core.store import Store
from paknam.core.timeutil import to_local_iso

T = tempfile.mkdtemp(prefix="paknam-proxy-")
os.chmod(T, 0o755)  # nginx's workers run as another user
for sub in ("ssl", "cache", "logs"):
    os.makedirs(f"{T}/{sub}", mode=0o755)
subprocess.run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
     f"{T}/ssl/privkey.pem", "-out", f"{T}/ssl/fullchain.pem", "-days", "1",
     "-subj", "/CN=localhost"],
    check=True, capture_output=True,
)  # fmt: skip
site = (
    Path("deploy/nginx/paknam.conf").read_text()
    .replace("/etc/ssl/paknam", f"{T}/ssl").replace("/var/cache/nginx/paknam", f"{T}/cache")
    .replace("listen 443", "listen 127.0.0.1:18443")
    .replace("listen 80;", "listen 127.0.0.1:18080;")
    .replace("10.0.0.11:8000", "127.0.0.1:18001").replace("10.0.0.12:8000", "127.0.0.1:18002")
)  # fmt: skip
Path(f"{T}/site.conf").write_text(site)
Path(f"{T}/nginx.conf").write_text(
    f"pid {T}/nginx.pid;\nerror_log {T}/logs/error.log;\nworker_processes 1;\n"
    "events { worker_connections 1024; }\n"
    f"http {{ access_log {T}/logs/access.log; client_body_temp_path {T}/cache/body; "
    f"proxy_temp_path {T}/cache/proxy; include {T}/site.conf; }}\n"
)


def iso(h):
    return to_local_iso(int(time.time() - h * 3600))


with C.pg_scratch("scale_proxy") as url:
    store = Store.open(url)
    add_air_station(store)
    store.ingest_items([obs("18t", "pm25", iso(1), 21.0)])
    _, key, _ = store.create_device_key(["18t"])
    procs = []
    for port in (18001, 18002):
        env = {**os.environ, "PAKNAM_DATABASE_URL": url, "FORWARDED_ALLOW_IPS": "127.0.0.1"}
        with Path(f"{T}/logs/serve-{port}.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [*C.paknam_command(), "serve", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    for port in (18001, 18002):
        deadline = time.monotonic() + 300  # a loaded machine takes minutes
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"paknam serve on {port} did not start; see {T}/logs")
            time.sleep(0.2)
    subprocess.run(["nginx", "-c", f"{T}/nginx.conf", "-p", T], check=True)
    try:
        c = httpx.Client(
            base_url="https://127.0.0.1:18443",
            verify=False,
            headers={"Host": "data.samutprakan.example"},
        )

        def pm25(cl, base=""):
            r = cl.get(base + "/api/v1/stations")
            return r.json()["features"][0]["properties"]["latest"]["pm25"]["value"], r.headers.get(
                "x-cache-status"
            )

        print("via proxy:", [pm25(c) for _ in range(4)])
        r = c.post(
            "/api/v1/observations",
            json={"observations": [obs("18t", "pm25", iso(0.5), 35.0)]},
            headers={"Authorization": f"Bearer {key}"},
        )
        print("POST via proxy:", r.status_code, r.headers.get("x-cache-status"))
        t0 = time.monotonic()
        direct = [httpx.Client(base_url=f"http://127.0.0.1:{p}") for p in (18001, 18002)]
        while not all(pm25(d)[0] == 35.0 for d in direct):
            time.sleep(0.05)
        print(f"both hosts answer 35.0 after {time.monotonic() - t0:.2f} s")
        t0 = time.monotonic()
        while pm25(c)[0] != 35.0:
            time.sleep(0.2)
        print(
            f"proxy answers 35.0 after {time.monotonic() - t0:.2f} s (its cache: max-age 15 s)",
            pm25(c),
        )
        auth = c.get("/api/v1/stations", headers={"Authorization": "Bearer nonsense"})
        print("with credentials:", auth.status_code, auth.headers.get("x-cache-status"))
        procs[0].kill()
        procs[0].wait()
        codes = [c.get(f"/api/v1/stations/18t?n={i}").status_code for i in range(10)]
        print("host A killed; 10 uncached GETs via proxy:", codes)
        r = c.post(
            "/api/v1/observations",
            json={"observations": [obs("18t", "pm25", iso(0.4), 36.0)]},
            headers={"Authorization": f"Bearer {key}"},
        )
        print("POST via proxy with host A dead:", r.status_code)
    finally:
        subprocess.run(["nginx", "-c", f"{T}/nginx.conf", "-p", T, "-s", "stop"])
        for p in procs:
            p.terminate()
            p.wait()
        store.close()

shutil.rmtree(T, ignore_errors=True)
