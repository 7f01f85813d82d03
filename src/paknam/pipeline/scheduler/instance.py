"""One process per role and name: a lease held for as long as a long-running command runs.

``paknam mqtt`` holds ``mqtt.<client id>``: a second ingestor with the same MQTT client id
would take the broker session from the first every second (issue 20 measured 255 messages
handled twice), so it refuses to start instead. The lease is renewed by a background
thread every third of its lifetime; if it is lost (the database was away longer than the
lease and another process took it) ``on_lost`` is called, which stops the service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from paknam.core.errors import Conflict
from paknam.core.store import Store
from paknam.pipeline.scheduler import leases

log = logging.getLogger(__name__)

LEASE_S = 30.0


def _holder_of(store: Store, job: str) -> str:
    with store.read() as conn:
        held = leases.current(conn).get(job)
    return held[0] if held else "another process"


@contextmanager
def single_instance(
    store: Store,
    job: str,
    *,
    on_lost: Callable[[], None],
    ttl_s: float = LEASE_S,
    holder: str | None = None,
    what: str = "this service",
) -> Iterator[str]:
    """Hold the lease ``job`` while the block runs; :class:`Conflict` when another live
    process holds it (naming that process)."""
    me = holder or leases.default_holder()
    if not leases.acquire(store, job, me, ttl_s):
        raise Conflict(
            f"{what} is already running ({_holder_of(store, job)} holds {job!r}); "
            "stop it first, or give this one another name"
        )
    stop = threading.Event()

    def keep() -> None:
        while not stop.wait(ttl_s / 3):
            try:
                if not leases.renew(store, job, me, ttl_s):
                    log.error("lost the lease %s to another process: stopping", job)
                    on_lost()
                    return
            except Exception as exc:  # database away: try again next round
                log.warning("could not renew the lease %s: %s", job, exc)

    thread = threading.Thread(target=keep, name=f"lease-{job}", daemon=True)
    thread.start()
    try:
        yield me
    finally:
        stop.set()
        thread.join(5)
        try:
            leases.release(store, job, me)
        except Exception as exc:  # the lease expires on its own
            log.warning("could not release the lease %s: %s", job, exc)
