"""Stations, their series (station × quantity) and districts, on a SQLAlchemy connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from shapely.geometry import Point, shape
from shapely.prepared import prep
from sqlalchemy.engine import Connection

from paknam.core.errors import Conflict, InvalidInput, NotFound
from paknam.core.models import (
    SeriesPublic,
    SeriesSpec,
    StationCreate,
    StationPublic,
    StationUpdate,
)
from paknam.core.quantities import QUANTITIES, get_quantity
from paknam.core.schema import districts, quantities, series, stations


def sync_quantities(conn: Connection) -> None:
    """Make the ``quantities`` table match the registry in :mod:`paknam.core.quantities`."""
    existing = {r.code for r in conn.execute(sa.select(quantities.c.code))}
    for q in QUANTITIES:
        row = q.as_dict()
        if q.code in existing:
            conn.execute(quantities.update().where(quantities.c.code == q.code).values(**row))
        else:
            conn.execute(quantities.insert().values(**row))


def load_districts(conn: Connection, geojson: dict[str, Any]) -> int:
    """Insert or update districts from a GeoJSON FeatureCollection of amphoe.

    Features need ``amphoe_code``, ``amphoe_th``, ``amphoe_en`` and ``province_code``
    properties (the layout of the shared Samut Prakan amphoe file).
    """
    count = 0
    is_pg = conn.dialect.name == "postgresql"
    for i, feature in enumerate(geojson.get("features", [])):
        props = feature.get("properties") or {}
        missing = [
            k for k in ("amphoe_code", "amphoe_th", "amphoe_en", "province_code") if k not in props
        ]
        if missing:
            raise InvalidInput(f"district feature {i} lacks properties {missing}")
        code = str(props["amphoe_code"])
        geometry = json.dumps(feature.get("geometry"), separators=(",", ":"))
        values = {
            "name_th": props["amphoe_th"],
            "name_en": props["amphoe_en"],
            "province_code": str(props["province_code"]),
            "geojson": geometry,
        }
        found = conn.execute(sa.select(districts.c.code).where(districts.c.code == code)).first()
        if found:
            conn.execute(districts.update().where(districts.c.code == code).values(**values))
        else:
            conn.execute(districts.insert().values(code=code, **values))
        if is_pg:
            conn.execute(
                sa.text(
                    "UPDATE districts SET geom = ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326) "
                    "WHERE code = :c"
                ),
                {"g": geometry, "c": code},
            )
        count += 1
    return count


def list_districts(conn: Connection, *, geometry: bool = False) -> list[dict[str, Any]]:
    """Every district by code: ``code``, ``name_th``, ``name_en``, ``province_code`` and,
    with ``geometry``, its stored outline as GeoJSON text under ``geojson`` (or ``None``)."""
    columns = [
        districts.c.code,
        districts.c.name_th,
        districts.c.name_en,
        districts.c.province_code,
    ]
    if geometry:
        columns.append(districts.c.geojson)
    rows = conn.execute(sa.select(*columns).order_by(districts.c.code))
    return [{str(k): v for k, v in r._mapping.items()} for r in rows]


def district_codes(conn: Connection) -> list[str]:
    """The codes of every district, sorted."""
    return sorted(str(r[0]) for r in conn.execute(sa.select(districts.c.code)))


def districts_by_code(conn: Connection, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The districts among ``codes`` that exist, by code, with names and ``geojson`` text."""
    rows = conn.execute(
        sa.select(
            districts.c.code, districts.c.name_th, districts.c.name_en, districts.c.geojson
        ).where(districts.c.code.in_(list(codes)))
    )
    return {str(r.code): {str(k): v for k, v in r._mapping.items()} for r in rows}


