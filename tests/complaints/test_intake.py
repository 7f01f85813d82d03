"""Receiving complaints: routing, SLA, and every kind of bad input storing nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from paknam.complaints.intake import DUPLICATE_WINDOW_S, MAX_PHOTOS
from paknam.complaints.schema import complaint_events, complaint_photos, complaints
from paknam.core.errors import Conflict, InvalidInput
from paknam.core.media import MAX_PHOTO_BYTES
from paknam.core.store import Store
from tests.complaints.helpers import (
    BANGKOK_VICTORY_MONUMENT,
    IN_BBOX_NO_DISTRICT,
    JPEG,
    PLACES,
    PNG,
    T0,
    submit,
)


def _count(store: Store, table: sa.Table) -> int:
    with store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_submit_routes_by_service_and_district(store: Store) -> None:
    got = {}
    for district, (lat, lon) in PLACES.items():
        for code in ("road", "traffic", "flooding"):
            done = submit(
                store,
                lat=lat,
                lon=lon,
                service_code=code,
                description=f"เรื่อง {code} ที่อำเภอ {district}",
            )
            got[(district, code)] = done["complaint"]["agency"]["code"]
            assert done["complaint"]["district_code"] == district
    assert got[("1103", "road")] == "local-1103"
    assert got[("1106", "traffic")] == "police-1106"
    assert got[("1105", "flooding")] == "sp-ddpm"  # province-wide body
    assert len(set(got.values())) == 6 + 6 + 1


def test_submit_sets_due_time_from_sla_and_urgency(store: Store) -> None:
    normal = submit(store)["complaint"]
    urgent = submit(store, description="ถนนยุบเป็นหลุมใหญ่ อันตรายมาก", attributes={"urgent": "yes"})[
        "complaint"
    ]
    assert normal["requested"] == "2026-01-01T07:00:00+07:00"
    assert normal["due"] == "2026-01-08T07:00:00+07:00"  # road: 168 h
    assert urgent["due"] == "2026-01-04T19:00:00+07:00"  # half of it
    assert normal["status"] == "new" and normal["open311_status"] == "open"


def test_submit_stores_photo_and_logs_creation(store: Store) -> None:
    done = submit(store, photos=[PNG, JPEG])
    assert [p["stage"] for p in done["complaint"]["photos"]] == ["before", "before"]
    assert _count(store, complaint_photos) == 2
    assert _count(store, complaint_events) == 1
    assert done["token"].startswith("pkc_")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"service_code": "potholes"}, "service_code", "unknown service code 'potholes'"),
        ({"service_code": None}, "service_code", "service_code is required"),
        ({"lat": None}, "lat", "lat and long are required"),
        ({"lon": None}, "long", "lat and long are required"),
        (dict(zip(("lat", "lon"), BANGKOK_VICTORY_MONUMENT, strict=True)), "lat", "outside"),
        (dict(zip(("lat", "lon"), IN_BBOX_NO_DISTRICT, strict=True)), "lat", "outside"),
        ({"description": "  "}, "description", "3 to 4000"),
        ({"description": "ก" * 4001}, "description", "3 to 4000"),
        ({"photos": [b"GIF89a" + b"\x00" * 20]}, "photo", "not a JPEG, PNG or WebP"),
        ({"photos": [PNG + b"\x00" * MAX_PHOTO_BYTES]}, "photo", "the limit is"),
        ({"photos": [PNG] * (MAX_PHOTOS + 1)}, "media", "at most"),
        ({"attributes": {"colour": "red"}}, "attribute[colour]", "unknown attribute"),
        ({"attributes": {"urgent": "very"}}, "attribute[urgent]", "must be one of"),
        ({"media_url": "javascript:alert(1)"}, "media_url", "http(s) URL"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    store: Store, change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words.replace("(", r"\(").replace(")", r"\)")) as e:
        submit(store, **change)
    assert e.value.field == field
    assert _count(store, complaints) == 0
    assert _count(store, complaint_photos) == 0
    assert _count(store, complaint_events) == 0


def test_same_text_same_spot_soon_is_a_duplicate(store: Store) -> None:
    first = submit(store)
    with pytest.raises(Conflict, match=f"service request {first['id']}"):
        # same words with other spacing and case, 10 m away, 5 minutes later
        submit(
            store,
            now=T0 + 300,
            lon=100.5970,
            description="ถนนเป็นหลุมลึกหน้าศาลากลาง   รถจักรยานยนต์ล้มบ่อย ",
        )
    assert _count(store, complaints) == 1
    # another client, another service, far away or later: new complaints
    submit(store, now=T0 + 300, client="key:9")
    submit(store, now=T0 + 300, service_code="sidewalk")
    submit(store, now=T0 + 300, lat=13.62, lon=100.72)
    submit(store, now=T0 + DUPLICATE_WINDOW_S + 1)
    assert _count(store, complaints) == 5


def test_idempotency_key_reuse_is_refused(store: Store) -> None:
    first = submit(store, idempotency_key="abc-1", client="key:1")
    with pytest.raises(
        Conflict, match=f"'abc-1' was already used for service request {first['id']}"
    ):
        submit(store, idempotency_key="abc-1", client="key:1", now=T0 + 3600)
    with pytest.raises(Conflict, match="with a different complaint"):
        submit(
            store,
            idempotency_key="abc-1",
            client="key:1",
            description="ไฟดับทั้งซอย",
            service_code="lighting",
            now=T0 + 7200,
        )
    submit(store, idempotency_key="abc-1", client="key:2", now=T0 + 3600)  # other client
    assert _count(store, complaints) == 2
