"""The minimal xAPI statement check (pure)."""

from __future__ import annotations

import copy

import pytest

from paknam.core.timeutil import parse_time
from paknam.people.errors import StatementError
from paknam.people.xapi import check_statement
from tests.people.fixtures import statement, uid

NOW = parse_time("2025-07-01T00:00:00+07:00")


def test_xapi_valid_statement_with_milliseconds_and_z() -> None:
    doc = statement(uid(1).upper(), "st-1", "A-1", "2025-06-02T02:15:00.250Z")
    s = check_statement(doc, NOW)
    assert s.id == uid(1)  # UUIDs compared in lower case
    assert s.actor == "https://school.example/accounts|st-1"
    assert s.time_s == parse_time("2025-06-02T09:15:00+07:00")
    assert s.device_id == "A-1"
    same = check_statement(copy.deepcopy(doc), NOW)
    assert same.digest == s.digest
    other = copy.deepcopy(doc)
    other["result"] = {"completion": False}
    assert check_statement(other, NOW).digest != s.digest


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        (lambda d: d.update(id="not-a-uuid"), "id", "not a UUID"),
        (lambda d: d["actor"].update(mbox="mailto:kid@school.example"), "actor", "pseudonymous"),
        (lambda d: d["actor"].update(name="Somchai"), "actor", "pseudonymous"),
        (
            lambda d: d["actor"]["account"].update(homePage="school"),
            "actor.account.homePage",
            "IRI",
        ),
        (lambda d: d["verb"].update(id="completed"), "verb.id", "IRI"),
        (lambda d: d.update(timestamp="2025-06-02 09:15"), "timestamp", "no UTC offset"),
        (lambda d: d.update(timestamp="2030-01-01T00:00:00+07:00"), "timestamp", "future"),
        (lambda d: d.pop("context"), "context", "registered device"),
        (lambda d: d.update(attachments=[]), "attachments", "unsupported"),
        (lambda d: d["object"].update(objectType="Agent"), "object", "Activity"),
    ],
)
def test_xapi_bad_statements_name_the_field(change, field: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    doc = statement(uid(2), "st-2", "A-1", "2025-06-02T09:15:00+07:00")
    change(doc)
    with pytest.raises(StatementError, match=needle) as caught:
        check_statement(doc, NOW)
    assert caught.value.field == field
