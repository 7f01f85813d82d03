"""CAP alerts: issued by officers or from the warnings the tide and environment rules
raise, kept with their lifecycle (Alert → Update… → Cancel) and published as CAP 1.2.

Messages about one event form a *thread* (``thread_id`` = id of its first Alert). Each
Update or Cancel references every earlier message of its thread (CAP ``references``:
``sender,identifier,sent``). A thread is **active** while its newest message is not a
Cancel and has not expired.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from shapely.geometry import shape
from shapely.ops import unary_union
from sqlalchemy.engine import Connection

from paknam.core.audit import alert_details as _audited
from paknam.core.audit import record
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.notify.schema import messages
from paknam.core.notify.subscribers import TOPICS
from paknam.core.registry import CapEvent, WarningKind, warning_kinds
from paknam.core.stations import district_codes, districts_by_code, find_station
from paknam.core.timeutil import as_utc, english_datetime, thai_datetime, utcnow
from paknam.core.warnings import SEVERITIES, active_warnings, get_warning
from paknam.governance.cap import AreaSpec, build_alert, reference
from paknam.governance.errors import AlertNotActive
from paknam.governance.schema import alerts

log = logging.getLogger(__name__)

SENDER = "paknam@samutprakan.go.th"
"""CAP ``sender``: the province's alerting address (no spaces, commas, < or &)."""
SENDER_NAME = "จังหวัดสมุทรปราการ / Samut Prakan Province"


def _kind(kind: str) -> WarningKind:
    kinds = warning_kinds()
    if kind not in kinds:
        raise InvalidInput(
            f"warning kind {kind!r} is not registered by any domain "
            f"(known: {', '.join(sorted(kinds))})",
            field="kind",
        )
    return kinds[kind]


TOPIC_EVENT = {
    "flood": CapEvent(("Met",), "น้ำท่วม", "Flood"),
    "air": CapEvent(("Env", "Health"), "คุณภาพอากาศ", "Air quality"),
    "water": CapEvent(("Env",), "คุณภาพน้ำ", "Water quality"),
    "news": CapEvent(("Other",), "ประกาศจากจังหวัด", "Provincial notice"),
}
"""Default CAP category and event of an officer's alert by topic."""

TOPIC_INSTRUCTIONS: dict[str, tuple[str, str]] = {
    "flood": (
        "ยกของมีค่าและปลั๊กไฟขึ้นที่สูง เลี่ยงถนนและทางเดินที่น้ำท่วม อย่าขับรถหรือเดินผ่านน้ำไหลเชี่ยว "
        "ติดตามประกาศของจังหวัด หากต้องการความช่วยเหลือโทร 1784 (ปภ.) หรือ 1669 (เจ็บป่วยฉุกเฉิน)",
        "Move valuables and electrical plugs up high. Avoid flooded roads and paths; do not "
        "drive or walk through moving water. Follow the province's announcements. For help "
        "call 1784 (DDPM) or 1669 (medical emergency).",
    ),
    "air": (
        "ลดหรืองดกิจกรรมกลางแจ้ง โดยเฉพาะเด็ก ผู้สูงอายุ หญิงตั้งครรภ์ และผู้มีโรคหัวใจหรือระบบหายใจ "
        "ปิดประตูหน้าต่าง หากต้องออกนอกอาคารให้สวมหน้ากาก N95 หากไอ หายใจลำบาก หรือแน่นหน้าอก ให้พบแพทย์ "
        "หรือโทร 1669",
        "Cut down on or avoid outdoor activity, above all children, older people, pregnant "
        "women and people with heart or lung disease. Keep doors and windows shut; wear an "
        "N95 mask outdoors. If you cough, are short of breath or feel chest pain, see a "
        "doctor or call 1669.",
    ),
    "water": (
        "งดใช้น้ำจากคลองในบริเวณนี้ งดลงเล่นน้ำ จับหรือกินสัตว์น้ำจากคลอง ล้างมือด้วยสบู่หลังสัมผัสน้ำ "
        "แจ้งปลาตายหรือน้ำเสียผ่านระบบร้องเรียนของจังหวัด",
        "Do not use canal water here; do not swim in it or catch or eat fish from it. Wash "
        "your hands with soap after touching the water. Report dead fish or foul water "
        "through the province's complaint service.",
    ),
    "news": (
        "ติดตามประกาศของจังหวัดสมุทรปราการ",
        "Follow the announcements of Samut Prakan Province.",
    ),
}
"""What citizens should do, by topic: the instruction of an alert that states none (an
officer's alert left blank, a rule whose warning kind registers no instruction)."""
STATION_RADIUS_KM = 3.0
"""Circle drawn around the station when a warning has no district."""


