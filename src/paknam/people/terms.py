"""Thai school-year terms: the packaged default calendar, overridden by terms in the store.

The Thai school year (ปีการศึกษา, Buddhist era = Gregorian + 543) has two terms: term 1
from mid-May to about early October, term 2 from November to March. Term ids look like
``2568-1``. Dates are inclusive local (Asia/Bangkok) dates; they are data, not code:
``paknam/data/people/school_terms.csv`` holds the defaults, and an officer can set the
official dates of any term (table ``people_terms``), which then take precedence.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK
from paknam.people.errors import UnknownTerm
from paknam.people.schema import terms as table

TERMS_FILE = "school_terms.csv"
BE_OFFSET = 543
_TERM_ID = re.compile(r"^(\d{4})-([12])$")


@dataclass(frozen=True, slots=True)
class Term:
    """One term: ``start`` and ``end`` are inclusive local dates."""

    id: str
    school_year: int  # Buddhist era
    term: int
    start: date
    end: date

    def bounds_s(self) -> tuple[int, int]:
        """UTC epoch seconds of [start 00:00, day after end 00:00) in Thai time."""
        t0 = datetime.combine(self.start, datetime.min.time(), BANGKOK)
        t1 = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), BANGKOK)
        return int(t0.timestamp()), int(t1.timestamp())

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "school_year": self.school_year,
            "school_year_ce": self.school_year - BE_OFFSET,
            "term": self.term,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "name_th": f"ภาคเรียนที่ {self.term}/{self.school_year}",
            "name_en": f"Term {self.term} of school year {self.school_year} BE",
        }


def make_term(term_id: str, start: date, end: date) -> Term:
    """A checked :class:`Term` (id ``YYYY-T`` in Buddhist era; start before end)."""
    match = _TERM_ID.match(term_id)
    if not match:
        raise InvalidInput(f"term id {term_id!r} is not BBBB-1 or BBBB-2 (e.g. 2568-1)", field="id")
    year = int(match.group(1))
    if not 2500 <= year <= 2700:
        raise InvalidInput(f"term {term_id!r}: {year} is not a Buddhist-era year", field="id")
    if end <= start:
        raise InvalidInput(f"term {term_id}: end {end} is not after start {start}", field="end")
    if (end - start).days > 250:
        raise InvalidInput(f"term {term_id}: {start} to {end} is longer than 250 days", field="end")
    return Term(term_id, year, int(match.group(2)), start, end)


def default_terms() -> dict[str, Term]:
    """The packaged calendar (``paknam/data/people/school_terms.csv``)."""
    text = (resources.files("paknam") / "data" / "people" / TERMS_FILE).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        t = make_term(row["id"], date.fromisoformat(row["start"]), date.fromisoformat(row["end"]))
        out[t.id] = t
    return out


def all_terms(conn: Connection) -> dict[str, Term]:
    """Default terms with the store's terms over them, ordered by start."""
    terms = default_terms()
    for r in conn.execute(sa.select(table)):
        terms[r.id] = Term(r.id, r.school_year, r.term, r.start_date, r.end_date)
    return dict(sorted(terms.items(), key=lambda kv: kv[1].start))


def set_term(conn: Connection, term: Term) -> None:
    """Store the official dates of a term (replacing earlier ones)."""
    others = [
        t
        for t in all_terms(conn).values()
        if t.id != term.id and not (t.end < term.start or term.end < t.start)
    ]
    if others:
        raise InvalidInput(
            f"term {term.id} ({term.start}–{term.end}) overlaps term {others[0].id} "
            f"({others[0].start}–{others[0].end})",
            field="start",
        )
    conn.execute(table.delete().where(table.c.id == term.id))
    conn.execute(
        table.insert().values(
            id=term.id,
            school_year=term.school_year,
            term=term.term,
            start_date=term.start,
            end_date=term.end,
        )
    )


def get_term(conn: Connection, term_id: str) -> Term:
    """A configured term; :class:`UnknownTerm` otherwise."""
    terms = all_terms(conn)
    if term_id not in terms:
        raise UnknownTerm(f"term {term_id!r} is not configured; known: {', '.join(terms)}")
    return terms[term_id]


def current_term(conn: Connection, today: date) -> Term | None:
    """The term holding ``today``, else the newest term that has ended (None if none)."""
    ended = None
    for t in all_terms(conn).values():
        if t.start <= today <= t.end:
            return t
        if t.end < today:
            ended = t
    return ended


def term_of(terms: dict[str, Term], day: date) -> Term | None:
    """The term holding ``day`` (None in the holidays)."""
    for t in terms.values():
        if t.start <= day <= t.end:
            return t
    return None
