"""The proposal's Smart People indicators, per school and for the province.

- ``people_teachers_trained``: distinct teachers who completed a PBL course (a course
  with ``pbl`` true) on or before the end of the period. Target: at least 100.
- ``people_students_pbl_devices``: distinct students (pseudonymous xAPI accounts) with at
  least one *qualifying* statement (:data:`paknam.people.xapi.QUALIFYING_VERBS`) on a PBL
  device of the school in the term, divided by the school's enrolment for the term.
  Province: the distinct students of all schools with an enrolment ÷ the sum of those
  enrolments. Target: at least 20 %.
- ``people_schools_covered``: OBEC schools with at least one PBL-trained teacher *and* at
  least one student active on a PBL device in the term. Target: the 25 OBEC schools.

The period is a school term (default: the term holding today, else the last one ended).
Enrolment of a term falls back to the other term of the same school year (named in the
details). A school without any enrolment for the year is left out of the share and makes
the status ``insufficient_data``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.timeutil import BANGKOK
from paknam.people.errors import UnknownSchool, UnknownTerm
from paknam.people.schema import completions, courses, enrolments, schools, statements, teachers
from paknam.people.terms import Term, all_terms, current_term, get_term
from paknam.people.xapi import QUALIFYING_VERBS

TEACHERS_TARGET = 100
SCHOOLS_TARGET = 25
DEVICE_SHARE_TARGET = 0.20


def _trained_by_school(conn: Connection, until: date) -> dict[str, set[str]]:
    rows = conn.execute(
        sa.select(teachers.c.school_id, teachers.c.id)
        .join(completions, completions.c.teacher_id == teachers.c.id)
        .join(courses, courses.c.id == completions.c.course_id)
        .where(courses.c.pbl.is_(True), completions.c.completed_on <= until)
        .distinct()
    )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r.school_id, set()).add(r.id)
    return out


def _active_by_school(conn: Connection, term: Term) -> dict[str, set[str]]:
    start, end = term.bounds_s()
    rows = conn.execute(
        sa.select(statements.c.school_id, statements.c.actor)
        .where(
            statements.c.time_s >= start,
            statements.c.time_s < end,
            statements.c.verb.in_(sorted(QUALIFYING_VERBS)),
        )
        .distinct()
    )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r.school_id, set()).add(r.actor)
    return out


def _enrolment(conn: Connection, term: Term) -> dict[str, tuple[int, str]]:
    """school -> (students, term id the count is from)."""
    same_year = [t for t in all_terms(conn).values() if t.school_year == term.school_year]
    order = [term.id] + [t.id for t in same_year if t.id != term.id]
    rows = conn.execute(sa.select(enrolments).where(enrolments.c.term.in_(order))).all()
    out: dict[str, tuple[int, str]] = {}
    for term_id in reversed(order):  # the term itself last, so it wins
        for r in rows:
            if r.term == term_id:
                out[r.school_id] = (r.students, term_id)
    return out


def school_table(
    conn: Connection,
    term: Term,
    today: date | None = None,
    active: dict[str, set[str]] | None = None,
) -> list[dict[str, Any]]:
    """Per school: trained teachers, active students, enrolment, share, covered."""
    until = min(term.end, today or datetime.now(BANGKOK).date())
    trained = _trained_by_school(conn, until)
    active = _active_by_school(conn, term) if active is None else active
    enrolled = _enrolment(conn, term)
    out = []
    for s in conn.execute(sa.select(schools).order_by(schools.c.id)):
        students, from_term = enrolled.get(s.id, (None, None))
        n_active = len(active.get(s.id, ()))
        n_trained = len(trained.get(s.id, ()))
        out.append(
            {
                "school": s.id,
                "name_th": s.name_th,
                "name_en": s.name_en,
                "district_code": s.district_code,
                "obec": bool(s.obec),
                "sample": bool(s.sample),
                "teachers_trained": n_trained,
                "students_active": n_active,
                "enrolment": students,
                "enrolment_term": from_term,
                "share": n_active / students if students else None,
                "covered": bool(s.obec) and n_trained > 0 and n_active > 0,
            }
        )
    return out


def _record(ident: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "domain": "people",
        "value": None,
        "baseline": None,
        "baseline_period": None,
        "status": "no_data",
        "details": {},
    }
    base.update(fields)
    return base


def resolve_term(conn: Connection, term_id: str | None, today: date) -> Term | None:
    """The named term, or the current one (the last ended one in the holidays)."""
    return get_term(conn, term_id) if term_id else current_term(conn, today)


def people_indicators(
    conn: Connection, term_id: str | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """The three Smart People indicators for a term (see module docstring)."""
    today = today or datetime.now(BANGKOK).date()
    active: dict[str, set[str]] = {}
    term = resolve_term(conn, term_id, today)
    if term is not None:
        active = _active_by_school(conn, term)
    table = school_table(conn, term, today, active) if term else []
    enrolled_ids = {r["school"] for r in table if r["enrolment"]}
    none: set[str] = set()
    active_all = len(none.union(*active.values()))
    active_enrolled = len(none.union(*(v for k, v in active.items() if k in enrolled_ids)))
    period = term.id if term else None
    in_progress = bool(term and term.start <= today <= term.end)
    common = {"term": term.as_dict() if term else None, "in_progress": in_progress}
    sample = any(r["sample"] for r in table)

    n_trained = sum(r["teachers_trained"] for r in table)
    teachers = _record(
        "people_teachers_trained",
        name_th="จำนวนครูที่ผ่านการอบรมการจัดการเรียนรู้แบบโครงงาน (PBL)",
        name_en="Teachers trained in Project-Based Learning (PBL)",
        unit="teachers",
        target=TEACHERS_TARGET,
        target_rule="at least 100 teachers (distinct, completed a PBL course)",
        period=period,
    )
    if table:
        teachers.update(
            value=n_trained,
            status="on_track" if n_trained >= TEACHERS_TARGET else "off_track",
            details={
                **common,
                "sample": sample,
                "by_school": {r["school"]: r["teachers_trained"] for r in table},
            },
        )

    obec = [r for r in table if r["obec"]]
    covered = [r["school"] for r in obec if r["covered"]]
    schools_rec = _record(
        "people_schools_covered",
        name_th="จำนวนโรงเรียน สพฐ. ที่มีครูผ่านการอบรม PBL และนักเรียนใช้อุปกรณ์ PBL",
        name_en="OBEC schools with PBL-trained teachers and students using PBL devices",
        unit="schools",
        target=SCHOOLS_TARGET,
        target_rule="the 25 OBEC schools of the province",
        period=period,
    )
    if obec:
        schools_rec.update(
            value=len(covered),
            status="on_track" if len(covered) >= SCHOOLS_TARGET else "off_track",
            details={
                **common,
                "sample": sample,
                "covered": covered,
                "registered_obec_schools": len(obec),
            },
        )

    enrolled = [r for r in table if r["enrolment"]]
    missing = [r["school"] for r in table if not r["enrolment"]]
    total = sum(r["enrolment"] for r in enrolled)
    share_rec = _record(
        "people_students_pbl_devices",
        name_th="สัดส่วนนักเรียนที่ใช้อุปกรณ์การเรียนรู้แบบโครงงาน (PBL) ในภาคเรียน",
        name_en="Share of students using PBL devices in the term",
        unit="share of enrolled students",
        target=DEVICE_SHARE_TARGET,
        target_rule="at least 20 % of enrolled students",
        period=period,
    )
    if total:
        value = active_enrolled / total
        status = "on_track" if value >= DEVICE_SHARE_TARGET else "off_track"
        share_rec.update(
            value=value,
            status="insufficient_data" if missing else status,
            details={
                **common,
                "sample": sample,
                "students_active": active_enrolled,
                "students_active_all_schools": active_all,
                "enrolment": total,
                "schools_without_enrolment": missing,
                "by_school": {r["school"]: r["share"] for r in table},
            },
        )
    return [teachers, schools_rec, share_rec]


def school_indicators(
    conn: Connection, school_id: str, term_id: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """One school's figures for a term, against the province targets."""
    today = today or datetime.now(BANGKOK).date()
    term = resolve_term(conn, term_id, today)
    if term is None:
        raise UnknownTerm("no school term is configured")
    rows = [r for r in school_table(conn, term, today) if r["school"] == school_id]
    if not rows:
        raise UnknownSchool(f"school {school_id!r} does not exist")
    row = rows[0]
    return {
        **row,
        "term": term.as_dict(),
        "share_target": DEVICE_SHARE_TARGET,
        "share_status": (
            "no_data"
            if row["share"] is None
            else "on_track"
            if row["share"] >= DEVICE_SHARE_TARGET
            else "off_track"
        ),
    }
