"""Complaints beyond Open311: the officers' inbox and workflow, and the citizen's side.

Officers (session token, role officer or admin): inbox, detail with the event log, status
changes, notes, assignment, before/after photos, SLA check, API keys (admin).
Citizens (no login): file a complaint from the web form, see likely duplicates near a
spot before filing, "+1" an existing complaint, and with the token they received: follow,
reopen, rate. Open311 clients use ``/open311/v2``.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Header, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from paknam.complaints import contact as contacts
from paknam.complaints import service
from paknam.complaints.agencies import AGENCIES, agency_public, route
from paknam.complaints.catalogue import SERVICES
from paknam.complaints.classifier_runtime import current_model, suggestions
from paknam.complaints.follow_link import follow_path, follow_url, qr_svg_data_uri
from paknam.complaints.inbox import MAX_QUERY, SORTS, InboxFilter
from paknam.complaints.indicators import complaints_handled_quickly_indicator
from paknam.complaints.intake import MAX_DESCRIPTION, ComplaintIn
from paknam.complaints.workflow import STATES, TRANSITIONS
from paknam.core.errors import InvalidInput, NotFound, PermissionDenied
from paknam.core.http.deps import AdminDep, OfficerDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.media import MAX_PHOTO_BYTES, photo_response
from paknam.core.timeutil import now_s, to_local_iso

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=ERROR_RESPONSES)
ComplaintId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Token = Annotated[str, Path(min_length=8, max_length=100)]


def inbox_filter(
    status: Annotated[
        str | None, Query(max_length=20, description="a state, 'open' or 'closed'")
    ] = None,
    agency_code: Annotated[str | None, Query(max_length=40)] = None,
    district_code: Annotated[str | None, Query(max_length=8)] = None,
    service_code: Annotated[str | None, Query(max_length=40)] = None,
    overdue: bool | None = None,
    triage: Annotated[
        bool | None, Query(description="true: the officer triage queue (category unsure)")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=MAX_QUERY, description="a number (#123), words, or a district's name"),
    ] = None,
    sort: Annotated[
        str,
        Query(max_length=20, description=f"one of {', '.join(SORTS)}; '-' first to reverse"),
    ] = "due",
) -> InboxFilter:
    """The inbox's filters from the query (the inbox and its export take the same)."""
    return InboxFilter(status, agency_code, district_code, service_code, overdue, triage, q, sort)


InboxFilterDep = Annotated[InboxFilter, Depends(inbox_filter)]


class StatusChange(BaseModel):
    status: str = Field(description="Target state; see GET /api/v1/complaints/states")
    note: str | None = Field(default=None, max_length=2000)
    agency_code: str | None = Field(default=None, description="Needed when forwarding")


class Assignment(BaseModel):
    agency_code: str | None = None
    assignee: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=2000)


class Triage(BaseModel):
    service_code: str = Field(max_length=40, description="The right category")
    note: str | None = Field(default=None, max_length=2000)


class Note(BaseModel):
    note: str = Field(max_length=2000)
    public: bool = Field(default=False, description="Shown to the citizen (status_notes)")


class Reopen(BaseModel):
    reason: str = Field(max_length=2000)


