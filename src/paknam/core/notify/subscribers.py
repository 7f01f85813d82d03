"""Citizens who asked to be told: their channel, districts, topics, language and consent.

Thailand's Personal Data Protection Act (PDPA, B.E. 2562) asks for consent given for a
stated purpose, recorded, and as easy to withdraw as to give, and for no more personal
data than the purpose needs. So a subscriber is one address (encrypted, see
:mod:`paknam.core.notify.crypto`), the districts and topics chosen, a language, and the
consent log; nothing else (no name, no ID card number).

The invariant the outbox relies on: ``status == "active"`` exactly when the subscriber has
a live (granted, not withdrawn) consent for :data:`PURPOSE`. Both change in one
transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput, NotFound
from paknam.core.notify.crypto import cipher
from paknam.core.notify.schema import (
    consents,
    subscriber_districts,
    subscriber_groups,
    subscriber_topics,
    subscribers,
)
from paknam.core.stations import district_codes
from paknam.core.text import check_text

CHANNELS = ("line", "sms", "email")
LANGUAGES = ("th", "en")
TOPICS: dict[str, tuple[str, str]] = {
    "flood": ("น้ำท่วม น้ำทะเลหนุน", "Flooding and high tides"),
    "air": ("คุณภาพอากาศ", "Air quality"),
    "water": ("คุณภาพน้ำในคลอง", "Canal water quality"),
    "news": ("ข่าวสารจากจังหวัด", "News from the province"),
}
"""What a citizen can subscribe to (Thai, English)."""
PURPOSE = "alerts"
NOTICE_VERSION = "2026-11"
"""Version of the privacy notice shown when consent is asked (docs/alerts.md has its text)."""
PRIVACY_NOTICE = {
    "th": (
        "จังหวัดสมุทรปราการจะใช้ช่องทางติดต่อของท่านเพื่อส่งคำเตือนภัยและข่าวสารตามพื้นที่และ"
        "หัวข้อที่ท่านเลือกเท่านั้น ข้อมูลถูกเข้ารหัส ไม่เปิดเผยแก่ผู้อื่น "
        "และท่านยกเลิกความยินยอมได้ทุกเมื่อ"
    ),
    "en": (
        "Samut Prakan Province will use your contact only to send warnings and news for the "
        "districts and topics you chose. It is stored encrypted, never shared, and you can "
        "withdraw your consent at any time."
    ),
}

_LINE_ID = re.compile(r"^U[0-9a-f]{32}$")
_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)
_GROUP = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def normalise_address(channel: str, address: str) -> str:
    """The canonical form of an address, or :class:`InvalidInput` naming the problem.

    Phone numbers become E.164: Thai numbers may be given as ``08x-xxx-xxxx`` (mobile
    numbers start 06, 08 or 09 and have 10 digits). E-mail domains are lower-cased.
    """
    if channel not in CHANNELS:
        raise InvalidInput(
            f"channel {channel!r} is not one of {', '.join(CHANNELS)}", field="channel"
        )
    a = (check_text(address, "address") or "").strip()
    if channel == "line":
        if not _LINE_ID.match(a):
            raise InvalidInput("a LINE user id is 'U' and 32 hex digits", field="address")
        return a
    if channel == "email":
        if len(a) > 254 or not _EMAIL.match(a):
            raise InvalidInput(f"{a!r} is not an e-mail address", field="address")
        local, domain = a.rsplit("@", 1)
        return f"{local}@{domain.lower()}"
    digits = re.sub(r"[\s().-]", "", a)
    if digits.startswith("0066"):  # the international prefix dialled from Thailand
        digits = "+" + digits[2:]
    elif digits.startswith("66") and len(digits) == 11 and digits.isdigit():
        digits = "+" + digits  # +66 without the plus
    if digits.startswith("+660") and len(digits) == 13:
        digits = "+66" + digits[4:]  # +66 0812345678: the trunk 0 kept by mistake
    if digits.startswith("0") and len(digits) == 10 and digits[1] in "689" and digits.isdigit():
        return "+66" + digits[1:]
    if re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        if digits.startswith("+66") and not (len(digits) == 12 and digits[3] in "689"):
            raise InvalidInput(f"{a!r} is not a Thai mobile number", field="address")
        return digits
    raise InvalidInput(f"{a!r} is not a phone number (use 08x-xxx-xxxx or +66...)", field="address")


@dataclass(frozen=True)
class Subscription:
    """What a citizen asks for."""

    channel: str
    address: str
    districts: Sequence[str]
    topics: Sequence[str]
    language: str = "th"
    groups: Sequence[str] = ()
    source: str = "web"


def check_choices(conn: Connection, sub: Subscription) -> None:
    """:class:`InvalidInput` naming the first bad choice of ``sub`` (language, topics,
    districts, groups); the address is checked by :func:`normalise_address`."""
    if sub.language not in LANGUAGES:
        raise InvalidInput(f"language {sub.language!r} is not th or en", field="language")
    if not sub.topics:
        raise InvalidInput(f"choose at least one topic: {', '.join(TOPICS)}", field="topics")
    bad = sorted(set(sub.topics) - set(TOPICS))
    if bad:
        raise InvalidInput(f"unknown topic(s) {bad}; known: {', '.join(TOPICS)}", field="topics")
    if not sub.districts:
        raise InvalidInput("choose at least one district", field="districts")
    known = set(district_codes(conn))
    unknown = sorted(set(sub.districts) - known)
    if unknown:
        raise InvalidInput(
            f"unknown district code(s) {unknown}; known: {', '.join(sorted(known))}",
            field="districts",
        )
    bad_groups = [g for g in sub.groups if not _GROUP.match(g)]
    if bad_groups:
        raise InvalidInput(f"group codes {bad_groups} must be lower-case a-z0-9_-", field="groups")


def _set_prefs(conn: Connection, sid: int, sub: Subscription) -> None:
    for table in (subscriber_districts, subscriber_topics, subscriber_groups):
        conn.execute(table.delete().where(table.c.subscriber_id == sid))
    conn.execute(
        subscriber_districts.insert(),
        [{"subscriber_id": sid, "district_code": d} for d in sorted(set(sub.districts))],
    )
    conn.execute(
        subscriber_topics.insert(), [{"subscriber_id": sid, "topic": t} for t in set(sub.topics)]
    )
    if sub.groups:
        conn.execute(
            subscriber_groups.insert(),
            [{"subscriber_id": sid, "group_code": g} for g in sorted(set(sub.groups))],
        )


def _grant(conn: Connection, sid: int, source: str, now: datetime) -> None:
    live = conn.execute(
        sa.select(consents.c.id).where(
            consents.c.subscriber_id == sid,
            consents.c.purpose == PURPOSE,
            consents.c.withdrawn_at.is_(None),
        )
    ).first()
    if live is None:
        conn.execute(
            consents.insert().values(
                subscriber_id=sid,
                purpose=PURPOSE,
                notice_version=NOTICE_VERSION,
                source=source,
                granted_at=now,
            )
        )


def subscribe(conn: Connection, sub: Subscription) -> tuple[int, str]:
    """Add or update a subscriber with live consent; returns (id, manage token).

    The manage token (shown once) lets the citizen change or withdraw without an account;
    only its hash is stored. Subscribing again with the same address updates the choices
    and issues a new token.
    """
    check_choices(conn, sub)
    c = cipher()
    address = normalise_address(sub.channel, sub.address)
    digest = c.digest(address)
    token = "pkm_" + secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    row = conn.execute(
        sa.select(subscribers.c.id).where(
            subscribers.c.channel == sub.channel, subscribers.c.address_hash == digest
        )
    ).first()
    values = {
        "language": sub.language,
        "status": "active",
        "manage_hash": c.digest(token),
        "updated_at": now,
    }
    if row is None:
        sid = conn.execute(
            subscribers.insert()
            .returning(subscribers.c.id)
            .values(
                channel=sub.channel,
                address_enc=c.encrypt(address),
                address_hash=digest,
                created_at=now,
                **values,
            )
        ).scalar_one()
    else:
        sid = row[0]
        conn.execute(subscribers.update().where(subscribers.c.id == sid).values(**values))
    _set_prefs(conn, sid, sub)
    _grant(conn, sid, sub.source, now)
    return int(sid), token


def find_by_token(conn: Connection, token: str) -> int:
    sid = conn.execute(
        sa.select(subscribers.c.id).where(subscribers.c.manage_hash == cipher().digest(token))
    ).scalar()
    if sid is None:
        raise NotFound("no subscription has this token")
    return int(sid)


def find_by_address(conn: Connection, channel: str, address: str) -> int | None:
    digest = cipher().digest(normalise_address(channel, address))
    sid = conn.execute(
        sa.select(subscribers.c.id).where(
            subscribers.c.channel == channel, subscribers.c.address_hash == digest
        )
    ).scalar()
    return None if sid is None else int(sid)


def withdraw(conn: Connection, subscriber_id: int, *, erase: bool = False) -> None:
    """Withdraw consent: nothing more is sent. ``erase`` also deletes the address and the
    choices (PDPA right to erasure); the consent log stays, without the address."""
    now = datetime.now(UTC)
    found = conn.execute(
        subscribers.update()
        .where(subscribers.c.id == subscriber_id)
        .values(status="erased" if erase else "withdrawn", updated_at=now, manage_hash=None)
    ).rowcount
    if not found:
        raise NotFound(f"subscriber {subscriber_id} does not exist")
    conn.execute(
        consents.update()
        .where(consents.c.subscriber_id == subscriber_id, consents.c.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    if erase:
        conn.execute(
            subscribers.update()
            .where(subscribers.c.id == subscriber_id)
            .values(address_enc=b"", address_hash=f"erased-{subscriber_id}")
        )
        for table in (subscriber_districts, subscriber_topics, subscriber_groups):
            conn.execute(table.delete().where(table.c.subscriber_id == subscriber_id))


def get_subscriber(conn: Connection, subscriber_id: int) -> dict[str, Any]:
    """A subscriber's choices and consent log (the address is shown masked)."""
    row = conn.execute(sa.select(subscribers).where(subscribers.c.id == subscriber_id)).first()
    if row is None:
        raise NotFound(f"subscriber {subscriber_id} does not exist")
    address = cipher().decrypt(row.address_enc) if row.address_enc else ""

    def col(table: sa.Table, name: str) -> list[str]:
        q = sa.select(table.c[name]).where(table.c.subscriber_id == subscriber_id)
        return sorted(r[0] for r in conn.execute(q))

    log = conn.execute(
        sa.select(consents).where(consents.c.subscriber_id == subscriber_id).order_by(consents.c.id)
    )
    return {
        "id": row.id,
        "channel": row.channel,
        "address": mask(row.channel, address),
        "language": row.language,
        "status": row.status,
        "districts": col(subscriber_districts, "district_code"),
        "topics": col(subscriber_topics, "topic"),
        "groups": col(subscriber_groups, "group_code"),
        "consents": [
            {
                "purpose": c.purpose,
                "notice_version": c.notice_version,
                "source": c.source,
                "granted_at": c.granted_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in log
        ],
    }


def mask(channel: str, address: str) -> str:
    """An address with most of it hidden, for screens and logs."""
    if not address:
        return ""
    if channel == "email":
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if channel == "sms":
        return address[:4] + "*" * max(len(address) - 7, 0) + address[-3:]
    return address[:5] + "…"


@dataclass(frozen=True)
class Audience:
    """Who a message goes to, resolved at send time.

    A subscriber is in it when active (live consent) and on one of ``channels`` (empty: all)
    and — unless named in ``subscriber_ids`` — in one of ``districts`` (empty: any), one of
    ``topics`` (empty: any) and one of ``groups`` (empty: any).
    """

    districts: Sequence[str] = ()
    topics: Sequence[str] = ()
    groups: Sequence[str] = ()
    subscriber_ids: Sequence[int] = ()
    channels: Sequence[str] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "districts": list(self.districts),
            "topics": list(self.topics),
            "groups": list(self.groups),
            "subscriber_ids": list(self.subscriber_ids),
            "channels": list(self.channels),
        }

    def check(self) -> None:
        bad = sorted(set(self.topics) - set(TOPICS))
        if bad:
            raise InvalidInput(f"unknown topic(s) {bad}", field="audience.topics")
        bad = sorted(set(self.channels) - set(CHANNELS))
        if bad:
            raise InvalidInput(f"unknown channel(s) {bad}", field="audience.channels")