@dataclass
class AlertSpec:
    """An officer's alert (or update): the CAP info fields, Thai and English."""

    topic: str
    severity: str
    headline_th: str
    headline_en: str
    description_th: str
    description_en: str
    districts: list[str] = field(default_factory=list)
    urgency: str = "Immediate"
    certainty: str = "Observed"
    event_th: str | None = None
    event_en: str | None = None
    categories: list[str] | None = None
    instruction_th: str | None = None
    instruction_en: str | None = None
    expires: datetime | None = None
    polygon: dict[str, Any] | None = None  # GeoJSON Polygon/MultiPolygon (lon, lat)
    circle: tuple[float, float, float] | None = None  # lat, lon, radius km
    status: str = "Actual"
    area_th: str | None = None
    """The place in words (CAP ``areaDesc``), Thai; default: the districts' names."""
    area_en: str | None = None


def _now() -> datetime:
    return utcnow().replace(microsecond=0)


def _district_area(conn: Connection, codes: list[str]) -> tuple[str, str, Any]:
    rows = districts_by_code(conn, codes)
    unknown = [c for c in codes if c not in rows]
    if unknown:
        known = district_codes(conn)
        raise InvalidInput(
            f"unknown district code(s) {unknown}; known: {', '.join(known)}", field="districts"
        )
    geoms = [shape(json.loads(rows[c]["geojson"])) for c in codes if rows[c]["geojson"]]
    th = ", ".join(f"อำเภอ{rows[c]['name_th']}" for c in codes) + " จังหวัดสมุทรปราการ"
    en = ", ".join(f"{rows[c]['name_en']} District" for c in codes) + ", Samut Prakan"
    return th, en, unary_union(geoms) if geoms else None


def _area(conn: Connection, spec: AlertSpec) -> tuple[AreaSpec, dict[str, Any]]:
    if not spec.districts and spec.polygon is None and spec.circle is None:
        raise InvalidInput("an alert needs districts, a polygon or a circle", field="districts")
    desc_th, desc_en, geom = "พื้นที่ที่กำหนด", "The area shown", None
    if spec.districts:
        desc_th, desc_en, geom = _district_area(conn, spec.districts)
    if spec.area_th and spec.area_en:
        desc_th, desc_en = spec.area_th, spec.area_en
    if spec.polygon is not None:
        try:
            geom = shape(spec.polygon)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(f"polygon is not GeoJSON geometry: {exc}", field="polygon") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            raise InvalidInput(
                "polygon must be a valid GeoJSON Polygon or MultiPolygon", field="polygon"
            )
    area = AreaSpec(
        desc_th=desc_th,
        desc_en=desc_en,
        geometry=geom,
        circle=spec.circle,
        district_codes=tuple(spec.districts),
    )
    stored = {"districts": spec.districts, "polygon": spec.polygon, "circle": spec.circle}
    return area, stored


def _check_spec(spec: AlertSpec) -> None:
    if spec.topic not in TOPICS:
        raise InvalidInput(f"topic {spec.topic!r} is not one of {', '.join(TOPICS)}", field="topic")
    if spec.severity not in SEVERITIES:
        raise InvalidInput(
            f"severity {spec.severity!r} is not one of {', '.join(SEVERITIES)}", field="severity"
        )


def _fill_instruction(spec: AlertSpec, kind: str | None) -> None:
    """Give an alert that says nothing about what to do its warning kind's instruction,
    else its topic's (:data:`TOPIC_INSTRUCTIONS`): every alert tells citizens what to do."""
    registered = warning_kinds().get(kind) if kind else None
    th, en = TOPIC_INSTRUCTIONS[spec.topic]
    if registered is not None and registered.instruction_th and registered.instruction_en:
        th, en = registered.instruction_th, registered.instruction_en
    if not (spec.instruction_th or "").strip():
        spec.instruction_th = th
    if not (spec.instruction_en or "").strip():
        spec.instruction_en = en


