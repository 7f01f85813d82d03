"""Complaints in the LINE chat: report a problem, follow it, rate it.

The conversation (the platform's webhook hands us each message, see
:mod:`paknam.core.notify.chat`):

1. ``แจ้งเรื่อง`` / ``report`` (rich menu or text), or simply a photo or a location: a
   draft is opened. The citizen says what is wrong (text, several messages are joined),
   sends a photo (downloaded from LINE's content host and cleaned with
   :func:`paknam.core.media.clean_photo`) and the place (a location message, or the quick
   reply "use my location", LINE's location action).
2. With a text and a place inside the province, the classifier proposes the category:
   quick replies with its top three and "other" (the rest of the catalogue).
3. The citizen presses one: the complaint is filed (client ``line``) and the reply gives
   its ticket number and the follow link. The LINE user id is stored with it encrypted
   (``complaint_line_links``), with the complaint's citizen token (to rate it later).

Every public status change of that complaint is pushed to the reporter (a complaints
change hook, :mod:`paknam.complaints.line_followup`); when it is resolved the push asks
for a rating (quick replies 1–5 stars → :func:`paknam.complaints.citizen.rate`).
``เรื่องของฉัน`` / ``my complaints`` lists theirs. ``ยกเลิกเรื่อง`` / ``cancel`` drops the draft.

Drafts are stored (``line_conversations``, keyed by the hash of the user id) so that a
restart loses nothing, and dropped after :data:`DRAFT_TTL_S` without a message. The LINE
user id never reaches a log, the open data or the Open311 views.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints import intake
from paknam.complaints.catalogue import BY_CODE, SERVICES
from paknam.complaints.citizen import rate as rate_complaint
from paknam.complaints.classifier_runtime import advise_text
from paknam.complaints.hooks import emit
from paknam.complaints.line_schema import complaint_line_links as links
from paknam.complaints.line_schema import line_conversations as drafts
from paknam.complaints.schema import complaints as table
from paknam.complaints.service import needs_triage
from paknam.complaints.workflow import STATES
from paknam.core.config import get_settings
from paknam.core.errors import Conflict, PaknamError
from paknam.core.media import Photo, clean_photo, photo_type
from paknam.core.notify import chat
from paknam.core.notify.chat import ChatEvent, Message
from paknam.core.notify.crypto import cipher
from paknam.core.store import Store
from paknam.core.timeutil import now_s, to_local_iso

log = logging.getLogger(__name__)

DRAFT_TTL_S = 2 * 3600
"""A draft not touched for this long is dropped [s]."""
MY_COMPLAINTS_MAX = 10
PER_DAY_MAX = 10
"""Complaints one LINE user may file in 24 h (the webhook is signed by LINE, so the HTTP
rate limits of anonymous writes do not apply to it)."""

REPORT = {"แจ้งเรื่อง": "th", "แจ้งปัญหา": "th", "ร้องเรียน": "th", "report": "en"}
MINE = {"เรื่องของฉัน": "th", "my complaints": "en"}
CANCEL = {"ยกเลิกเรื่อง": "th", "cancel": "en"}
WORDS: dict[str, dict[str, str]] = {
    "th": {
        "start": "แจ้งเรื่องได้เลยค่ะ: พิมพ์เล่าปัญหา ส่งรูปถ่าย และส่งตำแหน่ง "
        '(กด "ใช้ตำแหน่งของฉัน") พิมพ์ "ยกเลิกเรื่อง" เพื่อยกเลิก',
        "need_text": "ได้รับแล้ว กรุณาพิมพ์เล่าว่าเกิดอะไรขึ้น",
        "need_place": "ได้รับแล้ว กรุณาส่งตำแหน่งที่เกิดเหตุ",
        "photo_ok": "ได้รับรูปแล้ว",
        "propose": "เรื่องนี้น่าจะเป็นประเภทใด? กดเลือกเพื่อส่งเรื่อง",
        "other": "เลือกประเภทเรื่อง",
        "filed": "รับเรื่องแล้ว เลขที่ #{id} ({service})\nหน่วยงานจะแจ้งความคืบหน้าทางแชตนี้\n"
        "ติดตามเรื่อง: {link}",
        "not_filed": "ยังส่งเรื่องไม่ได้: {reason}",
        "outside": "ตำแหน่งนี้อยู่นอกจังหวัดสมุทรปราการ กรุณาส่งตำแหน่งใหม่",
        "no_draft": 'ไม่มีเรื่องที่กำลังแจ้ง พิมพ์ "แจ้งเรื่อง" เพื่อเริ่มใหม่',
        "cancelled": "ยกเลิกเรื่องที่กำลังแจ้งแล้ว",
        "none": "ยังไม่มีเรื่องที่แจ้งทาง LINE",
        "mine": "เรื่องของคุณ:",
        "change": "เรื่อง #{id} ({service}): {status}",
        "ask_rating": "เรื่องนี้แก้ไขเสร็จแล้ว ให้คะแนนความพึงพอใจได้เลยค่ะ",
        "rated": "ขอบคุณค่ะ บันทึกคะแนน {stars} สำหรับเรื่อง #{id} แล้ว",
        "not_yours": "ไม่พบเรื่องนี้ในเรื่องที่คุณแจ้ง",
        "photo_failed": "รับรูปไม่ได้: {reason}",
        "b_place": "ใช้ตำแหน่งของฉัน",
        "b_camera": "ถ่ายรูป",
        "b_photo": "เลือกรูป",
        "b_other": "อื่น ๆ",
        "b_cancel": "ยกเลิกเรื่อง",
        "b_mine": "เรื่องของฉัน",
        "b_report": "แจ้งเรื่องใหม่",
        "b_rate": "ให้คะแนน #{id}",
    },
    "en": {
        "start": "Tell us: type what is wrong, send a photo and the place "
        '(press "Use my location"). Type "cancel" to stop.',
        "need_text": "Got it. Please type what happened.",
        "need_place": "Got it. Please send the place where it is.",
        "photo_ok": "Photo received.",
        "propose": "Which kind of problem is it? Press one to file it.",
        "other": "Choose the kind of problem",
        "filed": "Received: ticket #{id} ({service}).\nThe agency's progress is sent to this "
        "chat.\nFollow it: {link}",
        "not_filed": "Could not file it yet: {reason}",
        "outside": "This place is outside Samut Prakan. Please send another location.",
        "no_draft": 'No report in progress. Type "report" to start.',
        "cancelled": "The report in progress is cancelled.",
        "none": "You have not filed a complaint in LINE yet.",
        "mine": "Your complaints:",
        "change": "Complaint #{id} ({service}): {status}",
        "ask_rating": "This complaint is resolved. Please rate how it was handled.",
        "rated": "Thank you: {stars} recorded for complaint #{id}.",
        "not_yours": "This is not one of your complaints.",
        "photo_failed": "The photo could not be used: {reason}",
        "b_place": "Use my location",
        "b_camera": "Camera",
        "b_photo": "Photo",
        "b_other": "Other",
        "b_cancel": "Cancel",
        "b_mine": "My complaints",
        "b_report": "New report",
        "b_rate": "Rate #{id}",
    },
}


@dataclasses.dataclass
class Draft:
    """A complaint being told in the chat."""

    user_hash: str
    language: str
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    proposed: list[str] = dataclasses.field(default_factory=list)
    key: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    photo: bytes | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "lat": self.lat,
            "lon": self.lon,
            "address": self.address,
            "proposed": self.proposed,
            "key": self.key,
        }


def _load(conn: Connection, user_hash: str, now: int) -> Draft | None:
    conn.execute(drafts.delete().where(drafts.c.expires_s < now))
    row = conn.execute(sa.select(drafts).where(drafts.c.user_hash == user_hash)).first()
    if row is None:
        return None
    d = dict(row.draft or {})
    return Draft(
        user_hash,
        row.language,
        str(d.get("text") or ""),
        d.get("lat"),
        d.get("lon"),
        d.get("address"),
        list(d.get("proposed") or []),
        str(d.get("key") or uuid.uuid4()),
        bytes(row.photo) if row.photo is not None else None,
    )


def _save(conn: Connection, draft: Draft, now: int) -> None:
    values = {
        "step": "category" if draft.proposed else "collect",
        "language": draft.language,
        "draft": draft.fields(),
        "photo": draft.photo,
        "updated_s": now,
        "expires_s": now + DRAFT_TTL_S,
    }
    found = conn.execute(
        drafts.update().where(drafts.c.user_hash == draft.user_hash).values(**values)
    ).rowcount
    if not found:
        conn.execute(drafts.insert().values(user_hash=draft.user_hash, **values))


def _drop(conn: Connection, user_hash: str) -> bool:
    return bool(conn.execute(drafts.delete().where(drafts.c.user_hash == user_hash)).rowcount)


def service_name(code: str, lang: str) -> str:
    s = BY_CODE.get(code)
    if s is None:
        return code
    return s.name_th if lang == "th" else s.name_en


def propose(text: str, k: int = 3) -> list[str]:
    """The ``k`` likeliest service codes for ``text``: the classifier's, or without a model
    the services whose keywords the text contains, else the general complaint."""
    advice = advise_text(text, k)
    if advice is not None:
        codes = [s["service_code"] for s in advice["suggestions"] if s.get("service_code")]
    else:
        low = text.casefold()
        codes = [s.code for s in SERVICES if any(w.casefold() in low for w in s.keywords)]
    out = list(dict.fromkeys(codes))[:k]
    return out or ["complaint"]


def _collect_buttons(w: dict[str, str], draft: Draft) -> list[Any]:
    buttons = []
    if draft.lat is None:
        buttons.append(chat.ask_location(w["b_place"]))
    if draft.photo is None:
        buttons += [chat.ask_camera(w["b_camera"]), chat.ask_photo(w["b_photo"])]
    buttons.append(chat.postback(w["b_cancel"], action="cancel"))
    return buttons


def _next(draft: Draft, said: str | None = None) -> list[Message]:
    """What to ask next: the text, the place, or the category."""
    w = WORDS[draft.language]
    lead = [chat.text(said)] if said else []
    if not draft.text:
        return [*lead, chat.text(w["need_text"], _collect_buttons(w, draft))]
    if draft.lat is None:
        return [*lead, chat.text(w["need_place"], _collect_buttons(w, draft))]
    draft.proposed = propose(draft.text)
    buttons = [
        chat.postback(service_name(c, draft.language), action="category", code=c)
        for c in draft.proposed
    ]
    buttons.append(chat.postback(w["b_other"], action="other"))
    if draft.photo is None:
        buttons += [chat.ask_camera(w["b_camera"]), chat.ask_photo(w["b_photo"])]
    buttons.append(chat.postback(w["b_cancel"], action="cancel"))
    return [*lead, chat.text(w["propose"], buttons)]


def _other(draft: Draft) -> list[Message]:
    w = WORDS[draft.language]
    codes = [s.code for s in SERVICES if s.code not in draft.proposed][:11]
    if "complaint" not in codes and "complaint" not in draft.proposed:
        codes[-1] = "complaint"
    buttons = [
        chat.postback(service_name(c, draft.language), action="category", code=c) for c in codes
    ]
    buttons.append(chat.postback(w["b_cancel"], action="cancel"))
    return [chat.text(w["other"], buttons)]


def _file(store: Store, event: ChatEvent, draft: Draft, code: str) -> list[Message]:
    """File the draft as a complaint of service ``code``; link it to the user."""
    w = WORDS[draft.language]
    if code not in BY_CODE:
        return [chat.text(w["not_filed"].format(reason=f"unknown category {code!r}"))]
    advice = advise_text(draft.text)
    complaint = intake.ComplaintIn(
        service_code=code,
        description=draft.text,
        lat=draft.lat,
        lon=draft.lon,
        address=(draft.address or None) and draft.address[:500],
        # cleaned when it arrived: marked as such, so it is not re-encoded a second time
        photos=[Photo(draft.photo, photo_type(draft.photo))] if draft.photo else [],
        client="line",
        idempotency_key=f"line-{draft.key}",
    )
    c = cipher()
    now = now_s()
    try:
        with store.write() as conn:
            recent = conn.execute(
                sa.select(sa.func.count()).where(
                    links.c.user_hash == draft.user_hash, links.c.created_s > now - 86400
                )
            ).scalar_one()
            if recent >= PER_DAY_MAX:
                raise Conflict(
                    f"at most {PER_DAY_MAX} complaints a day from one LINE account "
                    "(แจ้งได้ไม่เกินวันละ 10 เรื่อง)"
                )
            done = intake.submit(
                conn,
                complaint,
                now=now,
                suggested=advice["suggestions"] if advice else None,
                triage=needs_triage(advice, code),
            )
            conn.execute(
                links.insert().values(
                    complaint_id=done.complaint_id,
                    user_hash=draft.user_hash,
                    user_enc=c.encrypt(event.user_id),
                    token_enc=c.encrypt(done.token),
                    language=draft.language,
                    created_s=now,
                )
            )
            _drop(conn, draft.user_hash)
    except PaknamError as exc:
        return [chat.text(w["not_filed"].format(reason=str(exc)))]
    emit(done.changes)
    link = f"{get_settings().public_base_url.rstrip('/')}/follow/{done.token}"
    body = w["filed"].format(
        id=done.complaint_id, service=service_name(code, draft.language), link=link
    )
    return [chat.text(body, [chat.postback(w["b_mine"], action="mine")])]


def _mine(store: Store, user_hash: str, lang: str) -> list[Message]:
    w = WORDS[lang]
    with store.read() as conn:
        rows = conn.execute(
            sa.select(table.c.id, table.c.service_code, table.c.status, table.c.requested_s,
                      table.c.rating)
            .select_from(links.join(table, table.c.id == links.c.complaint_id))
            .where(links.c.user_hash == user_hash)
            .order_by(table.c.id.desc())
            .limit(MY_COMPLAINTS_MAX)
        ).all()  # fmt: skip
    if not rows:
        return [chat.text(w["none"], [chat.postback(w["b_report"], action="report")])]
    i = 0 if lang == "th" else 1
    lines = [w["mine"]]
    buttons: list[Any] = []
    for r in rows:
        when = to_local_iso(r.requested_s)[:10]
        status = STATES.get(r.status, (r.status, r.status))[i]
        lines.append(f"#{r.id} {service_name(r.service_code, lang)} — {status} ({when})")
        if r.status == "resolved" and r.rating is None and len(buttons) < 4:
            buttons.append(chat.postback(w["b_rate"].format(id=r.id), action="ask_rating", id=r.id))
    buttons.append(chat.postback(w["b_report"], action="report"))
    return [chat.text("\n".join(lines), buttons)]


def rating_buttons(complaint_id: int) -> list[Any]:
    return [
        chat.postback("★" * n, f"{n}/5", action="rate", id=complaint_id, stars=n)
        for n in range(5, 0, -1)
    ]


def _rate(store: Store, user_hash: str, lang: str, data: dict[str, str]) -> list[Message]:
    w = WORDS[lang]
    try:
        cid, stars = int(data.get("id", "")), int(data.get("stars", ""))
    except ValueError:
        return [chat.text(w["not_yours"])]
    with store.read() as conn:
        enc = conn.execute(
            sa.select(links.c.token_enc).where(
                links.c.complaint_id == cid, links.c.user_hash == user_hash
            )
        ).scalar()
    if enc is None:
        return [chat.text(w["not_yours"])]
    token = cipher().decrypt(bytes(enc))
    try:
        with store.write() as conn:
            changes = rate_complaint(conn, token, stars, None, now_s())
    except PaknamError as exc:
        return [chat.text(w["not_filed"].format(reason=str(exc)))]
    emit(changes)
    return [chat.text(w["rated"].format(stars="★" * stars, id=cid))]


def _photo(event: ChatEvent, draft: Draft) -> str | None:
    """Fetch and clean the photo into the draft; the reason when it cannot be used."""
    if event.fetch is None or not event.message_id:
        return "LINE is not configured to fetch photos (PAKNAM_LINE_CHANNEL_ACCESS_TOKEN)"
    try:
        draft.photo = bytes(clean_photo(event.fetch(event.message_id)))
    except PaknamError as exc:
        return str(exc)
    return None


def handle(store: Store, event: ChatEvent) -> list[Message] | None:
    """The complaint conversation's answer to ``event``; None when it is not about it."""
    user_hash = cipher().digest(event.user_id)
    now = now_s()
    said = event.text.casefold() if event.kind == "text" else ""
    action = event.action
    with store.write() as conn:
        draft = _load(conn, user_hash, now)
    lang = draft.language if draft else event.language
    if action == "mine" or said in MINE:
        return _mine(store, user_hash, MINE.get(said, lang))
    if action == "rate":
        return _rate(store, user_hash, lang, dict(event.data))
    if action == "ask_rating":
        cid = event.data.get("id", "")
        if not cid.isdigit():
            return None
        return [chat.text(WORDS[lang]["ask_rating"], rating_buttons(int(cid)))]
    if action == "report" or said in REPORT:
        lang = REPORT.get(said, lang)
        draft = Draft(user_hash, lang)
        with store.write() as conn:
            _save(conn, draft, now)
        w = WORDS[lang]
        return [chat.text(w["start"], _collect_buttons(w, draft))]
    if action == "cancel" or said in CANCEL:
        with store.write() as conn:
            had = _drop(conn, user_hash)
        return [chat.text(WORDS[lang]["cancelled" if had else "no_draft"])]
    if action in ("category", "other"):
        if draft is None or not draft.text or draft.lat is None:
            return [chat.text(WORDS[lang]["no_draft"])]
        if action == "other":
            return _other(draft)
        return _file(store, event, draft, event.data.get("code", ""))
    if event.kind == "postback":
        return None
    if event.kind == "text" and draft is None:
        return None  # small talk: the platform answers with the menu
    draft = draft or Draft(user_hash, lang)
    w = WORDS[draft.language]
    note = None
    if event.kind == "text":
        draft.text = f"{draft.text}\n{event.text}".strip()[: intake.MAX_DESCRIPTION]
    elif event.kind == "image":
        problem = _photo(event, draft)
        note = w["photo_failed"].format(reason=problem) if problem else w["photo_ok"]
    elif event.kind == "location":
        with store.read() as conn:
            try:
                intake.check_location(conn, event.lat, event.lon)
            except PaknamError:
                return [chat.text(w["outside"], [chat.ask_location(w["b_place"])])]
        draft.lat, draft.lon, draft.address = event.lat, event.lon, event.address
    answer = _next(draft, note)
    with store.write() as conn:
        _save(conn, draft, now)
    return answer
