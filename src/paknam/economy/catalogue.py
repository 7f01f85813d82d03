"""The catalogue of attractions and community products, on the caller's connection.

Places must lie inside one of the province's districts (found with the core district
locator, so any province that loads its own districts works). Search and filters run in
Python over the catalogue, which holds hundreds of places, not millions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import Conflict, InvalidInput
from paknam.core.media import clean_photo
from paknam.core.stations import district_locator, list_districts
from paknam.core.timeutil import BANGKOK
from paknam.economy import search_text
from paknam.economy.categories import CATEGORIES, KINDS, category_labels, check_category
from paknam.economy.errors import UnknownPlace
from paknam.economy.hours import check_hours, is_open
from paknam.economy.models import PlaceCreate, PlaceUpdate
from paknam.economy.schema import place_photos, places

MAX_PHOTOS = 10
SAMPLE_NOTE = (
    "ข้อมูลตัวอย่างเพื่อสาธิตระบบ ไม่ใช่ข้อมูลทางการ ตรวจสอบก่อนเดินทาง",
    "Sample content for the demonstration, not official data; check before visiting",
)


def _locate(conn: Connection, lon: float, lat: float) -> str:
    code = district_locator(conn).locate(lon, lat)
    if code is None:
        raise InvalidInput(
            f"location lon {lon}, lat {lat} is outside every district of the province "
            "(ที่ตั้งอยู่นอกเขตอำเภอของจังหวัด)",
            field="lon",
        )
    return code


def _check_details(details: dict[str, Any]) -> dict[str, Any]:
    if len(details) > 20:
        raise InvalidInput("details may have at most 20 keys", field="details")
    stars = details.get("otop_stars")
    if stars is not None and (
        not isinstance(stars, int) or isinstance(stars, bool) or not (1 <= stars <= 5)
    ):
        raise InvalidInput(f"details.otop_stars {stars!r} must be 1 to 5", field="details")
    return details


def _search_index(row: dict[str, Any]) -> str:
    kind_th, kind_en = KINDS[row["kind"]]
    cat_th, cat_en = category_labels(row["kind"], row["category"])
    names = search_text.index_text(row["name_th"], row["name_en"], row["id"])
    text = search_text.index_text(
        row["description_th"], row["description_en"], kind_th, kind_en, cat_th, cat_en
    )
    return f"{names}\n{text}"


def _values(data: dict[str, Any], conn: Connection) -> dict[str, Any]:
    check_category(data["kind"], data["category"])
    hours = data.get("opening_hours")
    return {
        **data,
        "opening_hours": check_hours(hours) if hours is not None else None,
        "district_code": _locate(conn, data["lon"], data["lat"]),
        "details": _check_details(data.get("details") or {}),
    }


def _dump(model: PlaceCreate | PlaceUpdate, *, unset: bool) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude_unset=unset)
    if "contact" in data and data["contact"] is not None:
        data["contact"] = {k: v for k, v in data["contact"].items() if v is not None}
    return data


def add_place(conn: Connection, new: PlaceCreate) -> dict[str, Any]:
    """Add a place; :class:`Conflict` if the id is taken."""
    if conn.execute(sa.select(places.c.id).where(places.c.id == new.id)).first():
        raise Conflict(f"place {new.id!r} already exists")
    row = _values(_dump(new, unset=False), conn)
    now = datetime.now(UTC)
    conn.execute(
        places.insert().values(
            **row, search_text=_search_index(row), created_at=now, updated_at=now
        )
    )
    return get_place(conn, new.id)


def upsert_place(conn: Connection, new: PlaceCreate) -> bool:
    """Add or replace a place (for loaders); True when something changed."""
    current = conn.execute(sa.select(places).where(places.c.id == new.id)).first()
    row = _values(_dump(new, unset=False), conn)
    if current is not None:
        stored = {k: current._mapping[k] for k in row}
        if stored == row:
            return False
        conn.execute(
            places.update()
            .where(places.c.id == new.id)
            .values(**row, search_text=_search_index(row), updated_at=datetime.now(UTC))
        )
        return True
    now = datetime.now(UTC)
    conn.execute(
        places.insert().values(
            **row, search_text=_search_index(row), created_at=now, updated_at=now
        )
    )
    return True


def update_place(conn: Connection, place_id: str, change: PlaceUpdate) -> dict[str, Any]:
    """Apply the fields given in ``change``; the place as a Feature."""
    current = conn.execute(sa.select(places).where(places.c.id == place_id)).first()
    if current is None:
        raise UnknownPlace(f"place {place_id!r} does not exist")
    data = {k: current._mapping[k] for k in PlaceCreate.model_fields}
    patch = _dump(change, unset=True)
    nulls = sorted(k for k, v in patch.items() if v is None and k != "opening_hours")
    if nulls:
        raise InvalidInput(f"fields {nulls} cannot be null", field=nulls[0])
    data.update(patch)
    row = _values(data, conn)
    conn.execute(
        places.update()
        .where(places.c.id == place_id)
        .values(**row, search_text=_search_index(row), updated_at=datetime.now(UTC))
    )
    return get_place(conn, place_id)


def delete_place(conn: Connection, place_id: str) -> None:
    """Remove a place and its photos."""
    conn.execute(place_photos.delete().where(place_photos.c.place_id == place_id))
    if conn.execute(places.delete().where(places.c.id == place_id)).rowcount == 0:
        raise UnknownPlace(f"place {place_id!r} does not exist")


def _district_names(conn: Connection) -> dict[str, tuple[str, str]]:
    return {d["code"]: (d["name_th"], d["name_en"]) for d in list_districts(conn)}


def _photo_ids(conn: Connection, place_id: str | None = None) -> dict[str, list[int]]:
    query = sa.select(place_photos.c.place_id, place_photos.c.id).order_by(place_photos.c.id)
    if place_id is not None:
        query = query.where(place_photos.c.place_id == place_id)
    out: dict[str, list[int]] = {}
    for r in conn.execute(query):
        out.setdefault(r.place_id, []).append(r.id)
    return out


def _feature(
    r: Any, names: dict[str, tuple[str, str]], photos: list[int], local: datetime
) -> dict[str, Any]:
    kind_th, kind_en = KINDS[r.kind]
    cat_th, cat_en = category_labels(r.kind, r.category)
    district_th, district_en = names.get(r.district_code, (None, None))
    props: dict[str, Any] = {
        "id": r.id,
        "kind": r.kind,
        "kind_th": kind_th,
        "kind_en": kind_en,
        "category": r.category,
        "category_th": cat_th,
        "category_en": cat_en,
        "name_th": r.name_th,
        "name_en": r.name_en,
        "description_th": r.description_th,
        "description_en": r.description_en,
        "district_code": r.district_code,
        "district_th": district_th,
        "district_en": district_en,
        "opening_hours": r.opening_hours,
        "open_now": is_open(r.opening_hours, local),
        "contact": r.contact,
        "photos": list(r.photo_urls)
        + [f"/api/v1/economy/places/{r.id}/photos/{pid}" for pid in photos],
        "details": r.details,
        "sample": bool(r.sample),
    }
    if r.sample:
        props["sample_note_th"], props["sample_note_en"] = SAMPLE_NOTE
    return {
        "type": "Feature",
        "id": r.id,
        "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
        "properties": props,
    }


def get_place(conn: Connection, place_id: str, *, at: datetime | None = None) -> dict[str, Any]:
    """One place as a GeoJSON Feature."""
    row = conn.execute(sa.select(places).where(places.c.id == place_id)).first()
    if row is None:
        raise UnknownPlace(f"place {place_id!r} does not exist")
    local = (at or datetime.now(UTC)).astimezone(BANGKOK)
    photos = _photo_ids(conn, place_id).get(place_id, [])
    return _feature(row, _district_names(conn), photos, local)


def search_places(
    conn: Connection,
    *,
    q: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    district: str | None = None,
    open_now: bool | None = None,
    sample: bool | None = None,
    at: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Places matching every filter as GeoJSON Features, best text match first (then by
    id); ``limit``/``offset`` take one page of them.

    ``open_now`` keeps places open (True) or closed (False) at ``at`` (default: now);
    places without opening hours are left out of either. ``district`` is an amphoe code.
    """
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}", field="kind")
    if category is not None:
        known = {c for k, table in CATEGORIES.items() if kind in (None, k) for c in table}
        if category not in known:
            raise InvalidInput(
                f"unknown category {category!r}; use one of {', '.join(sorted(known))}",
                field="category",
            )
    query = sa.select(places).order_by(places.c.id)
    if kind is not None:
        query = query.where(places.c.kind == kind)
    if category is not None:
        query = query.where(places.c.category == category)
    if district is not None:
        query = query.where(places.c.district_code == district)
    if sample is not None:
        query = query.where(places.c.sample == sample)
    words = search_text.query_words(q or "")
    local = (at or datetime.now(UTC)).astimezone(BANGKOK)
    names = _district_names(conn)
    photos = _photo_ids(conn)
    ranked = []
    for row in conn.execute(query):
        if open_now is not None and is_open(row.opening_hours, local) is not open_now:
            continue
        rank = 1
        if words:
            name_text, _, body = row.search_text.partition("\n")
            district_text = search_text.index_text(*names.get(row.district_code, ("", "")))
            rank = search_text.score(words, name_text, f"{body} | {district_text}")
            if rank == 0:
                continue
        ranked.append((-rank, row.id, row))
    ranked.sort(key=lambda t: (t[0], t[1]))
    page = ranked[offset:] if limit is None else ranked[offset : offset + limit]
    return [_feature(r, names, photos.get(r.id, []), local) for _, _, r in page]


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Features as a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": features}


