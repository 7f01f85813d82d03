"""The catalogue on both engines: location checks, search, filters, photos, sample seed."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image

from paknam.core.errors import Conflict, InvalidInput
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.economy import catalogue
from paknam.economy.demo import load_demo_economy, sample_places
from paknam.economy.models import PlaceCreate, PlaceUpdate
from tests.api.test_environment_api import tiny_png

REQUIRED_SAMPLES = {
    "ancient-city": "1101",
    "phra-samut-chedi": "1105",
    "bang-kachao": "1104",
    "bang-pu": "1101",
    "phra-chula-chomklao-fort": "1105",
    "erawan-museum": "1101",
}


def _ids(features: list[dict]) -> list[str]:
    return [f["id"] for f in features]


def test_catalogue_sample_seed_lands_in_the_right_districts(store: Store) -> None:
    load_demo_economy(store)
    with store.read() as conn:
        found = {f["id"]: f for f in catalogue.search_places(conn)}
    for place, district in REQUIRED_SAMPLES.items():
        props = found[place]["properties"]
        assert props["district_code"] == district, place
        assert props["sample"] is True and props["sample_note_en"]
    assert all(f["properties"]["sample"] for f in found.values())
    assert {f["properties"]["kind"] for f in found.values()} == {"attraction", "product"}
    assert load_demo_economy(store)["places_changed"] == 0  # idempotent


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("เมืองโบราณ", "ancient-city"),
        ("ancient city", "ancient-city"),
        ("ป้อมพระจุล", "phra-chula-chomklao-fort"),
        ("fort", "phra-chula-chomklao-fort"),
        ("bangkachao", "bang-kachao"),
        ("เเบบ", None),  # normalised to แบบ: finds nothing, raises nothing
        ("ช้างเอราวัณ", "erawan-museum"),
    ],
)
def test_catalogue_search_thai_and_english(store: Store, query: str, expected: str | None) -> None:
    load_demo_economy(store)
    with store.read() as conn:
        ids = _ids(catalogue.search_places(conn, q=query))
    if expected is None:
        assert ids == []
    else:
        assert ids[0] == expected


def test_catalogue_search_normalises_thai_typing(sqlite_store: Store) -> None:
    load_demo_economy(sqlite_store)
    with sqlite_store.read() as conn:
        # two sara e typed for sara ae ("แ"): PyThaiNLP normalises it
        assert _ids(catalogue.search_places(conn, q="เเหล่งท่องเที่ยว บางปู")) == ["bang-pu"]


def test_catalogue_filters_category_district_open_now(store: Store) -> None:
    load_demo_economy(store)
    saturday_9 = datetime(2026, 11, 28, 9, 0, tzinfo=BANGKOK)
    friday_9 = datetime(2026, 11, 27, 9, 0, tzinfo=BANGKOK)
    with store.read() as conn:
        eco = _ids(catalogue.search_places(conn, category="eco"))
        pradaeng = _ids(catalogue.search_places(conn, district="1104", kind="attraction"))
        sat = _ids(catalogue.search_places(conn, open_now=True, at=saturday_9, district="1104"))
        fri = _ids(catalogue.search_places(conn, open_now=True, at=friday_9, district="1104"))
        food = _ids(catalogue.search_places(conn, kind="product", category="food"))
    assert eco == ["bang-kachao", "bang-pu"]
    assert pradaeng == ["bang-kachao", "bang-nam-phueng-market"]
    assert "bang-nam-phueng-market" in sat and "bang-nam-phueng-market" not in fri
    assert food == ["bang-bo-salted-fish", "nipa-palm-sugar"]
    with store.read() as conn, pytest.raises(InvalidInput, match="unknown category"):
        catalogue.search_places(conn, kind="attraction", category="food")


def test_catalogue_rejects_a_place_outside_the_province(store: Store) -> None:
    new = PlaceCreate(
        id="grand-palace",
        kind="attraction",
        category="history",
        name_th="พระบรมมหาราชวัง",
        name_en="Grand Palace",
        lon=100.4913,
        lat=13.7500,  # Bangkok
    )
    with store.write() as conn, pytest.raises(InvalidInput, match="outside every district"):
        catalogue.add_place(conn, new)
    with store.read() as conn:
        assert catalogue.search_places(conn) == []


def test_catalogue_add_update_conflict_and_photo(store: Store) -> None:
    first = sample_places()[0]
    with store.write() as conn:
        catalogue.add_place(conn, first)
    with store.write() as conn, pytest.raises(Conflict):
        catalogue.add_place(conn, first)
    with store.write() as conn:
        changed = catalogue.update_place(
            conn, first.id, PlaceUpdate(name_en="Muang Boran", opening_hours=None)
        )
        photo = catalogue.add_photo(conn, first.id, tiny_png())
    assert changed["properties"]["name_en"] == "Muang Boran"
    assert changed["properties"]["open_now"] is None
    with store.read() as conn:
        kind, data = catalogue.get_photo(conn, first.id, photo["id"])
        assert kind == "image/png" and Image.open(io.BytesIO(data)).size == (1, 1)
        assert catalogue.get_place(conn, first.id)["properties"]["photos"] == [photo["url"]]
        assert _ids(catalogue.search_places(conn, q="muang boran")) == [first.id]
    with store.write() as conn, pytest.raises(InvalidInput, match="not a JPEG"):
        catalogue.add_photo(conn, first.id, b"GIF89a....")
    with store.write() as conn, pytest.raises(InvalidInput, match="otop_stars"):
        catalogue.update_place(conn, first.id, PlaceUpdate(details={"otop_stars": 6}))
