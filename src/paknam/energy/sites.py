"""Energy sites: a core station (kind ``energy``) with its meter series, plus PV arrays.

Everything here works on the caller's connection: :func:`insert_site` inside the
service's one write transaction registers the station, its series and the energy rows,
so a bad array leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Connection

from paknam.core import stations as core_stations
from paknam.core.errors import InvalidInput
from paknam.core.http.jsonbody import JsonObject
from paknam.core.models import STATION_ID_PATTERN, SeriesSpec, StationCreate
from paknam.energy.errors import UnknownSite
from paknam.energy.schema import energy_arrays, energy_community_members, energy_sites
from paknam.energy.science.pvmodel import MOUNTINGS, ArraySpec

TECHNOLOGIES: dict[str, tuple[str, str]] = {
    "pv": ("พลังงานแสงอาทิตย์", "Solar PV"),
    "wind": ("พลังงานลม", "Wind"),
    "biomass": ("ชีวมวล/ก๊าซชีวภาพ", "Biomass / biogas"),
    "other": ("พลังงานทางเลือกอื่น ๆ", "Other alternative energy"),
}
"""Alternative-energy technologies with Thai and English labels."""

IRRADIANCE_PLANES: dict[str, tuple[str, str]] = {
    "poa": ("เซนเซอร์อยู่ในระนาบแผง", "Sensor in the array plane (POA)"),
    "horizontal": ("เซนเซอร์วางแนวราบ (GHI)", "Horizontal sensor (GHI)"),
    "none": ("ไม่มีเซนเซอร์แสง", "No irradiance sensor"),
}
IRRADIANCE_QUANTITY = {"poa": "poa_irradiance", "horizontal": "ghi"}
METER_QUANTITIES = (
    "pv_power",
    "pv_energy",
    "load_power",
    "load_energy",
    "grid_power",
    "grid_import_energy",
    "grid_export_energy",
    "battery_power",
    "battery_soc",
    "air_temperature",
    "wind_speed",
    "ghi",
    "poa_irradiance",
)
"""Quantities a site's meters may record (see the core quantity registry)."""


class ArrayIn(BaseModel):
    """A PV array as registered."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="array", min_length=1, max_length=100)
    kwp: float = Field(gt=0, le=1e6, description="DC nameplate P0 [kWp]")
    tilt_deg: float = Field(ge=0, le=90, description="Tilt from horizontal [deg]")
    azimuth_deg: float = Field(ge=0, le=360, description="Clockwise from north [deg], 180 = south")
    inverter_ac_kw: float | None = Field(default=None, gt=0, le=1e6, description="AC limit [kW]")
    gamma_pdc: float = Field(default=-0.004, ge=-0.02, le=0, description="[1/°C]")
    losses: float = Field(default=0.14, ge=0, lt=0.5, description="PVWatts system losses [-]")
    mounting: str = Field(default="close_mount_glass_glass", description=", ".join(MOUNTINGS))

    def spec(self) -> ArraySpec:
        return ArraySpec(
            kwp=self.kwp,
            tilt_deg=self.tilt_deg,
            azimuth_deg=self.azimuth_deg,
            inverter_ac_kw=self.inverter_ac_kw,
            gamma_pdc=self.gamma_pdc,
            losses=self.losses,
            mounting=self.mounting,
            name=self.name,
        )


class SiteCreate(BaseModel):
    """An alternative-energy site to register."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=STATION_ID_PATTERN)
    name_th: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    district_code: str | None = None
    technology: Literal["pv", "wind", "biomass", "other"] = "pv"
    irradiance_plane: Literal["poa", "horizontal", "none"] = "none"
    meters: list[str] = Field(
        default_factory=lambda: ["pv_power"],
        description="Quantities the site's meters record: " + ", ".join(METER_QUANTITIES),
    )
    arrays: list[ArrayIn] = Field(default_factory=list)
    simulated: bool = False
    source: str = Field(default="", max_length=2000)
    meta: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> SiteCreate:
        unknown = [q for q in self.meters if q not in METER_QUANTITIES]
        if unknown:
            raise ValueError(
                f"meter quantity {unknown[0]!r} is not one of {', '.join(METER_QUANTITIES)}"
            )
        if self.technology == "pv" and not self.arrays:
            raise ValueError("a PV site needs at least one array (kWp, tilt, azimuth)")
        if self.simulated and "simulated" not in self.id.lower() and not self.id.startswith("sim-"):
            raise ValueError("a simulated site's id must start with 'sim-' or say 'simulated'")
        return self


