"""Several ``paknam notify worker`` processes on one PostgreSQL store, sending to an SMTP
server (aiosmtpd) and a LINE-compatible server on loopback.

- Two workers started together: every e-mail goes out once, every delivery is recorded
  once (one attempt), and both workers took part.
- A worker started while another is mid-send, then a kill -9 of the first: the second
  never touches the first one's batches while it lives; once it is dead (its advisory
  lock went with its connection) the second sends them, without waiting for their leases.
  LINE: every recipient exactly once (the retry key turns the repeats of accepted batches
  into 409s, whether a lease ran out or a timeout made them retries). E-mail has no such
  key: a message the server had taken while the killed worker waited for its 250 goes out
  again (at least once). The test holds the server's answer to make that window wide, and
  checks that every repeat is one the store marks "may have arrived twice", with the same
  Message-ID, and that no other recipient got two.
- With a lease of a minute, a killed worker's batches are sent by the other well before.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from paknam.core.notify.outbox import MAYBE_TWICE, claim, enqueue, pending
from paknam.core.notify.render import render_news
from paknam.core.notify.schema import deliveries, delivery_batches
from paknam.core.notify.subscribers import Audience, Subscription, bulk_subscribe
from paknam.core.store import Store
from tests.conftest import _reset
from tests.governance.loopback import LineServer

pytestmark = pytest.mark.postgres

LEASE_S = 3


class Inbox:
    """What the SMTP server took: (envelope sender, recipient, Message-ID), counted when
    the message has arrived, *before* the 250 (the server is responsible from then on);
    ``hold`` delays the 250 (``hold_for``: per envelope sender)."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, str, str]] = []
        self.answering: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.hold = 0.0
        self.hold_for: dict[str, float] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mid = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.taken.append((envelope.mail_from, rcpt, mid))
            self.answering[envelope.mail_from] += 1
        hold = self.hold_for.get(envelope.mail_from, self.hold)
        if hold:
            await asyncio.sleep(hold)
        with self.lock:
            self.answering[envelope.mail_from] -= 1
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.taken)

    def snapshot(self) -> list[tuple[str, str, str]]:
        with self.lock:
            return list(self.taken)

    def sent_by(self, sender: str) -> int:
        with self.lock:
            return sum(1 for s, _, _ in self.taken if s == sender)

    def waiting(self, sender: str) -> int:
        """Messages from ``sender`` taken whose 250 is being held."""
        with self.lock:
            return self.answering[sender]

    def per_recipient(self) -> Counter[str]:
        with self.lock:
            return Counter(rcpt for _, rcpt, _ in self.taken)


@pytest.fixture
def pg_store(request: pytest.FixtureRequest) -> Store:
    store: Store = request.getfixturevalue("_pg_store")
    _reset(store)
    return store


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start() cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def _worker(
    store: Store,
    log: Path,
    sender: str,
    smtp_port: int,
    line: LineServer | None = None,
    threads: int = 3,
    lease_s: int = LEASE_S,
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAKNAM_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
        "PAKNAM_SMTP_HOST": "127.0.0.1",
        "PAKNAM_SMTP_PORT": str(smtp_port),
        "PAKNAM_SMTP_FROM": sender,
        "PAKNAM_NOTIFY_LEASE_S": str(lease_s),
    }
    if line is not None:
        env["PAKNAM_LINE_CHANNEL_ACCESS_TOKEN"] = line.token
        env["PAKNAM_LINE_API_BASE"] = line.url
    with log.open("ab") as f:
        return subprocess.Popen(
            [sys.executable, "-m", "paknam.cli", "notify", "worker", "--threads", str(threads)],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
        )


def _queue(store: Store, emails: int, line_users: int = 0) -> None:
    subs = [Subscription("email", f"p{i}@example.org", ["1105"], ["flood"]) for i in range(emails)]
    subs += [Subscription("line", f"U{i:032x}", ["1105"], ["flood"]) for i in range(line_users)]
    with store.write() as conn:
        bulk_subscribe(conn, subs)
        enqueue(
            conn,
            kind="news",
            content=render_news("น้ำทะเลหนุนสูง", "High tide", "http://paknam.test/n"),
            audience=Audience(districts=("1105",)),
            created_by="officer1",
        )


