"""Schemas of the catalogue (pydantic): ``PlaceCreate`` comes in, a GeoJSON Feature goes out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from paknam.core.http.jsonbody import JsonObject
from paknam.core.text import PlainText

PLACE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class Contact(BaseModel):
    """How to reach the place or producer (all optional)."""

    model_config = ConfigDict(extra="forbid")
    phone: PlainText | None = Field(default=None, max_length=40)
    email: PlainText | None = Field(default=None, max_length=200)
    website: HttpUrl | None = None
    line: PlainText | None = Field(default=None, max_length=100, description="LINE id")
    facebook: HttpUrl | None = None
    address_th: PlainText | None = Field(default=None, max_length=500)
    address_en: PlainText | None = Field(default=None, max_length=500)


class PlaceCreate(BaseModel):
    """An attraction or community product for the catalogue."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=PLACE_ID_PATTERN, description="Stable id, e.g. ancient-city")
    kind: str = Field(description="attraction | product")
    category: str = Field(description="See GET /api/v1/economy/categories")
    name_th: PlainText = Field(min_length=1, max_length=300)
    name_en: PlainText = Field(min_length=1, max_length=300)
    description_th: PlainText = Field(default="", max_length=5000)
    description_en: PlainText = Field(default="", max_length=5000)
    lon: float = Field(ge=-180, le=180, description="Longitude [deg E, WGS 84]")
    lat: float = Field(ge=-90, le=90, description="Latitude [deg N, WGS 84]")
    opening_hours: JsonObject | None = Field(
        default=None, description='Per weekday, e.g. {"sat": [["08:00", "14:00"]]}'
    )
    contact: Contact = Field(default_factory=Contact)
    photo_urls: list[HttpUrl] = Field(default_factory=list, max_length=20)
    details: JsonObject = Field(
        default_factory=dict, description="e.g. otop_stars (1–5), price_thb, producer_th/_en"
    )
    sample: bool = Field(default=False, description="True for illustrative sample content")


class PlaceUpdate(BaseModel):
    """Fields an officer may change (all optional)."""

    model_config = ConfigDict(extra="forbid")
    category: str | None = None
    name_th: PlainText | None = Field(default=None, min_length=1, max_length=300)
    name_en: PlainText | None = Field(default=None, min_length=1, max_length=300)
    description_th: PlainText | None = Field(default=None, max_length=5000)
    description_en: PlainText | None = Field(default=None, max_length=5000)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    opening_hours: JsonObject | None = None
    contact: Contact | None = None
    photo_urls: list[HttpUrl] | None = Field(default=None, max_length=20)
    details: JsonObject | None = None
    sample: bool | None = None