def audience_query(audience: Audience) -> sa.Select[Any]:
    """SELECT id, channel, language of the subscribers in ``audience`` (checked by
    :func:`check_audience` first)."""
    s = subscribers
    conds: list[Any] = []
    for table, col, values in (
        (subscriber_districts, "district_code", audience.districts),
        (subscriber_topics, "topic", audience.topics),
        (subscriber_groups, "group_code", audience.groups),
    ):
        if values:
            conds.append(
                sa.exists().where(table.c.subscriber_id == s.c.id, table.c[col].in_(list(values)))
            )
    filters = sa.and_(*conds) if conds else sa.true()
    if audience.subscriber_ids:
        filters = (
            sa.or_(filters, s.c.id.in_(list(audience.subscriber_ids)))
            if conds
            else s.c.id.in_(list(audience.subscriber_ids))
        )
    q = sa.select(s.c.id, s.c.channel, s.c.language).where(s.c.status == "active", filters)
    if audience.channels:
        q = q.where(s.c.channel.in_(list(audience.channels)))
    return q


def check_audience(conn: Connection, audience: Audience) -> None:
    """Unknown districts or groups are an error (a typo must not send to nobody)."""
    audience.check()
    known = set(district_codes(conn))
    unknown = sorted(set(audience.districts) - known)
    if unknown:
        raise InvalidInput(
            f"unknown district code(s) {unknown}; known: {', '.join(sorted(known))}",
            field="audience.districts",
        )
    if audience.groups:
        have = {
            r[0]
            for r in conn.execute(
                sa.select(subscriber_groups.c.group_code)
                .where(subscriber_groups.c.group_code.in_(list(audience.groups)))
                .distinct()
            )
        }
        missing = sorted(set(audience.groups) - have)
        if missing:
            raise InvalidInput(f"no subscriber is in group(s) {missing}", field="audience.groups")