def _identifier(sent: datetime) -> str:
    return f"TH-SPK-{sent.astimezone(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def _issue(
    conn: Connection,
    spec: AlertSpec,
    *,
    msg_type: str,
    thread_id: int | None,
    references: list[str],
    created_by: str,
    kind: str | None = None,
    warning: Mapping[str, Any] | None = None,
    simulated: bool = False,
    raised_at: datetime | None = None,
) -> int:
    _check_spec(spec)
    if msg_type != "Cancel":
        _fill_instruction(spec, kind)
    sent = _now()
    area, stored_area = _area(conn, spec)
    default = TOPIC_EVENT[spec.topic] if kind is None else _kind(kind).event
    event = CapEvent(
        tuple(spec.categories or default.categories),
        spec.event_th or default.event_th,
        spec.event_en or default.event_en,
    )
    w = dict(warning or {})
    w.update(
        kind=kind,
        severity=spec.severity,
        headline_th=spec.headline_th,
        headline_en=spec.headline_en,
        description_th=spec.description_th,
        description_en=spec.description_en,
    )
    identifier = _identifier(sent)
    xml = build_alert(
        w,
        sender=SENDER,
        identifier=identifier,
        sent=sent,
        area=area,
        msg_type=msg_type,
        references=references,
        status=spec.status,
        expires=spec.expires,
        instruction_th=spec.instruction_th,
        instruction_en=spec.instruction_en,
        sender_name=SENDER_NAME,
        event=event if kind is None else None,
        urgency=spec.urgency if kind is None else None,
        certainty=spec.certainty if kind is None else None,
    )
    info = _first_info(xml)
    new_id = conn.execute(
        alerts.insert()
        .returning(alerts.c.id)
        .values(
            thread_id=thread_id,
            identifier=identifier,
            sender=SENDER,
            sent=sent,
            status=spec.status,
            msg_type=msg_type,
            references=" ".join(references) or None,
            topic=spec.topic,
            kind=kind,
            event_th=event.event_th,
            event_en=event.event_en,
            severity=spec.severity,
            urgency=info["urgency"],
            certainty=info["certainty"],
            headline_th=spec.headline_th,
            headline_en=spec.headline_en,
            description_th=spec.description_th,
            description_en=spec.description_en,
            instruction_th=spec.instruction_th,
            instruction_en=spec.instruction_en,
            # stored in UTC: SQLite keeps a datetime's wall-clock digits and drops its
            # offset, so a +07:00 time stored as such read back 7 h late (as UTC)
            expires=datetime.fromisoformat(info["expires"]).astimezone(UTC),
            districts=list(spec.districts),
            area=stored_area,
            warning_id=(warning or {}).get("id"),
            raised_at=as_utc(raised_at).astimezone(UTC) if raised_at else sent,
            simulated=simulated,
            cap_xml=xml,
            created_by=created_by,
            created_at=sent,
        )
    ).scalar_one()
    if thread_id is None:
        conn.execute(alerts.update().where(alerts.c.id == new_id).values(thread_id=new_id))
    record(conn, "alert", msg_type.lower(), new_id, created_by, _audited(spec, thread_id))
    return int(new_id)


def _first_info(xml: str) -> dict[str, str]:
    from xml.etree import ElementTree as ET

    from paknam.governance.cap import CAP_NS

    info = ET.fromstring(xml).find(f"{{{CAP_NS}}}info")
    assert info is not None
    return {
        k: (info.findtext(f"{{{CAP_NS}}}{k}") or "") for k in ("urgency", "certainty", "expires")
    }


def create_alert(conn: Connection, spec: AlertSpec, created_by: str) -> int:
    """Issue a new CAP Alert; returns its id (also its thread id)."""
    return _issue(
        conn, spec, msg_type="Alert", thread_id=None, references=[], created_by=created_by
    )


