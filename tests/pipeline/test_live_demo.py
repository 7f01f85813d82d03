"""The live demo: recorded samples replayed up to now, streamed on a catch-up clock through
the real ingest path, with the scheduler running (issue 13, item 4). The streaming tests
are in test_live_demo_stream.py (a file of their own, so that the two halves of this long
module can run side by side)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sqlalchemy as sa

from paknam.core import timeutil
from paknam.core.registry import basis_of, with_basis
from paknam.core.store import Store
from paknam.core.timeutil import CatchUpClock
from paknam.governance.schema import alerts
from paknam.pipeline.live_demo import load_live

H = 3600


def _statuses(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(sa.select(alerts.c.status).distinct()).scalars())


# ---- the clock -------------------------------------------------------------------------


def test_catch_up_clock_starts_behind_runs_fast_and_never_passes_real_time() -> None:
    clock = CatchUpClock(behind_s=3600, speed=1000)
    t0, first = time.time(), clock()
    assert t0 - first == pytest.approx(3600, abs=2)
    time.sleep(0.5)
    later, t1 = clock(), time.time()
    assert 1000 * 0.5 <= later - first <= 1000 * (t1 - t0) + 1  # 1000x the real time
    assert clock.caught_up_at() == pytest.approx(clock.real_start + 3600 / 999, abs=0.01)
    time.sleep(max(clock.caught_up_at() - time.time(), 0) + 0.2)
    assert clock() <= time.time()
    assert clock() == pytest.approx(time.time(), abs=0.05)
    with pytest.raises(ValueError, match="speed"):
        CatchUpClock(10, 0.5)


def test_platform_clock_is_replaceable_and_restored() -> None:
    timeutil.set_clock(lambda: 1_000_000.0)
    try:
        assert timeutil.now_s() == 1_000_000
        assert timeutil.utcnow().timestamp() == 1_000_000
    finally:
        timeutil.set_clock(None)
    assert abs(timeutil.now_s() - time.time()) < 2


# ---- labels on the board ---------------------------------------------------------------


def test_basis_labels_and_never_judges_what_is_not_measured() -> None:
    assert basis_of([{}, {"source": "x"}]) == "measured"
    assert basis_of([{"replayed": True}, {"replayed": True}]) == "replayed"
    assert basis_of([{"simulated": True}]) == "simulated"
    assert basis_of([{"simulated": True}, {}]) == "mixed"
    rec = {"id": "x", "status": "on_track", "value": 1.0, "details": {"a": 1}}
    out = with_basis(rec, "replayed")
    assert out["status"] == "insufficient_data"
    assert out["details"] == {"a": 1, "status_if_measured": "on_track"}
    assert with_basis(rec, "measured")["status"] == "on_track"


# ---- loading: replayed up to now ---------------------------------------------------------


def test_load_live_replays_up_to_now_holds_back_a_day_and_fills_the_board(store: Store) -> None:
    """As `paknam demo` does: a day held back to stream; the board is full before it
    streams. (Loading twice stores nothing new: `paknam demo` run twice, tests/test_cli.py.)"""
    from paknam.core.registry import domains

    now = int(time.time())
    plan, _run = load_live(store, window_s=24 * H, now=now)
    stations = {s.id: s for s in store.list_stations()}
    air = stations["18t"]
    assert air.meta["replayed"] is True
    segments = air.meta["replay"]["segments"]
    assert len(segments) == 1 and segments[0][1] % 3600 == 0 and segments[0][1] > 0
    canal = stations["bma-191"]
    assert canal.meta["replayed"] is True and canal.meta["replay"]["segments"][0][1] % 86400 == 0
    # nothing stored after the cut; the held readings start after it
    latest = max(
        t for (sid, _q), (t, _v) in store.latest().items() if not sid.startswith(("sim", "cuee"))
    )
    assert latest <= now - 24 * H
    held = np.concatenate([np.asarray(h.times) for h in plan.held])
    assert held.min() > now - 24 * H
    assert (held <= now).sum() >= 20 * 5  # the window: about 24 hourly readings of 5 stations
    # no replayed or simulated warning reaches citizens as Actual
    assert _statuses(store) <= {"Exercise"}

    records = [i for d in domains() if d.indicators is not None for i in d.indicators(store, None)]
    assert len(records) == 14
    with_value = [r for r in records if r.value is not None]
    assert len(with_value) >= 12, [(r.id, r.status) for r in records]
    by_id = {r.id: r for r in records}
    assert by_id["env_wqi"].basis == "replayed"
    assert by_id["living_warning_accuracy"].basis == "simulated"
    assert by_id["energy_alternative_share"].basis == "simulated"
    assert by_id["gov_complaints_handled_quickly"].basis == "sample"
    for r in with_value:
        if r.basis != "measured":
            assert r.status not in ("on_track", "off_track"), r.id


def test_a_later_load_continues_each_series_without_overlap(sqlite_store: Store) -> None:
    now = int(time.time())
    load_live(sqlite_store, window_s=0, now=now - 6 * 86400)
    first = sqlite_store.latest()[("18t", "pm25_24h")][0]
    load_live(sqlite_store, window_s=0, now=now)
    s = sqlite_store.get_station("18t")
    assert len(s.meta["replay"]["segments"]) == 2
    assert s.meta["replay"]["segments"][1][0] > first  # the new offset starts after the old data
    times = [p.time for p in sqlite_store.read_series("18t", "pm25_24h", 0, 2**33)]
    assert times == sorted(set(times))
    assert sqlite_store.latest()[("18t", "pm25_24h")][0] > first + 4 * 86400


def test_a_third_load_in_the_same_hour_changes_nothing_of_the_earlier_segments(
    sqlite_store: Store,
) -> None:
    """After a load that began a new segment (the hour had turned), another load with that
    same offset re-read every recorded reading with it and overwrote the first segment's
    stored values with readings from an hour apart (as corrections)."""
    hour = int(time.time()) // 3600 * 3600 - 3600  # a whole past hour: loads at :01 and :11
    load_live(sqlite_store, window_s=0, now=hour - 3600 + 60)
    load_live(sqlite_store, window_s=0, now=hour + 60)  # a new hour: a second segment
    assert len(sqlite_store.get_station("18t").meta["replay"]["segments"]) == 2
    before = [(p.time, p.value) for p in sqlite_store.read_series("18t", "pm25_24h", 0, 2**33)]
    load_live(sqlite_store, window_s=0, now=hour + 660)  # same hour, same offset
    after = [(p.time, p.value) for p in sqlite_store.read_series("18t", "pm25_24h", 0, 2**33)]
    assert after == before
    assert len(sqlite_store.get_station("18t").meta["replay"]["segments"]) == 2
