"""Smart Governance: CAP alerts, the Atom feed, previews, sending, subscriptions and the
LINE webhook."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from paknam.core import audit
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, TooManyRequests
from paknam.core.http.cache import JSON, LIVE, NOT_MODIFIED, cached_response
from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.pagination import PageDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse, error_body, json_bytes
from paknam.core.notify import line_webhook, subscribers, verify
from paknam.core.notify.channels.line import LineChannel
from paknam.core.notify.subscribers import Audience
from paknam.core.stations import list_districts
from paknam.core.store import Store
from paknam.core.text import redact_addresses
from paknam.core.timeutil import local_iso, now_s, to_local_iso
from paknam.governance import service
from paknam.governance.alerts import AlertSpec
from paknam.governance.atom import alerts_feed
from paknam.governance.indicators import delivery_time_indicator, people_reachable_indicator

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=ERROR_RESPONSES)

RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="numeric id")]
Severity = Literal["minor", "moderate", "severe", "extreme"]
Topic = Literal["flood", "air", "water", "news"]


def _base(request: Request) -> str:
    """The base of the Atom and CAP links: ``public_base_url``, never the request's ``Host``
    (a forged Host would otherwise put another site's address in feeds that are cached)."""
    return _link_base()


def _link_base() -> str:
    """The public address the alert and news texts link to."""
    return get_settings().public_base_url.rstrip("/")


def _alert_json(alert: Mapping[str, Any]) -> dict[str, Any]:
    """An alert of the service with its times as Thai-time ISO 8601."""
    out = dict(alert)
    for key in ("sent", "expires", "raised_at"):
        out[key] = local_iso(out[key])
    if "thread" in out:
        out["thread"] = [{**m, "sent": local_iso(m["sent"])} for m in out["thread"]]
    return out


class AudienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    districts: list[str] = Field(default_factory=list, description="DOPA amphoe codes")
    topics: list[Topic] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    subscriber_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        default_factory=list, max_length=10_000
    )
    channels: list[Literal["line", "sms", "email"]] = Field(default_factory=list)

    def audience(self) -> Audience:
        return Audience(
            tuple(self.districts),
            tuple(self.topics),
            tuple(self.groups),
            tuple(self.subscriber_ids),
            tuple(self.channels),
        )


class Circle(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=500)


class AlertIn(BaseModel):
    """An officer's alert: CAP info fields in Thai and English."""

    model_config = ConfigDict(extra="forbid")
    topic: Topic
    severity: Severity
    urgency: Literal["Immediate", "Expected", "Future", "Past", "Unknown"] = "Immediate"
    certainty: Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"] = "Observed"
    headline_th: str = Field(min_length=1, max_length=160)
    headline_en: str = Field(min_length=1, max_length=160)
    description_th: str = Field(min_length=1, max_length=4000)
    description_en: str = Field(min_length=1, max_length=4000)
    instruction_th: str | None = Field(default=None, max_length=2000)
    instruction_en: str | None = Field(default=None, max_length=2000)
    event_th: str | None = Field(default=None, max_length=100)
    event_en: str | None = Field(default=None, max_length=100)
    districts: list[str] = Field(default_factory=list, description="DOPA amphoe codes")
    polygon: dict[str, Any] | None = Field(default=None, description="GeoJSON (lon, lat)")
    circle: Circle | None = None
    expires: datetime | None = Field(default=None, description="ISO 8601 with offset")
    status: Literal["Actual", "Exercise", "Test"] = Field(
        description="required, no default: Actual (real), Exercise (a drill) or Test"
    )

    def spec(self) -> AlertSpec:
        data = self.model_dump(exclude={"circle"})
        if self.expires is not None and self.expires.tzinfo is None:
            raise InvalidInput("expires needs a UTC offset (+07:00)", field="expires")
        circle = (self.circle.lat, self.circle.lon, self.circle.radius_km) if self.circle else None
        return AlertSpec(**data, circle=circle)


class AlertChange(BaseModel):
    """Fields an Update changes (others stay as they were)."""

    model_config = ConfigDict(extra="forbid")
    severity: Severity | None = None
    urgency: Literal["Immediate", "Expected", "Future", "Past", "Unknown"] | None = None
    certainty: Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"] | None = None
    headline_th: str | None = Field(default=None, min_length=1, max_length=160)
    headline_en: str | None = Field(default=None, min_length=1, max_length=160)
    description_th: str | None = Field(default=None, min_length=1, max_length=4000)
    description_en: str | None = Field(default=None, min_length=1, max_length=4000)
    instruction_th: str | None = Field(default=None, max_length=2000)
    instruction_en: str | None = Field(default=None, max_length=2000)
    districts: list[str] | None = None
    expires: datetime | None = None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note_th: str | None = Field(default=None, max_length=2000)
    note_en: str | None = Field(default=None, max_length=2000)


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    audience: AudienceIn | None = Field(
        default=None, description="default: the alert's districts and topic"
    )
    force: bool = Field(default=False, description="send again although already sent")


class NewsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text_th: str = Field(min_length=1, max_length=4000)
    text_en: str = Field(min_length=1, max_length=4000)
    audience: AudienceIn


# --- public ----------------------------------------------------------------------------
# What a surge of citizens asks for after an alert: answered from memory while the store is
# unchanged (at most 15 s), with ETag, Last-Modified and Cache-Control (paknam.core.http.cache).
# The key holds the base URL because the answers' links are made from it.

ATOM = "application/atom+xml; charset=utf-8"
CAP = "application/cap+xml; charset=utf-8"


@router.get(
    "/alerts.atom",
    summary="Atom feed of the active CAP alerts",
    tags=["alerts"],
    responses=NOT_MODIFIED,
)
async def alerts_atom(request: Request, store: StoreDep) -> Response:
    """RFC 4287 Atom; each entry links to its CAP 1.2 document (≤ 900 KB). A cancelled
    alert stays in the feed for a day as its Cancel message, so pollers see it end."""
    base = _base(request)

    def compute() -> tuple[bytes, str]:
        active = service.feed_alerts(store, base_url=base)
        return alerts_feed(active, base_url=base, updated=to_local_iso(now_s())), ATOM

    return await cached_response(request, ("alerts.atom", base), compute, LIVE)


@router.get("/alerts", summary="CAP alerts (newest message of each alert)", responses=NOT_MODIFIED)
async def list_alerts(
    request: Request,
    store: StoreDep,
    page: PageDep,
    state: Literal["active", "past", "all"] = "active",
) -> Response:
    """Newest first; ``limit`` (≤ 1000, default 100) and ``offset`` page through them."""
    base = _base(request)

    def compute() -> tuple[bytes, str]:
        rows = service.list_alerts(
            store, state=state, base_url=base, limit=page.limit, offset=page.offset
        )
        body = {"alerts": [_alert_json(a) for a in rows], "limit": page.limit}
        return json_bytes({**body, "offset": page.offset}), JSON

    key = ("alerts", state, page.limit, page.offset, base)
    return await cached_response(request, key, compute, LIVE)


@router.get(
    "/alerts/{alert_id}.xml", summary="One alert as a CAP 1.2 document", responses=NOT_MODIFIED
)
async def alert_cap(alert_id: RowId, request: Request, store: StoreDep) -> Response:
    def compute() -> tuple[bytes, str]:
        return service.get_cap_xml(store, alert_id).encode("utf-8"), CAP

    return await cached_response(request, ("alert.xml", alert_id), compute, LIVE)


@router.get(
    "/alerts/{alert_id}", summary="One alert message with its thread", responses=NOT_MODIFIED
)
async def get_alert(alert_id: RowId, request: Request, store: StoreDep) -> Response:
    base = _base(request)

    def compute() -> tuple[bytes, str]:
        return json_bytes(_alert_json(service.get_alert(store, alert_id, base_url=base))), JSON

    return await cached_response(request, ("alert", alert_id, base), compute, LIVE)


# --- officers --------------------------------------------------------------------------


@router.post("/alerts", status_code=201, summary="Issue a CAP alert (officer)")
def create_alert(
    body: AlertIn, request: Request, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    out = service.create_alert(store, body.spec(), who.name, base_url=_base(request))
    return FastJSONResponse(_alert_json(out), status_code=201)


@router.post("/alerts/{alert_id}/update", status_code=201, summary="Issue a CAP Update")
def update_alert(
    alert_id: RowId, body: AlertChange, request: Request, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise InvalidInput("an update needs at least one changed field")
    nulls = sorted(k for k, v in changes.items() if v is None and not k.startswith("instruction"))
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)} cannot be null", field=nulls[0])
    if changes.get("expires") is not None and changes["expires"].tzinfo is None:
        raise InvalidInput("expires needs a UTC offset (+07:00)", field="expires")
    out = service.update_alert(store, alert_id, changes, who.name, base_url=_base(request))
    return FastJSONResponse(_alert_json(out), status_code=201)


