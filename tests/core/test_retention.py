"""Retention of raw observations: the policy, the run (batches on both engines, whole
partitions on PostgreSQL), the roll-up kept, the API for expired ranges, the command."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from paknam.api.app import create_app
from paknam.cli import app as cli_app
from paknam.core import partitions, retention
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput
from paknam.core.partitions import Month
from paknam.core.retention import Policy
from paknam.core.retention_run import run_retention
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK_OFFSET_S, now_s, to_local_iso
from tests.conftest import add_air_station

DAY = 86_400
STEP = 6 * 3600
N = 400  # points per series: 100 days every 6 h


@dataclass
class Loaded:
    now: int
    times: np.ndarray
    pm25: np.ndarray
    cutoff: int  # of 30 days


def _load(store: Store, *, with_16t: bool = False) -> Loaded:
    """18t: pm25 and pm10 every 6 h for 100 days up to now (on PostgreSQL into monthly
    partitions); optionally 16t's pm25 for the last 2 days only."""
    now = now_s()
    first = now - N * STEP
    first -= first % 3600
    times = first + STEP * np.arange(N, dtype=np.int64)
    if store.dialect == "postgresql":
        m, made = Month.of(first), []
        while m.lo <= now:
            with store.write() as conn:
                if partitions.ensure_month(conn, m) is not None:
                    made.append(m)
            m = m.plus(1)
    add_air_station(store)
    pm25 = np.round(10 + (np.arange(N) % 37) * 1.5, 1)
    store.ingest_columns(["18t"] * N, ["pm25"] * N, times, pm25, now=now)
    store.ingest_columns(["18t"] * N, ["pm10"] * N, times, pm25 + 20, now=now)
    if with_16t:
        add_air_station(store, "16t", lon=100.5562, lat=13.618)
        recent = times[times > now - 2 * DAY]
        store.ingest_columns(
            ["16t"] * len(recent), ["pm25"] * len(recent), recent, recent * 0 + 7.0
        )
    return Loaded(now, times, pm25, retention.cutoff_of(now, 30))


def _day_means(times: np.ndarray, values: np.ndarray) -> dict[int, float]:
    sums: dict[int, list[float]] = defaultdict(list)
    for t, v in zip(times.tolist(), values.tolist(), strict=True):
        sums[t - (t + BANGKOK_OFFSET_S) % DAY].append(v)
    return {b: sum(vs) / len(vs) for b, vs in sums.items()}


def _raw_times(store: Store, station: str, quantity: str) -> list[int]:
    return [p.time for p in store.read_series(station, quantity, -(2**33), 2**33)]


PM25_30_DAYS = Policy.parse(None, {"quantity:pm25": 30})


def test_policy_precedence_and_bad_settings() -> None:
    p = Policy.parse(90, {"quantity:pm25": 30, "station:18t": None, "source:PCD air4thai": 365})
    assert p.keep_days("18t", "PCD air4thai", "pm25") is None  # the station wins
    assert p.keep_days("16t", "PCD air4thai", "pm25") == 365  # then the source
    assert p.keep_days("16t", None, "pm25") == 30  # then the quantity
    assert p.keep_days("16t", None, "pm10") == 90  # then the default
    assert not Policy.parse(None, {"quantity:pm25": None}).active
    for default, by, word in [
        (0, {}, "≥ 1"),
        (None, {"colour:red": 3}, "colour:red"),
        (None, {"quantity:pm25": 0}, "quantity:pm25"),
        (None, {"quantity:pm25": "30"}, "whole number"),
    ]:
        with pytest.raises(InvalidInput, match=word):
            Policy.parse(default, by)  # type: ignore[arg-type]
    assert retention.cutoff_of(10 * DAY + 1234, 1) == 9 * DAY  # whole hours


