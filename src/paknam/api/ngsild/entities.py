"""NGSI-LD entities of the current state: one per station and type, one per public alert.

* ``AirQualityObserved`` / ``WaterQualityObserved`` (``urn:ngsi-ld:<type>:paknam:<station>``):
  the station's newest observation time, built by the very code of the export
  ``GET /api/v1/environment/ngsi-ld`` (:func:`paknam.environment.service.ngsi_ld_entities`:
  the same attributes, units, averaging periods and AQI), with the station's id.
* ``Alert`` (``urn:ngsi-ld:Alert:paknam:<id>``, Smart Data Models ``dataModel.Alert``):
  every alert the Atom feed lists as active, in both languages.
"""

from __future__ import annotations

import json
from typing import Any

from shapely import geometry as shp
from shapely.ops import unary_union

from paknam.core import stations as core_stations
from paknam.core.errors import InvalidInput
from paknam.core.models import StationPublic
from paknam.core.store import Store
from paknam.core.timeutil import local_iso
from paknam.environment import fiware
from paknam.environment import service as environment
from paknam.governance import service as governance

OBSERVED_TYPES = fiware.ENTITY_TYPES
ALERT = "Alert"
TYPES = (*OBSERVED_TYPES, ALERT)

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
CONTEXTS: dict[str, list[str]] = {
    **{t: list(fiware.NGSI_LD_CONTEXT) for t in OBSERVED_TYPES},
    ALERT: [
        "https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld",
        CORE_CONTEXT,
    ],
}
"""The JSON-LD context of each type: the Smart Data Models context, then NGSI-LD core."""

SEVERITY = {
    "minor": "low",
    "moderate": "medium",
    "severe": "high",
    "extreme": "critical",
    "unknown": "informational",
}
"""CAP severity -> Smart Data Models Alert ``severity``."""

CATEGORY = {"air": "environment", "water": "environment", "flood": "weather"}
"""paknam alert topic -> Smart Data Models Alert ``category`` (default ``environment``)."""


def entity_id(entity_type: str, key: str | int) -> str:
    return f"urn:ngsi-ld:{entity_type}:paknam:{key}"


def _prop(value: Any) -> dict[str, Any]:
    return {"type": "Property", "value": value}


def _observed(store: Store, station: str | None = None) -> list[dict[str, Any]]:
    latest = store.latest()  # (station, quantity) -> (time, value)
    out = []
    for s in store.list_stations():
        if not s.active or (station is not None and s.id != station):
            continue
        entity_type = fiware.entity_type_for(x.quantity for x in s.series)
        if entity_type is None:
            continue
        times = [latest[(s.id, x.quantity)][0] for x in s.series if (s.id, x.quantity) in latest]
        if not times:
            continue
        out.append(_station_entity(store, s, entity_type, max(times)))
    return out


def _station_entity(store: Store, s: StationPublic, entity_type: str, t: int) -> dict[str, Any]:
    (e,) = environment.ngsi_ld_entities(store, s, entity_type, t, t + 1, 1)
    e["id"] = entity_id(entity_type, s.id)
    return e


def _alert_geometry(store: Store, a: dict[str, Any]) -> dict[str, Any] | None:
    area = a.get("area") or {}
    if area.get("polygon"):
        return dict(area["polygon"])
    if area.get("circle"):
        lat, lon, _radius_km = area["circle"]
        return {"type": "Point", "coordinates": [lon, lat]}
    codes = a.get("districts") or []
    if not codes:
        return None
    with store.read() as conn:
        rows = core_stations.districts_by_code(conn, codes)
    shapes = [shp.shape(json.loads(r["geojson"])) for r in rows.values() if r.get("geojson")]
    if not shapes:
        return None
    return dict(shp.mapping(unary_union(shapes).simplify(0.0005)))


def _alerts(store: Store, base_url: str) -> list[dict[str, Any]]:
    out = []
    for a in governance.feed_alerts(store, base_url=base_url):
        if a.get("state") != "active":
            continue
        e: dict[str, Any] = {
            "id": entity_id(ALERT, a["id"]),
            "type": ALERT,
            "category": _prop(CATEGORY.get(str(a.get("topic")), "environment")),
            "subCategory": _prop(a.get("kind") or a.get("event_en")),
            "severity": _prop(SEVERITY.get(str(a.get("severity")).lower(), "informational")),
            "name": _prop(a.get("headline_th")),
            "description": _prop(a.get("description_th")),
            "alternateName": _prop(a.get("headline_en")),
            "dateIssued": _prop({"@type": "DateTime", "@value": local_iso(a["sent"])}),
            "validFrom": _prop({"@type": "DateTime", "@value": local_iso(a["sent"])}),
            "validTo": _prop({"@type": "DateTime", "@value": local_iso(a["expires"])}),
            "alertSource": _prop(a.get("cap_url")),
            "dataProvider": _prop("paknam"),
            "descriptionEn": _prop(a.get("description_en")),
        }
        geometry = _alert_geometry(store, a)
        if geometry is not None:
            e["location"] = {"type": "GeoProperty", "value": geometry}
        e["@context"] = CONTEXTS[ALERT]
        out.append(e)
    return out


def entities_of(store: Store, types: list[str], base_url: str) -> list[dict[str, Any]]:
    """Every entity of the given types (each a Smart Data Models type of :data:`TYPES`)."""
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise InvalidInput(f"unknown type(s) {unknown}; known: {', '.join(TYPES)}", field="type")
    out: list[dict[str, Any]] = []
    if any(t in OBSERVED_TYPES for t in types):
        out += [e for e in _observed(store) if e["type"] in types]
    if ALERT in types:
        out += _alerts(store, base_url)
    return sorted(out, key=lambda e: str(e["id"]))


def entity_by_id(store: Store, entity_id_: str, base_url: str) -> dict[str, Any] | None:
    """One entity by its id, or None."""
    entity_type = type_of_id(entity_id_)
    if entity_type is None:
        return None
    key = entity_id_.split(":", 4)[4]
    found = _alerts(store, base_url) if entity_type == ALERT else _observed(store, station=key)
    return next((e for e in found if e["id"] == entity_id_), None)


def type_of_id(entity_id_: str) -> str | None:
    """The type named in one of our entity ids, or None."""
    parts = entity_id_.split(":")
    if len(parts) >= 5 and parts[:2] == ["urn", "ngsi-ld"] and parts[3] == "paknam":
        return parts[2] if parts[2] in TYPES else None
    return None
