"""Likely duplicates near the same spot, before a citizen submits."""

from __future__ import annotations

from paknam.complaints import service
from paknam.complaints.duplicates import similarity, suggest_duplicates
from paknam.core.geo import distance_m
from paknam.core.store import Store
from tests.complaints.helpers import CITY_HALL, T0, submit


def test_distance_against_a_known_value() -> None:
    # one degree of latitude on the mean-radius sphere: 6371 km × π/180 = 111.195 km
    assert abs(distance_m(100.0, 13.0, 100.0, 14.0) - 111_194.9) < 1.0


def test_similarity() -> None:
    assert similarity("ไฟถนนดับ", "ไฟถนนดับ") == 1.0
    assert similarity("ไฟถนนดับ", "ขยะล้นถัง") == 0.0
    assert 0 < similarity("ไฟถนนดับทั้งซอย", "ไฟถนนดับหน้าบ้าน") < 1


def test_suggests_open_nearby_complaints_best_first(store: Store) -> None:
    lat, lon = CITY_HALL
    near_same = submit(store, lat=lat + 0.0005, lon=lon)["id"]  # ~55 m
    near_other = submit(
        store, lat=lat, lon=lon + 0.0005, service_code="lighting", description="ไฟถนนดับ"
    )["id"]
    far = submit(store, lat=lat + 0.01, lon=lon)["id"]  # ~1.1 km
    closed = submit(store, lat=lat, lon=lon, description="ถนนเป็นหลุม ปิดแล้ว")["id"]
    service.change_status(store, closed, "resolved", "o", now=T0 + 60)
    with store.read() as conn:
        got = suggest_duplicates(
            conn, lon, lat, now=T0 + 3600, service_code="road", text="หลุมลึกหน้าศาลากลาง"
        )
    ids = [int(g["service_request_id"]) for g in got]
    assert ids == [near_same, near_other]
    assert far not in ids and closed not in ids
    assert got[0]["same_service"] is True and got[1]["same_service"] is False
    assert 50 < got[0]["distance_m"] < 60
    assert got[0]["text_similarity"] > 0
    with store.read() as conn:
        assert suggest_duplicates(conn, lon, lat, now=T0 + 200 * 86400) == []