def insert_site(conn: Connection, new: SiteCreate) -> dict[str, Any]:
    """Register a site: station, series and arrays, in the caller's transaction."""
    meters = list(dict.fromkeys(new.meters))
    irr_q = IRRADIANCE_QUANTITY.get(new.irradiance_plane)
    if irr_q and irr_q not in meters:
        meters.append(irr_q)
    station = StationCreate(
        id=new.id,
        name_th=new.name_th,
        name_en=new.name_en,
        kind="energy",
        lon=new.lon,
        lat=new.lat,
        district_code=new.district_code,
        meta={**new.meta, "simulated": new.simulated, "technology": new.technology},
        quantities=[SeriesSpec(quantity=q) for q in meters],
    )
    core_stations.add_station(conn, station)
    conn.execute(
        energy_sites.insert().values(
            station_id=new.id,
            technology=new.technology,
            irradiance_plane=new.irradiance_plane,
            simulated=new.simulated,
            source=new.source,
            created_at=datetime.now(UTC),
        )
    )
    for arr in new.arrays:
        arr.spec()  # validates once more (mounting names)
        conn.execute(energy_arrays.insert().values(station_id=new.id, **arr.model_dump()))
    return get_site(conn, new.id)


def _arrays(conn: Connection, site_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    q = sa.select(energy_arrays).order_by(energy_arrays.c.id)
    if site_id is not None:
        q = q.where(energy_arrays.c.station_id == site_id)
    out: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(q).mappings():
        row = dict(r)
        out.setdefault(row.pop("station_id"), []).append(row)
    return out


def _communities(conn: Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in conn.execute(sa.select(energy_community_members)):
        out.setdefault(r.station_id, []).append(r.community_id)
    return out


def _site_dict(
    station: Any, row: Any, arrays: list[dict[str, Any]], communities: list[str]
) -> dict[str, Any]:
    tech = TECHNOLOGIES[row.technology]
    plane = IRRADIANCE_PLANES[row.irradiance_plane]
    return {
        "id": station.id,
        "name_th": station.name_th,
        "name_en": station.name_en,
        "lon": station.lon,
        "lat": station.lat,
        "district_code": station.district_code,
        "technology": row.technology,
        "technology_th": tech[0],
        "technology_en": tech[1],
        "irradiance_plane": row.irradiance_plane,
        "irradiance_plane_th": plane[0],
        "irradiance_plane_en": plane[1],
        "kwp": sum(a["kwp"] for a in arrays),
        "arrays": arrays,
        "meters": [s.quantity for s in station.series],
        "communities": communities,
        "simulated": bool(row.simulated),
        "source": row.source,
        "meta": station.meta,
        "active": station.active,
    }


def get_site(conn: Connection, site_id: str) -> dict[str, Any]:
    """A site with its arrays, meters and communities; :class:`UnknownSite` otherwise."""
    row = conn.execute(sa.select(energy_sites).where(energy_sites.c.station_id == site_id)).first()
    if row is None:
        raise UnknownSite(f"energy site {site_id!r} does not exist")
    station = core_stations.get_station(conn, site_id)
    arrays = _arrays(conn, site_id).get(site_id, [])
    return _site_dict(station, row, arrays, _communities(conn).get(site_id, []))


def list_sites(conn: Connection) -> list[dict[str, Any]]:
    """Every site, in station order."""
    rows = {r.station_id: r for r in conn.execute(sa.select(energy_sites))}
    arrays = _arrays(conn)
    comms = _communities(conn)
    return [
        _site_dict(s, rows[s.id], arrays.get(s.id, []), comms.get(s.id, []))
        for s in core_stations.list_stations(conn, kind="energy")
        if s.id in rows
    ]


def site_arrays(site: dict[str, Any]) -> list[ArraySpec]:
    """The site's arrays as model specs."""
    return [
        ArraySpec(
            kwp=a["kwp"],
            tilt_deg=a["tilt_deg"],
            azimuth_deg=a["azimuth_deg"],
            inverter_ac_kw=a["inverter_ac_kw"],
            gamma_pdc=a["gamma_pdc"],
            losses=a["losses"],
            mounting=a["mounting"],
            name=a["name"],
        )
        for a in site["arrays"]
    ]


def geojson(sites: list[dict[str, Any]]) -> dict[str, Any]:
    """Sites as a GeoJSON FeatureCollection (lon, lat)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": s["id"],
                "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                "properties": {k: v for k, v in s.items() if k not in ("lon", "lat")},
            }
            for s in sites
        ],
    }


def require_pv(site: dict[str, Any]) -> None:
    """:class:`InvalidInput` unless the site has a PV array to model."""
    if not site["arrays"]:
        raise InvalidInput(f"site {site['id']!r} has no PV array to model", field="site")
