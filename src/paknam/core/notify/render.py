"""Texts per channel (LINE, SMS, e-mail), rendered once when a message is queued (so the officer's
preview is exactly what goes out).

SMS length rules (3GPP TS 23.038 / 23.040): a text that fits the GSM 7-bit default
alphabet takes 160 characters in one segment and 153 per segment when concatenated
(characters of the extension table count twice); anything else — Thai included — is sent
as UCS-2: 70 characters in one segment, 67 per segment when concatenated (a character
outside the Basic Multilingual Plane, e.g. an emoji, takes two).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LINE_TEXT_MAX = 5000
"""LINE Messaging API: a text message holds at most 5,000 characters."""
SEVERITY_WORDS = {
    "th": {"minor": "เล็กน้อย", "moderate": "ปานกลาง", "severe": "รุนแรง", "extreme": "รุนแรงมาก"},
    "en": {"minor": "Minor", "moderate": "Moderate", "severe": "Severe", "extreme": "Extreme"},
}
"""CAP severity in words: the same as the dashboard's badges (``severity.*`` in i18n.js),
so a message's tag, a LINE card's header and the badge on the web say the same."""
DRILL_WORDS = {
    "Exercise": "การฝึกซ้อม / EXERCISE",
    "Test": "ทดสอบ / TEST",
    "System": "ข้อความระบบ / SYSTEM",
    "Draft": "ร่าง / DRAFT",
}
"""The mark of a message whose CAP status is not ``Actual``: both languages, whatever the
reader's, first on every channel."""


def drill_mark(status: str | None) -> str:
    """``[การฝึกซ้อม / EXERCISE] `` for a drill (CAP status not ``Actual``), else ``""``."""
    words = DRILL_WORDS.get(str(status or "Actual"))
    return f"[{words}] " if words else ""


def lang_link(link: str, lang: str) -> str:
    """An alert page's link for readers of ``lang`` (English: ``?lang=en``)."""
    if lang == "th" or not link:
        return link
    return f"{link}{'&' if '?' in link else '?'}lang={lang}"


SMS_MAX_SEGMENTS = 4
"""Longest SMS we send; longer texts are cut with an ellipsis and the link kept."""

_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€\f"
_GSM = frozenset(_GSM_BASIC)
_GSM_EXT = frozenset(_GSM_EXTENDED)


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """Encoding and number of segments of an SMS text."""
    if all(ch in _GSM or ch in _GSM_EXT for ch in text):
        units = sum(2 if ch in _GSM_EXT else 1 for ch in text)
        single, multi, enc = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, enc = 70, 67, "UCS-2"
    segments = 1 if units <= single else math.ceil(units / multi)
    return SmsSize(enc, units, max(segments, 1) if text else 0)


def fit_sms(body: str, link: str) -> str:
    """``body`` + link, the body shortened until it fits :data:`SMS_MAX_SEGMENTS`."""
    text = f"{body} {link}".strip()
    if sms_size(text).segments <= SMS_MAX_SEGMENTS:
        return text
    lo, hi = 0, len(body)
    while lo < hi:  # longest prefix that fits
        mid = (lo + hi + 1) // 2
        if sms_size(f"{body[:mid].rstrip()}… {link}").segments <= SMS_MAX_SEGMENTS:
            lo = mid
        else:
            hi = mid - 1
    return f"{body[:lo].rstrip()}… {link}".strip()


def render_news(text_th: str, text_en: str, link: str) -> dict[str, dict[str, str]]:
    """News (no CAP alert): the same text on every channel, SMS shortened to fit."""
    out = {}
    for lang, text in (("th", text_th), ("en", text_en)):
        text = text.strip()
        first = text.splitlines()[0] if text else ""
        body = f"{text}\n\n{link}" if link else text
        out[lang] = {
            "line": body[:LINE_TEXT_MAX],
            "sms": fit_sms(text.replace("\n", " "), link),
            "email_subject": first[:120],
            "email_body": body + "\n",
        }
    return out


def preview(content: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The rendered texts with their sizes (characters, SMS segments and encoding)."""
    result: dict[str, Any] = {}
    for lang, texts in content.items():
        size = sms_size(texts["sms"])
        result[lang] = {
            "line": {"type": "text", "text": texts["line"], "characters": len(texts["line"])},
            "sms": {
                "text": texts["sms"],
                "encoding": size.encoding,
                "characters": size.units,
                "segments": size.segments,
            },
            "email": {"subject": texts["email_subject"], "body": texts["email_body"]},
        }
    return result
