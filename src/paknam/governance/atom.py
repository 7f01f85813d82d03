"""Atom 1.0 feed (RFC 4287) of the active CAP alerts, the shape Google Public Alerts and
other aggregators poll: one entry per alert with a link to its CAP document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from paknam.core.text import xml_safe
from paknam.core.timeutil import local_iso
from paknam.governance.render import drill_mark

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_FEED_BYTES = 900 * 1024
"""Google Public Alerts reads feeds up to 900 KB; older entries are left out beyond it."""


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def alerts_feed(alerts: Sequence[dict[str, Any]], *, base_url: str, updated: str) -> bytes:
    """The feed as UTF-8 bytes; ``alerts`` newest first (from ``list_alerts``: ``sent`` a
    datetime); ``updated`` the feed's time when it has no entry (ISO 8601)."""
    entries = list(alerts)
    while True:
        xml = _render(entries, base_url, updated)
        if len(xml) <= MAX_FEED_BYTES or not entries:
            return xml
        entries = entries[: max(len(entries) * 9 // 10, len(entries) - 1)]


def _render(alerts: Sequence[dict[str, Any]], base_url: str, updated: str) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "th"})
    _el(feed, "id", f"{base_url}/api/v1/alerts.atom")
    _el(feed, "title", "ประกาศเตือนภัยจังหวัดสมุทรปราการ / Samut Prakan alerts")
    _el(feed, "subtitle", "Active CAP 1.2 alerts (ประกาศที่มีผลอยู่) — paknam")
    _el(feed, "updated", local_iso(alerts[0]["sent"]) if alerts else updated)
    author = _el(feed, "author")
    _el(author, "name", "จังหวัดสมุทรปราการ / Samut Prakan Province")
    _el(feed, "link", rel="self", href=f"{base_url}/api/v1/alerts.atom",
        type="application/atom+xml")  # fmt: skip
    for a in alerts:
        entry = _el(feed, "entry")
        _el(entry, "id", f"urn:cap:{a['sender']}:{a['identifier']}")
        # a rule alert from simulated or replayed data is a drill (marked here) and its
        # headline names its data "(จำลอง)" or "(ข้อมูลจริงเล่นซ้ำ)": no third label
        title = drill_mark(a.get("status")) + f"{a['headline_th']} / {a['headline_en']}"
        _el(entry, "title", title)
        sent = local_iso(a["sent"])
        _el(entry, "updated", sent)
        _el(entry, "published", sent)
        _el(entry, "summary", f"{a['description_th']}\n\n{a['description_en']}")
        _el(entry, "link", rel="alternate", href=a["cap_url"], type="application/cap+xml")
        if a.get("page_url"):  # the page citizens read: what to do, map, thread
            _el(entry, "link", rel="alternate", href=a["page_url"], type="text/html")
        _el(entry, "category", term=a["severity"], label="severity")
        _el(entry, "category", term=a["topic"], label="topic")
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