@router.post("/alerts/{alert_id}/cancel", status_code=201, summary="Issue a CAP Cancel")
def cancel_alert(
    alert_id: RowId, body: CancelIn, request: Request, store: StoreDep, who: OfficerDep
) -> FastJSONResponse:
    out = service.cancel_alert(
        store, alert_id, who.name, body.note_th, body.note_en, base_url=_base(request)
    )
    return FastJSONResponse(_alert_json(out), status_code=201)


@router.post("/alerts/{alert_id}/preview", summary="What each channel would send, to whom")
def preview_alert(
    alert_id: RowId, body: SendIn, store: StoreDep, _: OfficerDep
) -> FastJSONResponse:
    audience = body.audience.audience() if body.audience else None
    return FastJSONResponse(
        service.preview_alert(store, alert_id, link_base=_link_base(), audience=audience)
    )


@router.post("/alerts/{alert_id}/send", status_code=202, summary="Queue an alert for delivery")
def send_alert(alert_id: RowId, body: SendIn, store: StoreDep, who: OfficerDep) -> FastJSONResponse:
    mid, n = service.send_alert(
        store,
        alert_id,
        created_by=who.name,
        link_base=_link_base(),
        audience=body.audience.audience() if body.audience else None,
        force=body.force,
    )
    audit.alert_sent(store, alert_id, who.name, mid, n)
    return FastJSONResponse({"message_id": mid, "recipients": n}, status_code=202)


