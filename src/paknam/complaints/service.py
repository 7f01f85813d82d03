"""The complaints service: store-level operations (one transaction each, hooks after commit).

The API and the CLI call these; the modules they use (:mod:`intake`, :mod:`handling`,
:mod:`citizen`, :mod:`sla`, :mod:`duplicates`, :mod:`apikeys`, :mod:`open311`) work inside a
caller's transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from paknam.complaints import apikeys, citizen, duplicates, handling, intake, open311, sla
from paknam.complaints import export as export_file
from paknam.complaints.classifier_runtime import advise_text
from paknam.complaints.hooks import ComplaintChange, emit
from paknam.complaints.inbox import InboxFilter, inbox_query
from paknam.complaints.inbox import count as count_rows
from paknam.complaints.records import event_dicts, fetch_row, officer_views
from paknam.core.errors import BatchRejected, InvalidInput, ItemError, PaknamError
from paknam.core.media import clean_photo
from paknam.core.store import Store
from paknam.core.timeutil import now_s


def submit(
    store: Store,
    c: intake.ComplaintIn,
    *,
    now: int | None = None,
    then: Callable[[Connection, int, int], None] | None = None,
) -> dict[str, Any]:
    """Store a complaint; returns ``{"id", "token", "complaint"}`` (token shown once).

    ``then(conn, complaint_id, now)`` stores what goes with the complaint in the same
    transaction (the web form's contact): both are stored, or neither."""
    advice = advise_text(c.description) if c.description else None
    suggested = advice["suggestions"] if advice else None
    triage = needs_triage(advice, c.service_code)
    if 0 < len(c.photos) <= intake.MAX_PHOTOS:  # re-encoded before the write lock is taken
        c = dataclasses.replace(c, photos=[clean_photo(p) for p in c.photos])
    with store.write() as conn:
        done = intake.submit(conn, c, now=now, suggested=suggested, triage=triage)
        if then is not None:
            then(conn, done.complaint_id, now or now_s())
        view = officer_views(conn, [fetch_row(conn, done.complaint_id)], now or now_s())[0]
    emit(done.changes)
    return {"id": done.complaint_id, "token": done.token, "complaint": view}


def needs_triage(advice: dict[str, Any] | None, service_code: str | None) -> bool:
    """An officer checks the category unless the classifier is sure *and* agrees with the
    citizen's service. Without a model, the citizen's choice routes (no triage)."""
    if advice is None:
        return False
    best = advice["suggestions"][0]["service_code"] if advice["suggestions"] else None
    return not (advice["auto"] and best == service_code)


def triage(
    store: Store,
    complaint_id: int,
    actor: str,
    service_code: str,
    *,
    note: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """An officer settles the category of a complaint (re-routed; the flag is cleared)."""
    with store.write() as conn:
        changes = handling.triage(conn, complaint_id, actor, now or now_s(), service_code, note)
    emit(changes)
    return get(store, complaint_id)


def get(store: Store, complaint_id: int, *, now: int | None = None) -> dict[str, Any]:
    with store.read() as conn:
        view = officer_views(conn, [fetch_row(conn, complaint_id)], now or now_s())[0]
        view["events"] = event_dicts(conn, complaint_id, public_only=False)
    return view


def inbox(
    store: Store,
    f: InboxFilter | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    now: int | None = None,
) -> dict[str, Any]:
    """Officer inbox: the complaints ``f`` selects (default: all), oldest due first unless
    ``f.sort`` says otherwise (see :mod:`paknam.complaints.inbox`)."""
    now = now or now_s()
    f = f or InboxFilter()
    with store.read() as conn:
        query = inbox_query(conn, f, now)
        total = count_rows(conn, query)
        rows = conn.execute(query.limit(limit).offset(offset)).all()
        items = officer_views(conn, list(rows), now)
    return {"total": total, "items": items}


def export(
    store: Store, f: InboxFilter, *, fmt: str, personal: bool = False, now: int | None = None
) -> tuple[bytes, int]:
    """The complaints ``f`` selects as a file (``fmt`` ``csv`` or ``xlsx``); (bytes, rows).

    Refused (:class:`InvalidInput`) beyond :data:`export.MAX_EXPORT_ROWS`: never a file
    cut short without saying so."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"unknown export format {fmt!r}; use csv or xlsx", field="format")
    now = now or now_s()
    with store.read() as conn:
        query = inbox_query(conn, f, now)
        total = count_rows(conn, query)
        if total > export_file.MAX_EXPORT_ROWS:
            raise InvalidInput(
                f"{total} complaints match; an export holds at most "
                f"{export_file.MAX_EXPORT_ROWS}: narrow the filter",
                field="limit",
            )
        items = officer_views(conn, list(conn.execute(query).all()), now)
    rows = [export_file.export_row(item, personal) for item in items]
    data = (
        export_file.to_csv(rows, personal) if fmt == "csv" else export_file.to_xlsx(rows, personal)
    )
    return data, len(rows)


MAX_BULK = 500
"""Most complaints one bulk assignment may name."""


def bulk_assign(
    store: Store,
    ids: list[int],
    actor: str,
    *,
    agency_code: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
    now: int | None = None,
) -> list[dict[str, Any]]:
    """Assign every complaint of ``ids`` in one transaction: all or nothing.

    When any of them cannot be assigned (unknown, closed, a bad agency), nothing is
    changed and :class:`BatchRejected` names each refused complaint (``index`` in ``ids``
    and the reason). Returns one ``{"id", "agency_code", "assignee", "status"}`` a
    complaint."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput("give at least one complaint id", field="ids")
    if len(unique) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} complaints at once", field="ids")
    at = now or now_s()
    changes: list[ComplaintChange] = []
    errors: list[ItemError] = []
    with store.write() as conn:
        for index, cid in enumerate(unique):
            try:
                changes += handling.assign(
                    conn, cid, actor, at, agency_code=agency_code, assignee=assignee, note=note
                )
            except PaknamError as exc:
                field = getattr(exc, "field", None)
                errors.append(ItemError(index, f"complaint {cid}: {exc}", field))
        if errors:
            raise BatchRejected(errors, len(unique))  # rolls the transaction back
        rows = [fetch_row(conn, cid) for cid in unique]
    emit(changes)
    return [
        {"id": r.id, "agency_code": r.agency_code, "assignee": r.assignee, "status": r.status}
        for r in rows
    ]


def change_status(
    store: Store,
    complaint_id: int,
    new: str,
    actor: str,
    *,
    note: str | None = None,
    agency_code: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    with store.write() as conn:
        changes = handling.change_status(
            conn, complaint_id, new, actor, now or now_s(), note=note, agency_code=agency_code
        )
    emit(changes)
    return get(store, complaint_id)


def assign(
    store: Store,
    complaint_id: int,
    actor: str,
    *,
    agency_code: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    with store.write() as conn:
        changes = handling.assign(
            conn,
            complaint_id,
            actor,
            now or now_s(),
            agency_code=agency_code,
            assignee=assignee,
            note=note,
        )
    emit(changes)
    return get(store, complaint_id)


def add_note(
    store: Store,
    complaint_id: int,
    actor: str,
    note: str,
    *,
    public: bool,
    now: int | None = None,
) -> dict[str, Any]:
    with store.write() as conn:
        changes = handling.add_note(conn, complaint_id, actor, now or now_s(), note, public=public)
    emit(changes)
    return get(store, complaint_id)


def add_photo(
    store: Store,
    complaint_id: int,
    stage: str,
    data: bytes,
    actor: str,
    *,
    now: int | None = None,
) -> int:
    data = clean_photo(data) if data else data  # before the write lock is taken
    with store.write() as conn:
        pid, changes = handling.add_photo(conn, complaint_id, stage, data, actor, now or now_s())
    emit(changes)
    return pid


def get_photo(store: Store, complaint_id: int, photo_id: int) -> tuple[str, bytes]:
    """A complaint photo: (content type, bytes)."""
    with store.read() as conn:
        return handling.get_photo(conn, complaint_id, photo_id)


def suggest_duplicates(
    store: Store,
    lon: float,
    lat: float,
    *,
    service_code: str | None = None,
    text: str | None = None,
    radius_m: float = 150.0,
    now: int | None = None,
) -> list[dict[str, Any]]:
    """Open complaints near (lon, lat) that may be the same problem, best match first."""
    with store.read() as conn:
        return duplicates.suggest_duplicates(
            conn,
            lon,
            lat,
            now=now or now_s(),
            service_code=service_code,
            text=text,
            radius_m=radius_m,
        )


def district_at(store: Store, lat: float, lon: float) -> str:
    """The district code of a spot in the province (:class:`InvalidInput` outside it)."""
    with store.read() as conn:
        return intake.check_location(conn, lat, lon)


def follow(store: Store, token: str) -> dict[str, Any]:
    with store.read() as conn:
        return citizen.follow(conn, token)


def reopen(store: Store, token: str, reason: str, *, now: int | None = None) -> dict[str, Any]:
    with store.write() as conn:
        changes = citizen.reopen(conn, token, reason, now or now_s())
    emit(changes)
    return follow(store, token)


def rate(
    store: Store, token: str, stars: int, comment: str | None = None, *, now: int | None = None
) -> dict[str, Any]:
    with store.write() as conn:
        changes = citizen.rate(conn, token, stars, comment, now or now_s())
    emit(changes)
    return follow(store, token)


def support(
    store: Store, complaint_id: int, supporter: str, *, now: int | None = None
) -> dict[str, Any]:
    with store.write() as conn:
        added, count, changes = citizen.support(conn, complaint_id, supporter, now or now_s())
    emit(changes)
    return {"id": complaint_id, "added": added, "supporters": count}


def run_sla_checks(store: Store, *, now: int | None = None) -> dict[str, list[int]]:
    with store.write() as conn:
        result = sla.run_sla_checks(conn, now or now_s())
    emit(result.changes)
    return result.as_dict()


# ---- Open311 -----------------------------------------------------------------------------


def open311_requests(
    store: Store,
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """GeoReport v2 GET requests (see :func:`open311.query_requests`)."""
    with store.read() as conn:
        return open311.query_requests(
            conn,
            service_request_id=service_request_id,
            service_code=service_code,
            start_date=start_date,
            end_date=end_date,
            status=status,
        )


def open311_request(store: Store, service_request_id: str) -> list[dict[str, Any]]:
    """GeoReport v2 GET one request (a list of one)."""
    with store.read() as conn:
        return open311.request_doc(conn, service_request_id)


def complaint_for_token(store: Store, token: str) -> int:
    """The complaint id of a citizen token; :class:`NotFound` when unknown."""
    with store.read() as conn:
        return intake.complaint_for_token(conn, token)


def client_for_key(store: Store, api_key: str | None) -> str:
    """The client id of an Open311 API key (:class:`ApiKeyRejected` when not valid)."""
    with store.read() as conn:
        return apikeys.client_for_key(conn, api_key)


# ---- API keys ----------------------------------------------------------------------------


def list_api_keys(store: Store) -> list[dict[str, Any]]:
    """The Open311 API keys (prefixes only)."""
    with store.read() as conn:
        return apikeys.list_api_keys(conn)


def create_api_key(store: Store, label: str) -> tuple[int, str]:
    """A new Open311 API key: (key id, the clear key — shown once)."""
    with store.write() as conn:
        return apikeys.create_api_key(conn, label)


def revoke_api_key(store: Store, key_id: int) -> None:
    """Revoke an Open311 API key."""
    with store.write() as conn:
        apikeys.revoke_api_key(conn, key_id)
