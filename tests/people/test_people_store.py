"""Imports, statements and indicators of Smart People on both engines."""

from __future__ import annotations

from datetime import date

import pytest

from paknam.core import auth
from paknam.core.errors import BatchRejected, InvalidInput, PermissionDenied
from paknam.core.store import Store
from paknam.core.tabular import parse_csv
from paknam.people.imports import import_rows, import_table
from paknam.people.service import indicator_records, school_figures
from paknam.people.statements import ingest_statements
from tests.people.fixtures import rows, seed, statement, uid

IN_TERM = "2025-06-02T09:15:00+07:00"
OFFICER = auth.Principal("user", "officer1", role="officer")


def _ingest(store: Store, items: list, principal: auth.Principal | None = OFFICER):  # type: ignore[no-untyped-def]
    with store.write() as conn:
        return ingest_statements(conn, items, principal=principal)


def test_people_import_reports_every_bad_line(store: Store) -> None:
    seed(store)
    table = parse_csv(
        b"teacher_id,course_id,completed_on,note\n"
        b"a2,pbl,2025-05-01,ok\n"
        b"zz,pbl,2025-05-01,unknown teacher\n"
        b"a2,nope,2025-05-01,unknown course\n"
        b"a2,it,2025-02-30,bad date\n"
        b"a2,pbl,2025-05-02,repeat\n"
        b"a2,it,2099-01-01,future\n"
        b",pbl,2025-05-01,empty\n"
    )
    with pytest.raises(BatchRejected) as caught, store.write() as conn:
        import_table(conn, "completions", table)
    reasons = {e.index: e.reason for e in caught.value.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "not a stored teacher; import the teachers first" in reasons[3]
    assert "not a stored course" in reasons[4]
    assert "day is out of range" in reasons[5]
    assert "repeats line 2" in reasons[6]
    assert "in the future" in reasons[7]
    assert reasons[8] == "teacher_id is empty"
    before = indicator_records(store, "2568-1", today=date(2025, 11, 15))[0]["value"]
    assert before == 2  # nothing of the rejected file was stored
    with store.write() as conn:
        report = import_table(conn, "completions", table, skip_invalid=True)
    assert (report.stored, report.rejected, report.ignored_columns) == (1, 6, ["note"])
    with store.write() as conn:
        again = import_table(conn, "completions", table, skip_invalid=True)
    assert (again.stored, again.unchanged) == (0, 1)


def test_people_school_location_and_district_checks(store: Store) -> None:
    with store.write() as conn, pytest.raises(BatchRejected) as caught:
        import_rows(
            conn,
            "schools",
            rows(
                [
                    {"id": "X", "name_th": "x", "name_en": "x", "lon": 100.49, "lat": 13.75},
                    {"id": "Y", "name_th": "y", "name_en": "y", "district_code": "9999"},
                    {"id": "Z", "name_th": "z", "name_en": "z", "lon": 100.72},
                    {
                        "id": "W",
                        "name_th": "w",
                        "name_en": "w",
                        "lon": 100.7230,
                        "lat": 13.6090,
                        "district_code": "1101",
                    },
                ]
            ),
        )
    reasons = [e.reason for e in caught.value.errors]
    assert "outside the province" in reasons[0]
    assert "unknown district_code '9999'" in reasons[1]
    assert "both lon and lat" in reasons[2]
    assert "lie in 1103" in reasons[3]


def test_people_statements_all_or_nothing_and_idempotent(store: Store) -> None:
    seed(store)
    good = [statement(uid(i), f"st-{i}", "A-1", IN_TERM) for i in range(3)]
    bad = statement(uid(9), "st-9", "NO-SUCH", IN_TERM)
    with pytest.raises(BatchRejected) as caught:
        _ingest(store, [*good, bad, {"id": uid(8)}])
    assert [e.index for e in caught.value.errors] == [3, 4]
    assert "not registered" in caught.value.errors[0].reason
    first = _ingest(store, [*good, good[0]])
    assert (first.stored, first.duplicates) == (3, 1)
    again = _ingest(store, good)
    assert (again.stored, again.unchanged) == (0, 3)
    changed = statement(uid(1), "st-1", "A-1", IN_TERM, verb="passed")
    with pytest.raises(BatchRejected, match="stored with other content"):
        _ingest(store, [changed])
    with pytest.raises(InvalidInput, match="at most 1000"):
        _ingest(store, [good[0]] * 1001)


def test_people_statements_device_key_limited_to_its_school(store: Store) -> None:
    from paknam.core import stations
    from paknam.core.models import StationCreate

    seed(store)
    with store.write() as conn:
        stations.add_station(
            conn,
            StationCreate(
                id="pbl-A", name_th="เกตเวย์ A", name_en="Gateway A", lon=100.72, lat=13.609
            ),
        )
    _, key, _ = store.create_device_key(["pbl-A"])
    device = store.principal(key)
    ok = _ingest(store, [statement(uid(1), "st-1", "A-1", IN_TERM)], device)
    assert ok.stored == 1
    with pytest.raises(PermissionDenied, match=r"'B'.*pbl-B"):
        _ingest(store, [statement(uid(2), "st-2", "B-1", IN_TERM)], device)
    viewer = auth.Principal("user", "v", role="viewer")
    with pytest.raises(PermissionDenied):
        _ingest(store, [statement(uid(3), "st-3", "A-1", IN_TERM)], viewer)


def test_people_indicators_hand_computed(store: Store) -> None:
    seed(store)
    _ingest(
        store,
        [
            statement(uid(1), "st-1", "A-1", IN_TERM),
            statement(uid(2), "st-2", "A-1", "2025-07-01T10:00:00+07:00", verb="attempted"),
            statement(uid(3), "st-2", "A-1", "2025-10-10T23:59:59+07:00"),  # same pupil
            statement(uid(4), "st-3", "A-1", IN_TERM, verb="launched"),  # does not qualify
            statement(uid(5), "st-4", "A-1", "2025-05-10T10:00:00+07:00"),  # before the term
            statement(uid(6), "st-7", "A-1", "2025-10-11T00:00:00+07:00"),  # after the term
            statement(uid(7), "st-5", "B-1", IN_TERM),
            statement(uid(8), "st-6", "C-1", IN_TERM),  # school without enrolment
        ],
    )
    teachers, covered, share = indicator_records(store, "2568-1", today=date(2025, 11, 15))
    assert teachers["value"] == 2  # a1 and b1 finished the PBL course; a2 only IT
    assert teachers["status"] == "off_track" and teachers["target"] == 100
    assert teachers["details"]["by_school"] == {"A": 1, "B": 1, "C": 0}
    assert covered["value"] == 2 and covered["details"]["covered"] == ["A", "B"]
    assert share["value"] == pytest.approx(3 / 30)  # (st-1, st-2 at A; st-5 at B) / (10 + 20)
    assert share["status"] == "insufficient_data"  # C has no enrolment
    assert share["details"]["schools_without_enrolment"] == ["C"]
    assert share["details"]["students_active_all_schools"] == 4
    assert share["details"]["by_school"] == {"A": 0.2, "B": 0.05, "C": None}
    for record in (teachers, covered, share):
        assert record["period"] == "2568-1" and record["domain"] == "people"
        assert record["name_th"] and record["name_en"]
    a = school_figures(store, "A", "2568-2", today=date(2026, 1, 10))
    assert (a["enrolment"], a["enrolment_term"], a["students_active"]) == (10, "2568-1", 0)
    b = school_figures(store, "B", "2568-1", today=date(2025, 11, 15))
    assert b["share"] == pytest.approx(0.05) and b["share_status"] == "off_track"


def test_people_indicators_without_data(store: Store) -> None:
    teachers, covered, share = indicator_records(store, "2568-1")
    assert [r["status"] for r in (teachers, covered, share)] == ["no_data"] * 3
    assert [r["value"] for r in (teachers, covered, share)] == [None] * 3


def test_people_import_refuses_control_characters_in_names(store: Store) -> None:
    with store.write() as conn, pytest.raises(BatchRejected) as caught:
        import_rows(
            conn,
            "schools",
            rows([{"id": "S1", "name_th": "โรงเรียน\x0bหนึ่ง", "name_en": "School one"}]),
        )
    (error,) = caught.value.errors
    assert "U+000B" in error.reason and "name_th" in error.reason
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM people_schools").scalar() == 0
