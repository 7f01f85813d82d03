"""A minimal xAPI (IEEE 9274.1.1) statement check for PBL device events. Pure functions.

Accepted statement (other xAPI features are refused, with a reason)::

    {"id": "<UUID>",                                      required: makes retries idempotent
     "actor": {"objectType": "Agent",                     optional
               "account": {"homePage": "<IRI>", "name": "<pseudonymous id>"}},
     "verb": {"id": "<IRI>", "display": {...}},           display optional
     "object": {"objectType": "Activity", "id": "<IRI>", "definition": {...}},
     "timestamp": "2026-06-01T09:15:00.250+07:00",        ISO 8601 with an offset
     "result": {...}, "context": {..., "extensions": {"urn:paknam:xapi:device": "<device id>"}},
     "version": "1.0.3"}                                  optional

Privacy: the actor must be an ``account`` (a pseudonymous id issued by the school system);
``mbox``, ``mbox_sha1sum``, ``openid`` and ``name`` (a person's name) are refused. The
device that recorded the event is named by the context extension :data:`DEVICE_EXTENSION`.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from paknam.people.errors import StatementError

DEVICE_EXTENSION = "urn:paknam:xapi:device"
"""Context extension naming the registered PBL device that recorded the statement."""

ADL = "http://adlnet.gov/expapi/verbs/"
QUALIFYING_VERBS: frozenset[str] = frozenset(
    ADL + v
    for v in (
        "answered",
        "attempted",
        "completed",
        "experienced",
        "failed",
        "interacted",
        "passed",
        "progressed",
        "responded",
        "shared",
        "commented",
    )
)
"""Verbs (ADL vocabulary) that show a student *used* the device for learning. Launching,
initialising, suspending or leaving an activity alone does not count."""

_TOP_KEYS = {"id", "actor", "verb", "object", "timestamp", "result", "context", "version"}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
MAX_IRI = 500
EARLIEST = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


@dataclass(frozen=True, slots=True)
class Statement:
    """A checked statement with the fields the indicators need."""

    id: str
    actor: str  # "homePage|name"
    verb: str
    object_id: str
    time_s: int
    device_id: str
    digest: str
    doc: dict[str, Any]


def _iri(value: object, field: str) -> str:
    if not isinstance(value, str) or not _IRI.match(value) or len(value) > MAX_IRI:
        raise StatementError(f"{field} {value!r} is not an IRI (e.g. https://...)", field)
    return value


def _obj(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementError(f"{field} must be an object", field)
    return value


def _actor(value: object) -> str:
    actor = _obj(value, "actor")
    refused = sorted({"mbox", "mbox_sha1sum", "openid", "name"} & set(actor))
    if refused:
        raise StatementError(
            f"actor has {refused}: send only a pseudonymous account {{homePage, name}}", "actor"
        )
    if actor.get("objectType", "Agent") != "Agent":
        raise StatementError("actor.objectType must be Agent (groups are not accepted)", "actor")
    account = _obj(actor.get("account"), "actor.account")
    home = _iri(account.get("homePage"), "actor.account.homePage")
    name = account.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100 or name != name.strip():
        raise StatementError("actor.account.name must be an id of 1–100 characters", "actor")
    return f"{home}|{name}"


def _timestamp(value: object, now_s: int) -> int:
    if not isinstance(value, str):
        raise StatementError("timestamp is required (ISO 8601 with offset)", "timestamp")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise StatementError(f"timestamp {value!r} is not ISO 8601", "timestamp") from None
    if dt.tzinfo is None:
        raise StatementError(f"timestamp {value!r} has no UTC offset", "timestamp")
    if dt < EARLIEST or dt.timestamp() > now_s + 600:
        raise StatementError(f"timestamp {value!r} is before 2000 or in the future", "timestamp")
    return int(dt.timestamp() // 1)


def canonical_digest(doc: dict[str, Any]) -> str:
    """SHA-256 of the statement as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_statement(item: object, now_s: int) -> Statement:
    """A :class:`Statement`, or :class:`StatementError` naming the first problem."""
    doc = _obj(item, "statement")
    extra = sorted(set(doc) - _TOP_KEYS)
    if extra:
        raise StatementError(f"unsupported statement properties {extra}", extra[0])
    try:
        sid = str(uuid.UUID(str(doc.get("id"))))
    except ValueError:
        raise StatementError(f"id {doc.get('id')!r} is not a UUID", "id") from None
    actor = _actor(doc.get("actor"))
    verb = _iri(_obj(doc.get("verb"), "verb").get("id"), "verb.id")
    obj = _obj(doc.get("object"), "object")
    if obj.get("objectType", "Activity") != "Activity":
        raise StatementError("object.objectType must be Activity", "object")
    object_id = _iri(obj.get("id"), "object.id")
    time_s = _timestamp(doc.get("timestamp"), now_s)
    for part in ("result", "context"):
        if part in doc:
            _obj(doc[part], part)
    context = doc.get("context") or {}
    extensions = _obj(context.get("extensions", {}), "context.extensions")
    device = extensions.get(DEVICE_EXTENSION)
    if not isinstance(device, str) or not device:
        raise StatementError(
            f"context.extensions[{DEVICE_EXTENSION!r}] must name the registered device",
            "context",
        )
    clean = {k: doc[k] for k in sorted(_TOP_KEYS - {"version"}) if k in doc}
    clean["id"] = sid
    return Statement(
        id=sid,
        actor=actor,
        verb=verb,
        object_id=object_id,
        time_s=time_s,
        device_id=device,
        digest=canonical_digest(clean),
        doc=clean,
    )
