"""CAP alerts as the texts each channel sends (LINE, SMS, e-mail), in Thai and English.

Rendered once when an alert is queued, so that the officer's preview is exactly what goes
out; the channel limits (SMS segments, LINE length) are in :mod:`paknam.core.notify.render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paknam.core.notify.render import LINE_TEXT_MAX, fit_sms

SEVERITY_WORDS = {
    "th": {"minor": "เฝ้าระวัง", "moderate": "เตือนภัย", "severe": "อันตราย", "extreme": "อันตรายร้ายแรง"},
    "en": {
        "minor": "Advisory",
        "moderate": "Warning",
        "severe": "Danger",
        "extreme": "Extreme danger",
    },
}
CANCEL_WORDS = {"th": "ยกเลิกประกาศ", "en": "CANCELLED"}
UPDATE_WORDS = {"th": "ปรับปรุง", "en": "UPDATE"}


def render_alert(alert: Mapping[str, Any], link: str) -> dict[str, dict[str, str]]:
    """Per language (th, en): the LINE text, the SMS text, the e-mail subject and body."""
    out: dict[str, dict[str, str]] = {}
    for lang in ("th", "en"):
        sev = SEVERITY_WORDS[lang].get(str(alert["severity"]).lower(), str(alert["severity"]))
        tag = {"Cancel": CANCEL_WORDS[lang], "Update": UPDATE_WORDS[lang]}.get(
            str(alert.get("msg_type")), sev
        )
        headline = str(alert[f"headline_{lang}"]).strip()
        description = str(alert[f"description_{lang}"]).strip()
        instruction = str(alert.get(f"instruction_{lang}") or "").strip()
        parts = [f"[{tag}] {headline}", description]
        if instruction:
            parts.append(instruction)
        parts.append(link)
        line = "\n\n".join(parts)
        if len(line) > LINE_TEXT_MAX:
            keep = LINE_TEXT_MAX - len(link) - 3
            line = line[:keep].rstrip() + "…\n\n" + link
        out[lang] = {
            "line": line,
            "sms": fit_sms(f"[{tag}] {headline}", link),
            "email_subject": f"[{tag}] {headline}",
            "email_body": "\n\n".join(parts) + "\n",
        }
    return out
