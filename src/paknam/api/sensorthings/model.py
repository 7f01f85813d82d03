"""The SensorThings entities made from paknam's stations, series and quantity registry.

Every entity but the Observations is small (one per station, series, quantity or station
kind), so the whole graph is built in memory (:func:`build_graph`, a few queries) and
kept while the store is unchanged. Observations stay in the database and are read by
:mod:`paknam.api.sensorthings.observations`.

| entity set          | made from                    | ``@iot.id``                      |
|---------------------|------------------------------|----------------------------------|
| Things              | active stations              | station id (``'18t'``)           |
| Locations           | station position (Point)     | station id                       |
| HistoricalLocations | station registration         | station id                       |
| FeaturesOfInterest  | station position             | station id                       |
| Datastreams         | series (station x quantity)  | series id (integer)              |
| Sensors             | station kinds                | kind (``'air'``)                 |
| ObservedProperties  | quantity registry            | quantity code (``'pm25'``)       |
| Observations        | observations                 | series id x 10^11 + 10^10 + s    |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from paknam.api.sensorthings.units import unit_of_measurement
from paknam.core.models import STATION_KINDS, StationPublic
from paknam.core.quantities import QUANTITIES, Quantity
from paknam.core.timeutil import local_iso, to_local_iso

OBSERVATION_ID_BASE = 10**11
OBSERVATION_TIME_OFFSET = 10**10
"""Observation ids: ``series id * 10^11 + 10^10 + UTC epoch seconds`` (times from 1653 to
2286; ids stay below 2^53 for 90,000 series)."""

OM_MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
GEOJSON = "application/geo+json"


@dataclass(frozen=True, slots=True)
class Nav:
    """A navigation property: the entity set it leads to and whether it is a collection."""

    target: str
    many: bool


NAVIGATION: dict[str, dict[str, Nav]] = {
    "Things": {
        "Locations": Nav("Locations", True),
        "HistoricalLocations": Nav("HistoricalLocations", True),
        "Datastreams": Nav("Datastreams", True),
    },
    "Locations": {
        "Things": Nav("Things", True),
        "HistoricalLocations": Nav("HistoricalLocations", True),
    },
    "HistoricalLocations": {
        "Thing": Nav("Things", False),
        "Locations": Nav("Locations", True),
    },
    "Datastreams": {
        "Thing": Nav("Things", False),
        "Sensor": Nav("Sensors", False),
        "ObservedProperty": Nav("ObservedProperties", False),
        "Observations": Nav("Observations", True),
    },
    "Sensors": {"Datastreams": Nav("Datastreams", True)},
    "ObservedProperties": {"Datastreams": Nav("Datastreams", True)},
    "Observations": {
        "Datastream": Nav("Datastreams", False),
        "FeatureOfInterest": Nav("FeaturesOfInterest", False),
    },
    "FeaturesOfInterest": {"Observations": Nav("Observations", True)},
}
"""Every entity set and its navigation properties (STA 1.1 core data model)."""

ENTITY_SETS = tuple(NAVIGATION)

PROPERTIES: dict[str, tuple[str, ...]] = {
    "Things": ("name", "description", "properties"),
    "Locations": ("name", "description", "encodingType", "location", "properties"),
    "HistoricalLocations": ("time",),
    "Datastreams": (
        "name",
        "description",
        "unitOfMeasurement",
        "observationType",
        "observedArea",
        "phenomenonTime",
        "resultTime",
        "properties",
    ),
    "Sensors": ("name", "description", "encodingType", "metadata", "properties"),
    "ObservedProperties": ("name", "definition", "description", "properties"),
    "Observations": ("phenomenonTime", "resultTime", "result", "parameters"),
    "FeaturesOfInterest": ("name", "description", "encodingType", "feature", "properties"),
}
"""The properties of each entity set, in the order they are written."""


@dataclass(slots=True)
class Entity:
    """One entity (not an Observation): its set, id and properties (JSON-ready)."""

    set: str
    id: int | str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    series_id: int
    station: str
    quantity: str
    kind: str


@dataclass
class Graph:
    """Every entity but the Observations, and the links between them."""

    sets: dict[str, dict[int | str, Entity]] = field(default_factory=dict)
    series: dict[int, SeriesInfo] = field(default_factory=dict)

    def get(self, entity_set: str, key: int | str) -> Entity | None:
        return self.sets[entity_set].get(key)

    def all(self, entity_set: str) -> list[Entity]:
        return list(self.sets[entity_set].values())

    def series_ids(self, e: Entity) -> list[int]:
        """The series whose observations belong to ``e`` (a Datastream or a feature)."""
        if e.set == "Datastreams":
            return [int(e.id)]
        if e.set == "FeaturesOfInterest":
            return [s.series_id for s in self.series.values() if s.station == e.id]
        return []

    def related(self, e: Entity, nav: str) -> list[Entity]:
        """The entities ``nav`` leads to from ``e`` (not Observations)."""
        s = self.sets
        if e.set in ("Things", "Locations", "HistoricalLocations", "FeaturesOfInterest"):
            station = e.id
            if nav in ("Thing", "Things"):
                return [s["Things"][station]]
            if nav == "Locations":
                return [s["Locations"][station]]
            if nav == "HistoricalLocations":
                return [s["HistoricalLocations"][station]]
            if nav == "Datastreams":
                return [
                    s["Datastreams"][i.series_id]
                    for i in self.series.values()
                    if i.station == station
                ]
        if e.set == "Datastreams":
            info = self.series[int(e.id)]
            target = {
                "Thing": ("Things", info.station),
                "Sensor": ("Sensors", info.kind),
                "ObservedProperty": ("ObservedProperties", info.quantity),
            }.get(nav)
            if target:
                found = s[target[0]].get(target[1])
                return [found] if found else []
        if e.set in ("Sensors", "ObservedProperties") and nav == "Datastreams":
            attr = "kind" if e.set == "Sensors" else "quantity"
            return [
                s["Datastreams"][i.series_id]
                for i in self.series.values()
                if getattr(i, attr) == e.id
            ]
        return []

    def observation_parents(self, series_id: int, nav: str) -> list[Entity]:
        """The Datastream or FeatureOfInterest of an observation of ``series_id``."""
        info = self.series.get(series_id)
        if info is None:
            return []
        if nav == "Datastream":
            return [self.sets["Datastreams"][series_id]]
        if nav == "FeatureOfInterest":
            return [self.sets["FeaturesOfInterest"][info.station]]
        return []


def _point(s: StationPublic) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [s.lon, s.lat]}


def _interval(bounds: tuple[int, int] | None) -> str | None:
    if bounds is None:
        return None
    return f"{to_local_iso(bounds[0])}/{to_local_iso(bounds[1])}"


def _station_entities(s: StationPublic, base: str) -> dict[str, Entity]:
    kind_th, kind_en = STATION_KINDS.get(s.kind, (s.kind, s.kind))
    props = {
        "station_id": s.id,
        "name_th": s.name_th,
        "name_en": s.name_en,
        "kind": s.kind,
        "district_code": s.district_code,
        "api": f"{base}/api/v1/stations/{s.id}",
    }
    where = {"name": s.name_th, "description": f"{s.name_en} ({kind_en})", "properties": props}
    return {
        "Things": Entity(
            "Things",
            s.id,
            {
                "name": s.name_th,
                "description": f"{s.name_en} — {kind_en} / {kind_th}",
                "properties": props,
            },
        ),
        "Locations": Entity(
            "Locations", s.id, {**where, "encodingType": GEOJSON, "location": _point(s)}
        ),
        "HistoricalLocations": Entity(
            "HistoricalLocations", s.id, {"time": local_iso(s.created_at)}
        ),
        "FeaturesOfInterest": Entity(
            "FeaturesOfInterest", s.id, {**where, "encodingType": GEOJSON, "feature": _point(s)}
        ),
    }


def _sensor(kind: str, base: str) -> Entity:
    th, en = STATION_KINDS[kind]
    return Entity(
        "Sensors",
        kind,
        {
            "name": en,
            "description": f"{en} / {th}: the instruments of paknam's {kind} stations",
            "encodingType": "text/html",
            "metadata": f"{base}/docs",
            "properties": {"kind": kind, "name_th": th, "name_en": en},
        },
    )


def _observed_property(q: Quantity, base: str) -> Entity:
    return Entity(
        "ObservedProperties",
        q.code,
        {
            "name": q.name_en,
            "definition": f"{base}/api/v1/quantities#{q.code}",
            "description": f"{q.name_en} / {q.name_th}",
            "properties": {
                "code": q.code,
                "name_th": q.name_th,
                "unit": q.unit,
                "domain": q.domain,
                "minimum": q.minimum,
                "maximum": q.maximum,
            },
        },
    )


def build_graph(
    stations: Sequence[StationPublic],
    series_index: Sequence[Mapping[str, Any]],
    bounds: Mapping[int, tuple[int, int]],
    base: str,
) -> Graph:
    """The graph of the active ``stations`` and their series (pure)."""
    g = Graph(sets={name: {} for name in ENTITY_SETS if name != "Observations"})
    by_id = {s.id: s for s in stations if s.active}
    for s in by_id.values():
        for set_name, e in _station_entities(s, base).items():
            g.sets[set_name][s.id] = e
    for kind in STATION_KINDS:
        g.sets["Sensors"][kind] = _sensor(kind, base)
    units = {q.code: q for q in QUANTITIES}
    for quantity in QUANTITIES:
        g.sets["ObservedProperties"][quantity.code] = _observed_property(quantity, base)
    for row in series_index:
        station = by_id.get(row["station"])
        found = units.get(row["quantity"])
        if station is None or found is None:
            continue
        q = found
        sid = int(row["series_id"])
        g.series[sid] = SeriesInfo(sid, station.id, q.code, station.kind)
        span = _interval(bounds.get(sid))
        g.sets["Datastreams"][sid] = Entity(
            "Datastreams",
            sid,
            {
                "name": f"{q.name_th} — {station.name_th}",
                "description": f"{q.name_en} at {station.name_en} ({station.id})",
                "unitOfMeasurement": unit_of_measurement(q.unit),
                "observationType": OM_MEASUREMENT,
                "observedArea": _point(station),
                "phenomenonTime": span,
                "resultTime": span,
                "properties": {
                    "station_id": station.id,
                    "quantity": q.code,
                    "datum": row.get("datum"),
                    "api": f"{base}/api/v1/stations/{station.id}/series?quantity={q.code}",
                },
            },
        )
    return g


def observation_id(series_id: int, time_s: int) -> int:
    return series_id * OBSERVATION_ID_BASE + OBSERVATION_TIME_OFFSET + time_s


def split_observation_id(oid: int) -> tuple[int, int]:
    """(series id, UTC epoch seconds) of an observation id."""
    sid, rest = divmod(oid, OBSERVATION_ID_BASE)
    return sid, rest - OBSERVATION_TIME_OFFSET
