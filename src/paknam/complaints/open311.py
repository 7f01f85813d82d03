"""Open311 GeoReport v2 documents: services, service definitions, requests (pure + queries).

Field names are the specification's (https://wiki.open311.org/GeoReport_v2). Services
are the catalogue of :mod:`paknam.complaints.catalogue`; names are "Thai / English".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.catalogue import GROUPS, SERVICES, Service, get_service
from paknam.complaints.records import PUBLIC_COLUMNS, open311_views
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import CLOSED, OPEN
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.http.pagination import MAX_LIMIT
from paknam.core.text import xml_safe
from paknam.core.timeutil import TimeParseError, now_s, parse_time

MAX_WINDOW_DAYS = 90
_ID = re.compile(r"[0-9]{1,9}")  # ASCII digits only (str.isdigit accepts '¹')
MAX_RESULTS = MAX_LIMIT
"""Most requests one answer holds (GeoReport v2 has no paging: the window narrows it)."""


def service_doc(s: Service) -> dict[str, Any]:
    th, en = GROUPS[s.group]
    return {
        "service_code": s.code,
        "service_name": f"{s.name_th} / {s.name_en}",
        "description": (
            f"{s.name_th} — ตอบสนองภายใน {s.sla_hours} ชั่วโมง / {s.name_en} — "
            f"handled within {s.sla_hours} hours"
        ),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(s.keywords),
        "group": f"{th} / {en}",
    }


def services_doc() -> list[dict[str, Any]]:
    return [service_doc(s) for s in SERVICES]


def definition_doc(code: str) -> dict[str, Any]:
    try:
        s = get_service(code)
    except InvalidInput:
        raise NotFound(f"service code {code!r} does not exist") from None
    return {
        "service_code": s.code,
        "attributes": [
            {
                "variable": True,
                "code": "urgent",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "yes / no",
                "order": 1,
                "description": (
                    "อันตรายต่อชีวิตหรือทรัพย์สินทันทีหรือไม่ (เร่งด่วน: ครึ่งหนึ่งของเวลา) / "
                    "Immediate danger to people or property? (urgent: half the usual time)"
                ),
                "values": [
                    {"key": "yes", "name": "ใช่ / Yes"},
                    {"key": "no", "name": "ไม่ใช่ / No"},
                ],
            }
        ],
    }


def _time(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return parse_time(value)
    except TimeParseError as exc:
        raise InvalidInput(f"{name}: {exc}", field=name) from None


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def query_requests(
    conn: Connection,
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    now: int | None = None,
) -> list[dict[str, Any]]:
    """GET requests: by ids, or by service/status within a window of at most 90 days."""
    query = sa.select(*PUBLIC_COLUMNS)
    ids = _csv(service_request_id)
    if ids:  # the spec: other parameters are ignored
        if len(ids) > MAX_RESULTS or not all(_ID.fullmatch(i) for i in ids):
            raise InvalidInput(
                "service_request_id must be comma-separated request numbers",
                field="service_request_id",
            )
        query = query.where(table.c.id.in_([int(i) for i in ids]))
    else:
        end = _time(end_date, "end_date")
        start = _time(start_date, "start_date")
        end = end if end is not None else (now or now_s()) + 1
        start = start if start is not None else end - MAX_WINDOW_DAYS * 86400
        if not 0 <= end - start <= MAX_WINDOW_DAYS * 86400:
            raise InvalidInput(
                f"start_date must be before end_date and at most {MAX_WINDOW_DAYS} days earlier",
                field="start_date",
            )
        query = query.where(table.c.requested_s >= start, table.c.requested_s < end)
        codes = _csv(service_code)
        if codes:
            query = query.where(table.c.service_code.in_([get_service(c).code for c in codes]))
        wanted = _csv(status)
        bad = [s for s in wanted if s not in ("open", "closed")]
        if bad:
            raise InvalidInput(f"status must be open and/or closed, not {bad[0]!r}", field="status")
        states: set[str] = set()
        for s in wanted:
            states |= OPEN if s == "open" else CLOSED
        if states:
            query = query.where(table.c.status.in_(sorted(states)))
    query = query.order_by(table.c.requested_s.desc(), table.c.id.desc()).limit(MAX_RESULTS)
    return open311_views(conn, list(conn.execute(query)))


def request_doc(conn: Connection, service_request_id: str) -> list[dict[str, Any]]:
    if not _ID.fullmatch(service_request_id):
        raise NotFound(f"service request {service_request_id!r} does not exist")
    rows = query_requests(conn, service_request_id=service_request_id)
    if not rows:
        raise NotFound(f"service request {service_request_id} does not exist")
    return rows


# ---- XML ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # rows stored before control characters were refused


def _element(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            el.append(_element(k, v))
    elif isinstance(value, list):
        child = {"attributes": "attribute", "values": "value"}.get(tag, "item")
        for v in value:
            el.append(_element(child, v))
    else:
        el.text = _text(value)
    return el


def to_xml(root: str, item: str | None, doc: Any) -> bytes:
    """Open311 XML: a list under ``<root><item>…`` or one object as ``<root>…``."""
    top = ET.Element(root)
    if item is None:
        for k, v in doc.items():
            top.append(_element(k, v))
    else:
        for d in doc:
            top.append(_element(item, d))
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def errors_doc(status: int, message: str) -> list[dict[str, Any]]:
    return [{"code": status, "description": message}]
