"""A source harvest for the kill -9 test: the harvest stores its rows, then (before the
runner records the source's health and cursor) hangs as if stuck, so the test can kill
the process at the worst moment.

Run as ``python -m tests.pipeline.scheduler._killharvest STORE_URL AGENCY_URL``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from typing import Any

from paknam.core.store import Store
from paknam.pipeline.scheduler.jobs import source_jobs
from paknam.pipeline.scheduler.loop import Scheduler
from paknam.sources.base import Harvest
from paknam.sources.polled import PolledSource


def entry(url: str) -> dict[str, Any]:
    return {
        "id": "agency",
        "kind": "json",
        "url": url,
        "records": "rows",
        "station": "site",
        "quantity": "param",
        "value": "reading",
        "time": "obs_time",
        "every_s": 3600,
        "retries": 0,
    }


def env(url: str) -> dict[str, str]:
    return {"PAKNAM_SOURCES": json.dumps([entry(url)])}


def main() -> None:
    store = Store.open(sys.argv[1], migrate=False)
    real = PolledSource.harvest

    def harvest(
        self: PolledSource, store: Store, cursor: Mapping[str, Any] | None, now: int
    ) -> Harvest:
        done = real(self, store, cursor, now)  # rows committed ...
        print("HARVESTED", done.stored, flush=True)
        time.sleep(60)  # ... health and cursor not yet
        return done

    PolledSource.harvest = harvest  # type: ignore[method-assign]
    (job,) = source_jobs(env(sys.argv[2]))  # the real job of the configured source
    Scheduler(store, [job], "victim:1", lease_s=2).run_once()


if __name__ == "__main__":
    main()
