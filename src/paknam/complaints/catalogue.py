"""The complaint services catalogue: categories citizens choose, with SLA and routing role.

The 24 categories are Traffy Fondue's (the labels of ``problem_type_abdul`` in the shared
Bangkok tickets, see ``../shared/data/complaints/SOURCES.md``), so that the text classifier
trained on those tickets suggests a service of this catalogue directly. The codes are
ours (Open311 ``service_code``); Thai names are Traffy's labels.

SLA hours are **sample values** chosen for the demonstration (no published SLA table of
Samut Prakan was found): one day for dangers and floods, three days for lighting and
cleanliness, seven days for works, fourteen for bridges and canals. A province replaces
this table; nothing else depends on the numbers.

``role`` says which kind of agency handles the service; :mod:`paknam.complaints.agencies`
turns a role and a district into an agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paknam.complaints.errors import UnknownService


@dataclass(frozen=True, slots=True)
class Service:
    """One Open311 service (complaint category)."""

    code: str
    label: str  # Traffy Fondue label (Thai), used by the classifier
    name_th: str
    name_en: str
    group: str
    sla_hours: int
    role: str  # "local" | "police" | "electricity" | "disaster" | ... see agencies.ROLES
    keywords: tuple[str, ...] = ()


def _s(code: str, label: str, en: str, group: str, sla_h: int, role: str, *kw: str) -> Service:
    return Service(code, label, label, en, group, sla_h, role, kw)


SERVICES: tuple[Service, ...] = (
    _s("road", "ถนน", "Road surface", "infrastructure", 168, "local", "ถนน", "หลุม", "pothole"),
    _s("sidewalk", "ทางเท้า", "Sidewalk", "infrastructure", 168, "local", "ทางเท้า", "sidewalk"),
    _s("flooding", "น้ำท่วม", "Flooding", "water", 24, "disaster", "น้ำท่วม", "flood"),
    _s("lighting", "แสงสว่าง", "Street lighting", "infrastructure", 72, "local", "ไฟ", "lamp"),
    _s("safety", "ความปลอดภัย", "Public safety", "safety", 24, "police", "อันตราย", "danger"),
    _s("cleanliness", "ความสะอาด", "Cleanliness and garbage", "environment", 72, "local"),
    _s("drain", "ท่อระบายน้ำ", "Drains", "water", 168, "local", "ท่อ", "drain"),
    _s("obstruction", "กีดขวาง", "Obstruction", "infrastructure", 72, "local", "กีดขวาง"),
    _s("bridge", "สะพาน", "Bridge or footbridge", "infrastructure", 336, "local", "สะพาน"),
    _s("traffic", "จราจร", "Traffic", "safety", 24, "police", "จราจร", "traffic"),
    _s("cables", "สายไฟ", "Overhead cables", "infrastructure", 72, "electricity", "สายไฟ"),
    _s("canal", "คลอง", "Canal", "water", 336, "irrigation", "คลอง", "canal"),
    _s("trees", "ต้นไม้", "Trees", "environment", 168, "local", "ต้นไม้", "tree"),
    _s("noise", "เสียงรบกวน", "Noise", "environment", 24, "police", "เสียงดัง", "noise"),
    _s("stray_animals", "สัตว์จรจัด", "Stray animals", "environment", 168, "livestock"),
    _s("signs", "ป้าย", "Signs and billboards", "infrastructure", 168, "local", "ป้าย"),
    _s("complaint", "ร้องเรียน", "General complaint", "general", 168, "centre", "ร้องเรียน"),
    _s("suggestion", "เสนอแนะ", "Suggestion", "general", 336, "centre", "เสนอแนะ"),
    _s("homeless", "คนจรจัด", "Homeless people", "social", 72, "social", "คนจรจัด"),
    _s("transit", "การเดินทาง", "Travel and transit", "safety", 168, "transport"),
    _s("question", "สอบถาม", "Question", "general", 72, "centre", "สอบถาม"),
    _s("toilet", "ห้องน้ำ", "Public toilets", "environment", 72, "local", "ห้องน้ำ"),
    _s("traffic_signs", "ป้ายจราจร", "Traffic signs", "safety", 168, "police", "ป้ายจราจร"),
    _s("pm25", "PM2.5", "Air pollution (PM2.5)", "environment", 72, "environment", "ฝุ่น"),
)
"""All services, in Traffy Fondue's order of frequency."""

BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}
BY_LABEL: dict[str, Service] = {s.label: s for s in SERVICES}

GROUPS: dict[str, tuple[str, str]] = {
    "infrastructure": ("โครงสร้างพื้นฐาน", "Infrastructure"),
    "water": ("น้ำและน้ำท่วม", "Water and flooding"),
    "safety": ("ความปลอดภัยและการจราจร", "Safety and traffic"),
    "environment": ("สิ่งแวดล้อม", "Environment"),
    "social": ("สังคม", "Social"),
    "general": ("ทั่วไป", "General"),
}
"""Open311 ``group`` names (Thai, English)."""


URGENT_SLA_FACTOR = 0.5
"""A complaint marked urgent (attribute ``urgent=yes``) is due in half the service's time."""


def sla_seconds(service: Service, attributes: dict[str, Any] | None) -> int:
    """How long after filing a complaint of ``service`` is due [s]."""
    sla_s = service.sla_hours * 3600
    if (attributes or {}).get("urgent") == "yes":
        sla_s = int(sla_s * URGENT_SLA_FACTOR)
    return sla_s


def get_service(code: str | None, field: str = "service_code") -> Service:
    """The service with ``code``; :class:`UnknownService` naming the valid codes otherwise."""
    if not code:
        raise UnknownService(f"{field} is required; one of {', '.join(BY_CODE)}", field=field)
    try:
        return BY_CODE[code]
    except KeyError:
        raise UnknownService(
            f"unknown service code {code!r}; valid codes: {', '.join(BY_CODE)}", field=field
        ) from None


def service_for_label(label: str) -> Service | None:
    """The service of a Traffy Fondue label (``None`` for a label not in the catalogue)."""
    return BY_LABEL.get(label.strip())
