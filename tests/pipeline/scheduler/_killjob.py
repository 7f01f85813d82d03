"""A job for the kill -9 test: raises a severe warning, issues alerts, then (``--hang``)
hangs as if stuck mid-job so the test can kill the process.

Run as ``python -m tests.pipeline.scheduler._killjob URL --hang`` from the repository root.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any

from paknam.core.store import Store
from paknam.pipeline.flow import issue_alerts
from paknam.pipeline.scheduler.jobs import Job
from paknam.pipeline.scheduler.loop import Scheduler
from tests.pipeline.test_pipeline import _raise, _signal

JOB = "test.warn_and_alert"


def warn_and_alert(store: Store, hang: bool = False) -> Mapping[str, Any]:
    _raise(store, _signal("severe"))
    issued = issue_alerts(store)
    if hang:
        print("HANGING", flush=True)
        time.sleep(60)
    return {"alerts": len(issued.alert), "queued": len(issued.queued)}


def main() -> None:
    url = sys.argv[1]
    store = Store.open(url, migrate=False)
    job = Job(JOB, 3600, lambda s: warn_and_alert(s, hang=True))
    Scheduler(store, [job], "victim:1", lease_s=10).run_once()


if __name__ == "__main__":
    main()
