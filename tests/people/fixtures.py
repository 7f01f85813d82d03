"""A small hand-made people fixture whose indicator values are computed by hand."""

from __future__ import annotations

from typing import Any

from paknam.core.store import Store
from paknam.people.imports import import_rows
from paknam.people.xapi import ADL, DEVICE_EXTENSION

HOME = "https://school.example/accounts"


def rows(items: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(items))


def seed(store: Store) -> None:
    """Two OBEC schools (A: 10 pupils, B: 20) and one non-OBEC school C without enrolment;
    teachers a1, a2 (A), b1 (B); PBL course and a non-PBL one."""
    with store.write() as conn:
        import_rows(
            conn,
            "schools",
            rows(
                [
                    {
                        "id": "A",
                        "name_th": "โรงเรียนเอ",
                        "name_en": "School A",
                        "lon": 100.7230,
                        "lat": 13.6090,
                    },
                    {
                        "id": "B",
                        "name_th": "โรงเรียนบี",
                        "name_en": "School B",
                        "district_code": "1102",
                    },
                    {"id": "C", "name_th": "โรงเรียนซี", "name_en": "School C", "obec": "no"},
                ]
            ),
        )
        import_rows(
            conn,
            "enrolments",
            rows(
                [
                    {"school_id": "A", "term": "2568-1", "students": 10},
                    {"school_id": "B", "term": "2568-1", "students": 20},
                    {"school_id": "B", "term": "2568-2", "students": 25},
                ]
            ),
        )
        import_rows(
            conn,
            "courses",
            rows(
                [
                    {"id": "pbl", "name_th": "PBL", "name_en": "PBL", "pbl": "yes"},
                    {"id": "it", "name_th": "ไอที", "name_en": "IT", "pbl": "no"},
                ]
            ),
        )
        import_rows(
            conn,
            "teachers",
            rows(
                [
                    {"id": "a1", "school_id": "A"},
                    {"id": "a2", "school_id": "A"},
                    {"id": "b1", "school_id": "B"},
                ]
            ),
        )
        import_rows(
            conn,
            "completions",
            rows(
                [
                    {"teacher_id": "a1", "course_id": "pbl", "completed_on": "2025-04-01"},
                    {"teacher_id": "a1", "course_id": "it", "completed_on": "2025-04-02"},
                    {"teacher_id": "a2", "course_id": "it", "completed_on": "2025-04-02"},
                    {"teacher_id": "b1", "course_id": "pbl", "completed_on": "2568-09-01"},
                ]
            ),
        )
        import_rows(
            conn,
            "devices",
            rows(
                [
                    {"id": "A-1", "school_id": "A"},
                    {"id": "B-1", "school_id": "B"},
                    {"id": "C-1", "school_id": "C"},
                ]
            ),
        )


def statement(
    sid: str, student: str, device: str, time: str, verb: str = "completed"
) -> dict[str, Any]:
    return {
        "id": sid,
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": student}},
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": "https://school.example/pbl/water-filter"},
        "timestamp": time,
        "result": {"completion": True},
        "context": {"extensions": {DEVICE_EXTENSION: device}},
    }


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"
