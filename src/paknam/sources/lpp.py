"""Cayenne LPP (Low Power Payload): a pure decoder and encoder, no I/O.

A payload is a sequence of ``channel (1 byte) | type (1 byte) | data (n bytes)``; numbers
are big-endian. The type is the IPSO Smart Object id minus 3200 (temperature 3303 →
103 = ``0x67``). Resolutions of the standard types (myDevices' Cayenne LPP 1.0):

=====  =================  =====  ======================  ====================
type   name               bytes  per unit                 signed
=====  =================  =====  ======================  ====================
0x00   digital_input      1      1                        no
0x01   digital_output     1      1                        no
0x02   analog_input       2      0.01                     yes
0x03   analog_output      2      0.01                     yes
0x65   illuminance        2      1 lux                    no
0x66   presence           1      1                        no
0x67   temperature        2      0.1 °C                   yes
0x68   humidity           1      0.5 %                    no
0x71   accelerometer      6      0.001 g per axis x,y,z   yes
0x73   barometer          2      0.1 hPa                  no
0x86   gyrometer          6      0.01 °/s per axis x,y,z  yes
0x88   gps                9      lat, lon 0.0001°;        yes
                                 alt 0.01 m (3 bytes each)
=====  =================  =====  ======================  ====================

Also decoded, from the widely used extended table (ElectronicCats CayenneLPP, the one
The Things Stack and ChirpStack's codec templates follow): generic 0x64, voltage 0x74
(0.01 V), current 0x75 (0.001 A), frequency 0x76 (Hz), percentage 0x78, altitude 0x79
(m, signed), concentration 0x7D (ppm), power 0x80 (W), distance 0x82 (0.001 m: ultrasonic
water-level sensors), energy 0x83 (0.001 kWh), direction 0x84 (deg), unix time 0x85 (s),
switch 0x8E.

Each decoded value has a *key* used in station mappings: ``"<channel>/<type name>"``
(``"3/temperature"``), and for several values ``"<channel>/<type name>/<axis>"``
(``"6/accelerometer/x"``, ``"1/gps/lat"``).

Example
-------
>>> [v.value for v in decode(bytes.fromhex("03670110056700FF"))]
[27.2, 25.5]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class LppError(ValueError):
    """A payload that is not valid Cayenne LPP; ``offset`` is the byte where it breaks."""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(f"Cayenne LPP, byte {offset}: {message}")
        self.offset = offset


@dataclass(frozen=True, slots=True)
class LppType:
    """One LPP data type.

    type_id : the LPP type byte.
    name : its name in keys (``temperature``).
    widths : bytes of each field (one entry per value: ``(2,)``; GPS ``(3, 3, 3)``).
    divisors : raw integer ÷ divisor = value in ``unit`` (one per field).
    signed : whether the raw integers are two's complement.
    unit : unit of the decoded value(s).
    axes : names of the fields when there are several (``("x", "y", "z")``).
    """

    type_id: int
    name: str
    widths: tuple[int, ...]
    divisors: tuple[int, ...]
    signed: bool
    unit: str
    axes: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """Data bytes after the channel and type bytes."""
        return sum(self.widths)


def _t(
    type_id: int, name: str, width: int, divisor: int, signed: bool, unit: str, n: int = 1
) -> LppType:
    axes = ("x", "y", "z") if n == 3 else ()
    return LppType(type_id, name, (width,) * n, (divisor,) * n, signed, unit, axes)


TYPES: tuple[LppType, ...] = (
    _t(0x00, "digital_input", 1, 1, False, ""),
    _t(0x01, "digital_output", 1, 1, False, ""),
    _t(0x02, "analog_input", 2, 100, True, ""),
    _t(0x03, "analog_output", 2, 100, True, ""),
    _t(0x64, "generic", 4, 1, False, ""),
    _t(0x65, "illuminance", 2, 1, False, "lx"),
    _t(0x66, "presence", 1, 1, False, ""),
    _t(0x67, "temperature", 2, 10, True, "°C"),
    _t(0x68, "humidity", 1, 2, False, "%"),
    _t(0x71, "accelerometer", 2, 1000, True, "g", n=3),
    _t(0x73, "barometer", 2, 10, False, "hPa"),
    _t(0x74, "voltage", 2, 100, False, "V"),
    _t(0x75, "current", 2, 1000, False, "A"),
    _t(0x76, "frequency", 4, 1, False, "Hz"),
    _t(0x78, "percentage", 1, 1, False, "%"),
    _t(0x79, "altitude", 2, 1, True, "m"),
    _t(0x7D, "concentration", 2, 1, False, "ppm"),
    _t(0x80, "power", 2, 1, False, "W"),
    _t(0x82, "distance", 4, 1000, False, "m"),
    _t(0x83, "energy", 4, 1000, False, "kWh"),
    _t(0x84, "direction", 2, 1, False, "deg"),
    _t(0x85, "unixtime", 4, 1, False, "s"),
    _t(0x86, "gyrometer", 2, 100, True, "°/s", n=3),
    LppType(0x88, "gps", (3, 3, 3), (10000, 10000, 100), True, "deg", ("lat", "lon", "alt")),
    _t(0x8E, "switch", 1, 1, False, ""),
)
TYPE_BY_ID: dict[int, LppType] = {t.type_id: t for t in TYPES}
TYPE_BY_NAME: dict[str, LppType] = {t.name: t for t in TYPES}


@dataclass(frozen=True, slots=True)
class LppValue:
    """One decoded channel: ``values`` has one number, or one per axis (``type.axes``)."""

    channel: int
    type: LppType
    values: tuple[float, ...]

    @property
    def value(self) -> float | tuple[float, ...]:
        """The number, or the tuple for multi-field types."""
        return self.values[0] if len(self.values) == 1 else self.values

    def pairs(self) -> list[tuple[str, float]]:
        """``(key, value)`` pairs for mappings: ``("3/temperature", 27.2)``."""
        base = f"{self.channel}/{self.type.name}"
        if not self.type.axes:
            return [(base, self.values[0])]
        return [(f"{base}/{a}", v) for a, v in zip(self.type.axes, self.values, strict=True)]


def _decimals(divisor: int) -> int:
    d = 0
    while divisor > 1 and divisor % 10 == 0:
        divisor //= 10
        d += 1
    return d + (1 if divisor > 1 else 0)


def decode(payload: bytes) -> list[LppValue]:
    """Decode a Cayenne LPP payload into its values, in payload order.

    Raises
    ------
    LppError
        An unknown type, or a value cut short; the message names the byte offset, the
        channel and the type.
    """
    out: list[LppValue] = []
    i, n = 0, len(payload)
    while i < n:
        if n - i < 2:
            raise LppError(f"channel {payload[i]} has no type byte (payload ends)", offset=i)
        channel, type_id = payload[i], payload[i + 1]
        t = TYPE_BY_ID.get(type_id)
        if t is None:
            raise LppError(f"unknown type 0x{type_id:02X} on channel {channel}", offset=i + 1)
        start = i + 2
        if n - start < t.size:
            raise LppError(
                f"{t.name} on channel {channel} needs {t.size} data byte(s), {n - start} left",
                offset=start,
            )
        values = []
        pos = start
        for width, divisor in zip(t.widths, t.divisors, strict=True):
            raw = int.from_bytes(payload[pos : pos + width], "big", signed=t.signed)
            values.append(round(raw / divisor, _decimals(divisor)) if divisor != 1 else raw)
            pos += width
        out.append(LppValue(channel, t, tuple(float(v) for v in values)))
        i = pos
    return out


def encode(values: Iterable[LppValue | tuple[int, str, float | tuple[float, ...]]]) -> bytes:
    """Encode values (``LppValue`` or ``(channel, type name, value)``) as Cayenne LPP.

    Values are rounded to the type's resolution. ``ValueError`` names a channel outside
    0..255, an unknown type, or a value the type's bytes cannot hold.
    """
    out = bytearray()
    for item in values:
        if isinstance(item, LppValue):
            channel, t, nums = item.channel, item.type, item.values
        else:
            channel, name, value = item
            if name not in TYPE_BY_NAME:
                raise ValueError(f"unknown Cayenne LPP type {name!r}")
            t = TYPE_BY_NAME[name]
            nums = value if isinstance(value, tuple) else (value,)
        if not 0 <= channel <= 255:
            raise ValueError(f"LPP channel {channel} is outside 0..255")
        if len(nums) != len(t.widths):
            raise ValueError(f"{t.name} takes {len(t.widths)} value(s), got {len(nums)}")
        out += bytes((channel, t.type_id))
        for num, width, divisor in zip(nums, t.widths, t.divisors, strict=True):
            raw = round(num * divisor)
            try:
                out += raw.to_bytes(width, "big", signed=t.signed)
            except OverflowError:
                raise ValueError(
                    f"{t.name} value {num} on channel {channel} does not fit in {width} byte(s)"
                ) from None
    return bytes(out)
