"""Alerts as LINE Flex Messages: a card with the severity's colour, the headline in Thai and
English, the place, the time and a button to the alert's page, with the plain text as the
fallback (``altText``, what a phone shows in its notification and old LINE versions show
instead of the card).

The words are those :mod:`paknam.governance.render` / :mod:`paknam.core.notify.render`
give for the LINE text; this module only lays them out. The card is built as LINE's JSON
and read by ``line-bot-sdk``'s ``FlexMessage`` model before it is stored, so a malformed
card is caught when the alert is queued, not when it is sent.

Flex Message facts used (developers.line.biz, Flex Message reference): a ``bubble`` with
``header`` / ``body`` / ``footer`` boxes; colours as ``#RRGGBB``; ``altText`` at most 1,500
characters; a ``uri`` action's label at most 20 characters (40 on newer clients).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from paknam.core.notify.render import SEVERITY_WORDS, drill_mark, lang_link
from paknam.core.stations import districts_by_code
from paknam.core.timeutil import BANGKOK

ALT_TEXT_MAX = 1500
SEVERITY_COLOURS: dict[str, str] = {
    "minor": "#1E88E5",
    "moderate": "#F9A825",
    "severe": "#E65100",
    "extreme": "#B71C1C",
}
"""Header colour per CAP severity (blue, amber, orange, red: the dashboard's scale)."""
CANCEL_COLOUR = "#546E7A"
DRILL_COLOUR = "#2F3B4C"
"""Header colour of a drill or test: neutral, never a live alert's red."""
WORDS = {
    "th": {"minor": "เฝ้าระวัง", "moderate": "เตือนภัย", "severe": "อันตราย", "extreme": "อันตรายร้ายแรง"},
    "en": {
        "minor": "Advisory",
        "moderate": "Warning",
        "severe": "Danger",
        "extreme": "Extreme danger",
    },
}
WORDS = {
    "th": {"place": "พื้นที่", "time": "เวลา", "until": "ถึง", "open": "ดูรายละเอียด",
           "whole": "ทั้งจังหวัด", "cancel": "ยกเลิกประกาศ", "update": "ปรับปรุง"},
    "en": {"place": "Where", "time": "Issued", "until": "Until", "open": "Details",
           "whole": "Whole province", "cancel": "CANCELLED", "update": "UPDATE"},
}  # fmt: skip


def alt_text(text: str) -> str:
    """The fallback text cut to LINE's 1,500 characters."""
    return text if len(text) <= ALT_TEXT_MAX else text[: ALT_TEXT_MAX - 1] + "…"


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(BANGKOK).strftime("%d/%m/%Y %H:%M")
    return str(value or "")


def _row(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            {"type": "text", "text": label, "size": "sm", "color": "#666666", "flex": 2},
            {"type": "text", "text": value or "-", "size": "sm", "wrap": True, "flex": 5},
        ],
    }


def alert_flex(
    alert: Mapping[str, Any],
    fallback: str,
    link: str,
    language: str = "th",
    places: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The Flex message of an alert, ``language`` first and the other one below.

    fallback : the LINE text of the alert (its ``altText``).
    places : district names (Thai, English) by code, for the alert's districts.
    """
    langs = (language, "en" if language == "th" else "th")
    severity = str(alert.get("severity") or "").lower()
    kind = str(alert.get("msg_type") or "Alert")
    colour = CANCEL_COLOUR if kind == "Cancel" else SEVERITY_COLOURS.get(severity, "#1E88E5")
    drill = drill_mark(alert.get("status"))
    colour = DRILL_COLOUR if drill else colour
    tags = []
    for lang in langs:
        sev = SEVERITY_WORDS[lang].get(severity, severity)
        tags.append(
            {"Cancel": WORDS[lang]["cancel"], "Update": WORDS[lang]["update"]}.get(kind, sev)
        )
    places = places or {}
    codes = list(alert.get("districts") or [])
    where = {
        lang: ", ".join(places.get(c, (c, c))[i] for c in codes) or WORDS[lang]["whole"]
        for i, lang in enumerate(("th", "en"))
    }
    first, second = langs
    body: list[dict[str, Any]] = [
        {"type": "text", "text": str(alert[f"headline_{first}"]), "weight": "bold",
         "size": "lg", "wrap": True},
        {"type": "text", "text": str(alert[f"headline_{second}"]), "size": "sm",
         "color": "#444444", "wrap": True},
        {"type": "separator", "margin": "md"},
        {"type": "box", "layout": "vertical", "margin": "md", "spacing": "sm", "contents": [
            _row(WORDS[first]["place"], where[first]),
            _row(WORDS[second]["place"], where[second]),
            _row(WORDS[first]["time"], _when(alert.get("sent"))),
            _row(WORDS[first]["until"], _when(alert.get("expires"))),
        ]},
    ]  # fmt: skip
    description = str(alert.get(f"description_{first}") or "").strip()
    if description:
        body.insert(2, {"type": "text", "text": description[:400], "size": "sm", "wrap": True,
                        "margin": "md"})  # fmt: skip
    bubble = {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": colour,
            "contents": [
                {
                    "type": "text",
                    "text": f"{drill}{tags[0]} · {tags[1]}",
                    "color": "#FFFFFF",
                    "weight": "bold",
                    "size": "md",
                    "wrap": True,
                },
            ],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "color": colour,
                    "action": {
                        "type": "uri",
                        "label": f"{WORDS[first]['open']} / {WORDS[second]['open']}"[:40],
                        "uri": lang_link(link, language),
                    },
                },
            ],
        },
    }
    message = {"type": "flex", "altText": alt_text(fallback), "contents": bubble}
    from linebot.v3.messaging import FlexMessage  # on first use: the SDK is slow to import

    FlexMessage.from_dict(message)  # the SDK's model reads it: a malformed card raises here
    return message


def with_flex(
    conn: Connection, content: dict[str, dict[str, str]], alert: Mapping[str, Any], link: str
) -> dict[str, dict[str, str]]:
    """``content`` (the rendered texts per language) with each language's Flex message
    added as JSON under ``line_flex`` (the LINE channel sends it instead of the text)."""
    rows = districts_by_code(conn, list(alert.get("districts") or []))
    places = {code: (str(r["name_th"]), str(r["name_en"])) for code, r in rows.items()}
    out = {}
    for lang, texts in content.items():
        flex = alert_flex(alert, texts["line"], link, lang, places)
        out[lang] = {**texts, "line_flex": json.dumps(flex, ensure_ascii=False)}
    return out