class Rating(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class Support(BaseModel):
    supporter: str = Field(
        min_length=3, max_length=200, description="A stable id of the person (LINE user id...)"
    )


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    lat: float | None = Field(default=None, ge=-90, le=90, description="to name the agency")
    lon: float | None = Field(default=None, ge=-180, le=180)


class KeyIn(BaseModel):
    label: str = Field(min_length=1, max_length=200)


# ---- reference ---------------------------------------------------------------------------


@router.get("/states", summary="Complaint states and allowed transitions")
def states() -> FastJSONResponse:
    return FastJSONResponse(
        [
            {"status": k, "name_th": th, "name_en": en, "next": sorted(TRANSITIONS[k])}
            for k, (th, en) in STATES.items()
        ]
    )


@router.get("/agencies", summary="Agencies that handle complaints (sample directory)")
def agencies() -> FastJSONResponse:
    return FastJSONResponse([agency_public(code) for code in AGENCIES])


@router.get("/services", summary="Complaint categories with SLA and routing role")
def services() -> FastJSONResponse:
    return FastJSONResponse(
        [
            {
                "service_code": s.code,
                "name_th": s.name_th,
                "name_en": s.name_en,
                "group": s.group,
                "sla_hours": s.sla_hours,
                "role": s.role,
            }
            for s in SERVICES
        ]
    )


# ---- citizens ----------------------------------------------------------------------------


@router.post("", status_code=201, summary="File a complaint (web form, no login)")
async def post_complaint(
    store: StoreDep,
    service_code: Annotated[str, Form(max_length=40)],
    description: Annotated[str, Form(max_length=MAX_DESCRIPTION)],
    lat: Annotated[float, Form(ge=-90, le=90)],
    lon: Annotated[float, Form(ge=-180, le=180)],
    address: Annotated[str | None, Form(max_length=500)] = None,
    urgent: Annotated[Literal["yes", "no"] | None, Form()] = None,
    idempotency_key: Annotated[str | None, Form(max_length=200)] = None,
    photo: Annotated[UploadFile | None, File(description="JPEG, PNG or WebP ≤ 5 MB")] = None,
    contact: Annotated[
        str | None,
        Form(
            max_length=254,
            description="Optional Thai mobile number or e-mail for a call back: stored "
            "encrypted, shown to officers only, erased 30 days after closing",
        ),
    ] = None,
) -> FastJSONResponse:
    """Answers the complaint and its ``token`` (shown once: keep it to follow, reopen and
    rate), with the follow page's ``follow_path`` and ``follow_url`` and a QR code of that
    URL (``follow_qr_svg``, an SVG ``data:`` URI for an ``<img>``). Check
    ``GET /api/v1/complaints/duplicates`` first and "+1" instead when the same problem is
    already reported."""
    reach = contacts.normalise_contact(contact)
    data = await photo.read(MAX_PHOTO_BYTES + 1) if photo is not None else b""

    def keep_contact(conn: Connection, complaint_id: int, now: int) -> None:
        contacts.purge(conn, now)
        if reach is not None:
            contacts.save(conn, complaint_id, reach, now)

    done = await run_in_threadpool(
        partial(service.submit, then=keep_contact),
        store,
        ComplaintIn(
            service_code=service_code,
            description=description,
            lat=lat,
            lon=lon,
            address=address,
            attributes={"urgent": urgent} if urgent else {},
            photos=[data] if data else [],
            client="web",
            idempotency_key=idempotency_key,
        ),
    )
    url = follow_url(done["token"])
    done.update(
        follow_path=follow_path(done["token"]),
        follow_url=url,
        follow_qr_svg=await run_in_threadpool(qr_svg_data_uri, url),
    )
    return FastJSONResponse(done, status_code=201)


@router.get("/duplicates", summary="Likely duplicates near a spot (before filing)")
def duplicates(
    store: StoreDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    service_code: Annotated[str | None, Query(max_length=40)] = None,
    text: Annotated[str | None, Query(max_length=MAX_DESCRIPTION)] = None,
    radius_m: Annotated[float, Query(ge=1, le=2000)] = 150.0,
) -> FastJSONResponse:
    rows = service.suggest_duplicates(
        store, lon, lat, service_code=service_code, text=text, radius_m=radius_m
    )
    return FastJSONResponse(rows)


@router.post("/{complaint_id}/support", summary='"+1": I have the same problem')
def support(complaint_id: ComplaintId, body: Support, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.support(store, complaint_id, body.supporter))


TokenHeader = Annotated[
    str | None,
    Header(
        alias="X-Complaint-Token",
        description="The complaint's token; a header, unlike a path, stays out of access logs",
    ),
]


def _header_token(token: str | None) -> str:
    if not token or not 8 <= len(token) <= 100:
        raise InvalidInput(
            "send the complaint token in the X-Complaint-Token header "
            "(ส่ง token ของเรื่องร้องเรียนในส่วนหัว X-Complaint-Token)",
            field="X-Complaint-Token",
        )
    return token


@router.get("/follow", summary="Follow a complaint (token in the X-Complaint-Token header)")
def follow_by_header(store: StoreDep, x_complaint_token: TokenHeader = None) -> FastJSONResponse:
    """Like ``GET /follow/{token}``, with the token in a header: preferred, since paths end
    up in logs and browser histories."""
    return FastJSONResponse(service.follow(store, _header_token(x_complaint_token)))


@router.post("/follow/reopen", summary="Reopen a resolved complaint (token in a header)")
def reopen_by_header(
    body: Reopen, store: StoreDep, x_complaint_token: TokenHeader = None
) -> FastJSONResponse:
    return FastJSONResponse(service.reopen(store, _header_token(x_complaint_token), body.reason))


@router.post("/follow/rate", summary="Rate the handling, 1–5 stars (token in a header)")
def rate_by_header(
    body: Rating, store: StoreDep, x_complaint_token: TokenHeader = None
) -> FastJSONResponse:
    token = _header_token(x_complaint_token)
    return FastJSONResponse(service.rate(store, token, body.stars, body.comment))


@router.get("/follow/{token}", summary="Follow a complaint with its token")
def follow(token: Token, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.follow(store, token))


@router.post("/follow/{token}/reopen", summary="Reopen a resolved complaint (citizen)")
def reopen(token: Token, body: Reopen, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.reopen(store, token, body.reason))


@router.post("/follow/{token}/rate", summary="Rate the handling, 1–5 stars (once)")
def rate(token: Token, body: Rating, store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse(service.rate(store, token, body.stars, body.comment))


@router.post("/classify", summary="Suggest categories for a text (the Thai classifier)")
def classify(body: TextIn, store: StoreDep) -> FastJSONResponse:
    """Top-3 services for a complaint text; with ``lat``/``lon``, the agency each would go
    to there."""
    model = current_model()
    if model is None:
        raise NotFound("no complaint classifier has been trained (paknam complaints train CSV)")
    found = suggestions(model, body.text)
    if body.lat is not None and body.lon is not None:
        district = service.district_at(store, body.lat, body.lon)
        for s in found:
            s["agency_code"] = route(s["role"], district) if s["role"] else None
    return FastJSONResponse({"suggestions": found})


@router.get(
    "/{complaint_id}/photos/{photo_id}", response_class=Response, summary="A complaint photo"
)
def photo(
    complaint_id: ComplaintId, photo_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep
) -> Response:
    kind, data = service.get_photo(store, complaint_id, photo_id)
    return photo_response(kind, data)


# ---- officers ----------------------------------------------------------------------------


@router.get("", summary="Officer inbox, oldest due first")
def inbox(
    store: StoreDep,
    _: OfficerDep,
    page: PageDep,
    f: InboxFilterDep,
) -> FastJSONResponse:
    """``total`` matching complaints; ``items``: the page of them (``limit`` ≤ 1000, default
    100, and ``offset``). ``q`` finds a number (``123``, ``#123``), words of the description
    or address, or a district's name; ``sort``: due (default), created, updated or priority,
    ``-`` first to reverse."""
    found = service.inbox(store, f, limit=page.limit, offset=page.offset)
    return FastJSONResponse({**found, "limit": page.limit, "offset": page.offset})


_EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/export",
    response_class=Response,
    summary="The filtered inbox as CSV or Excel (officer)",
    responses={200: {"content": {t: {} for t in _EXPORT_TYPES.values()}}},
)
def export_inbox(
    store: StoreDep,
    who: OfficerDep,
    f: InboxFilterDep,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
    personal: Annotated[
        bool,
        Query(
            description="add the reporter's address and rating comment, unmasked text "
            "(administrators only)"
        ),
    ] = False,
) -> Response:
    """Every complaint the inbox filters select (no paging; at most 20,000), in the inbox's
    order. Telephone numbers, e-mail addresses and LINE ids in descriptions are masked, and
    the reporter's address and comment left out, unless ``personal=true`` (role admin)."""
    if personal and who.role != "admin":
        raise PermissionDenied("personal data of reporters is exported for administrators only")
    data, n = service.export(store, f, fmt=format, personal=personal)
    name = f"complaints-{to_local_iso(now_s())[:10]}.{format}"
    return Response(
        data,
        media_type=_EXPORT_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Total-Count": str(n),
            "Cache-Control": "no-store",
        },
    )