def _until(done: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.time() + 60
    while not done():
        assert proc.poll() is None, log.read_text()
        assert time.time() < deadline, what + ": " + log.read_text()
        time.sleep(0.02)


def _wait_all_recorded(store: Store, procs: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.time() + 60
    while True:
        with store.read() as conn:
            if pending(conn) == 0:
                return
        for p in procs:
            assert p.poll() is None, log.read_text()
        assert time.time() < deadline, "the workers did not finish: " + log.read_text()
        time.sleep(0.1)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _records(store: Store) -> list[Any]:
    with store.read() as conn:
        return list(
            conn.execute(
                sa.select(
                    deliveries.c.id,
                    deliveries.c.channel,
                    deliveries.c.state,
                    deliveries.c.attempts,
                    deliveries.c.response,
                    deliveries.c.batch_key,
                )
            )
        )


def test_two_workers_started_together_send_each_email_once(
    pg_store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    box, port = inbox
    n = 60
    _queue(pg_store, n)
    box.hold = 0.05  # a little work per message, so that both workers get their share
    log = tmp_path / "workers.log"
    procs = [_worker(pg_store, log, f"w{k}@paknam.test", port) for k in (1, 2)]
    try:
        _wait_all_recorded(pg_store, procs, log)
    finally:
        _stop(procs)
    got = box.per_recipient()
    assert set(got) == {f"p{i}@example.org" for i in range(n)}
    assert max(got.values()) == 1, [a for a, c in got.items() if c > 1]
    by_worker = Counter(sender for sender, _, _ in box.taken)
    assert set(by_worker) == {"w1@paknam.test", "w2@paknam.test"}, by_worker  # both sent
    rows = _records(pg_store)
    assert len(rows) == n
    assert {(r.state, r.attempts, r.response) for r in rows} == {("sent", 1, "SMTP 250")}


class GatedLine(LineServer):
    """Delivers each accepted multicast at once but answers it only when ``gate`` opens
    (a repeat under an accepted key answers its 409 at once)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        answer = super().handle(path, headers, raw)
        if answer[0] == 200 and path.endswith("multicast"):
            self.gate.wait(60)
        return answer


def test_a_worker_started_mid_send_then_killed_leaves_every_recipient_served(
    pg_store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    box, port = inbox
    emails, users = 300, 1500  # LINE: three multicast batches of 500
    _queue(pg_store, emails, users)
    line = GatedLine()
    line.start()
    w1, w2 = "w1@paknam.test", "w2@paknam.test"
    box.hold_for = {w1: 0.4, w2: 0.02}  # the first worker is slow: e-mail left for the second
    log = tmp_path / "workers.log"
    # the first worker: its LINE batches are delivered but not answered while it lives
    # (their lease runs out: the second sends them again, 409); its other threads send mail
    first = _worker(pg_store, log, w1, port, line, threads=8)
    second: subprocess.Popen[bytes] | None = None
    try:
        _until(lambda: box.count() >= 1, first, log, "the first worker sent no e-mail")
        second = _worker(pg_store, log, w2, port, line)
        _until(lambda: box.sent_by(w2) >= 1, second, log, "the second worker sent nothing")
        assert max(box.per_recipient().values()) == 1, "a worker resent another's mail"
        _until(lambda: box.waiting(w1) >= 1, first, log, "the first worker is not mid-send")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        # the dead worker's e-mails the server took (their 250 never reached it, or was
        # not recorded yet): Message-ID <batch key@paknam>. Its lock went with it: the
        # second worker takes its batches over now, not when their leases end
        lost = {mid.strip("<>").split("@")[0] for s_, _, mid in box.snapshot() if s_ == w1}
        line.gate.set()
        _wait_all_recorded(pg_store, [second], log)
    finally:
        line.gate.set()
        _stop([p for p in (first, second) if p is not None])
        line.stop()

    rows = _records(pg_store)
    assert len(rows) == emails + users
    assert {r.state for r in rows} == {"sent"}
    # LINE: each user exactly once. The first worker's batches were delivered but never
    # answered; each was sent once more under its key (after its lease ran out, or after
    # the first worker's own 10 s timeout made it a retry) and answered 409
    assert len(line.received) == users
    assert {len(t) for t in line.received.values()} == {1}, "a LINE user got two"
    # (at least the three batches; on a loaded machine a batch may be repeated once more
    # when a lease runs out again: answered 409 too, never delivered twice, checked above)
    assert line.statuses.count(409) >= 3
    assert {r.attempts for r in rows if r.channel == "line"} <= {1, 2}
    # E-mail: everyone at least once; two copies only for the messages the server took while
    # the killed worker waited for the 250, same Message-ID, and the store says so
    got = box.per_recipient()
    assert set(got) == {f"p{i}@example.org" for i in range(emails)}
    twice = {a for a, c in got.items() if c > 1}
    assert max(got.values()) == 2
    ids: dict[str, set[str]] = defaultdict(set)
    for _, rcpt, mid in box.snapshot():
        ids[rcpt].add(mid)
    assert all(len(ids[a]) == 1 for a in twice)
    # the repeats are exactly the dead worker's handovers whose answer it never recorded:
    # each one's record says it may have arrived twice
    key_of = {a: next(iter(ids[a])).strip("<>").split("@")[0] for a in got}
    maybe = {r.batch_key for r in rows if r.response.startswith(MAYBE_TWICE)}
    assert twice, "no e-mail of the killed worker was in flight"
    assert {key_of[a] for a in twice} <= maybe <= lost
    assert len(maybe) <= 8  # the dead worker's threads at most
    assert {r.attempts for r in rows if r.channel == "email"} == {1}  # each recorded once


def test_a_killed_workers_batches_are_taken_over_before_their_lease_ends(
    pg_store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    box, port = inbox
    emails, lease = 40, 120
    _queue(pg_store, emails)
    w1, w2 = "w1@paknam.test", "w2@paknam.test"
    box.hold_for = {w1: 30.0}  # the first worker's 250s never come while it lives
    log = tmp_path / "workers.log"
    first = _worker(pg_store, log, w1, port, threads=4, lease_s=lease)
    second: subprocess.Popen[bytes] | None = None
    try:
        _until(lambda: box.waiting(w1) >= 4, first, log, "the first worker is not mid-send")
        second = _worker(pg_store, log, w2, port, lease_s=lease)
        _until(lambda: box.sent_by(w2) >= 1, second, log, "the second worker sent nothing")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.time()
        _wait_all_recorded(pg_store, [second], log)  # fails after 60 s (the lease: 120 s)
        assert time.time() - killed_at < lease / 2
    finally:
        _stop([p for p in (first, second) if p is not None])
    rows = _records(pg_store)
    assert {r.state for r in rows} == {"sent"} and len(rows) == emails
    got = box.per_recipient()
    assert set(got) == {f"p{i}@example.org" for i in range(emails)}
    twice = {a for a, c in got.items() if c > 1}
    assert 1 <= len(twice) <= 4  # the four the dead worker was handing over
    assert len([r for r in rows if r.response.startswith(MAYBE_TWICE)]) == len(twice)


def test_a_batch_held_by_another_claim_is_skipped_then_claimed_whole(pg_store: Store) -> None:
    _queue(pg_store, 0, 1000)  # two LINE batches of 500
    t0 = time.time()
    with pg_store.write() as conn:
        first = claim(conn, "line", 500, 2, now=t0, lease_s=1)  # its worker dies
    keys = {b.key for b in first}
    assert len(keys) == 2
    later = t0 + 10  # both leases over
    held = first[0]
    with pg_store.engine.connect() as other, other.begin():  # another claim holds one
        other.execute(
            sa.select(delivery_batches.c.id)
            .where(delivery_batches.c.batch_key == held.key)
            .with_for_update()
        ).all()
        with pg_store.write() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")  # waiting on it: a failure
            taken = claim(conn, "line", 500, 2, now=later, lease_s=60)
        assert [(b.key, len(b.recipients)) for b in taken] == [(first[1].key, 500)]
    with pg_store.write() as conn:  # released: the whole batch, under its key
        again = claim(conn, "line", 500, 2, now=later, lease_s=60)
    assert [(b.key, len(b.recipients)) for b in again] == [(held.key, 500)]
    assert [sid for sid, _ in again[0].recipients] == [sid for sid, _ in held.recipients]