class DistrictLocator:
    """Finds the district holding a point, from the districts' stored geometry."""

    def __init__(self, conn: Connection) -> None:
        self._shapes = []
        for code, geo in conn.execute(sa.select(districts.c.code, districts.c.geojson)):
            if geo:
                self._shapes.append((code, prep(shape(json.loads(geo)))))

    def locate(self, lon: float, lat: float) -> str | None:
        point = Point(lon, lat)
        for code, geom in self._shapes:
            if geom.covers(point):
                return code
        return None


_LOCATORS: dict[tuple[str, tuple[object, ...]], DistrictLocator] = {}


def district_locator(conn: Connection) -> DistrictLocator:
    """A cached :class:`DistrictLocator`, rebuilt when the districts change."""
    mark = tuple(
        conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(sa.func.length(districts.c.geojson)), 0),
            )
        ).one()
    )
    key = (str(conn.engine.url), mark)
    if key not in _LOCATORS:
        _LOCATORS.clear()
        _LOCATORS[key] = DistrictLocator(conn)
    return _LOCATORS[key]


def _check_district(conn: Connection, code: str) -> None:
    found = conn.execute(sa.select(districts.c.code).where(districts.c.code == code)).first()
    if not found:
        known = [d["code"] for d in list_districts(conn)]
        raise InvalidInput(
            f"unknown district code {code!r}; known: {', '.join(known) or 'none loaded'}",
            field="district_code",
        )


def _station_pk(conn: Connection, station_id: str) -> int:
    pk = conn.execute(sa.select(stations.c.pk).where(stations.c.id == station_id)).scalar()
    if pk is None:
        raise NotFound(f"station {station_id!r} does not exist")
    return int(pk)