def _thread(conn: Connection, alert_id: int) -> list[Any]:
    row = conn.execute(sa.select(alerts.c.thread_id).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(f"alert {alert_id} does not exist")
    return list(
        conn.execute(
            sa.select(alerts).where(alerts.c.thread_id == row.thread_id).order_by(alerts.c.id)
        )
    )


def _refs(thread: list[Any]) -> list[str]:
    return [reference(m.sender, m.identifier, as_utc(m.sent)) for m in thread]


def _spec_of(row: Any) -> AlertSpec:
    area = row.area or {}
    return AlertSpec(
        topic=row.topic,
        severity=row.severity,
        headline_th=row.headline_th,
        headline_en=row.headline_en,
        description_th=row.description_th,
        description_en=row.description_en,
        districts=list(area.get("districts") or []),
        urgency=row.urgency,
        certainty=row.certainty,
        event_th=row.event_th,
        event_en=row.event_en,
        instruction_th=row.instruction_th,
        instruction_en=row.instruction_en,
        polygon=area.get("polygon"),
        circle=tuple(area["circle"]) if area.get("circle") else None,  # type: ignore[arg-type]
        status=row.status,
    )


def _open_thread(conn: Connection, alert_id: int) -> list[Any]:
    thread = _thread(conn, alert_id)
    if thread[-1].msg_type == "Cancel":
        raise AlertNotActive(f"alert {alert_id} was cancelled; issue a new alert instead")
    return thread


def update_alert(
    conn: Connection, alert_id: int, changes: Mapping[str, Any], created_by: str
) -> int:
    """Issue a CAP Update of ``alert_id``'s thread with ``changes`` applied; returns its id."""
    thread = _open_thread(conn, alert_id)
    last = thread[-1]
    spec = _spec_of(last)
    unknown = sorted(set(changes) - set(AlertSpec.__dataclass_fields__))
    if unknown:
        raise InvalidInput(f"cannot change {unknown}", field=unknown[0])
    for key, value in changes.items():
        setattr(spec, key, value)
    if "expires" not in changes:
        spec.expires = None
    return _issue(
        conn,
        spec,
        msg_type="Update",
        thread_id=last.thread_id,
        references=_refs(thread),
        created_by=created_by,
        kind=last.kind,
        warning=_warning_dict(conn, last.warning_id),
        simulated=last.simulated,
        raised_at=as_utc(thread[0].raised_at),
    )


def cancel_alert(
    conn: Connection,
    alert_id: int,
    created_by: str,
    note_th: str | None = None,
    note_en: str | None = None,
) -> int:
    """Issue a CAP Cancel of ``alert_id``'s thread; returns its id."""
    thread = _open_thread(conn, alert_id)
    last = thread[-1]
    spec = _spec_of(last)
    spec.headline_th = f"ยกเลิก: {last.headline_th}"
    spec.headline_en = f"Cancelled: {last.headline_en}"
    spec.description_th = note_th or "สถานการณ์คลี่คลายแล้ว ประกาศนี้ยกเลิกประกาศก่อนหน้า"
    spec.description_en = note_en or "The situation is over. This cancels the earlier alert."
    spec.instruction_th = spec.instruction_en = None
    spec.expires = None
    return _issue(
        conn,
        spec,
        msg_type="Cancel",
        thread_id=last.thread_id,
        references=_refs(thread),
        created_by=created_by,
        kind=last.kind,
        warning=_warning_dict(conn, last.warning_id) if last.warning_id else None,
        simulated=last.simulated,
        raised_at=as_utc(thread[0].raised_at),
    )


def _warning_dict(conn: Connection, warning_id: int | None) -> dict[str, Any] | None:
    return None if warning_id is None else get_warning(conn, warning_id)


# --- warnings → alerts -----------------------------------------------------------------


MEASURED_TH = " · ข้อมูลเมื่อ "
MEASURED_EN = " · measured "
"""What a rule alert's headline adds before the time its evidence was measured."""


def _place(conn: Connection, station: Any, district: str | None) -> tuple[str, str] | None:
    """The station and its district in words, Thai and English (CAP ``areaDesc``)."""
    if station is None:
        return None
    th, en = str(station.name_th), str(station.name_en)
    if district:
        names = districts_by_code(conn, [district]).get(district)
        if names is not None:
            th += f" อำเภอ{names['name_th']} จังหวัดสมุทรปราการ"
            en += f", {names['name_en']} District, Samut Prakan"
    return th, en


def _is_exercise(meta: Mapping[str, Any]) -> bool:
    """Simulated or replayed stations' warnings are drills, never ``Actual``."""
    return bool(meta.get("simulated") or meta.get("replayed"))


def _label(meta: Mapping[str, Any]) -> tuple[str, str]:
    """What a drill's headline starts with, Thai and English: a simulated station's data
    are invented, a replayed station's are real measurements shifted in time (the map and the
    station page say "replayed" of them: the alert must not call them simulated)."""
    if meta.get("simulated"):
        return "(จำลอง) ", "(SIMULATED) "
    if meta.get("replayed"):
        return "(ข้อมูลจริงเล่นซ้ำ) ", REPLAYED_EN
    return "", ""


REPLAYED_EN = "(REPLAYED) "
"""The English headline's mark of a rule alert from replayed data (``replayed`` in the JSON:
the alert's ``simulated`` flag covers both simulated and replayed data)."""


def _warning_spec(conn: Connection, w: Mapping[str, Any]) -> tuple[AlertSpec, bool]:
    topic = _kind(w["kind"]).topic
    station = find_station(conn, w["station_id"]) if w.get("station_id") else None
    meta = station.meta if station is not None else {}
    simulated = _is_exercise(meta)
    district = w.get("district_code") or (station.district_code if station is not None else None)
    circle = None
    if station is not None and not district:
        circle = (float(station.lat), float(station.lon), STATION_RADIUS_KM)
    place = _place(conn, station, district)
    measured = w.get("observed_at")
    when_th = MEASURED_TH + thai_datetime(measured) if measured else ""
    when_en = MEASURED_EN + english_datetime(measured) if measured else ""
    label_th, label_en = _label(meta)
    spec = AlertSpec(
        topic=topic,
        severity=w["severity"],
        headline_th=label_th + w["headline_th"] + when_th,
        headline_en=label_en + w["headline_en"] + when_en,
        description_th=w["description_th"],
        description_en=w["description_en"],
        districts=[district] if district else [],
        circle=circle,
        status="Exercise" if simulated else "Actual",
        area_th=place[0] if place else None,
        area_en=place[1] if place else None,
    )
    return spec, simulated


def _changed(last: Any, spec: AlertSpec) -> bool:
    """Whether the alert must be updated: severity or texts changed (a newer measurement
    time alone is no reason to send an Update)."""

    def base(text: str) -> str:
        for marker in (MEASURED_TH, MEASURED_EN):
            text = text.split(marker)[0]
        return text

    return any(
        base(str(getattr(last, k))) != base(str(getattr(spec, k)))
        if k.startswith("headline")
        else getattr(last, k) != getattr(spec, k)
        for k in _SAME
    )


def is_fresh(w: Mapping[str, Any], kind: WarningKind, now: datetime) -> bool:
    """Whether the warning's evidence is recent enough to reach citizens (pure)."""
    observed = w.get("observed_at")
    if observed is None:
        return False
    return (now - as_utc(observed)).total_seconds() <= kind.fresh_s


_SAME = ("severity", "headline_th", "headline_en", "description_th", "description_en")


def sync_from_warnings(conn: Connection, created_by: str = "rules") -> dict[str, list[int]]:
    """Bring alerts in line with the warnings: new warning → Alert, changed → Update,
    cleared → Cancel. Returns the new alert ids by message type, and the warnings left
    without a message because their evidence is older than their kind's ``fresh_s``
    (``historical``) or their kind is not registered (``unregistered``)."""
    result: dict[str, list[int]] = {
        "Alert": [],
        "Update": [],
        "Cancel": [],
        "unregistered": [],
        "historical": [],
    }
    kinds = warning_kinds()
    now = _now()
    latest = {}
    for row in conn.execute(
        sa.select(alerts).where(alerts.c.warning_id.is_not(None)).order_by(alerts.c.id)
    ):
        latest[row.thread_id] = row
    by_warning = {row.warning_id: row for row in latest.values()}
    seen = set()
    for w in active_warnings(conn):
        kind = kinds.get(w["kind"])
        if kind is None:  # a rule raised a kind no domain registered: say so, loudly
            log.error(
                "warning %s of domain %s has kind %r, which no domain registers: no alert",
                w["id"],
                w["domain"],
                w["kind"],
            )
            result["unregistered"].append(w["id"])
            continue
        if not kind.public:
            continue  # for officers only: never a citizen alert
        seen.add(w["id"])
        if not is_fresh(w, kind, now):  # old evidence (history, backfill, a stopped source):
            result["historical"].append(w["id"])  # an officers' warning, no new message;
            continue  # an alert already out keeps its expiry and is not cancelled for it
        spec, simulated = _warning_spec(conn, w)
        last = by_warning.get(w["id"])
        common = {
            "created_by": created_by,
            "kind": w["kind"],
            "warning": w,
            "simulated": simulated,
            "raised_at": w["raised_at"],
        }
        if last is not None and last.created_by != created_by:
            continue  # an officer updated or cancelled this warning's alert: theirs now
        if last is None:
            result["Alert"].append(
                _issue(conn, spec, msg_type="Alert", thread_id=None, references=[], **common)
            )
        elif _changed(last, spec):
            thread = _thread(conn, last.id)
            result["Update"].append(
                _issue(
                    conn,
                    spec,
                    msg_type="Update",
                    thread_id=last.thread_id,
                    references=_refs(thread),
                    **{**common, "raised_at": as_utc(thread[0].raised_at)},
                )
            )
    for wid, last in by_warning.items():
        if wid not in seen and last.msg_type != "Cancel":
            result["Cancel"].append(cancel_alert(conn, last.id, created_by))
    return result


# --- reading ---------------------------------------------------------------------------


def _public(row: Any, state: str, base_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "thread_id": row.thread_id,
        "identifier": row.identifier,
        "sender": row.sender,
        "status": row.status,
        "msg_type": row.msg_type,
        "references": row.references.split(" ") if row.references else [],
        "topic": row.topic,
        "kind": row.kind,
        "event_th": row.event_th,
        "event_en": row.event_en,
        "headline_th": row.headline_th,
        "headline_en": row.headline_en,
        "description_th": row.description_th,
        "description_en": row.description_en,
        "instruction_th": row.instruction_th,
        "instruction_en": row.instruction_en,
        "severity": row.severity,
        "urgency": row.urgency,
        "certainty": row.certainty,
        "sent": as_utc(row.sent),
        "expires": as_utc(row.expires),
        "districts": list((row.area or {}).get("districts") or []),
        "area": row.area,
        "warning_id": row.warning_id,
        "raised_at": as_utc(row.raised_at),
        "state": state,
        "simulated": bool(row.simulated),
        "replayed": bool(row.simulated) and REPLAYED_EN in (row.headline_en or ""),
        "cap_url": f"{base_url}/api/v1/alerts/{row.id}.xml",
        "page_url": f"{base_url}/alerts/{row.id}",
    }


def _state(row: Any, now: datetime) -> str:
    expires = as_utc(row.expires)
    if row.msg_type == "Cancel":
        return "cancelled"
    return "active" if expires > now else "expired"


def list_alerts(
    conn: Connection,
    *,
    state: str = "active",
    base_url: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Newest message of each thread, newest first; ``state``: active, past or all.
    ``limit`` and ``offset`` page through the alerts of that state."""
    if state not in ("active", "past", "all"):
        raise InvalidInput("state must be active, past or all", field="state")
    newest = sa.select(sa.func.max(alerts.c.id)).group_by(alerts.c.thread_id).scalar_subquery()
    rows = conn.execute(
        sa.select(alerts).where(alerts.c.id.in_(newest)).order_by(alerts.c.id.desc())
    )
    now = utcnow()
    out: list[dict[str, Any]] = []
    skipped = 0
    for row in rows:
        if len(out) >= limit:
            break
        public_state = "active" if _state(row, now) == "active" else "past"
        if state not in ("all", public_state):
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(_public(row, public_state, base_url))
    return out


CANCEL_IN_FEED = timedelta(hours=24)
"""How long a Cancel stays in the Atom feed, so aggregators that poll it see the end."""


def feed_alerts(conn: Connection, *, base_url: str = "") -> list[dict[str, Any]]:
    """What the Atom feed lists: the active alerts and, for a day, the Cancels."""
    now = utcnow()
    out = []
    for a in list_alerts(conn, state="all", base_url=base_url, limit=1000):
        if a["state"] == "active" or (
            a["msg_type"] == "Cancel" and now - a["sent"] < CANCEL_IN_FEED
        ):
            out.append(a)
    return out


def get_alert(conn: Connection, alert_id: int, base_url: str = "") -> dict[str, Any]:
    """One CAP message with its thread's other messages."""
    thread = _thread(conn, alert_id)
    row = next(m for m in thread if m.id == alert_id)
    now = utcnow()
    state = "active" if thread[-1].id == alert_id and _state(row, now) == "active" else "past"
    d = _public(row, state, base_url)
    d["thread"] = [
        {
            "id": m.id,
            "msg_type": m.msg_type,
            "sent": as_utc(m.sent),
            "identifier": m.identifier,
            "severity": m.severity,
        }
        for m in thread
    ]
    return d


def get_cap_xml(conn: Connection, alert_id: int) -> str:
    xml = conn.execute(sa.select(alerts.c.cap_xml).where(alerts.c.id == alert_id)).scalar()
    if xml is None:
        raise NotFound(f"alert {alert_id} does not exist")
    return str(xml)


__all__ = [
    "AlertSpec",
    "cancel_alert",
    "create_alert",
    "get_alert",
    "get_cap_xml",
    "list_alerts",
    "sync_from_warnings",
    "update_alert",
]


def thread_was_sent(conn: Connection, thread_id: int) -> bool:
    """Whether any message of the alert thread ``thread_id`` was queued for people."""
    ids = sa.select(alerts.c.id).where(alerts.c.thread_id == thread_id)
    found = conn.execute(sa.select(messages.c.id).where(messages.c.alert_id.in_(ids))).first()
    return found is not None
