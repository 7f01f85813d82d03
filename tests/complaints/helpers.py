"""Shared helpers of the complaints tests: places in each district, tiny images."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from paknam.complaints import service
from paknam.complaints.intake import ComplaintIn
from paknam.core.store import Store

CITY_HALL = (13.5996, 100.5969)  # (lat, lon), Mueang Samut Prakan 1101
PLACES = {
    "1101": (13.5996, 100.5969),
    "1102": (13.55, 100.80),
    "1103": (13.62, 100.72),
    "1104": (13.65, 100.55),
    "1105": (13.55, 100.55),
    "1106": (13.70, 100.82),
}
BANGKOK_VICTORY_MONUMENT = (13.7649, 100.5383)
IN_BBOX_NO_DISTRICT = (13.50, 100.50)  # in the province's box, in the Gulf: no district


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
T0 = 1_767_225_600  # 2026-01-01T07:00:00+07:00


def complaint(**kw: Any) -> ComplaintIn:
    fields: dict[str, Any] = {
        "service_code": "road",
        "description": "ถนนเป็นหลุมลึกหน้าศาลากลาง รถจักรยานยนต์ล้มบ่อย",
        "lat": CITY_HALL[0],
        "lon": CITY_HALL[1],
    }
    fields.update(kw)
    return ComplaintIn(**fields)


def submit(store: Store, now: int = T0, **kw: Any) -> dict[str, Any]:
    return service.submit(store, complaint(**kw), now=now)
