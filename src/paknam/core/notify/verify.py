"""Verified subscriptions by SMS and e-mail: nothing is sent to an address until its owner
proves it is theirs.

A citizen's form makes a *request* (:func:`create_request`), kept in
``subscription_requests`` with the address encrypted and the choices: an SMS request gets a
one-time numeric code, an e-mail request a confirmation link. Only keyed hashes of the code,
the link token and the request token are stored. The request is ``pending`` until
:func:`verify_code` (the request token and the code) or :func:`verify_link` (the link
token) confirms it; then, and only then, the subscriber row is made active (or updated,
with a new manage token) and consent is recorded. A code expires (``ttl_s``, 15 min by
default) and allows ``attempts`` tries (5), after which the request is dead.

Nothing in the answer to a request depends on whether the address is already known,
active or withdrawn: every valid request is stored and sent its message the same way, and
an address that is already subscribed changes only when its owner confirms. The
audience of alerts (:func:`paknam.core.notify.subscribers.audience_query`) takes active
subscribers only, so a pending request receives nothing but its verification message.

The verification message goes out at once through the same channel clients as alerts
(:class:`~paknam.core.notify.channels.sms.SmsChannel`,
:class:`~paknam.core.notify.channels.email.EmailChannel`); :func:`send_verification`.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.config import Settings
from paknam.core.errors import InvalidInput
from paknam.core.notify.channels import Batch, Channel, Outcome
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import subscriber_groups, subscribers, subscription_requests
from paknam.core.notify.subscribers import (
    Subscription,
    check_choices,
    find_by_address,
    mask,
    normalise_address,
    subscribe,
)
from paknam.core.notify.worker import channels_from_settings
from paknam.core.text import redact_addresses
from paknam.core.timeutil import utcnow

CODE_DIGITS = 6
CODE_TTL_S = 15 * 60
MAX_ATTEMPTS = 5
KEEP_S = 86_400
"""Requests (whatever their state) are deleted this long after they expire."""
VERIFIED_CHANNELS = ("sms", "email")

TEXTS: dict[str, dict[str, str]] = {
    "sms": {
        "th": "รหัสยืนยันรับแจ้งเตือน จ.สมุทรปราการ: {code} (ใช้ได้ {minutes} นาที) หากไม่ได้ขอ ไม่ต้องทำอะไร",
        "en": "Samut Prakan alerts code: {code} (valid {minutes} min). "
        "If you did not ask for it, do nothing.",
    },
    "email_subject": {
        "th": "ยืนยันการรับแจ้งเตือนจากจังหวัดสมุทรปราการ",
        "en": "Confirm your Samut Prakan alert subscription",
    },
    "email_body": {
        "th": "มีผู้ขอรับแจ้งเตือนภัยและข่าวสารจากจังหวัดสมุทรปราการทางอีเมลนี้\n\n"
        'หากเป็นท่าน เปิดลิงก์นี้ภายใน {minutes} นาที แล้วกด "ยืนยัน":\n{link}\n\n'
        "หากท่านไม่ได้ขอ ไม่ต้องทำอะไร จะไม่มีการส่งอีเมลถึงท่านอีก\n",
        "en": "Someone asked to receive warnings and news from Samut Prakan Province at "
        "this e-mail address.\n\nIf it was you, open this link within {minutes} minutes "
        'and press "Confirm":\n{link}\n\nIf it was not you, do nothing: you will get no '
        "more e-mail from us.\n",
    },
}
"""The verification messages (Thai, English), by part."""


@dataclass(frozen=True)
class Pending:
    """A request just made: what to send and what to answer. ``secret`` (the code or the
    link token) goes to the address only, never into the answer."""

    request_id: int
    request_token: str
    channel: str
    address: str
    language: str
    secret: str
    expires_at: datetime

    def public(self, ttl_s: int, attempts: int) -> dict[str, Any]:
        """The answer to the citizen: the same shape and values whoever the address is."""
        return {
            "state": "pending",
            "request": self.request_token,
            "channel": self.channel,
            "address": mask(self.channel, self.address),
            "verify": "code" if self.channel == "sms" else "link",
            "expires_at": self.expires_at,
            "expires_in_s": ttl_s,
            "max_attempts": attempts if self.channel == "sms" else None,
        }


@dataclass(frozen=True)
class Activated:
    """A verified request: the subscriber it made active and their new manage token."""

    subscriber_id: int
    manage_token: str


@dataclass(frozen=True)
class Refused:
    """Why a verification failed: ``unknown`` (no such request or link), ``wrong_code``,
    ``expired``, ``dead`` (out of attempts, or never sent) or ``used`` (verified before)."""

    reason: str
    attempts_left: int = 0


def check_sms_country(address: str, countries: Sequence[str]) -> None:
    """:class:`InvalidInput` unless the E.164 ``address`` has one of the country calling
    codes ``countries`` (``["66"]``: Thai numbers only)."""
    if not any(address.startswith("+" + c.lstrip("+")) for c in countries):
        allowed = ", ".join("+" + c.lstrip("+") for c in countries) or "none"
        raise InvalidInput(
            f"{address[:3]}… is not a Thai mobile number: alerts by SMS go to numbers of "
            f"{allowed} only (ส่ง SMS ได้เฉพาะหมายเลขโทรศัพท์มือถือในประเทศไทย)",
            field="address",
        )


def prepare(
    conn: Connection, sub: Subscription, countries: Sequence[str] = ("66",)
) -> tuple[str, str]:
    """Check a request without storing anything; returns (normalised address, its keyed
    hash). Raises :class:`InvalidInput` naming the problem."""
    if sub.channel not in VERIFIED_CHANNELS:
        raise InvalidInput("only SMS and e-mail subscriptions are verified here", field="channel")
    check_choices(conn, sub)
    address = normalise_address(sub.channel, sub.address)
    if sub.channel == "sms":
        check_sms_country(address, countries)
    return address, cipher().digest(address)


def _secret_hash(kind: str, request_token: str, secret: str) -> str:
    return cipher().digest(f"{kind}\0{request_token}\0{secret}")


def create_request(
    conn: Connection,
    sub: Subscription,
    *,
    notice_version: str,
    countries: Sequence[str] = ("66",),
    ttl_s: int = CODE_TTL_S,
    now: datetime | None = None,
) -> Pending:
    """Store a pending request for ``sub`` (checked as :func:`prepare` does) and make its
    code or link token. Requests that expired more than :data:`KEEP_S` ago are deleted."""
    address, digest = prepare(conn, sub, countries)
    now = now or utcnow()
    purge(conn, now)
    c = cipher()
    token = "pkr_" + secrets.token_urlsafe(18)
    if sub.channel == "sms":
        secret = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        hashes = {"code_hash": _secret_hash("code", token, secret), "link_hash": None}
    else:
        secret = "pkl_" + secrets.token_urlsafe(24)
        hashes = {"code_hash": None, "link_hash": c.digest("link\0" + secret)}
    expires = now + timedelta(seconds=ttl_s)
    rid = conn.execute(
        subscription_requests.insert()
        .returning(subscription_requests.c.id)
        .values(
            token_hash=c.digest("request\0" + token),
            channel=sub.channel,
            address_enc=c.encrypt(address),
            address_hash=digest,
            language=sub.language,
            districts=sorted(set(sub.districts)),
            topics=sorted(set(sub.topics)),
            notice_version=notice_version,
            state="pending",
            attempts=0,
            created_at=now,
            expires_at=expires,
            **hashes,
        )
    ).scalar_one()
    return Pending(int(rid), token, sub.channel, address, sub.language, secret, expires)


def link_for(link_base: str, link_token: str) -> str:
    """The confirmation link of an e-mail request: in the fragment, which browsers never
    send to the server (so no access log or proxy holds it)."""
    return f"{link_base.rstrip('/')}/subscribe/confirm#token={link_token}"


def texts(pending: Pending, link_base: str, ttl_s: int = CODE_TTL_S) -> dict[str, str]:
    """The verification message of ``pending`` in its language, as a channel batch wants."""
    lang = pending.language if pending.language in ("th", "en") else "th"
    minutes = max(1, ttl_s // 60)
    if pending.channel == "sms":
        return {"sms": TEXTS["sms"][lang].format(code=pending.secret, minutes=minutes)}
    link = link_for(link_base, pending.secret)
    return {
        "email_subject": TEXTS["email_subject"][lang],
        "email_body": TEXTS["email_body"][lang].format(link=link, minutes=minutes),
    }


def available_channels(settings: Settings) -> list[str]:
    """The channels a verification message can go out on (their settings are given)."""
    out = []
    if settings.sms_gateway_url:
        out.append("sms")
    if settings.smtp_host:
        out.append("email")
    return out


def channel_for(name: str, settings: Settings) -> Channel:
    """A client of channel ``name`` (sms or email) from the settings, built as the delivery
    worker builds it (see :func:`available_channels`)."""
    verifiable = name in ("sms", "email")
    channel = channels_from_settings(settings, only=(name,)).get(name) if verifiable else None
    if channel is None:
        raise InvalidInput(
            f"{name} is not available on this server (no gateway configured)", field="channel"
        )
    return channel


def send_verification(
    pending: Pending, settings: Settings, link_base: str, ttl_s: int = CODE_TTL_S
) -> Outcome:
    """Send the code or link of ``pending`` now, on its channel; the channel's answer.

    A batch of one, with a fresh key (the gateway's idempotency key): a request that is
    asked again makes a new request and a new code, never a repeat of this one.
    """
    channel = channel_for(pending.channel, settings)
    try:
        batch = Batch(
            str(uuid.uuid4()),
            pending.channel,
            pending.language,
            texts(pending, link_base, ttl_s),
            [(pending.request_id, pending.address)],
        )
        return channel.send(batch)
    finally:
        channel.close()


def record_sent(conn: Connection, request_id: int, outcome: Outcome) -> bool:
    """Note how the message went (counts only, no address); a request whose message was
    not accepted is dead. Returns whether it was accepted."""
    ok = outcome.status == "sent" and request_id not in outcome.failed_ids
    values: dict[str, Any] = {"sent": redact_addresses(outcome.response)[:200]}
    if not ok:
        values.update(state="dead", address_enc=b"", code_hash=None)
    conn.execute(
        subscription_requests.update()
        .where(subscription_requests.c.id == request_id)
        .values(**values)
    )
    return ok


def _close(conn: Connection, request_id: int, state: str) -> None:
    """End a request: the address and the code are no longer needed (the hash of a link's
    random token stays until the row is purged, so a second click is told "confirmed")."""
    conn.execute(
        subscription_requests.update()
        .where(subscription_requests.c.id == request_id)
        .values(state=state, address_enc=b"", code_hash=None)
    )


def _activate(conn: Connection, row: Any, source: str) -> Activated:
    """Make the subscriber of a verified request active with its choices (keeping the
    groups an officer gave an existing subscriber) and a new manage token."""
    address = cipher().decrypt(row.address_enc)
    sid = find_by_address(conn, row.channel, address)
    groups: list[str] = []
    if sid is not None:
        groups = [
            r[0]
            for r in conn.execute(
                sa.select(subscriber_groups.c.group_code).where(
                    subscriber_groups.c.subscriber_id == sid
                )
            )
        ]
    sub = Subscription(
        row.channel, address, list(row.districts), list(row.topics), row.language, groups, source
    )
    sid, token = subscribe(conn, sub)
    _close(conn, row.id, "verified")
    return Activated(sid, token)


def _usable(conn: Connection, row: Any, now: datetime) -> Refused | None:
    if row.state == "verified":
        return Refused("used")
    if row.state != "pending":
        return Refused("dead")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now.tzinfo)
    if expires <= now:
        _close(conn, row.id, "dead")
        return Refused("expired")
    return None


def verify_code(
    conn: Connection,
    request_token: str,
    code: str,
    *,
    attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> Activated | Refused:
    """Confirm an SMS request with its code. Every try counts (a wrong code is answered
    :class:`Refused`, not raised, so the caller commits the count); after ``attempts``
    wrong codes the request is dead. A request confirmed twice at once activates once."""
    now = now or utcnow()
    r = subscription_requests
    c = cipher()
    row = conn.execute(
        sa.select(r).where(r.c.token_hash == c.digest("request\0" + request_token))
    ).first()
    if row is None or row.channel != "sms":
        return Refused("unknown")
    refused = _usable(conn, row, now)
    if refused:
        return refused
    # count the try first, in one statement, so tries sent at once are each counted
    counted = conn.execute(
        r.update()
        .where(r.c.id == row.id, r.c.state == "pending", r.c.attempts < attempts)
        .values(attempts=r.c.attempts + 1)
    ).rowcount
    if not counted:  # out of attempts, or confirmed by another try a moment ago
        return Refused("used" if request_state(conn, row.id) == "verified" else "dead")
    tried = int(conn.execute(sa.select(r.c.attempts).where(r.c.id == row.id)).scalar_one())
    expected = row.code_hash or ""
    if not hmac.compare_digest(expected, _secret_hash("code", request_token, code)):
        left = max(attempts - tried, 0)
        if left == 0:
            _close(conn, row.id, "dead")
            return Refused("dead")
        return Refused("wrong_code", left)
    taken = conn.execute(
        r.update().where(r.c.id == row.id, r.c.state == "pending").values(state="verifying")
    ).rowcount
    if not taken:
        return Refused("used")
    return _activate(conn, row, "web:sms-code")


def verify_link(
    conn: Connection, link_token: str, *, now: datetime | None = None
) -> Activated | Refused:
    """Confirm an e-mail request with the token of its link."""
    now = now or utcnow()
    r = subscription_requests
    row = conn.execute(
        sa.select(r).where(r.c.link_hash == cipher().digest("link\0" + link_token))
    ).first()
    if row is None:
        return Refused("unknown")
    refused = _usable(conn, row, now)
    if refused:
        return refused
    taken = conn.execute(
        r.update().where(r.c.id == row.id, r.c.state == "pending").values(state="verifying")
    ).rowcount
    if not taken:  # confirmed by another request a moment ago
        return Refused("used")
    return _activate(conn, row, "web:email-link")


def purge(conn: Connection, now: datetime | None = None) -> int:
    """Delete requests that expired more than :data:`KEEP_S` ago; returns how many."""
    now = now or utcnow()
    r = subscription_requests
    return int(
        conn.execute(r.delete().where(r.c.expires_at < now - timedelta(seconds=KEEP_S))).rowcount
    )


def request_state(conn: Connection, request_id: int) -> str | None:
    """The state of a request (tests and support)."""
    return conn.execute(
        sa.select(subscription_requests.c.state).where(subscription_requests.c.id == request_id)
    ).scalar()


def active_subscriber(conn: Connection, channel: str, address: str) -> bool:
    """Whether ``address`` is an active subscriber (tests and support)."""
    sid = find_by_address(conn, channel, address)
    if sid is None:
        return False
    status = conn.execute(sa.select(subscribers.c.status).where(subscribers.c.id == sid))
    return status.scalar() == "active"
