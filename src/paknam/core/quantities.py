"""The quantity registry: what can be measured, in which canonical unit, within which range.

Tables are data: :data:`QUANTITIES` is the registry every station, ingest path and export
uses. Each entry has a canonical unit (observations are stored in it and nothing else) and
a physically valid range; a value outside it is rejected at ingest, never clipped.

Ranges are *physical plausibility* limits, not alarm thresholds: they catch unit mix-ups
(a PM2.5 sent in mg/m³, a temperature in K) and broken sensors. Sources for the limits:
the instruments' usual measuring ranges and the extremes recorded in Thailand (air
temperature −1.4 °C .. 44.6 °C, TMD), with a margin.

Water level needs a *datum* (the zero the level is measured from: MSL, LAT, a staff gauge
zero ...): a station that measures it must name its datum when the series is registered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from paknam.core.errors import NotFound


@dataclass(frozen=True, slots=True)
class Quantity:
    """One measurable quantity.

    Attributes
    ----------
    code : str
        Stable identifier used in APIs, topics and files (``pm25``).
    name_th, name_en : str
        Names for people, Thai and English.
    unit : str
        Canonical unit (UCUM-like text, as shown to people).
    minimum, maximum : float or None
        Inclusive physically valid range; ``None`` means unbounded on that side.
    domain : str
        The city domain that owns it (environment, living, energy ...).
    needs_datum : bool
        True when a series of it must name its vertical datum.
    fresh_s : int
        Validity window [s]: an observation older than this no longer describes the
        present (the map and the API mark the series stale; see :func:`fresh_s_of`).
    """

    code: str
    name_th: str
    name_en: str
    unit: str
    minimum: float | None
    maximum: float | None
    domain: str
    needs_datum: bool = False

    @property
    def fresh_s(self) -> int:
        return fresh_s_of(self.code)

    def check(self, value: float) -> str | None:
        """Why ``value`` is not valid for this quantity, or ``None`` when it is."""
        if math.isnan(value):
            return f"{self.code} value is NaN"
        if math.isinf(value):
            return f"{self.code} value is infinite"
        if self.minimum is not None and value < self.minimum:
            return f"{self.code} value {value:g} {self.unit} is below {self.minimum:g} {self.unit}"
        if self.maximum is not None and value > self.maximum:
            return f"{self.code} value {value:g} {self.unit} is above {self.maximum:g} {self.unit}"
        return None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "unit": self.unit,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "domain": self.domain,
            "needs_datum": self.needs_datum,
        }


_Q = Quantity
QUANTITIES: tuple[Quantity, ...] = (
    # --- air (units as published by PCD air4thai) ---
    _Q("pm25", "ฝุ่น PM2.5 (1 ชม.)", "PM2.5 (1 h)", "µg/m³", 0, 1000, "environment"),
    _Q("pm25_24h", "ฝุ่น PM2.5 เฉลี่ย 24 ชม.", "PM2.5 24 h mean", "µg/m³", 0, 1000, "environment"),
    _Q("pm10", "ฝุ่น PM10 (1 ชม.)", "PM10 (1 h)", "µg/m³", 0, 2000, "environment"),
    _Q("pm10_24h", "ฝุ่น PM10 เฉลี่ย 24 ชม.", "PM10 24 h mean", "µg/m³", 0, 2000, "environment"),
    _Q("o3", "โอโซน (1 ชม.)", "Ozone (1 h)", "ppb", 0, 1000, "environment"),
    _Q("o3_8h", "โอโซน เฉลี่ย 8 ชม.", "Ozone 8 h mean", "ppb", 0, 1000, "environment"),
    _Q("co", "คาร์บอนมอนอกไซด์ (1 ชม.)", "Carbon monoxide (1 h)", "ppm", 0, 100, "environment"),
    _Q("co_8h", "คาร์บอนมอนอกไซด์ เฉลี่ย 8 ชม.", "CO 8 h mean", "ppm", 0, 100, "environment"),
    _Q("no2", "ไนโตรเจนไดออกไซด์", "Nitrogen dioxide (1 h)", "ppb", 0, 2000, "environment"),
    _Q("so2", "ซัลเฟอร์ไดออกไซด์", "Sulphur dioxide (1 h)", "ppb", 0, 2000, "environment"),
    # --- weather ---
    _Q("air_temperature", "อุณหภูมิอากาศ", "Air temperature", "°C", -10, 60, "environment"),
    _Q("relative_humidity", "ความชื้นสัมพัทธ์", "Relative humidity", "%", 0, 100, "environment"),
    _Q("wind_speed", "ความเร็วลม", "Wind speed", "m/s", 0, 75, "environment"),
    _Q("wind_direction", "ทิศทางลม", "Wind direction (from)", "deg", 0, 360, "environment"),
    _Q("air_pressure", "ความกดอากาศ", "Air pressure", "hPa", 850, 1100, "environment"),
    _Q("rainfall", "ปริมาณฝน", "Rainfall", "mm", 0, 500, "environment"),
    # rain of the 24 h ending at the observation time (ThaiWater rain_24h); Thailand's
    # wettest days are below 1,000 mm
    _Q("rainfall_24h", "ปริมาณฝนสะสม 24 ชม.", "Rainfall, last 24 h", "mm", 0, 1500, "environment"),
    _Q("ghi", "ความเข้มรังสีอาทิตย์แนวราบ", "Global horizontal irradiance", "W/m²", 0, 1600, "energy"),
    _Q("poa_irradiance", "ความเข้มรังสีบนแผง", "Plane-of-array irradiance", "W/m²", 0, 1600, "energy"),
    # --- water quality (surface water, grab samples or sondes) ---
    _Q("water_temperature", "อุณหภูมิน้ำ", "Water temperature", "°C", -10, 60, "environment"),
    _Q("ph", "ความเป็นกรด-ด่าง", "pH", "pH", 0, 14, "environment"),
    _Q("do", "ออกซิเจนละลายน้ำ", "Dissolved oxygen", "mg/L", 0, 25, "environment"),
    _Q("bod", "บีโอดี", "Biochemical oxygen demand (BOD5)", "mg/L", 0, 1000, "environment"),
    _Q("cod", "ซีโอดี", "Chemical oxygen demand", "mg/L", 0, 10000, "environment"),
    _Q("nh3n", "แอมโมเนีย-ไนโตรเจน", "Ammonia nitrogen (NH3-N)", "mg/L", 0, 1000, "environment"),
    _Q("no3n", "ไนเตรต-ไนโตรเจน", "Nitrate nitrogen (NO3-N)", "mg/L", 0, 1000, "environment"),
    _Q("total_phosphorus", "ฟอสฟอรัสทั้งหมด", "Total phosphorus", "mg/L", 0, 1000, "environment"),
    _Q(
        "tcb", "โคลิฟอร์มแบคทีเรียทั้งหมด", "Total coliform bacteria", "MPN/100 mL", 0, 1e9, "environment"
    ),
    _Q(
        "fcb", "ฟีคอลโคลิฟอร์มแบคทีเรีย", "Faecal coliform bacteria", "MPN/100 mL", 0, 1e9, "environment"
    ),
    _Q("suspended_solids", "ของแข็งแขวนลอย", "Suspended solids", "mg/L", 0, 100000, "environment"),
    _Q("conductivity", "การนำไฟฟ้า", "Electrical conductivity", "µS/cm", 0, 100000, "environment"),
    _Q("salinity", "ความเค็ม", "Salinity", "psu", 0, 50, "environment"),
    _Q("turbidity", "ความขุ่น", "Turbidity", "NTU", 0, 4000, "environment"),
    # --- water level (tides, canals) ---
    _Q("water_level", "ระดับน้ำ", "Water level", "m", -20, 20, "living", needs_datum=True),
    # --- energy ---
    _Q("pv_power", "กำลังผลิตไฟฟ้าแสงอาทิตย์", "PV AC power", "kW", 0, 100000, "energy"),
    _Q("load_power", "กำลังไฟฟ้าที่ใช้", "Load power", "kW", 0, 100000, "energy"),
    _Q(
        "grid_power",
        "กำลังไฟฟ้าจากโครงข่าย (+ซื้อ/−ขาย)",
        "Grid power (+import/−export)",
        "kW",
        -100000,
        100000,
        "energy",
    ),
    _Q(
        "battery_power",
        "กำลังแบตเตอรี่ (+คายประจุ/−ประจุ)",
        "Battery power (+discharge/−charge)",
        "kW",
        -100000,
        100000,
        "energy",
    ),
    _Q("battery_soc", "ระดับประจุแบตเตอรี่", "Battery state of charge", "%", 0, 100, "energy"),
    _Q("pv_energy", "พลังงานไฟฟ้าแสงอาทิตย์", "PV energy (interval)", "kWh", 0, 1e7, "energy"),
    _Q("load_energy", "พลังงานไฟฟ้าที่ใช้", "Load energy (interval)", "kWh", 0, 1e7, "energy"),
    _Q(
        "grid_import_energy",
        "พลังงานซื้อจากโครงข่าย",
        "Grid import energy (interval)",
        "kWh",
        0,
        1e7,
        "energy",
    ),
    _Q(
        "grid_export_energy",
        "พลังงานขายเข้าโครงข่าย",
        "Grid export energy (interval)",
        "kWh",
        0,
        1e7,
        "energy",
    ),
)

QUANTITY_BY_CODE: dict[str, Quantity] = {q.code: q for q in QUANTITIES}

TELEMETRY_FRESH_S = 3 * 3600
"""Validity of an observation from a station that reports every hour or faster [s]."""
SAMPLE_FRESH_S = 2 * 86400
"""Validity of a water sample analysed in a laboratory (BOD, coliforms, nutrients) [s]."""
SAMPLED = frozenset(
    ("bod", "cod", "nh3n", "no3n", "total_phosphorus", "tcb", "fcb", "suspended_solids")
)
"""Quantities measured from grab samples rather than by a sensor every hour."""


def fresh_s_of(code: str) -> int:
    """Validity window [s] of quantity ``code``: 2 days for laboratory samples, 3 h for
    everything stations report hourly or faster."""
    return SAMPLE_FRESH_S if code in SAMPLED else TELEMETRY_FRESH_S


"""The registry by code (read-only by convention)."""


def get_quantity(code: str) -> Quantity:
    """The registered quantity ``code``; :class:`NotFound` names the valid codes."""
    try:
        return QUANTITY_BY_CODE[code]
    except KeyError:
        raise NotFound(
            f"unknown quantity {code!r}; known quantities: {', '.join(sorted(QUANTITY_BY_CODE))}"
        ) from None


def quantity_codes() -> list[str]:
    """All registered codes, sorted."""
    return sorted(QUANTITY_BY_CODE)
