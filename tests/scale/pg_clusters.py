"""Throwaway PostgreSQL 15 clusters for tests: a primary and its read replicas, made in a
temporary folder on free ports, run as the ``postgres`` OS user (initdb and postgres refuse
root), and removed however the test ends.

The replicas are made by ``deploy/postgres/make-replica.sh`` and promoted by
``deploy/postgres/promote.sh``: the operator scripts themselves are what the tests run.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "postgres"
_SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
shared_buffers = 16MB
max_connections = 40
wal_level = replica
max_wal_senders = 4
checkpoint_timeout = 300
fsync = off  # throwaway clusters: the tests crash processes, never the machine
log_min_messages = warning
"""


def missing() -> str | None:
    """Why clusters cannot be made here, or None."""
    for program in ("initdb", "pg_ctl", "pg_basebackup", "psql"):
        if not (BINDIR / program).is_file():
            return f"no {program} in {BINDIR} (PostgreSQL 15 server binaries; set PG_BINDIR)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to run PostgreSQL as 'postgres'"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres(args: Sequence[str | os.PathLike[str]], **kwargs: object) -> str:
    """Run ``args`` as the PostgreSQL OS user (``postgres`` when we are root); its output."""
    cmd = [str(a) for a in args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return str(done.stdout)


@dataclass
class Cluster:
    """One PostgreSQL server: its data folder and port."""

    pgdata: Path
    port: int
    running: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def psql(self, sql: str) -> str:
        out = as_postgres(
            [
                BINDIR / "psql",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                sql,
            ]
        )
        return out.strip()

    def start(self) -> None:
        as_postgres(
            [
                BINDIR / "pg_ctl",
                "-D",
                self.pgdata,
                "-l",
                self.pgdata / "server.log",
                "-w",
                "-t",
                "30",
                "start",
            ]
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            as_postgres([BINDIR / "pg_ctl", "-D", self.pgdata, "-m", mode, "-w", "stop"])
            self.running = False


class Clusters:
    """A temporary folder holding a primary and its replicas; :meth:`close` stops and
    removes everything."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="paknam-pg-"))
        self.sockets = self.root / "sockets"
        self.sockets.mkdir()
        self.members: list[Cluster] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def primary(self) -> Cluster:
        """A new primary (initdb, trust on loopback: these clusters live seconds)."""
        cluster = Cluster(self.root / f"node{len(self.members)}", free_port())
        self.members.append(cluster)
        as_postgres(
            [
                BINDIR / "initdb",
                "-D",
                cluster.pgdata,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "--no-instructions",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with (cluster.pgdata / "postgresql.conf").open("a") as conf:
            conf.write(_SERVER_SETTINGS.format(sockets=self.sockets))
            conf.write(f"port = {cluster.port}\n")
        cluster.start()
        return cluster

    def replica(self, primary: Cluster, name: str) -> Cluster:
        """A streaming hot standby of ``primary``, made and started by make-replica.sh."""
        cluster = Cluster(self.root / f"node{len(self.members)}", free_port())
        self.members.append(cluster)
        as_postgres(
            [
                "bash",
                DEPLOY / "make-replica.sh",
                "--primary-host",
                "127.0.0.1",
                "--primary-port",
                str(primary.port),
                "--pgdata",
                cluster.pgdata,
                "--port",
                str(cluster.port),
                "--name",
                name,
                "--slot",
                name,
                "--bindir",
                BINDIR,
                "--start",
                "--no-sync",
            ]
        )
        cluster.running = True
        return cluster

    def promote(self, standby: Cluster, *extra: str) -> str:
        """promote.sh on ``standby``; what it printed."""
        return as_postgres(
            ["bash", DEPLOY / "promote.sh", "--port", str(standby.port), "--bindir", BINDIR, *extra]
        )

    def close(self) -> None:
        for cluster in self.members:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                cluster.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_until(check: object, timeout: float = 10.0, every: float = 0.05) -> bool:
    """Poll ``check()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(every)
    return bool(check())  # type: ignore[operator]
