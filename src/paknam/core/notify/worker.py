"""The delivery worker: claims due batches from the outbox, sends them on their channels
in parallel threads, records each answer as soon as it arrives.

Any number of workers may run on one store: a claim takes due batches under a lease
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer), and a batch whose worker
died is claimed again, whole and under the same key. On PostgreSQL that happens at once:
each worker holds an advisory lock under its own number on a connection of its own, and a
``sending`` batch whose claimer's lock is gone (kill -9 closes the connection) is due. On
SQLite, or when the claimer's number is unknown, the batch waits for the end of its lease
(``PAKNAM_NOTIFY_LEASE_S``, 60 s). Recovery at start (``recover=True``, ``paknam notify
worker --recover``) makes every ``sending`` batch due at once; it is only for the sole
worker of a store, since it cannot tell a dead worker's batches from a live one's.

Channels with an idempotency key (LINE's retry key, the SMS gateway's Idempotency-Key)
make a repeat harmless: their answers are recorded in groups. A channel without one
(e-mail) is fenced and recorded per recipient by the sending thread itself: the handover
is committed before ``DATA`` (and refused once the lease is lost), the answer right after
it arrives, with synchronous commit (see :mod:`paknam.core.notify.channels.email`).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Collection, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from paknam.core.config import Settings, get_settings
from paknam.core.notify.channels import Batch, Channel, Outcome
from paknam.core.notify.outbox import OWNER_LOCK, claim, lease_seconds, mark_handover, record
from paknam.core.notify.schema import delivery_batches
from paknam.core.store import Store

log = logging.getLogger(__name__)


def channels_from_settings(
    settings: Settings | None = None, only: Collection[str] | None = None
) -> dict[str, Channel]:
    """The channels the settings configure (a channel without settings is left out: its
    deliveries wait in the queue until it is configured); ``only``: just these names."""
    # imported here: a worker without LINE need not load the LINE SDK (about a second)
    from paknam.core.notify.channels.email import EmailChannel
    from paknam.core.notify.channels.line import LineChannel
    from paknam.core.notify.channels.sms import SmsChannel

    s = settings or get_settings()
    wanted = set(only) if only is not None else {"line", "sms", "email"}
    out: dict[str, Channel] = {}
    if "line" in wanted and s.line_channel_access_token:
        out["line"] = LineChannel(
            s.line_channel_access_token, s.line_api_base, rate=s.line_multicast_rate
        )
    if "sms" in wanted and s.sms_gateway_url:
        out["sms"] = SmsChannel(s.sms_gateway_url, s.sms_api_key, s.sms_sender)
    if "email" in wanted and s.smtp_host:
        out["email"] = EmailChannel(
            s.smtp_host,
            s.smtp_port,
            s.smtp_from,
            username=s.smtp_username,
            password=s.smtp_password,
            starttls=s.smtp_starttls,
        )
    return out


class Worker:
    """Sends what the outbox holds. ``threads`` requests are in flight at most."""

    def __init__(
        self,
        store: Store,
        channels: Mapping[str, Channel],
        *,
        threads: int = 16,
        batches_per_claim: int = 16,
        lease_s: int | None = None,
    ) -> None:
        self.store = store
        self.channels = dict(channels)
        self.threads = threads
        self.batches_per_claim = batches_per_claim
        self.lease_s = lease_seconds() if lease_s is None else lease_s
        self.sent_batches = 0
        self.owner: int | None = None
        self._presence: sa.Connection | None = None
        self._presence_engine: sa.Engine | None = None

    def _present(self) -> int | None:
        """PostgreSQL: this worker's number, whose advisory lock it holds on a connection of
        its own while it lives (taken on first use). When the worker dies the connection
        closes, the lock goes, and the other workers take its batches over at once instead
        of waiting for their leases. None on SQLite (one writer: leases only)."""
        if self.store.dialect != "postgresql":
            return None
        if self._presence is not None and not self._presence.closed:
            try:
                self._presence.exec_driver_sql("SELECT 1").all()
                self._presence.commit()  # never left idle in a transaction
                return self.owner
            except sa.exc.DBAPIError:  # the lock went with the connection: take a new one
                self._presence.invalidate()
        if self._presence_engine is None:  # outside the store's pool, which it would hold
            self._presence_engine = sa.create_engine(self.store.engine.url, poolclass=NullPool)
        while True:
            owner = random.randint(1, 2**31 - 1)
            conn = self._presence_engine.connect()
            got = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:ns, :n)"), {"ns": OWNER_LOCK, "n": owner}
            ).scalar()
            conn.commit()  # a session lock: it outlives the transaction
            if got:
                self._presence, self.owner = conn, owner
                return owner
            conn.close()

    def prepare(self) -> None:
        """Make the channels ready to send (e.g. LINE loads its SDK's models), so that the
        first alert does not wait for it."""
        for channel in self.channels.values():
            ready = getattr(channel, "prepare", None)
            if ready is not None:
                ready()

    def recover(self) -> int:
        """Make every ``sending`` batch due now (their worker is gone); returns how many
        deliveries."""
        b = delivery_batches
        with self.store.write() as conn:
            n = conn.execute(sa.select(sa.func.sum(b.c.size)).where(b.c.state == "sending"))
            conn.execute(b.update().where(b.c.state == "sending").values(next_attempt_s=0))
            return int(n.scalar() or 0)

    def _send(self, channel: Channel, batch: Batch) -> tuple[Batch, Outcome | None]:
        """Send one batch; the outcome, or None when this thread recorded it already."""
        if not batch.recipients:  # everyone in it withdrew: nothing to send
            return batch, Outcome("sent", "no recipient left in the batch")
        wait = batch.not_before - time.time()
        if wait > 0:  # its slot under the channel's rate limit shared by the workers
            time.sleep(wait)
        fenced = not getattr(channel, "idempotent", True)
        try:
            if fenced:
                send: Any = channel.send  # e-mail's send takes the handover fence
                outcome = send(batch, handover=lambda did: self._handover(batch, did))
            else:
                outcome = channel.send(batch)
        except Exception as exc:  # a bug or an odd answer must not kill the worker
            log.exception("channel %s failed on batch %s", channel.name, batch.key)
            outcome = Outcome("retry", f"{type(exc).__name__}: {exc}")
        if not fenced:
            return batch, outcome
        with self.store.write() as conn:  # at once, synchronous: the at-least-once window
            record(conn, [(batch, outcome)])
        return batch, None

    def _handover(self, batch: Batch, delivery_id: int) -> bool:
        with self.store.write() as conn:
            return mark_handover(conn, batch, delivery_id)

    def run_once(self) -> int:
        """Send everything due now; returns the number of deliveries attempted.

        A batch is claimed only when a thread is free to send it at once, so no claimed
        batch waits long enough for its lease to run out while this worker lives.
        """
        attempted = 0
        owner = self._present()
        with ThreadPoolExecutor(self.threads) as pool:
            futures: set[Future[tuple[Batch, Outcome | None]]] = set()
            for name, channel in self.channels.items():
                while True:
                    free = min(self.threads - len(futures), self.batches_per_claim)
                    if futures and free < max(self.threads // 2, 1):
                        # claim in groups (a claim is one transaction), never more than
                        # the threads that are free to send at once
                        futures = self._record_done(futures)
                        continue
                    with self.store.write() as conn:
                        batches = claim(
                            conn,
                            name,
                            channel.batch_size,
                            free,
                            lease_s=self.lease_s,
                            rate=getattr(channel, "rate", None),
                            owner=owner,
                        )
                    if not batches:
                        break
                    for b in batches:
                        futures.add(pool.submit(self._send, channel, b))
                        attempted += len(b.recipients)
            while futures:
                futures = self._record_done(futures)
        return attempted

    def _record_done(self, futures: set[Future[tuple[Batch, Outcome | None]]]) -> set[Future[Any]]:
        done, rest = wait(futures, return_when=FIRST_COMPLETED)
        self.sent_batches += len(done)
        results = [(b, o) for b, o in (f.result() for f in done) if o is not None]
        if not results:
            return rest
        with self.store.write() as conn:
            if conn.dialect.name == "postgresql":
                # A record lost in a database crash is harmless: the batch is sent again
                # under the same idempotency key and the channel answers "already
                # accepted". (Claims, which fix the keys, stay synchronous.)
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            record(conn, results)
        return rest

    def next_due(self) -> float | None:
        with self.store.read() as conn:
            due = conn.execute(
                sa.select(sa.func.min(delivery_batches.c.next_attempt_s)).where(
                    delivery_batches.c.state.in_(("queued", "sending")),
                    delivery_batches.c.channel.in_(list(self.channels)),
                )
            ).scalar()
        return None if due is None else float(due)

    def run(
        self, stop: threading.Event | None = None, idle: float = 1.0, *, recover: bool = False
    ) -> None:
        """Loop until ``stop`` is set: send what is due, then sleep until the next due time
        (at most ``idle`` seconds, so new messages go out promptly). ``recover`` takes over
        every batch left in ``sending`` at once (only for the sole worker of a store;
        otherwise the leases of a dead worker's batches expire)."""
        stop = stop or threading.Event()
        if recover:
            self.recover()
        while not stop.is_set():
            self.run_once()
            due = self.next_due()
            pause = idle if due is None else min(idle, max(due - time.time(), 0.05))
            stop.wait(pause)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        if self._presence is not None:
            self._presence.close()  # not pooled: closed, and the lock goes with it
            self._presence = None
        if self._presence_engine is not None:
            self._presence_engine.dispose()
            self._presence_engine = None
