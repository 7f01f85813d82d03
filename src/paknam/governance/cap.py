"""OASIS CAP 1.2 alert documents from paknam warnings (pure: no I/O but the shipped XSD).

Public API: :func:`build_alert`, :func:`validate`, :func:`reference`, :class:`AreaSpec`,
:func:`area_from_district`; errors are :class:`paknam.governance.errors.CapInvalid`.

One warning (a row of :func:`paknam.core.warnings.list_warnings` or the same keys from a
:class:`~paknam.core.warnings.Signal`) becomes one ``alert`` with two ``info`` blocks:
``th-TH`` (Thai texts) then ``en-US`` (English texts), same codes, same area.

Mapping rules (CAP 1.2 §3.2.2 values):

- **category / event**: looked up by the warning's ``kind`` among the warning
  kinds the domains register (:func:`paknam.core.registry.warning_kinds`). Air and
  water quality are ``Env`` ("pollution and other environmental"). Water level from tides
  is ``Met``: CAP defines ``Met`` as "meteorological (inc. flood)", and ``Geo`` as
  "geophysical (inc. landslide)". A tidal high water is a flood hazard, and that is how
  TMD and other met services send coastal flood warnings in CAP.
- **urgency** from ``expected_at`` relative to ``sent``: none, or already past →
  ``Immediate`` (the condition is here now); within :data:`EXPECTED_WITHIN` (1 h, CAP's
  "soon (within next hour)") → ``Expected``; later → ``Future``.
- **severity**: the warning's CAP severity, capitalised (``severe`` → ``Severe``).
- **certainty**: a warning with no ``probability`` and no future ``expected_at`` is an
  observed condition → ``Observed``. Otherwise a probability ≥ 0.5 → ``Likely`` and < 0.5
  → ``Possible`` (CAP: Likely p > ~50 %, Possible p ≤ ~50 %). A forecast without a
  probability → ``Unknown`` (we do not claim a likelihood that we do not have).
- **expires**: ``expected_at`` + :data:`EXPIRES_AFTER_EXPECTED` (6 h) for a forecast;
  ``sent`` + :data:`EXPIRES_AFTER_SENT` (24 h) for an observed condition. The rule that
  raised it sends an ``Update`` or a ``Cancel`` before then, while it still holds or once
  it stops. Pass ``expires=`` to override.
- **times**: ISO 8601 in Thai time with ``+07:00``, whole seconds. We never use ``Z``, and
  the CAP XSD pattern rejects it anyway.
- **area**: see :class:`AreaSpec`. A polygon is written as ``lat,lon`` pairs (CAP order,
  the reverse of GeoJSON), as a closed ring with at most :data:`MAX_POLYGON_POINTS` points.
  Larger district outlines are simplified with shapely. A district goes in a ``geocode``
  with valueName :data:`GEOCODE_NAME` (``TH-DOPA``) and the 4-digit DOPA amphoe code
  (``1101`` = Mueang Samut Prakan). We chose DOPA codes because the Department of
  Provincial Administration's codes are the ones Thai agencies (DDPM, TMD) use. The OCHA
  P-code is the same code with a ``TH`` prefix (``TH1101``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from paknam.core.registry import CapEvent, warning_kinds
from paknam.core.text import xml_safe
from paknam.core.warnings import SEVERITIES
from paknam.governance.errors import CapInvalid

if TYPE_CHECKING:
    import xmlschema

__all__ = [
    "CAP_NS",
    "AreaSpec",
    "CapEvent",
    "area_from_district",
    "build_alert",
    "polygon_rings",
    "reference",
    "validate",
]

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
"""Namespace of CAP 1.2 (OASIS Standard, 1 July 2010)."""

BKK = timezone(timedelta(hours=7), "ICT")
MSG_TYPES = ("Alert", "Update", "Cancel")
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
LANGUAGES = (("th-TH", "th"), ("en-US", "en"))
"""The two ``info`` blocks, in order: CAP language tag and suffix of the warning's keys."""

EXPECTED_WITHIN = timedelta(hours=1)
EXPIRES_AFTER_EXPECTED = timedelta(hours=6)
EXPIRES_AFTER_SENT = timedelta(hours=24)
LIKELY_FROM = 0.5
"""Probability at and above which a forecast is ``Likely`` (below: ``Possible``)."""