def audience_size(conn: Connection, audience: Audience) -> dict[str, int]:
    """Recipients per channel."""
    check_audience(conn, audience)
    q = audience_query(audience).subquery()
    rows = conn.execute(sa.select(q.c.channel, sa.func.count()).group_by(q.c.channel))
    counts = {c: 0 for c in CHANNELS}
    counts.update({ch: int(n) for ch, n in rows})
    return counts


def reachable(conn: Connection) -> dict[str, Any]:
    """Subscribers with live consent: total, by channel, by district (a subscriber of two
    districts counts once in the total and once in each district)."""
    active = subscribers.c.status == "active"
    by_channel = {c: 0 for c in CHANNELS}
    for ch, n in conn.execute(
        sa.select(subscribers.c.channel, sa.func.count())
        .where(active)
        .group_by(subscribers.c.channel)
    ):
        by_channel[ch] = int(n)
    by_district = {
        code: int(n)
        for code, n in conn.execute(
            sa.select(subscriber_districts.c.district_code, sa.func.count())
            .select_from(subscriber_districts.join(subscribers))
            .where(active)
            .group_by(subscriber_districts.c.district_code)
        )
    }
    return {"total": sum(by_channel.values()), "by_channel": by_channel, "by_district": by_district}


def bulk_subscribe(conn: Connection, subs: Sequence[Subscription], chunk: int = 5000) -> int:
    """Subscribe many *new* addresses at once (an import of an existing list, a benchmark),
    each with consent recorded; returns how many. An address already subscribed (or twice
    in ``subs``) rejects the whole import with :class:`InvalidInput`, nothing stored."""
    if not subs:
        return 0
    for sub in {(s.language, tuple(s.topics), tuple(s.districts), tuple(s.groups)): s
                for s in subs}.values():  # fmt: skip
        check_choices(conn, sub)
    c = cipher()
    now = datetime.now(UTC)
    rows = []
    for i, sub in enumerate(subs):
        address = normalise_address(sub.channel, sub.address)
        rows.append((sub, address, c.digest(address), i))
    digests = [(sub.channel, d) for sub, _, d, _ in rows]
    if len(set(digests)) != len(digests):
        raise InvalidInput("the same address appears twice in the import", field="address")
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        existing = conn.execute(
            sa.select(sa.func.count()).where(
                subscribers.c.address_hash.in_([d for _, _, d, _ in part])
            )
        ).scalar()
        if existing:
            raise InvalidInput(
                f"{existing} address(es) in rows {i + 1}..{i + len(part)} are already "
                "subscribed; subscribe those one by one to change their choices",
                field="address",
            )
        ids = (
            conn.execute(
                subscribers.insert().returning(subscribers.c.id, sort_by_parameter_order=True),
                [
                    {
                        "channel": sub.channel,
                        "address_enc": c.encrypt(address),
                        "address_hash": digest,
                        "language": sub.language,
                        "status": "active",
                        "manage_hash": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for sub, address, digest, _ in part
                ],
            )
            .scalars()
            .all()
        )
        pairs = list(zip(ids, (r[0] for r in part), strict=True))
        conn.execute(
            subscriber_districts.insert(),
            [{"subscriber_id": sid, "district_code": d} for sid, s in pairs
             for d in sorted(set(s.districts))],
        )  # fmt: skip
        conn.execute(
            subscriber_topics.insert(),
            [{"subscriber_id": sid, "topic": t} for sid, s in pairs for t in sorted(set(s.topics))],
        )
        groups = [{"subscriber_id": sid, "group_code": g} for sid, s in pairs for g in s.groups]
        if groups:
            conn.execute(subscriber_groups.insert(), groups)
        conn.execute(
            consents.insert(),
            [
                {"subscriber_id": sid, "purpose": PURPOSE, "notice_version": NOTICE_VERSION,
                 "source": s.source, "granted_at": now, "withdrawn_at": None}
                for sid, s in pairs
            ],
        )  # fmt: skip
    return len(rows)


def set_groups(conn: Connection, subscriber_id: int, groups: Sequence[str]) -> list[str]:
    """Put a subscriber in exactly ``groups`` (e.g. ``village-heads``, ``schools``)."""
    bad = [g for g in groups if not _GROUP.match(g)]
    if bad:
        raise InvalidInput(f"group codes {bad} must be lower-case a-z0-9_-", field="groups")
    exists = conn.execute(sa.select(subscribers.c.id).where(subscribers.c.id == subscriber_id))
    if exists.first() is None:
        raise NotFound(f"subscriber {subscriber_id} does not exist")
    conn.execute(
        subscriber_groups.delete().where(subscriber_groups.c.subscriber_id == subscriber_id)
    )
    wanted = sorted(set(groups))
    if wanted:
        conn.execute(
            subscriber_groups.insert(),
            [{"subscriber_id": subscriber_id, "group_code": g} for g in wanted],
        )
    return wanted
