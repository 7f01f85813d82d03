"""Open data: observations as FIWARE Smart Data Models entities in NGSI-LD normalized form.

``AirQualityObserved`` and ``WaterQualityObserved`` (smart-data-models
``dataModel.Environment`` / ``dataModel.WaterQuality``): one entity per station and
observation time, attributes named as the models name them, units as UN/CEFACT common
codes in ``unitCode``. Quantities the models lack (total and faecal coliform bacteria)
go into ``measurand`` strings ``"code, value, unitCode, description"`` as the models
prescribe. A paknam series that is an average over a window (``pm25_24h``) is exported
under the model's attribute (``pm25``) with an NGSI-LD sub-property ``averagingPeriod``
(ISO 8601 duration), so the averaging is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from paknam.core.timeutil import to_local_iso

NGSI_LD_CONTEXT = [
    "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
]

# paknam quantity -> (SDM attribute, UN/CEFACT unit code, averaging period or None)
AIR_ATTRIBUTES: dict[str, tuple[str, str, str | None]] = {
    "pm25": ("pm25", "GQ", "PT1H"),
    "pm25_24h": ("pm25", "GQ", "PT24H"),
    "pm10": ("pm10", "GQ", "PT1H"),
    "pm10_24h": ("pm10", "GQ", "PT24H"),
    "o3": ("o3", "61", "PT1H"),
    "o3_8h": ("o3", "61", "PT8H"),
    "co": ("co", "59", "PT1H"),
    "co_8h": ("co", "59", "PT8H"),
    "no2": ("no2", "61", "PT1H"),
    "so2": ("so2", "61", "PT1H"),
    "air_temperature": ("temperature", "CEL", None),
    "relative_humidity": ("relativeHumidity", "P1", None),
    "wind_speed": ("windSpeed", "MTS", None),
    "wind_direction": ("windDirection", "DD", None),
    "rainfall": ("precipitation", "MMT", None),
}
"""GQ µg/m³, 61 ppb (parts per billion), 59 ppm, CEL °C, P1 %, MTS m/s, DD degree, MMT mm."""

WATER_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "water_temperature": ("temperature", "CEL"),
    "ph": ("pH", "C62"),
    "do": ("O2", "M1"),
    "bod": ("bod", "M1"),
    "cod": ("cod", "M1"),
    "nh3n": ("NH3", "M1"),
    "no3n": ("NO3", "M1"),
    "suspended_solids": ("tss", "M1"),
    "conductivity": ("conductivity", "G42"),
    "salinity": ("salinity", "59"),
    "turbidity": ("turbidity", "NTU"),
}
"""C62 dimensionless, M1 mg/L, G42 µS/cm, NTU nephelometric turbidity unit."""

WATER_MEASURANDS: dict[str, tuple[str, str, str]] = {
    "tcb": ("TCB", "MPN/100mL", "Total coliform bacteria"),
    "fcb": ("FCB", "MPN/100mL", "Faecal coliform bacteria"),
    "total_phosphorus": ("TP", "M1", "Total phosphorus"),
}

ENTITY_TYPES = ("AirQualityObserved", "WaterQualityObserved")


def _prop(value: Any, unit: str | None = None, **sub: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Property", "value": value}
    if unit:
        out["unitCode"] = unit
    for k, v in sub.items():
        out[k] = {"type": "Property", "value": v}
    return out


def entity(
    entity_type: str,
    station_id: str,
    name: str,
    lon: float,
    lat: float,
    time_s: int,
    values: Mapping[str, float],
    *,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One NGSI-LD entity for a station at one observation time.

    ``values`` maps paknam quantity codes to values in their canonical unit; codes the
    entity type does not carry are left out (or go to ``measurand``).
    """
    when = to_local_iso(time_s)
    out: dict[str, Any] = {
        "id": f"urn:ngsi-ld:{entity_type}:paknam:{station_id}:{when}",
        "type": entity_type,
        "dateObserved": _prop({"@type": "DateTime", "@value": when}),
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "name": _prop(name),
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:paknam:{station_id}"},
        "dataProvider": _prop("paknam"),
    }
    measurands = []
    for code, value in values.items():
        if entity_type == "AirQualityObserved" and code in AIR_ATTRIBUTES:
            attr, unit, period = AIR_ATTRIBUTES[code]
            sub = {"averagingPeriod": period} if period else {}
            out[attr] = _prop(value, unit, **sub)
        elif entity_type == "WaterQualityObserved" and code in WATER_ATTRIBUTES:
            attr, unit = WATER_ATTRIBUTES[code]
            out[attr] = _prop(value, unit)
        elif entity_type == "WaterQualityObserved" and code in WATER_MEASURANDS:
            c, unit, text = WATER_MEASURANDS[code]
            measurands.append(f"{c}, {value:g}, {unit}, {text}")
    if measurands:
        out["measurand"] = _prop(measurands)
    for k, v in (extra or {}).items():
        out[k] = _prop(v)
    out["@context"] = NGSI_LD_CONTEXT
    return out


def entity_type_for(quantities: Iterable[str]) -> str | None:
    """The entity type a station's quantities fit best, or None."""
    q = set(quantities)
    air = len(q & set(AIR_ATTRIBUTES))
    water = len(q & (set(WATER_ATTRIBUTES) | set(WATER_MEASURANDS)))
    if not air and not water:
        return None
    return "AirQualityObserved" if air >= water else "WaterQualityObserved"