def add_station(conn: Connection, new: StationCreate) -> StationPublic:
    """Register a station and its series. :class:`Conflict` if the id is taken."""
    if conn.execute(sa.select(stations.c.pk).where(stations.c.id == new.id)).first():
        raise Conflict(f"station {new.id!r} already exists")
    district = new.district_code
    if district is not None:
        _check_district(conn, district)
    else:
        district = district_locator(conn).locate(new.lon, new.lat)
    pk = conn.execute(
        stations.insert().values(
            id=new.id,
            name_th=new.name_th,
            name_en=new.name_en,
            kind=new.kind,
            lon=new.lon,
            lat=new.lat,
            district_code=district,
            meta=new.meta,
            active=True,
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    for spec in new.quantities:
        _add_series(conn, pk, new.id, spec)
    return get_station(conn, new.id)


def _add_series(conn: Connection, station_pk: int, station_id: str, spec: SeriesSpec) -> None:
    try:
        q = get_quantity(spec.quantity)
    except NotFound as exc:
        raise InvalidInput(str(exc), field="quantities") from None
    if q.needs_datum and not spec.datum:
        raise InvalidInput(
            f"quantity {q.code!r} of station {station_id!r} needs a datum "
            "(e.g. MSL, LAT or the gauge zero)",
            field="quantities",
        )
    exists = conn.execute(
        sa.select(series.c.id).where(
            series.c.station_pk == station_pk, series.c.quantity_code == q.code
        )
    ).first()
    if exists:
        raise Conflict(f"station {station_id!r} already measures {q.code!r}")
    conn.execute(
        series.insert().values(
            station_pk=station_pk,
            quantity_code=q.code,
            datum=spec.datum,
            created_at=datetime.now(UTC),
        )
    )


def add_series(conn: Connection, station_id: str, spec: SeriesSpec) -> StationPublic:
    """Declare that a station measures one more quantity."""
    _add_series(conn, _station_pk(conn, station_id), station_id, spec)
    return get_station(conn, station_id)


def update_station(conn: Connection, station_id: str, change: StationUpdate) -> StationPublic:
    pk = _station_pk(conn, station_id)
    values = change.model_dump(exclude_unset=True)
    if values.get("district_code") is not None:
        _check_district(conn, values["district_code"])
    if values:
        conn.execute(stations.update().where(stations.c.pk == pk).values(**values))
    return get_station(conn, station_id)


def _series_by_station(conn: Connection) -> dict[int, list[SeriesPublic]]:
    rows = conn.execute(
        sa.select(series.c.station_pk, series.c.quantity_code, series.c.datum, quantities.c.unit)
        .join(quantities, quantities.c.code == series.c.quantity_code)
        .order_by(series.c.station_pk, series.c.quantity_code)
    )
    out: dict[int, list[SeriesPublic]] = {}
    for r in rows:
        out.setdefault(r.station_pk, []).append(
            SeriesPublic(quantity=r.quantity_code, unit=r.unit, datum=r.datum)
        )
    return out


def _public(row: Any, series_list: list[SeriesPublic]) -> StationPublic:
    created = row.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return StationPublic(
        id=row.id,
        name_th=row.name_th,
        name_en=row.name_en,
        kind=row.kind,
        lon=row.lon,
        lat=row.lat,
        district_code=row.district_code,
        meta=row.meta or {},
        active=row.active,
        created_at=created,
        series=series_list,
    )


def get_station(conn: Connection, station_id: str) -> StationPublic:
    row = conn.execute(sa.select(stations).where(stations.c.id == station_id)).first()
    if row is None:
        raise NotFound(f"station {station_id!r} does not exist")
    return _public(row, _series_by_station(conn).get(row.pk, []))


def find_station(conn: Connection, station_id: str) -> StationPublic | None:
    """The station ``station_id`` without its series (``series`` empty), or ``None``."""
    row = conn.execute(sa.select(stations).where(stations.c.id == station_id)).first()
    return None if row is None else _public(row, [])


def count_stations(conn: Connection) -> int:
    """How many stations are registered (active or not)."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(stations)).scalar_one())


def list_stations(
    conn: Connection, *, kind: str | None = None, district: str | None = None
) -> list[StationPublic]:
    query = sa.select(stations).order_by(stations.c.id)
    if kind:
        query = query.where(stations.c.kind == kind)
    if district:
        query = query.where(stations.c.district_code == district)
    by_station = _series_by_station(conn)
    return [_public(r, by_station.get(r.pk, [])) for r in conn.execute(query)]


def series_catalog(conn: Connection) -> dict[tuple[str, str], int]:
    """``(station id, quantity code) -> series id`` for every series (active stations)."""
    rows = conn.execute(
        sa.select(stations.c.id, series.c.quantity_code, series.c.id.label("sid"))
        .join(stations, stations.c.pk == series.c.station_pk)
        .where(stations.c.active.is_(True))
    )
    return {(r.id, r.quantity_code): r.sid for r in rows}


def series_index(conn: Connection) -> list[dict[str, Any]]:
    """Every series of an active station: ``series_id``, ``station_pk``, ``station``,
    ``quantity``, ``datum`` (in series id order; for the open-data interfaces)."""
    rows = conn.execute(
        sa.select(
            series.c.id,
            stations.c.pk,
            stations.c.id.label("station"),
            series.c.quantity_code,
            series.c.datum,
        )
        .join(stations, stations.c.pk == series.c.station_pk)
        .where(stations.c.active.is_(True))
        .order_by(series.c.id)
    )
    return [
        {
            "series_id": int(r.id),
            "station_pk": int(r.pk),
            "station": r.station,
            "quantity": r.quantity_code,
            "datum": r.datum,
        }
        for r in rows
    ]


def series_id(conn: Connection, station_id: str, quantity: str) -> int:
    """Id of one series; :class:`NotFound` names the station's quantities."""
    pk = _station_pk(conn, station_id)
    rows = conn.execute(
        sa.select(series.c.id, series.c.quantity_code).where(series.c.station_pk == pk)
    ).all()
    for sid, code in rows:
        if code == quantity:
            return int(sid)
    have = ", ".join(sorted(c for _, c in rows)) or "none"
    raise NotFound(f"station {station_id!r} does not measure {quantity!r} (it measures: {have})")
