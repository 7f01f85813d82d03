"""One scheduler for the two-process test (run as a process, and in the test's own): the
loop of ``paknam run`` (:meth:`Scheduler.run`) with one slow job for a few seconds; the job appends
``holder start end`` to a log file (its own record, independent of ``job_runs``).

Run as ``python -m tests.pipeline.scheduler._twoschedulers URL LOG HOLDER SECONDS``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from paknam.core.store import Store
from paknam.pipeline.scheduler.jobs import Job
from paknam.pipeline.scheduler.loop import Scheduler

JOB = "test.shared"
EVERY_S = 0.4
WORK_S = 0.25


def run(url: str, log: str, holder: str, seconds: float) -> None:
    """One scheduler with its own store (own connections), for ``seconds``."""

    def work(_: Store) -> Mapping[str, Any]:
        start = time.time()
        time.sleep(WORK_S)
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{holder} {start:.6f} {time.time():.6f}\n".encode())
        finally:
            os.close(fd)
        return {}

    store = Store.open(url, migrate=False)
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    try:
        Scheduler(store, [Job(JOB, EVERY_S, work)], holder, threads=2).run(stop, tick_s=0.02)
    finally:
        store.close()


def main() -> None:
    url, log, holder, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    print("READY", flush=True)
    sys.stdin.readline()  # both start together
    run(url, log, holder, seconds)


if __name__ == "__main__":
    main()
