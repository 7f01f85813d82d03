"""Rijkswaterstaat DIA water-level files (DONAR exports), parsed (pure: text in, arrays out).

Blocks ``[W3H]`` ... ``[WRD]``; ``EHD`` gives the unit (cm), ``HDH`` the datum (NAP),
``LOC`` the position (RD in cm, or W84/E50 in micro-degrees), ``TYD`` start, end and step;
values are ``value/quality:``, quality 99 a gap (as read by Deltares ``hatyan``). Times
are MET = UTC+1 all year. Only equidistant water-level blocks (``WATHTE``) of one station
are read; lists of high and low waters are refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from paknam.living.errors import ReadError
from paknam.living.readers.formats import UNIT_FACTORS, Parsed

__all__ = ["DIA_TIME_ZONE", "parse_dia", "rd_to_wgs84"]

DIA_MISSING_QUALITY = 99
DIA_TIME_ZONE = timezone(timedelta(hours=1), "MET")
"""DIA times are MET (UTC+1) all year, without summer time."""

_RD = {
    "lat": (
        (0, 1, 3235.65389),
        (2, 0, -32.58297),
        (0, 2, -0.24750),
        (2, 1, -0.84978),
        (0, 3, -0.06550),
        (2, 2, -0.01709),
        (1, 0, -0.00738),
        (4, 0, 0.00530),
        (2, 3, -0.00039),
        (4, 1, 0.00033),
        (1, 1, -0.00012),
    ),
    "lon": (
        (1, 0, 5260.52916),
        (1, 1, 105.94684),
        (1, 2, 2.45656),
        (3, 0, -0.81885),
        (1, 3, 0.05594),
        (3, 1, -0.05607),
        (0, 1, 0.01199),
        (3, 2, -0.00256),
        (1, 4, 0.00128),
        (0, 2, 0.00022),
        (2, 0, -0.00022),
        (5, 0, 0.00026),
    ),
}
"""Coefficients [arc seconds] of the approximate RD (EPSG:28992) to WGS84 transformation of
Schreutelkamp and Strang van Hees (2001), about 1 m accurate in the Netherlands."""


def rd_to_wgs84(x_m: float, y_m: float) -> tuple[float, float]:
    """Latitude and longitude [deg] of Dutch RD coordinates [m] (approximate, ~1 m)."""
    dx, dy = (x_m - 155_000.0) * 1e-5, (y_m - 463_000.0) * 1e-5
    lat = 52.15517440 + sum(k * dx**p * dy**q for p, q, k in _RD["lat"]) / 3600.0
    lon = 5.38720621 + sum(k * dx**p * dy**q for p, q, k in _RD["lon"]) / 3600.0
    return lat, lon


def _dia_blocks(text: str) -> list[tuple[dict[str, list[str]], list[str]]]:
    """(keys, data lines) per block; keys map a 3-letter code to its fields."""
    blocks: list[tuple[dict[str, list[str]], list[str]]] = []
    keys: dict[str, list[str]] = {}
    data: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("["):
            tag = line[1:4]
            if tag == "W3H" and (keys or data is not None):
                blocks.append((keys, data or []))
                keys, data = {}, None
            if tag == "WRD":
                data = []
            continue
        if data is not None:
            data.append(line)
        else:
            parts = line.split(";")
            keys.setdefault(parts[0], parts[1:])
    if keys or data is not None:
        blocks.append((keys, data or []))
    return blocks


def _dia_position(fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"station_id": fields[0] if fields else None}
    out["station"] = fields[1] if len(fields) > 1 else None
    if len(fields) >= 6:
        system, x, y = fields[3], fields[4], fields[5]
        try:
            if system == "RD":
                out["latitude"], out["longitude"] = rd_to_wgs84(int(x) / 100.0, int(y) / 100.0)
            elif system in ("W84", "E50"):
                out["longitude"], out["latitude"] = int(x) / 1e6, int(y) / 1e6
        except ValueError:
            pass
        out["coordinates"] = f"{system} {x} {y}"
    return out


def _dia_block(number: int, keys: dict[str, list[str]], data: list[str]) -> Parsed:
    quantity = (keys.get("PAR") or keys.get("GHD") or ["?"])[0]
    if quantity not in ("WATHTE", "WATHTBRKD"):
        raise ReadError(f"DIA block {number} holds {quantity!r}, not water level (WATHTE)")
    tyd = keys.get("TYD", [])
    if len(tyd) != 6 or tyd[5] != "min":
        raise ReadError(
            f"DIA block {number} is not an equidistant series (TYD {';'.join(tyd)}); paknam "
            "reads equidistant water levels, not lists of high and low waters"
        )
    try:
        start = np.datetime64(datetime.strptime(tyd[0] + tyd[1], "%Y%m%d%H%M"), "s")
        end = np.datetime64(datetime.strptime(tyd[2] + tyd[3], "%Y%m%d%H%M"), "s")
    except ValueError:
        raise ReadError(f"DIA block {number}: TYD {';'.join(tyd)} is not a start and end") from None
    step = np.timedelta64(int(tyd[4]), "m")
    tokens = [t for t in "".join(data).split(":") if t]
    count = int((end - start) // step) + 1
    if len(tokens) != count:
        raise ReadError(
            f"DIA block {number}: TYD announces {count} values from {tyd[0]} {tyd[1]} to "
            f"{tyd[2]} {tyd[3]} every {tyd[4]} min but the block has {len(tokens)}"
        )
    pairs = np.array([t.split("/") for t in tokens], dtype=np.int64)
    unit = (keys.get("EHD") or ["", "cm"])[1]
    if unit not in UNIT_FACTORS:
        raise ReadError(
            f"DIA block {number}: unit {unit!r} is not one of {', '.join(UNIT_FACTORS)}"
        )
    levels = pairs[:, 0] * UNIT_FACTORS[unit]
    missing = (pairs[:, 1] == DIA_MISSING_QUALITY) | (np.abs(pairs[:, 0]) >= 999_999)
    levels[missing] = np.nan
    local = start + np.arange(count) * step
    offset = DIA_TIME_ZONE.utcoffset(None)
    times = (local - np.timedelta64(int(offset.total_seconds()), "s")).astype("datetime64[s]")
    meta = {
        **_dia_position(keys.get("LOC", [])),
        "datum": keys["HDH"][0] if keys.get("HDH") else None,
        "source_unit": unit,
        "time_zone": "MET (UTC+1) in the file",
        "method": ";".join(keys.get("ANA", [])) or None,
        "quality_codes_nonzero": int(np.count_nonzero((pairs[:, 1] != 0) & ~missing)),
    }
    return Parsed(times, levels, meta, [])


def parse_dia(text: str) -> Parsed:
    """Rijkswaterstaat DIA: equidistant water-level blocks of one station, joined."""
    blocks = [_dia_block(i + 1, k, d) for i, (k, d) in enumerate(_dia_blocks(text))]
    if not blocks:
        raise ReadError("the DIA file has no [W3H] ... [WRD] block")
    stations = sorted({str(b.metadata.get("station_id")) for b in blocks})
    if len(stations) > 1:
        raise ReadError(f"the DIA file holds several stations ({', '.join(stations)}); split it")
    first = blocks[0]
    meta = dict(first.metadata)
    meta["quality_codes_nonzero"] = sum(b.metadata["quality_codes_nonzero"] for b in blocks)
    notes = []
    if meta["quality_codes_nonzero"]:
        notes.append(
            f"{meta['quality_codes_nonzero']} values carry a DIA quality code other than 0"
        )
    times = np.concatenate([b.times for b in blocks])
    levels = np.concatenate([b.levels_m for b in blocks])
    return Parsed(times, levels, meta, notes)