def add_photo(conn: Connection, place_id: str, data: bytes) -> dict[str, Any]:
    """Store an uploaded photo (JPEG, PNG, WebP ≤ 5 MB), re-encoded by :func:`clean_photo`."""
    if conn.execute(sa.select(places.c.id).where(places.c.id == place_id)).first() is None:
        raise UnknownPlace(f"place {place_id!r} does not exist")
    photo = clean_photo(data)
    count = conn.execute(
        sa.select(sa.func.count()).where(place_photos.c.place_id == place_id)
    ).scalar()
    if count and count >= MAX_PHOTOS:
        raise InvalidInput(f"place {place_id!r} already has {MAX_PHOTOS} photos", field="photo")
    pid = conn.execute(
        place_photos.insert().values(
            place_id=place_id,
            photo_type=photo.content_type,
            data=photo,
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return {
        "id": pid,
        "type": photo.content_type,
        "url": f"/api/v1/economy/places/{place_id}/photos/{pid}",
    }


def get_photo(conn: Connection, place_id: str, photo_id: int) -> tuple[str, bytes]:
    """(media type, bytes) of a stored photo."""
    row = conn.execute(
        sa.select(place_photos.c.photo_type, place_photos.c.data).where(
            place_photos.c.place_id == place_id, place_photos.c.id == photo_id
        )
    ).first()
    if row is None:
        raise UnknownPlace(f"place {place_id!r} has no photo {photo_id}")
    return row.photo_type, bytes(row.data)
