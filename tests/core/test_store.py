"""The store's rules, on SQLite and on PostgreSQL (same tests, both engines)."""

from __future__ import annotations

import numpy as np
import pytest

from paknam.core.errors import (
    AuthenticationFailed,
    BatchRejected,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from paknam.core.models import SeriesSpec, StationCreate, StationUpdate, UserCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from tests.conftest import add_air_station, obs

T0 = "2025-01-01T07:00:00+07:00"


def test_store_districts_seeded_with_six_amphoe(store: Store) -> None:
    names = {d["code"]: d["name_th"] for d in store.list_districts()}
    assert len(names) == 6
    assert names["1101"] == "เมืองสมุทรปราการ"
    assert names["1105"] == "พระสมุทรเจดีย์"


def test_store_station_district_inferred_from_location(store: Store) -> None:
    add_air_station(store)  # City Hall, Pak Nam
    add_air_station(store, "08t", lon=100.543436, lat=13.664087)  # Phra Pradaeng
    add_air_station(store, "bkk", lon=100.5018, lat=13.7563)  # Bangkok: outside
    assert store.get_station("18t").district_code == "1101"
    assert store.get_station("08t").district_code == "1104"
    assert store.get_station("bkk").district_code is None


def test_store_station_duplicate_id_conflict(store: Store) -> None:
    add_air_station(store)
    with pytest.raises(Conflict, match="station '18t' already exists"):
        add_air_station(store)


def test_store_station_unknown_district_lists_known(store: Store) -> None:
    with pytest.raises(InvalidInput, match="unknown district code '9999'; known: 1101"):
        add_air_station(store, district_code="9999")
    assert store.list_stations() == []


def test_store_water_level_series_needs_datum(store: Store) -> None:
    new = StationCreate(
        id="wl1",
        name_th="ป้อมพระจุล",
        name_en="Pom Phrachun",
        kind="water_level",
        lon=100.585,
        lat=13.542,
        quantities=[SeriesSpec(quantity="water_level")],
    )
    with pytest.raises(InvalidInput, match="needs a datum"):
        store.add_station(new)
    assert store.list_stations() == []  # nothing half-written
    new.quantities = [SeriesSpec(quantity="water_level", datum="MSL")]
    station = store.add_station(new)
    assert station.series[0].datum == "MSL"


def test_store_add_series_and_update_station(store: Store) -> None:
    add_air_station(store)
    store.add_series("18t", SeriesSpec(quantity="o3"))
    with pytest.raises(Conflict):
        store.add_series("18t", SeriesSpec(quantity="o3"))
    changed = store.update_station("18t", StationUpdate(name_en="Samut Prakan City Hall"))
    assert changed.name_en == "Samut Prakan City Hall"
    assert [s.quantity for s in changed.series] == ["o3", "pm10", "pm25"]


def test_store_ingest_idempotent_resend_adds_nothing(store: Store) -> None:
    add_air_station(store)
    batch = [obs("18t", "pm25", f"2025-01-01T0{h}:00:00+07:00", 10.0 + h) for h in range(5)]
    first = store.ingest_items(batch)
    again = store.ingest_items(batch)
    assert (first.stored, first.unchanged) == (5, 0)
    assert (again.stored, again.unchanged) == (0, 5)
    assert store.count_observations() == 5
    assert store.revisions("18t", "pm25") == []


def test_store_ingest_correction_replaces_and_is_recorded(store: Store) -> None:
    add_air_station(store)
    store.ingest_items([obs("18t", "pm25", T0, 12.0)])
    store.ingest_items([obs("18t", "pm25", T0, 14.5)])
    t = parse_time(T0)
    points = store.read_series("18t", "pm25", t, t + 1)
    assert [(p.time, p.value) for p in points] == [(t, 14.5)]
    revs = store.revisions("18t", "pm25")
    assert len(revs) == 1
    assert (revs[0]["time_s"], revs[0]["old_value"], revs[0]["new_value"]) == (t, 12.0, 14.5)


def test_store_ingest_batch_all_or_nothing(store: Store) -> None:
    add_air_station(store)
    batch = [obs("18t", "pm25", T0, 10.0), obs("18t", "pm25", "2025-01-01T08:00:00+07:00", -2)]
    with pytest.raises(BatchRejected) as info:
        store.ingest_items(batch)
    assert [(e.index, e.reason) for e in info.value.errors] == [
        (1, "station '18t': pm25 value -2 µg/m³ is below 0 µg/m³")
    ]
    assert store.count_observations() == 0


def test_store_ingest_device_key_only_own_stations(store: Store) -> None:
    add_air_station(store)
    add_air_station(store, "16t", lon=100.5562, lat=13.618)
    _, key, _ = store.create_device_key(["18t"])
    device = store.principal(key)
    assert device.stations == {"18t"}
    store.ingest_items([obs("18t", "pm25", T0, 1.0)], principal=device)
    with pytest.raises(PermissionDenied, match=r"may not write station.*'16t'"):
        store.ingest_items(
            [obs("18t", "pm25", T0, 1.0), obs("16t", "pm25", T0, 1.0)], principal=device
        )
    assert store.count_observations() == 1


def test_store_device_key_hashed_and_revocable(store: Store) -> None:
    add_air_station(store)
    key_id, key, prefix = store.create_device_key(["18t"])
    with store.read() as conn:
        stored = [r[0] for r in conn.exec_driver_sql("SELECT key_hash FROM device_keys")]
    assert key not in stored and len(stored[0]) == 64
    assert key.startswith(prefix)
    store.revoke_device_key(key_id)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        store.principal(key)
    with pytest.raises(NotFound):
        store.revoke_device_key(key_id)


def test_store_users_argon2_login_and_roles(store: Store) -> None:
    store.add_user(UserCreate(username="somchai", password="correct horse", role="officer"))
    with store.read() as conn:
        (hashed,) = conn.exec_driver_sql("SELECT password_hash FROM users").one()
    assert hashed.startswith("$argon2id$")
    with pytest.raises(AuthenticationFailed):
        store.login("somchai", "wrong password")
    with pytest.raises(AuthenticationFailed):
        store.login("nobody", "correct horse")
    token = store.login("somchai", "correct horse")
    who = store.principal(token)
    assert (who.kind, who.name, who.role) == ("user", "somchai", "officer")
    assert who.may_write_station("any")
    store.logout(token)
    with pytest.raises(AuthenticationFailed):
        store.principal(token)
    with pytest.raises(Conflict):
        store.add_user(UserCreate(username="somchai", password="another one!"))


def _minute_series(store: Store, start: str, minutes: int) -> int:
    t0 = parse_time(start)
    times = t0 + 60 * np.arange(minutes, dtype=np.int64)
    values = (np.arange(minutes) % 100).astype(float)
    store.ingest_columns(
        np.array(["18t"] * minutes, dtype=object),
        np.array(["pm25"] * minutes, dtype=object),
        times,
        values,
        now=int(times[-1]),
    )
    return t0


def test_store_series_day_buckets_align_to_bangkok_midnight(store: Store) -> None:
    add_air_station(store)
    # two points: 23:30 and 00:30 Thai time fall in different Thai days
    store.ingest_items(
        [
            obs("18t", "pm25", "2025-01-01T23:30:00+07:00", 10.0),
            obs("18t", "pm25", "2025-01-02T00:30:00+07:00", 30.0),
            obs("18t", "pm25", "2025-01-02T06:59:00+07:00", 50.0),
        ]
    )
    start, end = parse_time("2025-01-01T00:00:00+07:00"), parse_time("2025-01-03T00:00:00+07:00")
    days = store.read_series("18t", "pm25", start, end, bucket="day", agg="mean")
    assert [(p.time, p.value, p.count) for p in days] == [
        (parse_time("2025-01-01T00:00:00+07:00"), 10.0, 1),
        (parse_time("2025-01-02T00:00:00+07:00"), 40.0, 2),
    ]


def test_store_series_hour_aggregates(store: Store) -> None:
    add_air_station(store)
    t0 = _minute_series(store, "2025-03-01T00:00:00+07:00", 180)
    hours = store.read_series("18t", "pm25", t0, t0 + 3 * 3600, bucket="hour", agg="max")
    assert [(p.time - t0, p.value, p.count) for p in hours] == [
        (0, 59.0, 60),
        (3600, 99.0, 60),
        (7200, 79.0, 60),
    ]
    counts = store.read_series("18t", "pm25", t0, t0 + 3 * 3600, bucket="hour", agg="count")
    assert [p.value for p in counts] == [60.0, 60.0, 60.0]
    means = store.read_series("18t", "pm25", t0, t0 + 3600, bucket="hour", agg="mean")
    assert means[0].value == pytest.approx(np.arange(60).mean())


def test_store_series_raw_range_and_limit(store: Store) -> None:
    add_air_station(store)
    t0 = _minute_series(store, "2025-03-01T00:00:00+07:00", 30)
    raw = store.read_series("18t", "pm25", t0 + 60, t0 + 300)
    assert [p.time - t0 for p in raw] == [60, 120, 180, 240]
    assert len(store.read_series("18t", "pm25", t0, t0 + 3600, limit=7)) == 7


def test_store_series_errors_name_the_problem(store: Store) -> None:
    add_air_station(store)
    with pytest.raises(NotFound, match=r"station '18t' does not measure 'o3'.*pm10, pm25"):
        store.read_series("18t", "o3", 0, 10)
    with pytest.raises(NotFound, match="station 'x' does not exist"):
        store.read_series("x", "pm25", 0, 10)
    with pytest.raises(InvalidInput, match="unknown bucket 'week'"):
        store.read_series("18t", "pm25", 0, 10, bucket="week")


def test_store_latest_per_series(store: Store) -> None:
    add_air_station(store)
    add_air_station(store, "16t", lon=100.5562, lat=13.618)
    store.ingest_items(
        [
            obs("18t", "pm25", "2025-01-01T07:00:00+07:00", 1.0),
            obs("18t", "pm25", "2025-01-01T09:00:00+07:00", 3.0),
            obs("18t", "pm25", "2025-01-01T08:00:00+07:00", 2.0),
            obs("16t", "pm10", "2025-01-01T08:00:00+07:00", 9.0),
        ]
    )
    assert store.latest() == {
        ("18t", "pm25"): (parse_time("2025-01-01T09:00:00+07:00"), 3.0),
        ("16t", "pm10"): (parse_time("2025-01-01T08:00:00+07:00"), 9.0),
    }


def test_store_historic_times_before_1970(store: Store) -> None:
    """Tide records start in 1940: negative epoch seconds must bucket correctly."""
    new = StationCreate(
        id="psmsl444",
        name_th="ป้อมพระจุลจอมเกล้า",
        name_en="Fort Phrachula Chomklao",
        kind="water_level",
        lon=100.585,
        lat=13.542,
        quantities=[SeriesSpec(quantity="water_level", datum="RLR")],
    )
    store.add_station(new)
    store.ingest_items(
        [
            {
                "station": "psmsl444",
                "quantity": "water_level",
                "time": "1940-01-15T23:30:00+07:00",
                "value": 1.5,
            }
        ]
    )
    t = parse_time("1940-01-15T00:00:00+07:00")
    days = store.read_series("psmsl444", "water_level", t - 86400, t + 86400, bucket="day")
    assert [(p.time, p.value) for p in days] == [(t, 1.5)]


def test_store_bulk_columns_skip_invalid(store: Store) -> None:
    add_air_station(store)
    t0 = parse_time(T0)
    result = store.ingest_columns(
        np.array(["18t", "18t", "zz"], dtype=object),
        np.array(["pm25", "pm25", "pm25"], dtype=object),
        np.array([t0, t0 + 60, t0]),
        np.array([1.0, 2000.0, 1.0]),
        skip_invalid=True,
    )
    assert (result.stored, result.rejected) == (1, 2)
    with pytest.raises(BatchRejected):
        store.ingest_columns(
            np.array(["18t"], dtype=object),
            np.array(["pm25"], dtype=object),
            np.array([t0 + 120]),
            np.array([np.nan]),
        )
    assert store.count_observations() == 1


def test_store_missing_station_or_quantity_rejected_not_misfiled(store: Store) -> None:
    add_air_station(store)
    t0 = parse_time(T0)
    with pytest.raises(BatchRejected) as info:
        store.ingest_columns(
            np.array(["18t", "18t", None], dtype=object),
            np.array(["pm25", np.nan, "pm25"], dtype=object),
            np.array([t0, t0, t0 + 60]),
            np.array([1.0, 2.0, 3.0]),
        )
    assert [(e.index, e.reason) for e in info.value.errors] == [
        (1, "quantity is missing"),
        (2, "station is missing"),
    ]
    assert store.count_observations() == 0


def test_store_times_before_1800_refused(store: Store) -> None:
    add_air_station(store)
    with pytest.raises(BatchRejected, match="before 1800-01-01"):
        store.ingest_items([obs("18t", "pm10", "1482-07-03T01:06:56Z", 5.0)])


def test_store_revision_time_has_offset(store: Store) -> None:
    add_air_station(store)
    store.ingest_items([obs("18t", "pm25", T0, 1.0)])
    store.ingest_items([obs("18t", "pm25", T0, 2.0)])
    (rev,) = store.revisions("18t", "pm25")
    assert str(rev["changed_at"]).endswith("+07:00")


def test_store_concurrent_batches_in_opposite_order(store: Store) -> None:
    """Overlapping batches from two writers: no deadlock, no error, last value wins."""
    import threading

    add_air_station(store)
    t0 = parse_time(T0)
    times = t0 + 60 * np.arange(2000, dtype=np.int64)
    errors: list[BaseException] = []

    def writer(reverse: bool, value: float) -> None:
        order = times[::-1] if reverse else times
        try:
            for _ in range(4):
                store.ingest_columns(
                    np.array(["18t"] * len(order), dtype=object),
                    np.array(["pm25"] * len(order), dtype=object),
                    order,
                    np.full(len(order), value),
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(r, v)) for r, v in ((False, 1.0), (True, 2.0))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert store.count_observations() == 2000


def test_store_concurrent_warning_sync_keeps_one_active(store: Store) -> None:
    import threading

    from paknam.core.warnings import Signal

    signal = Signal("environment", "aqi", "18t", "severe", "ก", "x", "ก", "x", parse_time(T0))
    errors: list[BaseException] = []

    def sync() -> None:
        try:
            store.sync_warnings("environment", [signal], evaluated=["18t"], kinds=["aqi"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sync) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(store.list_warnings(domain="environment")) == 1


def test_store_concurrent_user_creation_conflict_not_crash(store: Store) -> None:
    import threading

    outcomes: list[str] = []

    def create() -> None:
        try:
            store.add_user(UserCreate(username="bob", password="a long password"))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]


def test_store_hourly_rollup_follows_corrections_and_appends(store: Store) -> None:
    """Bucketed reads come from the hourly roll-up; it must never go stale."""
    add_air_station(store)
    t0 = _minute_series(store, "2025-03-01T00:00:00+07:00", 120)  # values 0..99,0..19
    first = store.read_series("18t", "pm25", t0, t0 + 7200, bucket="hour", agg="max")
    assert [p.value for p in first] == [59.0, 99.0]
    store.ingest_items([obs("18t", "pm25", "2025-03-01T00:10:00+07:00", 500.0)])  # correction
    store.ingest_items([obs("18t", "pm25", "2025-03-01T01:59:30+07:00", 7.0)])  # append
    again = store.read_series("18t", "pm25", t0, t0 + 7200, bucket="hour", agg="max")
    assert [p.value for p in again] == [500.0, 99.0]
    counts = store.read_series("18t", "pm25", t0, t0 + 7200, bucket="hour", agg="count")
    assert [p.count for p in counts] == [60, 61]
    raw = [p.value for p in store.read_series("18t", "pm25", t0, t0 + 7200)]
    day = store.read_series("18t", "pm25", t0, t0 + 7200, bucket="day", agg="sum")
    assert day[0].value == pytest.approx(sum(raw))


def test_store_bucketed_partial_edge_hours_from_raw(store: Store) -> None:
    add_air_station(store)
    t0 = _minute_series(store, "2025-03-01T00:00:00+07:00", 180)
    # from 00:30 to 02:15: the first and last hours are partial
    got = store.read_series("18t", "pm25", t0 + 1800, t0 + 8100, bucket="hour", agg="count")
    assert [(p.time - t0, p.count) for p in got] == [(0, 30), (3600, 60), (7200, 15)]
    mean = store.read_series("18t", "pm25", t0 + 1800, t0 + 3600, bucket="hour", agg="mean")
    assert mean[0].value == pytest.approx(np.arange(30, 60).mean())
