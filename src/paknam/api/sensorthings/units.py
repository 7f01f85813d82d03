"""Units of measurement of the quantity registry, as SensorThings ``unitOfMeasurement``.

Tables are data: every unit the registry (:mod:`paknam.core.quantities`) uses has a name,
its UCUM code (The Unified Code for Units of Measure, ucum.org; units UCUM lacks are
written as UCUM annotations ``{...}``) and a definition URI in the QUDT unit vocabulary
(qudt.org/vocab/unit) where QUDT has the unit, else the UCUM code as a URI.
"""

from __future__ import annotations

from typing import Any

QUDT = "http://qudt.org/vocab/unit/"
UCUM = "https://ucum.org/ucum#"

UNITS: dict[str, tuple[str, str, str | None]] = {
    "µg/m³": ("microgram per cubic metre", "ug/m3", "MicroGM-PER-M3"),
    "ppb": ("part per billion", "[ppb]", "PPB"),
    "ppm": ("part per million", "[ppm]", "PPM"),
    "°C": ("degree Celsius", "Cel", "DEG_C"),
    "%": ("percent", "%", "PERCENT"),
    "m/s": ("metre per second", "m/s", "M-PER-SEC"),
    "deg": ("degree (angle)", "deg", "DEG"),
    "hPa": ("hectopascal", "hPa", "HectoPA"),
    "mm": ("millimetre", "mm", "MilliM"),
    "W/m²": ("watt per square metre", "W/m2", "W-PER-M2"),
    "pH": ("pH", "[pH]", "PH"),
    "mg/L": ("milligram per litre", "mg/L", "MilliGM-PER-L"),
    "MPN/100 mL": ("most probable number per 100 millilitres", "{MPN}/(100.mL)", None),
    "µS/cm": ("microsiemens per centimetre", "uS/cm", "MicroS-PER-CentiM"),
    "psu": ("practical salinity unit", "{psu}", None),
    "NTU": ("nephelometric turbidity unit", "{NTU}", "NTU"),
    "m": ("metre", "m", "M"),
    "kW": ("kilowatt", "kW", "KiloW"),
    "kWh": ("kilowatt hour", "kW.h", "KiloW-HR"),
}
"""Registry unit -> (name, UCUM code, QUDT unit name or None)."""


def unit_of_measurement(unit: str) -> dict[str, Any]:
    """``{name, symbol, definition}`` of a registry unit (an unknown one named by itself)."""
    name, ucum, qudt = UNITS.get(unit, (unit, unit, None))
    return {
        "name": name,
        "symbol": unit,
        "definition": QUDT + qudt if qudt else UCUM + ucum,
    }