def test_retention_removes_exactly_the_expired_rows_and_keeps_the_roll_up(store: Store) -> None:
    d = _load(store)
    expired = int((d.times < d.cutoff).sum())
    assert 0 < expired < N
    dry = run_retention(store, policy=PM25_30_DAYS, now_s=d.now, dry_run=True)
    assert dry.rows == expired and dry.partitions == []
    assert store.count_observations() == 2 * N  # a dry run changes nothing

    said: list[str] = []
    report = run_retention(
        store, policy=PM25_30_DAYS, now_s=d.now, batch_rows=7, progress=said.append
    )
    assert report.rows == expired
    assert report.partitions == []  # every month also holds pm10, which is kept
    assert [s.quantity for s in report.series if s.rows] == ["pm25"]
    assert any("removed so far" in m for m in said)  # many batches, progress shown
    assert _raw_times(store, "18t", "pm25") == [t for t in d.times.tolist() if t >= d.cutoff]
    assert _raw_times(store, "18t", "pm10") == d.times.tolist()
    # the roll-up (never refreshed before the run) has every day, the expired ones too
    days = store.read_series("18t", "pm25", int(d.times[0]), d.now + 1, bucket="day")
    assert {p.time: round(p.value, 9) for p in days} == {
        b: round(v, 9) for b, v in _day_means(d.times, d.pm25).items()
    }
    expiry = store.raw_expiry("18t", "pm25")
    assert expiry == retention.Expiry(d.cutoff, 30)
    assert store.raw_expiry("18t", "pm10") is None
    again = run_retention(store, policy=PM25_30_DAYS, now_s=d.now)
    assert again.rows == 0  # idempotent


def test_a_late_reading_in_an_expired_hour_leaves_its_roll_up_as_it_was(store: Store) -> None:
    """The roll-up of an hour whose raw data has expired is final: a late reading there
    (a device's backlog, a re-import) used to replace the hour's roll-up by itself."""
    d = _load(store)
    run_retention(store, policy=PM25_30_DAYS, now_s=d.now)
    before = store.read_series("18t", "pm25", int(d.times[0]), d.now + 1, bucket="hour")
    old = int(d.times[d.times < d.cutoff][5])  # an hour with a reading, now expired
    store.ingest_columns(["18t"], ["pm25"], np.array([old + 60]), np.array([999.0]), now=d.now)
    late = int(d.times[-1]) + 60  # and one in a kept hour, which does count
    store.ingest_columns(["18t"], ["pm25"], np.array([late]), np.array([999.0]), now=d.now)
    after = store.read_series("18t", "pm25", int(d.times[0]), d.now + 1, bucket="hour")
    hours = {p.time: (p.value, p.count) for p in after}
    assert hours[old] == next((p.value, p.count) for p in before if p.time == old)
    assert hours[late - late % 3600][1] == 2  # the kept hour has both readings
    assert [p for p in after if p.time != late - late % 3600] == [
        p for p in before if p.time != late - late % 3600
    ]


@pytest.mark.postgres
def test_postgresql_drops_whole_expired_partitions_only(request: pytest.FixtureRequest) -> None:
    from tests.conftest import _reset

    store = request.getfixturevalue("_pg_store")
    _reset(store)
    d = _load(store, with_16t=True)
    policy = Policy.parse(30, {"station:16t": None})  # 16t kept for ever (recent rows only)
    with store.read() as conn:
        months = [m for m in partitions.monthly_partitions(conn) if m.lo <= d.now]
    droppable = [m.name for m in months if m.hi <= d.cutoff]
    assert droppable  # 100 days of data: at least two whole months before the cut-off
    dry = run_retention(store, policy=policy, now_s=d.now, dry_run=True)
    assert [p["name"] for p in dry.partitions] == droppable
    report = run_retention(store, policy=policy, now_s=d.now, batch_rows=50)
    assert [p["name"] for p in report.partitions] == droppable
    assert report.rows == dry.rows == 2 * int((d.times < d.cutoff).sum())
    with store.read() as conn:
        left = set(partitions.partition_names(conn))
    assert not left & set(droppable)
    for q in ("pm25", "pm10"):
        assert _raw_times(store, "18t", q) == [t for t in d.times.tolist() if t >= d.cutoff]
    assert len(_raw_times(store, "16t", "pm25")) == int((d.times > d.now - 2 * DAY).sum())
    days = store.read_series("18t", "pm25", int(d.times[0]), d.now + 1, bucket="day")
    assert {p.time: round(p.value, 9) for p in days} == {
        b: round(v, 9) for b, v in _day_means(d.times, d.pm25).items()
    }