class BulkAssignment(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=service.MAX_BULK, description="Complaint ids"
    )
    agency_code: str | None = Field(default=None, max_length=40)
    assignee: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=2000)


@router.post("/bulk-assign", summary="Assign many complaints at once: all or nothing (officer)")
def bulk_assign(body: BulkAssignment, store: StoreDep, who: OfficerDep) -> FastJSONResponse:
    """Every complaint gets the agency and/or officer, or none does: when one cannot be
    assigned (unknown, closed), the answer is 422 with ``items`` naming each refused one
    (``index`` in ``ids``) and nothing changes. Answers ``{"assigned": n, "results": [{id,
    agency_code, assignee, status}]}``."""
    results = service.bulk_assign(
        store,
        body.ids,
        who.name,
        agency_code=body.agency_code,
        assignee=body.assignee,
        note=body.note,
    )
    return FastJSONResponse({"assigned": len(results), "results": results})


@router.get("/indicator", summary="Handled precisely and quickly: share per month/year")
def indicator(
    store: StoreDep, period: Annotated[str, Query(description="YYYY or YYYY-MM", max_length=7)]
) -> FastJSONResponse:
    return FastJSONResponse(complaints_handled_quickly_indicator(store, period))


@router.post("/sla-check", summary="Send reminders and escalate overdue complaints now")
def sla_check(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.run_sla_checks(store))


