"""Demo data of Smart People: SAMPLE schools and SIMULATED teachers, training and device use.

Deterministic (fixed seed, statement ids from UUID 5 of their content), so re-loading
stores nothing new except statements for days of the current term that have passed since.
Every row is marked sample; see ``paknam/data/people/README.md``.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from paknam.core.store import Store
from paknam.core.tabular import parse_csv
from paknam.core.timeutil import BANGKOK, now_s
from paknam.people import service
from paknam.people.xapi import ADL, DEVICE_EXTENSION

SEED = 2568
HOME_PAGE = "https://sample.paknam.invalid/students"
DEMO_NAMESPACE = uuid.UUID("6f1c3a52-9a0e-4d6b-8a53-3f0c1f6b2a11")
PBL_COURSE = {
    "id": "pbl-basic-sample",
    "name_th": "การจัดการเรียนรู้แบบโครงงาน (PBL) ขั้นพื้นฐาน (ตัวอย่าง)",
    "name_en": "Project-Based Learning (PBL) foundations (SAMPLE)",
    "pbl": True,
    "hours": 30,
    "sample": True,
}
OTHER_COURSE = {
    "id": "digital-literacy-sample",
    "name_th": "ทักษะดิจิทัลสำหรับครู (ตัวอย่าง)",
    "name_en": "Digital literacy for teachers (SAMPLE)",
    "pbl": False,
    "hours": 12,
    "sample": True,
}
VERBS = ("experienced", "attempted", "completed", "answered", "launched")


def _numbered(rows: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(rows))


def _statements(
    schools: list[dict[str, Any]], start_s: int, end_s: int, rng: random.Random
) -> list[dict[str, Any]]:
    out = []
    for school in schools:
        students = int(school["students"])
        share = rng.uniform(0.05, 0.35)  # simulated share of pupils using the devices
        for n in range(int(students * share)):
            account = f"{school['id']}-st{n:04d}"
            for _ in range(rng.randint(1, 2)):
                t = rng.randint(start_s, end_s - 1)
                verb = rng.choice(VERBS)
                doc = {
                    "actor": {"account": {"homePage": HOME_PAGE, "name": account}},
                    "verb": {"id": ADL + verb, "display": {"en-US": verb}},
                    "object": {
                        "objectType": "Activity",
                        "id": f"https://sample.paknam.invalid/pbl/project-{rng.randint(1, 12)}",
                    },
                    "timestamp": datetime.fromtimestamp(t, BANGKOK).isoformat(),
                    "context": {
                        "extensions": {DEVICE_EXTENSION: f"{school['id']}-dev{rng.randint(1, 2)}"}
                    },
                }
                doc["id"] = str(uuid.uuid5(DEMO_NAMESPACE, f"{account}|{t}|{verb}"))
                out.append(doc)
    return out


def load_demo_people(store: Store, today: date | None = None) -> dict[str, Any]:
    """Load the sample schools and simulated training and device use. Idempotent."""
    rng = random.Random(SEED)
    today = today or datetime.now(BANGKOK).date()
    data = resources.files("paknam") / "data" / "people" / "schools_sample.csv"
    table = parse_csv(data.read_bytes())
    schools = [cells for _, cells in table.rows]
    report: dict[str, Any] = {}
    term = service.current_term(store, today)
    year_terms = [
        t.id for t in service.list_terms(store) if term and t.school_year == term.school_year
    ]
    enrol = [
        {"school_id": s["id"], "term": t, "students": s["students"]}
        for s in schools
        for t in year_terms
    ]
    teachers, done, devices = [], [], []
    for s in schools:
        for k in range(1, 6):
            tid = f"{s['id']}-t{k}"
            teachers.append({"id": tid, "school_id": s["id"], "sample": True})
            if rng.random() < 0.8:
                day = date(2025, 6, 1) + timedelta(days=rng.randint(0, 300))
                done.append(
                    {
                        "teacher_id": tid,
                        "course_id": PBL_COURSE["id"],
                        "completed_on": min(day, today).isoformat(),
                    }
                )
        for d in (1, 2):
            devices.append(
                {
                    "id": f"{s['id']}-dev{d}",
                    "school_id": s["id"],
                    "label": f"PBL tablet cart {d} (SAMPLE)",
                    "sample": True,
                }
            )
    batches = [
        ("schools", table.rows),
        ("enrolments", _numbered(enrol)),
        ("courses", _numbered([PBL_COURSE, OTHER_COURSE])),
        ("teachers", _numbered(teachers)),
        ("completions", _numbered(done)),
        ("devices", _numbered(devices)),
    ]
    done_by_kind = service.import_batches(store, batches)
    for (kind, _), rep in zip(batches, done_by_kind, strict=True):
        if kind != "courses":
            report[kind] = rep.stored
    report["statements"] = 0
    if term is not None:
        start_s, end_s = term.bounds_s()  # the whole term, so that ids never change
        end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), BANGKOK)
        cutoff = min(now_s() - 60, int(end_of_today.timestamp()))
        docs = [
            d
            for d in _statements(schools, start_s, end_s, rng)
            if datetime.fromisoformat(d["timestamp"]).timestamp() < cutoff
        ]
        if docs:
            for i in range(0, len(docs), 1000):
                report["statements"] += service.ingest_statements(store, docs[i : i + 1000]).stored
        report["term"] = term.id
    return report
