"""School terms: packaged defaults, officer overrides, current term."""

from __future__ import annotations

from datetime import date

import pytest

from paknam.core.errors import InvalidInput, NotFound
from paknam.core.store import Store
from paknam.people.terms import (
    all_terms,
    current_term,
    default_terms,
    get_term,
    make_term,
    set_term,
)


def test_terms_default_calendar_follows_the_thai_school_year() -> None:
    terms = default_terms()
    t1, t2 = terms["2568-1"], terms["2568-2"]
    assert (t1.start, t2.end) == (date(2025, 5, 16), date(2026, 3, 31))
    assert t1.as_dict()["school_year_ce"] == 2025 and t1.as_dict()["name_th"] == "ภาคเรียนที่ 1/2568"
    for t in terms.values():
        if t.term == 1:
            assert t.start.month == 5 and t.end.month == 10
        else:
            assert t.start.month == 11 and t.end.month == 3 and t.end.year == t.start.year + 1


def test_terms_override_and_current(sqlite_store: Store) -> None:
    with sqlite_store.write() as conn:
        set_term(conn, make_term("2568-1", date(2025, 5, 19), date(2025, 10, 3)))
    with sqlite_store.read() as conn:
        assert get_term(conn, "2568-1").start == date(2025, 5, 19)
        assert current_term(conn, date(2025, 6, 1)).id == "2568-1"
        assert current_term(conn, date(2025, 10, 20)).id == "2568-1"  # holidays: last ended
        assert current_term(conn, date(2025, 11, 2)).id == "2568-2"
        with pytest.raises(NotFound, match="2590-1"):
            get_term(conn, "2590-1")
        assert next(iter(all_terms(conn))) == "2565-1"
    with sqlite_store.write() as conn, pytest.raises(InvalidInput, match="overlaps term 2568-2"):
        set_term(conn, make_term("2568-1", date(2025, 5, 19), date(2025, 11, 15)))
    with pytest.raises(InvalidInput, match="BBBB-1"):
        make_term("2025-3", date(2025, 5, 1), date(2025, 9, 1))