MAX_POLYGON_POINTS = 100
"""Most points in one CAP polygon, closing point included. CAP itself sets no upper limit.
This is the limit that US IPAWS/WEA apply to polygons, and the strictest one that common
CAP consumers use. District outlines (~5,000 points) are simplified to stay under it."""
COORD_DECIMALS = 5
"""Decimals of degrees in polygons and circles (1e-5° ≈ 1.1 m)."""
GEOCODE_NAME = "TH-DOPA"
"""valueName of the district geocode: Thai DOPA administrative code (amphoe: 4 digits)."""
_FORBIDDEN_ID = re.compile(r"[\s,<&]")
"""CAP 1.2 §3.2.1: identifier and sender must not contain spaces, commas, < or &."""


@dataclass(frozen=True)
class AreaSpec:
    """Where an alert applies: one CAP ``area`` per info, names in Thai and English.

    geometry : shapely Polygon or MultiPolygon in **lon/lat** (GeoJSON order, WGS 84);
        each part becomes one CAP ``polygon`` (outer ring only: holes are covered).
    circle : (lat [°], lon [°], radius [km]).
    district_code : DOPA amphoe code; when None, the warning's ``district_code`` is used.
    """

    desc_th: str
    desc_en: str
    geometry: BaseGeometry | None = None
    circle: tuple[float, float, float] | None = None
    district_code: str | None = None
    district_codes: tuple[str, ...] = ()
    """More district codes (one ``geocode`` each) beside ``district_code``."""


def area_from_district(feature: Mapping[str, Any]) -> AreaSpec:
    """AreaSpec of a district from a GeoJSON feature of ``data/geo/samut_prakan_amphoe``."""
    props = feature["properties"]
    return AreaSpec(
        desc_th=f"อำเภอ{props['amphoe_th']} จังหวัด{props['province_th']}",
        desc_en=f"{props['amphoe_en']} District, {props['province_en']} Province",
        geometry=shape(feature["geometry"]),
        district_code=str(props["amphoe_code"]),
    )


def reference(sender: str, identifier: str, sent: datetime | str) -> str:
    """One CAP ``references`` entry ``sender,identifier,sent`` of an earlier alert."""
    _check_id("sender", sender)
    _check_id("identifier", identifier)
    return f"{sender},{identifier},{_iso(sent, 'references sent')}"


def build_alert(
    warning: Mapping[str, Any],
    *,
    sender: str,
    identifier: str,
    sent: datetime,
    area: AreaSpec,
    msg_type: str = "Alert",
    references: Sequence[str] = (),
    status: str = "Actual",
    expires: datetime | None = None,
    instruction_th: str | None = None,
    instruction_en: str | None = None,
    sender_name: str | None = None,
    event: CapEvent | None = None,
    urgency: str | None = None,
    certainty: str | None = None,
) -> str:
    """CAP 1.2 XML (UTF-8 text with declaration) for one warning; validated before return.

    ``references`` are entries made by :func:`reference`. An Update or a Cancel needs at
    least one. ``event``, ``urgency`` and ``certainty`` override what the warning's kind,
    ``expected_at`` and ``probability`` give (an officer's own alert states them).
    Raises :class:`CapInvalid` that names the field and the value.
    """
    _check_id("sender", sender)
    _check_id("identifier", identifier)
    if msg_type not in MSG_TYPES:
        raise CapInvalid(f"msgType {msg_type!r} is not one of {', '.join(MSG_TYPES)}")
    if status not in STATUSES:
        raise CapInvalid(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if msg_type != "Alert" and not references:
        raise CapInvalid(
            f"a {msg_type} must reference the alert(s) it replaces", field="references"
        )
    for ref in references:
        _check_reference(ref)
    sent_local = _local(sent, "sent")
    codes = _codes(warning, sent_local, expires, event, urgency, certainty)

    root = _el(None, "alert")
    _el(root, "identifier", identifier)
    _el(root, "sender", sender)
    _el(root, "sent", _iso(sent_local, "sent"))
    _el(root, "status", status)
    _el(root, "msgType", msg_type)
    _el(root, "scope", "Public")
    if references:
        _el(root, "references", " ".join(references))
    instructions = {"th": instruction_th, "en": instruction_en}
    for lang, suffix in LANGUAGES:
        _info(root, warning, codes, lang, suffix, area, instructions[suffix], sender_name)
    ET.indent(root)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="unicode", default_namespace=CAP_NS
    )
    validate(xml)
    return xml


