"""Schemas of the core objects (pydantic): ``XCreate`` comes in, ``XPublic`` goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

STATION_KINDS: dict[str, tuple[str, str]] = {
    "air": ("สถานีตรวจวัดคุณภาพอากาศ", "Air quality station"),
    "water_quality": ("จุดตรวจวัดคุณภาพน้ำ", "Water quality point"),
    "water_level": ("สถานีวัดระดับน้ำ", "Water level gauge"),
    "weather": ("สถานีตรวจอากาศ", "Weather station"),
    "energy": ("ระบบพลังงาน", "Energy site / meter"),
    "other": ("อื่น ๆ", "Other"),
}
"""Kinds of station with Thai and English labels."""

STATION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class SeriesSpec(BaseModel):
    """A quantity a station measures, with the vertical datum where one is needed."""

    model_config = ConfigDict(extra="forbid")
    quantity: str = Field(min_length=1, max_length=40)
    datum: str | None = Field(default=None, max_length=100)


class StationCreate(BaseModel):
    """A station to register."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=STATION_ID_PATTERN, description="Stable id, e.g. 18t")
    name_th: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    kind: str = Field(default="other", description="One of " + ", ".join(STATION_KINDS))
    lon: float = Field(ge=-180, le=180, description="Longitude [deg E, WGS 84]")
    lat: float = Field(ge=-90, le=90, description="Latitude [deg N, WGS 84]")
    district_code: str | None = Field(
        default=None, description="Amphoe code (e.g. 1101); inferred from lon/lat if omitted"
    )
    meta: dict[str, Any] = Field(default_factory=dict, description="Free metadata")
    quantities: list[SeriesSpec] = Field(default_factory=list)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in STATION_KINDS:
            raise ValueError(f"unknown station kind {v!r}; known: {', '.join(STATION_KINDS)}")
        return v

    @field_validator("quantities", mode="before")
    @classmethod
    def _plain_codes(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"quantity": x} if isinstance(x, str) else x for x in v]
        return v


class StationUpdate(BaseModel):
    """Fields of a station an officer may change (all optional)."""

    model_config = ConfigDict(extra="forbid")
    name_th: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, min_length=1, max_length=300)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    district_code: str | None = None
    meta: dict[str, Any] | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> StationUpdate:
        nullable = {"district_code"}
        nulls = sorted(
            f for f in self.model_fields_set if f not in nullable and getattr(self, f) is None
        )
        if nulls:
            raise ValueError(f"field(s) {', '.join(nulls)} may not be null")
        return self


class SeriesPublic(BaseModel):
    quantity: str
    unit: str
    datum: str | None = None


class StationPublic(BaseModel):
    """A station as the API shows it."""

    id: str
    name_th: str
    name_en: str
    kind: str
    lon: float
    lat: float
    district_code: str | None
    meta: dict[str, Any]
    active: bool
    created_at: datetime
    series: list[SeriesPublic]


class DistrictPublic(BaseModel):
    code: str
    name_th: str
    name_en: str
    province_code: str


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=r"^[A-Za-z0-9_.@-]{3,100}$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["admin", "officer", "viewer"] = "viewer"
    display_name: str = Field(default="", max_length=200)


class UserPublic(BaseModel):
    id: int
    username: str
    role: str
    display_name: str
    active: bool


class DeviceKeyCreated(BaseModel):
    """A new device key. ``key`` is shown this once and never stored in clear."""

    id: int
    key: str
    prefix: str
    stations: list[str]
    label: str
