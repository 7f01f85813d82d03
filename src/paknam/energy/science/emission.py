"""Thai grid emission factor (tables are data).

:data:`GRID_EMISSION_FACTORS` lists the factors of Thailand Greenhouse Gas Management
Organization (TGO, องค์การบริหารจัดการก๊าซเรือนกระจก (องค์การมหาชน)) for grid electricity
(location-based, Scope 2: fuel combustion plus transmission and distribution losses).

- 0.4750 kgCO2e/kWh — TGO board, announced November 2025, in force from 1 January 2026
  (reported by The Nation Thailand, 30 Nov 2025, "TGO sets new emission factors for
  electricity generation and transmission"; the Scope 3 upstream factor is 0.0812 and
  is not included here).

The factor TGO published before it (used for 2022–2025 carbon footprints) was not
verified while writing this and is deliberately not listed: until it is, every period
uses the 2026 factor and the answer says which factor and source it used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    kg_per_kwh: float
    valid_from: str  # ISO date
    source: str


GRID_EMISSION_FACTORS: tuple[EmissionFactor, ...] = (
    EmissionFactor(
        0.4750,
        "2026-01-01",
        "TGO grid electricity emission factor (Scope 2), announced Nov 2025, in force from "
        "1 Jan 2026; 0.4750 kgCO2e/kWh",
    ),
)
DEFAULT_FACTOR = GRID_EMISSION_FACTORS[-1]


def grid_factor() -> EmissionFactor:
    """The factor used for CO2 avoided (the newest published TGO factor)."""
    return DEFAULT_FACTOR