@router.post("/news/preview", summary="What each channel would send for a news message")
def preview_news(body: NewsIn, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(
        service.preview_news(
            store, body.text_th, body.text_en, body.audience.audience(), link_base=_link_base()
        )
    )


@router.post("/news", status_code=202, summary="Queue news for delivery (topic news)")
def send_news(body: NewsIn, store: StoreDep, who: OfficerDep) -> FastJSONResponse:
    mid, n = service.send_news(
        store,
        body.text_th,
        body.text_en,
        body.audience.audience(),
        created_by=who.name,
        link_base=_link_base(),
    )
    return FastJSONResponse({"message_id": mid, "recipients": n}, status_code=202)


@router.get("/messages/{message_id}", summary="Delivery progress of a message (officer)")
def get_message(message_id: RowId, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.message(store, message_id))


class GroupsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: list[str] = Field(max_length=50)


@router.get("/subscribers/stats", summary="People reachable, by channel and district (officer)")
def subscriber_stats(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.reachable(store))


@router.get("/subscribers/{subscriber_id}", summary="One subscriber, address masked (officer)")
def get_subscriber(subscriber_id: RowId, store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(service.get_subscriber(store, subscriber_id))


@router.put("/subscribers/{subscriber_id}/groups", summary="Set a subscriber's groups (officer)")
def set_groups(
    subscriber_id: RowId, body: GroupsIn, store: StoreDep, _: OfficerDep
) -> FastJSONResponse:
    return FastJSONResponse(service.set_groups(store, subscriber_id, body.groups))


@router.get("/governance/indicators", summary="Smart Governance alerting indicators")
def governance_indicators(store: StoreDep) -> FastJSONResponse:
    return FastJSONResponse([people_reachable_indicator(store), delivery_time_indicator(store)])


# --- citizens --------------------------------------------------------------------------


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["sms", "email"] = Field(description="LINE users subscribe in the LINE chat")
    address: str = Field(min_length=3, max_length=254, description="phone number or e-mail")
    districts: list[str] = Field(min_length=1, description="DOPA amphoe codes")
    topics: list[Topic] = Field(min_length=1)
    language: Literal["th", "en"] = "th"
    consent: bool = Field(description="true: I agree to the privacy notice (required)")
    notice_version: str = Field(description="version of the privacy notice agreed to")


class VerifyIn(BaseModel):
    """Either ``request`` and ``code`` (SMS) or ``token`` (the e-mail link's)."""

    model_config = ConfigDict(extra="forbid")
    request: str | None = Field(
        default=None, min_length=8, max_length=100, description="from the 202 answer"
    )
    code: str | None = Field(default=None, min_length=1, max_length=20, description="the SMS code")
    token: str | None = Field(
        default=None, min_length=8, max_length=100, description="the e-mail link's token"
    )


@router.get("/subscriptions/notice", summary="The privacy notice consent is asked against")
def privacy_notice(store: StoreDep) -> FastJSONResponse:
    """The notice and its version, the topics and districts to choose from, and the
    channels this server can verify (``sms`` needs a gateway, ``email`` an SMTP server)."""
    s = get_settings()
    with store.read() as conn:
        districts = [
            {"code": d["code"], "name_th": d["name_th"], "name_en": d["name_en"]}
            for d in list_districts(conn)
        ]
    return FastJSONResponse(
        {
            "version": subscribers.NOTICE_VERSION,
            "purpose": subscribers.PURPOSE,
            "text": subscribers.PRIVACY_NOTICE,
            "topics": {k: {"th": v[0], "en": v[1]} for k, v in subscribers.TOPICS.items()},
            "districts": districts,
            "channels": verify.available_channels(s),
            "sms_countries": ["+" + c.lstrip("+") for c in s.subscription_sms_countries],
            "code_ttl_s": s.subscription_code_ttl_s,
            "max_attempts": s.subscription_code_attempts,
        }
    )


async def _limit(request: Request, bucket: str, key: str, what: str) -> None:
    """One request against a limit the route applies itself (``app.state.limits``)."""
    limits = getattr(request.app.state, "limits", None)
    if limits is None:
        return
    retry = await limits.hit(bucket, key)
    if retry is not None:
        raise TooManyRequests(
            f"too many codes sent {what}; try again in {retry} s "
            f"(ส่งรหัสถี่เกินไป โปรดลองใหม่ในอีก {retry} วินาที)",
            retry_after=retry,
        )


@router.post(
    "/subscriptions",
    status_code=202,
    summary="Subscribe to alerts by SMS or e-mail (pending until verified)",
)
async def subscribe(body: SubscriptionIn, request: Request, store: StoreDep) -> FastJSONResponse:
    """Needs ``consent: true`` against the current notice. Sends a one-time code (SMS) or
    a confirmation link (e-mail) and answers ``202`` ``{"state": "pending", "request", ...}``
    — the same answer whether or not the address is already subscribed. Nothing else is
    sent to the address until ``POST /api/v1/subscriptions/verify`` confirms it; that
    answers the ``manage_token``. SMS: Thai mobile numbers (+66) unless the server allows
    more countries. Limits: per client IP, per address and for the whole server (429)."""
    if not body.consent:
        raise InvalidInput("consent is required to send you alerts (PDPA)", field="consent")
    if body.notice_version != subscribers.NOTICE_VERSION:
        raise InvalidInput(
            f"privacy notice {body.notice_version!r} is not the current one "
            f"({subscribers.NOTICE_VERSION}); show the current notice again",
            field="notice_version",
        )
    settings = get_settings()
    sub = subscribers.Subscription(
        body.channel, body.address, body.districts, body.topics, body.language, (), "web"
    )
    countries = settings.subscription_sms_countries
    digest = await run_in_threadpool(service.check_subscription, store, sub, countries)
    if body.channel not in verify.available_channels(settings):
        raise InvalidInput(
            f"subscribing by {body.channel} is not available on this server "
            "(no gateway configured)",
            field="channel",
        )
    await _limit(request, "subscription_address", digest, "to this address")
    await _limit(request, "subscription_codes", "all", "by this server just now")
    pending, outcome = await run_in_threadpool(
        service.request_subscription, store, sub, settings, link_base=_link_base()
    )
    if pending.request_id in outcome.failed_ids:
        raise InvalidInput(
            f"the {body.channel} gateway refused this address (ระบบส่งข้อความไม่รับที่อยู่นี้)",
            field="address",
        )
    if outcome.status != "sent":
        log.warning(
            "verification message not sent on %s: %s",
            body.channel,
            redact_addresses(str(outcome.response))[:200],
        )
        return FastJSONResponse(
            error_body(
                "not_sent",
                "the code could not be sent just now; try again in a minute "
                "(ส่งรหัสไม่สำเร็จ โปรดลองใหม่อีกครั้ง)",
            ),
            status_code=503,
            headers={"Retry-After": "60"},
        )
    out = pending.public(settings.subscription_code_ttl_s, settings.subscription_code_attempts)
    out["expires_at"] = local_iso(out["expires_at"])
    return FastJSONResponse(out, status_code=202)


_REFUSED = {
    "unknown": (404, "not_found", "no pending subscription has this code or link"),
    "wrong_code": (422, "wrong_code", "the code is not right"),
    "expired": (410, "expired", "the code or link has expired: subscribe again for a new one"),
    "dead": (410, "dead", "too many wrong codes: subscribe again for a new code"),
    "used": (409, "already_verified", "this request was confirmed already"),
}
_REFUSED_TH = {
    "unknown": "ไม่พบคำขอนี้",
    "wrong_code": "รหัสไม่ถูกต้อง",
    "expired": "รหัสหรือลิงก์หมดอายุแล้ว โปรดสมัครใหม่",
    "dead": "ใส่รหัสผิดเกินจำนวนครั้ง โปรดสมัครใหม่",
    "used": "คำขอนี้ได้รับการยืนยันแล้ว",
}


@router.post("/subscriptions/verify", summary="Confirm a pending subscription (code or link)")
def verify_subscription(body: VerifyIn, store: StoreDep) -> FastJSONResponse:
    """``{"request", "code"}`` for SMS, ``{"token"}`` for the e-mail link. Answers the
    active subscription and its ``manage_token`` (shown once). A wrong code is ``422``
    ``wrong_code`` with ``attempts_left``; then ``410`` once the request is dead or
    expired (subscribe again), ``409`` if it was confirmed already, ``404`` if unknown."""
    if body.token is not None:
        if body.request is not None or body.code is not None:
            raise InvalidInput("send either token, or request and code", field="token")
        result = service.verify_subscription(store, link_token=body.token)
    else:
        if body.request is None or body.code is None:
            raise InvalidInput("send request and code (SMS) or token (e-mail)", field="code")
        code = "".join(body.code.split())
        if not (code.isascii() and code.isdigit() and len(code) == verify.CODE_DIGITS):
            raise InvalidInput(
                f"the code is {verify.CODE_DIGITS} digits (รหัสเป็นตัวเลข {verify.CODE_DIGITS} หลัก)",
                field="code",
            )
        result = service.verify_subscription(
            store,
            request=body.request,
            code=code,
            attempts=get_settings().subscription_code_attempts,
        )
    if isinstance(result, verify.Refused):
        status, code_name, message = _REFUSED[result.reason]
        extra: dict[str, Any] = {}
        if result.reason == "wrong_code":
            extra["attempts_left"] = result.attempts_left
            message += f"; {result.attempts_left} attempt(s) left"
        return FastJSONResponse(
            error_body(code_name, f"{message} ({_REFUSED_TH[result.reason]})", **extra),
            status_code=status,
        )
    info, token = result
    return FastJSONResponse(
        {"state": "active", "manage_token": token, "subscription": info}, status_code=200
    )


def _token(token: str | None) -> str:
    if not token:
        raise InvalidInput(
            "send the manage token in the X-Manage-Token header", field="X-Manage-Token"
        )
    return token


@router.get("/subscriptions/me", summary="My subscription (by manage token)")
def my_subscription(
    store: StoreDep, x_manage_token: Annotated[str | None, Header()] = None
) -> FastJSONResponse:
    return FastJSONResponse(service.my_subscription(store, _token(x_manage_token)))


@router.delete("/subscriptions/me", summary="Withdraw consent (and optionally erase)")
def withdraw(
    store: StoreDep,
    x_manage_token: Annotated[str | None, Header()] = None,
    erase: bool = False,
) -> FastJSONResponse:
    return FastJSONResponse(service.withdraw(store, _token(x_manage_token), erase=erase))


@router.post("/line/webhook", summary="LINE Messaging API webhook (follow, messages)")
async def line_webhook_endpoint(
    request: Request,
    store: StoreDep,
    x_line_signature: Annotated[str | None, Header()] = None,
) -> FastJSONResponse:
    settings = get_settings()
    if not settings.line_channel_secret:
        raise InvalidInput("LINE is not configured (PAKNAM_LINE_CHANNEL_SECRET)")
    body = await request.body()
    line_webhook.verify_signature(settings.line_channel_secret, body, x_line_signature)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"webhook body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise InvalidInput("webhook body is not a JSON object")
    await run_in_threadpool(_handle_webhook, store, payload)
    return FastJSONResponse({"handled": len(payload.get("events") or [])})


def _handle_webhook(store: Store, payload: dict[str, Any]) -> None:
    """The database work and the replies, off the event loop."""
    settings = get_settings()
    token = settings.line_channel_access_token
    line = LineChannel(token or "", settings.line_api_base, timeout=10)
    try:
        fetch = (lambda mid: line.content(settings.line_data_api_base, mid)) if token else None
        replies = service.handle_line_events(store, payload, fetch=fetch)
        if token:
            for reply_token, messages in replies:
                try:
                    line.reply(reply_token, messages)
                except Exception:  # a lost reply must not make LINE redeliver the event
                    log.warning("LINE reply failed", exc_info=True)
    finally:
        line.close()
