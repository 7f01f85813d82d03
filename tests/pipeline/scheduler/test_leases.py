"""Leases on SQLite and PostgreSQL: one holder at a time, expiry, takeover, races."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from paknam.core.store import Store
from paknam.pipeline.scheduler.leases import acquire, current, release, renew
from paknam.pipeline.scheduler.schema import job_leases

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def _s(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def test_one_holder_until_expiry_then_takeover(store: Store) -> None:
    assert acquire(store, "j", "a:1", 10, _s(0))
    assert not acquire(store, "j", "b:2", 10, _s(5))  # held
    assert not acquire(store, "j", "a:1", 10, _s(5))  # held, even by itself
    assert renew(store, "j", "a:1", 10, _s(8))  # now until 18
    assert not acquire(store, "j", "b:2", 10, _s(15))
    with store.read() as conn:
        assert current(conn, _s(15)) == {"j": ("a:1", _s(18))}
        assert current(conn, _s(19)) == {}
    assert acquire(store, "j", "b:2", 10, _s(19))  # a:1 died: b:2 takes over
    assert not renew(store, "j", "a:1", 10, _s(20))  # a:1 lost it
    assert not release(store, "j", "a:1")
    assert release(store, "j", "b:2")
    assert acquire(store, "j", "a:1", 10, _s(21))  # released: free at once
    assert acquire(store, "other", "b:2", 10, _s(21))  # leases are per job
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(job_leases)).scalar() == 2


def test_naive_time_is_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        acquire(store, "j", "a:1", 10, datetime(2026, 1, 1))


def test_racing_for_an_expired_lease_exactly_one_wins(store: Store) -> None:
    """Four threads (own connections, like processes) claim one expired lease at once."""
    n, rounds = 4, 8
    barrier = threading.Barrier(n, timeout=20)
    wins: list[list[str]] = [[] for _ in range(rounds)]

    def claim(holder: str) -> None:
        for r in range(rounds):
            barrier.wait()
            if acquire(store, "race", holder, 5, _s(100 * r + 50)):
                wins[r].append(holder)
            barrier.wait()

    # a dead holder's lease, expired in every round
    assert acquire(store, "race", "dead:0", 1, _s(0))
    threads = [threading.Thread(target=claim, args=(f"h:{i}",)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(len(w) == 1 for w in wins), wins


def test_holders_never_overlap(store: Store) -> None:
    """Two holders loop acquire → work → release; never both inside at once."""
    inside = 0
    most = 0
    got = {"a": 0, "b": 0}
    errors: list[str] = []
    lock = threading.Lock()

    def loop(holder: str) -> None:
        nonlocal inside, most
        for _ in range(40):
            if acquire(store, "x", holder, 30):
                with lock:
                    inside += 1
                    most = max(most, inside)
                    got[holder] += 1
                threading.Event().wait(0.002)
                with lock:
                    inside -= 1
                if not release(store, "x", holder):
                    errors.append(f"{holder} could not release its lease")

    threads = [threading.Thread(target=loop, args=(h,)) for h in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert most == 1 and sum(got.values()) > 0, (most, got)
