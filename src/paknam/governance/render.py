"""CAP alerts as the texts each channel sends (LINE, SMS, e-mail), in Thai and English.

Rendered once when an alert is queued, so that the officer's preview is exactly what goes
out; the channel limits (SMS segments, LINE length) are in :mod:`paknam.core.notify.render`.

Every text starts the same way on every channel: a drill's mark first
(``[การฝึกซ้อม / EXERCISE]``, ``[ทดสอบ / TEST]``: CAP ``status`` other than ``Actual``),
then the message's tag — its severity in the words of the dashboard's badge
(:data:`SEVERITY_WORDS`), or ``ยกเลิกประกาศ`` / ``ปรับปรุง`` for a Cancel or an Update —
then the headline. Each text ends with the link to the alert's page (``?lang=en`` for the
English texts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paknam.core.notify.render import (
    DRILL_WORDS,
    LINE_TEXT_MAX,
    SEVERITY_WORDS,
    drill_mark,
    fit_sms,
    lang_link,
)

__all__ = [
    "DRILL_WORDS",
    "SEVERITY_WORDS",
    "alert_prefix",
    "drill_mark",
    "lang_link",
    "render_alert",
]

CANCEL_WORDS = {"th": "ยกเลิกประกาศ", "en": "CANCELLED"}
UPDATE_WORDS = {"th": "ปรับปรุง", "en": "UPDATE"}


def alert_prefix(alert: Mapping[str, Any], lang: str) -> str:
    """What every channel's text starts with: the drill mark and the tag in brackets."""
    sev = SEVERITY_WORDS[lang].get(str(alert["severity"]).lower(), str(alert["severity"]))
    tag = {"Cancel": CANCEL_WORDS[lang], "Update": f"{UPDATE_WORDS[lang]} · {sev}"}.get(
        str(alert.get("msg_type")), sev
    )
    return f"{drill_mark(alert.get('status'))}[{tag}]"


def render_alert(alert: Mapping[str, Any], link: str) -> dict[str, dict[str, str]]:
    """Per language (th, en): the LINE text, the SMS text, the e-mail subject and body."""
    out: dict[str, dict[str, str]] = {}
    for lang in ("th", "en"):
        url = lang_link(link, lang)
        prefix = alert_prefix(alert, lang)
        headline = str(alert[f"headline_{lang}"]).strip()
        description = str(alert[f"description_{lang}"]).strip()
        instruction = str(alert.get(f"instruction_{lang}") or "").strip()
        parts = [f"{prefix} {headline}", description]
        if instruction:
            parts.append(instruction)
        parts.append(url)
        line = "\n\n".join(parts)
        if len(line) > LINE_TEXT_MAX:
            keep = LINE_TEXT_MAX - len(url) - 3
            line = line[:keep].rstrip() + "…\n\n" + url
        out[lang] = {
            "line": line,
            "sms": fit_sms(f"{prefix} {headline}", url),
            "email_subject": f"{prefix} {headline}",
            "email_body": "\n\n".join(parts) + "\n",
        }
    return out