def validate(xml: str | bytes) -> None:
    """Check a document against the shipped OASIS CAP 1.2 XSD.

    Raises :class:`CapInvalid` naming the first error: its reason and its path.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise CapInvalid(f"CAP document is not well-formed XML: {exc}") from None
    error = next(_schema().iter_errors(root), None)
    if error is not None:
        where = (error.path or "document").replace(f"{{{CAP_NS}}}", "cap:")
        raise CapInvalid(f"CAP 1.2 schema: {error.reason} (at {where})")


@lru_cache(maxsize=1)
def _schema() -> xmlschema.XMLSchema:
    import xmlschema  # on first use: not every process that imports alerts checks CAP

    path = resources.files("paknam.governance") / "schema" / "CAP-v1.2.xsd"
    return xmlschema.XMLSchema(path.read_text(encoding="utf-8"))


# --- codes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Codes:
    event: CapEvent
    urgency: str
    severity: str
    certainty: str
    expires: datetime


URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CATEGORIES = (
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
    "Infra", "CBRNE", "Other",
)  # fmt: skip


def _codes(
    w: Mapping[str, Any],
    sent: datetime,
    expires: datetime | None,
    event: CapEvent | None = None,
    urgency_override: str | None = None,
    certainty_override: str | None = None,
) -> _Codes:
    kind = w.get("kind")
    if event is not None:
        bad = [c for c in event.categories if c not in CATEGORIES]
        if not event.categories or bad:
            raise CapInvalid(
                f"category {bad or '(none)'} is not a CAP category ({', '.join(CATEGORIES)})",
                field="category",
            )
        if not event.event_th.strip() or not event.event_en.strip():
            raise CapInvalid("event needs a Thai and an English name", field="event")
    else:
        kinds = warning_kinds()
        if kind not in kinds:
            raise CapInvalid(
                f"warning kind {kind!r} is not registered by any domain "
                f"(known: {', '.join(sorted(kinds))})",
                field="kind",
            )
        event = kinds[kind].event
    severity = w.get("severity")
    if severity not in SEVERITIES:
        raise CapInvalid(
            f"warning severity {severity!r} is not one of {', '.join(SEVERITIES)}",
            field="severity",
        )
    expected = w.get("expected_at")
    expected_at = _local(expected, "expected_at") if expected is not None else None
    probability = w.get("probability")
    if probability is not None and not 0.0 <= float(probability) <= 1.0:
        raise CapInvalid(f"probability {probability!r} is not in [0, 1]", field="probability")

    if expected_at is None or expected_at <= sent:
        urgency = "Immediate"
    elif expected_at - sent <= EXPECTED_WITHIN:
        urgency = "Expected"
    else:
        urgency = "Future"
    forecast = expected_at is not None and expected_at > sent
    if probability is None:
        certainty = "Unknown" if forecast else "Observed"
    else:
        certainty = "Likely" if float(probability) >= LIKELY_FROM else "Possible"
    if expires is not None:
        expires = _local(expires, "expires")
    elif expected_at is not None and forecast:
        expires = expected_at + EXPIRES_AFTER_EXPECTED
    else:
        expires = sent + EXPIRES_AFTER_SENT
    if expires <= sent:
        raise CapInvalid(f"expires {_iso(expires, 'expires')} is not after sent", field="expires")
    if urgency_override is not None:
        if urgency_override not in URGENCIES:
            raise CapInvalid(
                f"urgency {urgency_override!r} is not one of {', '.join(URGENCIES)}",
                field="urgency",
            )
        urgency = urgency_override
    if certainty_override is not None:
        if certainty_override not in CERTAINTIES:
            raise CapInvalid(
                f"certainty {certainty_override!r} is not one of {', '.join(CERTAINTIES)}",
                field="certainty",
            )
        certainty = certainty_override
    return _Codes(event, urgency, severity.capitalize(), certainty, expires)


def _info(
    root: ET.Element,
    w: Mapping[str, Any],
    c: _Codes,
    lang: str,
    suffix: str,
    area: AreaSpec,
    instruction: str | None,
    sender_name: str | None,
) -> None:
    headline = _text(w, f"headline_{suffix}")
    description = _text(w, f"description_{suffix}")
    info = _el(root, "info")
    _el(info, "language", lang)
    for category in c.event.categories:
        _el(info, "category", category)
    _el(info, "event", c.event.event_th if suffix == "th" else c.event.event_en)
    _el(info, "urgency", c.urgency)
    _el(info, "severity", c.severity)
    _el(info, "certainty", c.certainty)
    _el(info, "expires", _iso(c.expires, "expires"))
    if sender_name:
        _el(info, "senderName", sender_name)
    _el(info, "headline", headline)
    _el(info, "description", description)
    if instruction and instruction.strip():
        _el(info, "instruction", instruction.strip())
    for name in ("value", "threshold"):
        if w.get(name) is not None:
            _parameter(info, f"paknam:{name}", f"{float(w[name]):g}")
    if w.get("station_id"):
        _parameter(info, "paknam:station", str(w["station_id"]))
    _area(info, area, area.desc_th if suffix == "th" else area.desc_en, w.get("district_code"))


def _parameter(parent: ET.Element, name: str, value: str) -> None:
    p = _el(parent, "parameter")
    _el(p, "valueName", name)
    _el(p, "value", value)


def _area(info: ET.Element, area: AreaSpec, desc: str, district: str | None) -> None:
    if not desc or not desc.strip():
        raise CapInvalid("area description (areaDesc) is empty", field="area")
    codes = [c for c in (area.district_code or district, *area.district_codes) if c]
    codes = list(dict.fromkeys(codes))
    if area.geometry is None and area.circle is None and not codes:
        raise CapInvalid("area has no polygon, circle or district code", field="area")
    a = _el(info, "area")
    _el(a, "areaDesc", desc.strip())
    if area.geometry is not None:
        for ring in polygon_rings(area.geometry):
            _el(a, "polygon", " ".join(f"{lat},{lon}" for lat, lon in ring))
    if area.circle is not None:
        _el(a, "circle", _circle(area.circle))
    for code in codes:
        g = _el(a, "geocode")
        _el(g, "valueName", GEOCODE_NAME)
        _el(g, "value", str(code))


def polygon_rings(
    geometry: BaseGeometry, max_points: int = MAX_POLYGON_POINTS
) -> list[list[tuple[float, float]]]:
    """Closed (lat, lon) rings of a lon/lat Polygon or MultiPolygon, each ≤ ``max_points``
    points (first point repeated last), simplified with shapely when longer."""
    if isinstance(geometry, Polygon):
        parts = [geometry]
    elif isinstance(geometry, MultiPolygon):
        parts = list(geometry.geoms)
    else:
        raise CapInvalid(f"area geometry {geometry.geom_type} is not a Polygon or MultiPolygon")
    rings = []
    for part in parts:
        if part.is_empty:
            continue
        ring = Polygon(part.exterior)
        tolerance = 1e-5  # degrees (~1 m); doubled until the ring is short enough
        while len(ring.exterior.coords) > max_points:
            ring = Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
            tolerance *= 2
        coords = [
            (round(y, COORD_DECIMALS), round(x, COORD_DECIMALS)) for x, y in ring.exterior.coords
        ]
        if len(coords) < 4:
            raise CapInvalid(f"area polygon has {len(coords)} points; CAP needs at least 4")
        coords[-1] = coords[0]
        rings.append(coords)
    if not rings:
        raise CapInvalid("area geometry is empty", field="area")
    return rings


def _circle(circle: tuple[float, float, float]) -> str:
    lat, lon, radius_km = circle
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or radius_km < 0:
        raise CapInvalid(f"circle {circle!r} is not (lat, lon, radius_km ≥ 0)", field="area")
    return f"{round(lat, COORD_DECIMALS)},{round(lon, COORD_DECIMALS)} {radius_km:g}"


# --- small helpers ---------------------------------------------------------------------


def _el(parent: ET.Element | None, tag: str, text: str | None = None) -> ET.Element:
    qname = f"{{{CAP_NS}}}{tag}"
    el = ET.Element(qname) if parent is None else ET.SubElement(parent, qname)
    if text is not None:
        el.text = xml_safe(text)
    return el


def _text(w: Mapping[str, Any], key: str) -> str:
    value = w.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CapInvalid(f"warning {key} is empty; CAP info needs it", field=key)
    return value.strip()


def _check_id(name: str, value: str) -> None:
    if not value or _FORBIDDEN_ID.search(value):
        raise CapInvalid(
            f"{name} {value!r} is empty or has a space, comma, '<' or '&' (CAP 1.2 §3.2.1)",
            field=name,
        )


def _check_reference(ref: str) -> None:
    parts = ref.split(",")
    if len(parts) != 3 or not all(parts) or " " in ref:
        raise CapInvalid(f"reference {ref!r} is not 'sender,identifier,sent'", field="references")
    _iso(parts[2], "references sent")


def _local(value: datetime | str | int, name: str) -> datetime:
    """Aware datetime in Thai time (+07:00), whole seconds, from datetime / ISO / epoch s."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value), BKK)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise CapInvalid(f"{name} {value!r} is not ISO 8601", field=name) from None
    if not isinstance(value, datetime):
        raise CapInvalid(f"{name} {value!r} is not a time", field=name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise CapInvalid(f"{name} {value.isoformat()} has no UTC offset", field=name)
    return value.astimezone(BKK).replace(microsecond=0)


def _iso(value: datetime | str | int, name: str) -> str:
    return _local(value, name).isoformat()