def test_api_answers_expired_ranges_from_the_roll_up_or_says_so(store: Store) -> None:
    d = _load(store)
    run_retention(store, policy=PM25_30_DAYS, now_s=d.now)
    old_start, old_end = to_local_iso(int(d.times[0])), to_local_iso(d.cutoff - 5 * DAY)
    url = "/api/v1/stations/18t/series"
    with TestClient(create_app(store)) as c:
        gone = c.get(url, params={"quantity": "pm25", "start": old_start, "end": old_end})
        assert gone.status_code == 410
        err = gone.json()["error"]
        assert err["code"] == "raw_expired" and "kept 30 days" in err["message"]
        assert err["expired_before"] == to_local_iso(d.cutoff)
        csv = c.get(url, params={"quantity": "pm25", "start": old_start, "format": "csv"})
        assert csv.headers["x-raw-expired-before"] == to_local_iso(d.cutoff)

        part = c.get(url, params={"quantity": "pm25", "start": old_start}).json()
        assert part["raw_expired_before"] == to_local_iso(d.cutoff)
        assert "expired" in part["notice"] and part["points"]
        assert len(part["points"]) == int((d.times >= d.cutoff).sum())

        hours = c.get(
            url, params={"quantity": "pm25", "start": old_start, "end": old_end, "bucket": "hour"}
        ).json()
        expected = int(((d.times >= int(d.times[0])) & (d.times < d.cutoff - 5 * DAY)).sum())
        assert len(hours["points"]) == expected  # one sample per hour, from the roll-up
        assert hours["points"][0]["value"] == float(d.pm25[0])
        assert "roll-up" in hours["notice"]

        kept = c.get(url, params={"quantity": "pm10", "start": old_start, "end": old_end}).json()
        assert "raw_expired_before" not in kept and len(kept["points"]) == expected


def _paknam(store: Store, *args: str, **env: str) -> tuple[int, str, str]:
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(cli_app, list(args), env={"PAKNAM_DATABASE_URL": store.url, **env})
    finally:
        get_settings.cache_clear()
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def test_cli_dry_run_run_and_bad_input(store: Store) -> None:
    d = _load(store)
    expired = int((d.times < retention.cutoff_of(now_s(), 30)).sum())
    code, out, err = _paknam(store, "db", "retention", "--dry-run", "--days", "30", "-q", "pm25")
    assert code == 0, err
    assert f"would remove {expired:,} raw observation(s) of 1 series" in out
    assert "18t pm25: would remove" in err
    assert store.count_observations() == 2 * N

    for args, env, message in [
        (["--days", "0"], {}, "--days must be at least 1"),
        (["--days", "30", "-q", "rainbow"], {}, "unknown quantity rainbow"),
        (["--days", "30", "--batch", "5"], {}, "--batch must be 100"),
        ([], {"PAKNAM_RETENTION_RAW_DAYS_BY": '{"colour:red": 3}'}, "colour:red"),
    ]:
        code, _, err = _paknam(store, "db", "retention", *args, **env)
        assert code == 2 and message in err, (args, err)
    assert store.count_observations() == 2 * N

    code, out, err = _paknam(
        store, "db", "retention", "--json", PAKNAM_RETENTION_RAW_DAYS_BY='{"quantity:pm25": 30}'
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rows"] == expired and doc["series"][0]["quantity"] == "pm25"
    assert store.count_observations() == 2 * N - expired


def test_scheduler_jobs_exist_only_where_they_have_work(store: Store) -> None:
    from paknam.core.config import Settings
    from paknam.pipeline.scheduler.jobs import jobs_from_registry

    def names(**kw: object) -> set[str]:
        return {j.name for j in jobs_from_registry(Settings(**kw), env={})}  # type: ignore[arg-type]

    assert not {"db.partitions", "db.retention"} & names()  # SQLite, everything kept
    assert "db.partitions" in names(database_url="postgresql://u@h/db")
    policy = {"retention_raw_days_by": {"quantity:pm25": 30}, "retention_every_s": 3600}
    jobs = {j.name: j for j in jobs_from_registry(Settings(**policy), env={})}  # type: ignore[arg-type]
    assert jobs["db.retention"].every_s == 3600
    add_air_station(store)
    t = np.array([now_s() - 40 * DAY, now_s() - DAY])
    store.ingest_columns(["18t", "18t"], ["pm25", "pm25"], t, np.array([1.0, 2.0]))
    result = jobs["db.retention"].run(store)
    assert (result["rows"], result["series"]) == (1, 1)
    # on PostgreSQL: old, empty monthly partitions other tests left may go too
    assert all(m < Month.of(int(t[1]) - 30 * DAY).name for m in result["partitions_dropped"])
    assert _raw_times(store, "18t", "pm25") == [int(t[1])]
