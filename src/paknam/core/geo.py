"""Geometry helpers shared by every domain (pure): distances, boxes, the province box."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000.0
PROVINCE_BBOX = (100.40, 13.40, 101.00, 13.80)
"""Samut Prakan and its immediate surroundings [lon min, lat min, lon max, lat max]."""


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance [m] (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def bbox_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(lon min, lat min, lon max, lat max) of a box holding the circle (radius [m])."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat
