"""What an alert's public page shows, gathered in one read: the message, its thread, the
evidence behind it (the warning: when measured, which station) and its area as GeoJSON.

The page itself (HTML) is made in :mod:`paknam.api.alert_page`; this module only reads.
Times are aware UTC datetimes, as everywhere in the service layer.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from shapely.geometry import mapping, shape
from sqlalchemy.engine import Connection

from paknam.core.stations import list_districts
from paknam.core.warnings import get_warning
from paknam.governance.alerts import get_alert, get_cap_xml
from paknam.governance.cap import CAP_NS

OUTLINE_TOLERANCE_DEG = 0.001
"""Simplification of the district outlines drawn on the page's map (~100 m): small enough
to load fast on 3G, fine enough to read which district is meant."""


def area_descriptions(xml: str) -> dict[str, str]:
    """The CAP ``areaDesc`` of the Thai and the English ``info`` (pure)."""
    out = {}
    for info in ET.fromstring(xml).iter(f"{{{CAP_NS}}}info"):
        lang = (info.findtext(f"{{{CAP_NS}}}language") or "").split("-")[0]
        desc = info.findtext(f"{{{CAP_NS}}}area/{{{CAP_NS}}}areaDesc")
        if lang in ("th", "en") and desc:
            out[lang] = desc
    return out


def _simplified(geojson: str | None) -> dict[str, Any] | None:
    if not geojson:
        return None
    return dict(mapping(shape(json.loads(geojson)).simplify(OUTLINE_TOLERANCE_DEG)))


def alert_geometry(area: dict[str, Any], districts: list[dict[str, Any]]) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the page's map: every district's outline
    (``role: "district"``, ``in_area`` when the alert covers it), the alert's own polygon
    (``role: "polygon"``) and circle (``role: "circle"``, ``radius_m``) (pure)."""
    codes = set(area.get("districts") or [])
    features: list[dict[str, Any]] = []
    for d in districts:
        geom = _simplified(d.get("geojson"))
        if geom is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "role": "district",
                    "code": d["code"],
                    "name_th": d["name_th"],
                    "name_en": d["name_en"],
                    "in_area": d["code"] in codes,
                },
            }
        )
    if area.get("polygon"):
        features.append(
            {"type": "Feature", "geometry": area["polygon"], "properties": {"role": "polygon"}}
        )
    if area.get("circle"):
        lat, lon, radius_km = area["circle"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"role": "circle", "radius_m": float(radius_km) * 1000},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def alert_page_data(conn: Connection, alert_id: int, base_url: str = "") -> dict[str, Any]:
    """The alert (as :func:`get_alert`) with what its page adds: ``area_desc`` (th, en),
    ``observed_at`` / ``expected_at`` / ``station_id`` of its warning, ``newest`` (the
    thread's newest message: id, msg_type, sent) and ``geometry`` for the map."""
    alert = get_alert(conn, alert_id, base_url)
    alert["area_desc"] = area_descriptions(get_cap_xml(conn, alert_id))
    warning = get_warning(conn, alert["warning_id"]) if alert["warning_id"] else None
    alert["observed_at"] = warning.get("observed_at") if warning else None
    alert["expected_at"] = warning.get("expected_at") if warning else None
    alert["station_id"] = warning.get("station_id") if warning else None
    alert["newest"] = alert["thread"][-1]
    alert["geometry"] = alert_geometry(alert["area"] or {}, list_districts(conn, geometry=True))
    return alert