@router.get("/api-keys", summary="Open311 API keys (admin)")
def api_keys(store: StoreDep, _: AdminDep) -> FastJSONResponse:
    return FastJSONResponse(service.list_api_keys(store))


@router.post("/api-keys", status_code=201, summary="New Open311 API key (admin; shown once)")
def new_api_key(body: KeyIn, store: StoreDep, _: AdminDep) -> FastJSONResponse:
    kid, key = service.create_api_key(store, body.label)
    return FastJSONResponse({"id": kid, "api_key": key, "label": body.label}, status_code=201)


@router.delete("/api-keys/{key_id}", status_code=204, summary="Revoke an Open311 API key")
def delete_api_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], store: StoreDep, _: AdminDep
) -> Response:
    service.revoke_api_key(store, key_id)
    return Response(status_code=204)


@router.get("/{complaint_id}", summary="One complaint with its full event log (officer)")
def detail(complaint_id: ComplaintId, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.get(store, complaint_id))


@router.get("/{complaint_id}/contact", summary="The citizen's call-back contact (officer)")
def read_contact(complaint_id: ComplaintId, store: StoreDep, who: OfficerDep) -> FastJSONResponse:
    """``{"channel": "sms" | "email", "address"}`` when the citizen gave one on the web
    form; 404 when none was given or it was erased (30 days after closing). Each reading is
    written to the complaint's private event log."""
    with store.write() as conn:
        found = contacts.read(conn, complaint_id, who.name, now_s())
    return FastJSONResponse(found)


@router.post("/{complaint_id}/status", summary="Change the state (officer)")
def change_status(
    complaint_id: ComplaintId, body: StatusChange, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    return FastJSONResponse(
        service.change_status(
            store,
            complaint_id,
            body.status,
            who.name,
            note=body.note,
            agency_code=body.agency_code,
        )
    )


@router.post("/{complaint_id}/assign", summary="Set the agency and/or officer (officer)")
def assign(
    complaint_id: ComplaintId, body: Assignment, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    return FastJSONResponse(
        service.assign(
            store,
            complaint_id,
            who.name,
            agency_code=body.agency_code,
            assignee=body.assignee,
            note=body.note,
        )
    )


@router.post("/{complaint_id}/triage", summary="Settle the category of a triaged complaint")
def triage(
    complaint_id: ComplaintId, body: Triage, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    """The officer's service code re-routes the complaint and clears the triage flag; the
    text and this category become training data for the next ``paknam complaints train``
    (``paknam complaints corrections``)."""
    return FastJSONResponse(
        service.triage(store, complaint_id, who.name, body.service_code, note=body.note)
    )


@router.post("/{complaint_id}/notes", summary="Add a note (officer)")
def add_note(
    complaint_id: ComplaintId, body: Note, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    return FastJSONResponse(
        service.add_note(store, complaint_id, who.name, body.note, public=body.public)
    )


@router.post("/{complaint_id}/photos", status_code=201, summary="Before/after photo (officer)")
async def add_photo(
    complaint_id: ComplaintId,
    store: StoreDep,
    who: OfficerDep,
    stage: Annotated[Literal["before", "after"], Form()],
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP ≤ 5 MB")],
) -> FastJSONResponse:
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    pid = await run_in_threadpool(service.add_photo, store, complaint_id, stage, data, who.name)
    return FastJSONResponse(
        {"id": pid, "url": f"/api/v1/complaints/{complaint_id}/photos/{pid}"}, status_code=201
    )
