"""Finding 8: uploaded photos are decoded and re-encoded (no EXIF/GPS, no appended bytes),
limited in size and pixels, and served with their type, ``nosniff`` and ``inline``."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags, Image

from paknam.core import media
from paknam.core.store import Store
from paknam.economy.demo import load_demo_economy
from tests.api.complaints_app import complaints_app, new_api_key
from tests.api.conftest import login
from tests.complaints.helpers import CITY_HALL

SCRIPT = b"<script>alert(document.cookie)</script>"
GPS_LAT = (13.0, 35.0, 58.7)


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhone"
    exif[ExifTags.Base.Artist] = "Somchai Jaidee"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LAT
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (100.0, 35.0, 49.1)
    return exif


def image_bytes(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 30)) -> bytes:
    """A real image by Pillow with EXIF GPS, camera and owner, and a script appended."""
    out = io.BytesIO()
    color: Any = (30, 160, 90, 128) if mode == "RGBA" else (30, 160, 90)
    Image.new(mode, size, color).save(out, format=fmt, exif=exif_with_gps())
    data = out.getvalue() + SCRIPT
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it is there
    return data


def assert_clean(data: bytes, content_type: str, size: tuple[int, int] = (40, 30)) -> None:
    assert SCRIPT not in data and b"<script" not in data
    assert b"SecretPhone" not in data and b"Somchai" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    assert image.size == size
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in image.info and "xmp" not in image.info
    image.load()  # decodes whole: nothing truncated


@pytest.mark.parametrize(
    ("fmt", "mode", "stored"),
    [
        ("JPEG", "RGB", "image/jpeg"),
        ("PNG", "RGB", "image/png"),
        ("PNG", "RGBA", "image/png"),
        ("WEBP", "RGB", "image/jpeg"),
        ("WEBP", "RGBA", "image/png"),
    ],
)
def test_clean_photo_strips_metadata_and_trailing_bytes(fmt: str, mode: str, stored: str) -> None:
    photo = media.clean_photo(image_bytes(fmt, mode))
    assert photo.content_type == stored
    assert_clean(photo, stored)
    assert media.clean_photo(photo) is photo  # a cleaned photo is not re-encoded again


def test_clean_photo_turns_the_image_upright_and_scales_it_down() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° on display
    out = io.BytesIO()
    Image.new("RGB", (media.MAX_STORED_SIDE + 400, 100)).save(out, format="JPEG", exif=exif)
    image = Image.open(io.BytesIO(media.clean_photo(out.getvalue())))
    assert image.height == media.MAX_STORED_SIDE and image.width < 100  # upright, scaled down


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024 * 64)  # far too few pixels: never decoded anyway
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def cclient(sqlite_store: Store) -> Iterator[TestClient]:
    with TestClient(complaints_app(sqlite_store)) as c:
        yield c


def _complaint(client: TestClient, photo: bytes, name: str = "a.jpg") -> Any:
    return client.post(
        "/api/v1/complaints",
        data={
            "service_code": "cleanliness",
            "description": "ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็น",
            "lat": str(CITY_HALL[0]),
            "lon": str(CITY_HALL[1]),
        },
        files={"photo": (name, photo, "image/jpeg")},
    )


def assert_served(client: TestClient, url: str, content_type: str) -> None:
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"] == content_type
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"] == "inline"
    assert_clean(r.content, content_type)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_complaint_photo_is_stored_clean_and_served_safely(cclient: TestClient, fmt: str) -> None:
    r = _complaint(cclient, image_bytes(fmt))
    assert r.status_code == 201, r.text
    url = r.json()["complaint"]["photos"][0]["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url
    assert_served(cclient, path, "image/png" if fmt == "PNG" else "image/jpeg")


def test_open311_media_is_stored_clean(cclient: TestClient, sqlite_store: Store) -> None:
    r = cclient.post(
        "/open311/v2/requests.json",
        data={
            "api_key": new_api_key(sqlite_store),
            "service_code": "lighting",
            "lat": str(CITY_HALL[0]),
            "long": str(CITY_HALL[1]),
            "description": "ไฟถนนดับทั้งซอย มืดมาก",
        },
        files={"media": ("p.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    rid = r.json()[0]["service_request_id"]
    media = cclient.get(f"/open311/v2/requests/{rid}.json").json()[0]["media_url"]
    assert_served(cclient, "/" + media.split("://", 1)[1].split("/", 1)[1], "image/jpeg")


def test_pollution_report_photo_is_stored_clean(cclient: TestClient) -> None:
    r = cclient.post(
        "/api/v1/environment/reports",
        data={
            "topic": "smoke",
            "description": "ควันดำจากโรงงาน",
            "lon": str(CITY_HALL[1]),
            "lat": str(CITY_HALL[0]),
            "observed_at": "2026-01-01T07:00:00+07:00",
        },
        files={"photo": ("a.webp", image_bytes("WEBP"), "image/webp")},
    )
    assert r.status_code == 201, r.text
    assert_served(cclient, r.json()["photo_url"], "image/jpeg")


def test_officer_photos_are_stored_clean(cclient: TestClient, sqlite_store: Store) -> None:
    officer = login(cclient, sqlite_store, "officer")
    cid = _complaint(cclient, image_bytes("JPEG")).json()["id"]
    r = cclient.post(
        f"/api/v1/complaints/{cid}/photos",
        data={"stage": "after"},
        files={"photo": ("after.png", image_bytes("PNG", "RGBA"), "image/png")},
        headers=officer,
    )
    assert r.status_code == 201, r.text
    assert_served(cclient, r.json()["url"], "image/png")
    load_demo_economy(sqlite_store)
    r = cclient.post(
        "/api/v1/economy/places/erawan-museum/photos",
        files={"photo": ("wat.jpg", image_bytes("JPEG"), "image/jpeg")},
        headers=officer,
    )
    assert r.status_code == 201, r.text
    assert_served(cclient, r.json()["url"], "image/jpeg")


@pytest.mark.parametrize(
    ("photo", "words"),
    [
        (_png_header_only(20_000, 20_000), "pixels"),  # 400 MP: refused before decoding
        (_png_header_only(40_000_000 // 1000 + 1, 1000), "pixels"),  # the limit + 1000
        (image_bytes("JPEG")[:200], "cannot be decoded"),  # truncated
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "cannot be decoded"),  # a JPEG by its magic only
        (b"\x89PNG\r\n\x1a\n" + SCRIPT, "cannot be decoded"),
        (b"GIF89a" + b"\x00" * 64, "not a JPEG, PNG or WebP"),
        (b"<svg onload=alert(1)/>", "not a JPEG, PNG or WebP"),
    ],
    ids=["bomb", "over-limit", "truncated", "magic-only", "png-script", "gif", "svg"],
)
def test_bad_photos_are_refused_with_a_json_error(
    cclient: TestClient, photo: bytes, words: str
) -> None:
    r = _complaint(cclient, photo)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_input" and words in error["message"]
    assert error["fields"][0]["field"] == "photo"
