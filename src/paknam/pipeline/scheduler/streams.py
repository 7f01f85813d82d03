"""Streaming sources under ``paknam run``: one supervised background thread each.

A streaming source (``streaming = True``, e.g. a ChirpStack MQTT integration,
:mod:`paknam.sources.chirpstack_source`) has a ``subscriber(store)`` with ``run()``,
``stop()`` and a ``connected`` event. :class:`StreamSupervisor` keeps one running:

- only while this process holds the lease ``stream.<source id>`` in ``job_leases``
  (renewed every third of its lifetime), so two ``paknam run`` processes on one
  PostgreSQL never run two subscribers with one MQTT client id (they would throw each
  other off the broker); the other process takes over when the holder dies;
- when the subscriber dies (its ``run()`` raises or returns), the death is recorded in
  ``source_health`` as a failure and a new subscriber starts after a backoff with full
  jitter: a random wait in ``[0, min(max_backoff_s, backoff_s × 2^(n-1))]`` after the
  n-th death in a row (a subscriber that ran for ``healthy_s`` resets the count).

The periodic job ``source.<id>`` (:func:`paknam.sources.runner.watch_stream`) watches the
health the subscriber records and keeps the source's ``data_gap`` warning.
"""

from __future__ import annotations

import logging
import random as _random
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from paknam.core.store import Store
from paknam.pipeline.scheduler import leases
from paknam.sources import health

log = logging.getLogger(__name__)

RECHECK_S = 10.0
"""Longest wait before asking again for a lease another process holds [s]."""


class Subscriber(Protocol):
    connected: threading.Event

    def run(self) -> None: ...

    def stop(self) -> None: ...


class StreamingSource(Protocol):
    id: str
    kind: str

    def subscriber(self, store: Store) -> Subscriber: ...


def lease_name(source_id: str) -> str:
    """The ``job_leases`` row that says which process runs a stream."""
    return f"stream.{source_id}"[:64]


class StreamSupervisor:
    """Keeps ``source``'s subscriber running in a background thread (see the module).

    holder : this process in ``job_leases`` (``host:pid``).
    lease_s : lease lifetime [s].
    backoff_s, max_backoff_s : restart backoff base and cap [s].
    healthy_s : a subscriber that ran this long resets the backoff [s].
    """

    def __init__(
        self,
        store: Store,
        source: StreamingSource,
        holder: str,
        *,
        lease_s: float = 60.0,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        healthy_s: float = 300.0,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self.store, self.source, self.holder = store, source, holder
        self.lease = lease_name(source.id)
        self.lease_s = lease_s
        self.backoff_s, self.max_backoff_s, self.healthy_s = backoff_s, max_backoff_s, healthy_s
        self.random = random
        self.starts = 0
        """Subscribers started (1 + restarts)."""
        self.deaths = 0
        self.last_error: str | None = None
        self.holding = threading.Event()
        self._stop = threading.Event()
        self._service: Subscriber | None = None
        self._thread: threading.Thread | None = None

    @property
    def subscriber(self) -> Subscriber | None:
        """The subscriber running now (None between runs)."""
        return self._service

    def start(self) -> StreamSupervisor:
        self._thread = threading.Thread(
            target=self._loop, name=f"stream-{self.source.id}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the subscriber (after its current batch) and release the lease."""
        self._stop.set()
        service = self._service
        if service is not None:
            service.stop()
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ---- the supervising thread --------------------------------------------------------

    def _loop(self) -> None:
        in_a_row = 0
        while not self._stop.is_set():
            try:
                got = leases.acquire(self.store, self.lease, self.holder, self.lease_s)
            except Exception as exc:  # the store may come back
                log.warning("stream %s: could not claim its lease: %s", self.source.id, exc)
                got = False
            if not got:
                self._stop.wait(min(self.lease_s / 3, RECHECK_S))
                continue
            self.holding.set()
            started = time.monotonic()
            try:
                error = self._run_one()
            finally:
                self.holding.clear()
                try:
                    leases.release(self.store, self.lease, self.holder)
                except Exception:
                    log.exception("stream %s: releasing its lease failed", self.source.id)
            if self._stop.is_set():
                break
            self.deaths += 1
            in_a_row = 1 if time.monotonic() - started >= self.healthy_s else in_a_row + 1
            self.last_error = error
            self._record_failure(error)
            cap = min(self.max_backoff_s, self.backoff_s * 2 ** (in_a_row - 1))
            delay = self.random() * cap
            log.error(
                "stream %s: subscriber died (%s); restarting in %.1f s",
                self.source.id,
                error,
                delay,
            )
            self._stop.wait(delay)
        log.info("stream %s stopped", self.source.id)

    def _run_one(self) -> str:
        """Run one subscriber until it dies, the lease is lost or stop; the reason."""
        outcome: dict[str, str] = {}

        def run(service: Subscriber) -> None:
            try:
                service.run()
                outcome["error"] = "the subscriber ended by itself"
            except Exception as exc:
                log.exception("stream %s: subscriber crashed", self.source.id)
                outcome["error"] = f"{type(exc).__name__}: {exc}"

        try:
            service = self.source.subscriber(self.store)
        except Exception as exc:
            log.exception("stream %s: could not create its subscriber", self.source.id)
            return f"cannot start the subscriber: {type(exc).__name__}: {exc}"
        self._service = service
        self.starts += 1
        worker = threading.Thread(target=run, args=(service,), name=f"sub-{self.source.id}")
        worker.daemon = True
        worker.start()
        try:
            while worker.is_alive():
                if self._stop.wait(self.lease_s / 3):
                    break
                try:
                    if not leases.renew(self.store, self.lease, self.holder, self.lease_s):
                        outcome.setdefault("error", "its lease was taken by another process")
                        log.error("stream %s: lease lost; stopping", self.source.id)
                        break
                except Exception:  # the store may come back before the lease runs out
                    log.exception("stream %s: renewing its lease failed", self.source.id)
        finally:
            service.stop()
            worker.join(15)
            self._service = None
        return outcome.get("error", "stopped")

    def _record_failure(self, error: str) -> None:
        try:
            with self.store.write() as conn:
                health.record_failure(
                    conn, self.source.id, self.source.kind, f"subscriber died: {error}"
                )
        except Exception:
            log.exception("stream %s: could not record its failure", self.source.id)


def start_streams(
    store: Store, sources: Iterable[Any], holder: str, *, lease_s: float = 60.0
) -> list[StreamSupervisor]:
    """Start a supervisor for each streaming source of ``sources``."""
    return [
        StreamSupervisor(store, s, holder, lease_s=lease_s).start()
        for s in sources
        if getattr(s, "streaming", False)
    ]


def stop_streams(supervisors: Iterable[StreamSupervisor]) -> None:
    """Stop supervisors (each lets its subscriber finish the batch in hand)."""
    for s in supervisors:
        s._stop.set()
    for s in supervisors:
        s.stop()


__all__ = ["StreamSupervisor", "lease_name", "start_streams", "stop_streams"]
