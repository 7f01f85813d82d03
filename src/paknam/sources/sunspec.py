"""Rooftop PV inverters and meters over SunSpec Modbus TCP.

SunSpec devices map their data into Modbus holding registers (big-endian 16-bit words):

- **discovery**: the marker ``"SunS"`` (``0x5375 0x6E53``) at register 40000, else 0, else
  50000; then model blocks follow, each ``ID, L`` and ``L`` registers, until ``ID =
  0xFFFF``. Model 1 (common: manufacturer, model, version, serial) comes first.
- **inverter** models 101/102/103 (single, split, three phase; integer + scale factor,
  L = 50) and 111/112/113 (float32, L = 60): ``W`` AC power [W], ``WH`` lifetime energy
  [Wh] (acc32), ``DCW`` DC power [W], ``St`` operating state (1 off, 2 sleeping, 3
  starting, 4 MPPT, 5 throttled, 6 shutting down, 7 fault, 8 standby).
- **meter** models 201/202/203/204 (single, split, wye, delta; integer + scale factor,
  L = 105) and 211/212/213/214 (the same meters in float32, L = 124): ``W`` total real
  power [W] (SunSpec: positive = imported from the grid), ``TotWhImp``/``TotWhExp``
  lifetime energies [Wh].
- **scale factors** (``sunssf``, int16): value = raw × 10^sf.
- **not implemented** values: int16/sunssf ``0x8000``, uint16/enum16 ``0xFFFF``, acc32
  ``0``, uint32 ``0xFFFFFFFF``, int32 ``0x80000000``, float32 NaN; such points are skipped.

Each harvest polls the device(s) once and stores, at the interval label ``t = now -
now % every_s`` (the end of the interval the reading closes):

=====================  ========================================================
``pv_power`` [kW]      inverter ``W`` / 1000 (a negative night reading → 0)
``pv_energy`` [kWh]    ``WH`` increase since the reading of the previous interval
``grid_power`` [kW]    meter ``W`` × ``meter_sign`` / 1000 (role ``grid``)
``grid_import_energy``  ``TotWhImp`` / ``TotWhExp`` increase per interval (role
``grid_export_energy``  ``grid``); role ``load``: ``load_power``, ``load_energy``
=====================  ========================================================

Interval energies need the previous interval's counter, kept in the cursor: the first
poll, a poll after a gap and a counter that went backwards (replaced inverter) give
power only, with a note. DC power, temperatures and the state are read (see
:func:`read_device`) but the quantity registry has no series for them; a fault state is
reported in the harvest's notes.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusException

from paknam.core.errors import InvalidInput
from paknam.core.ingest import check_columns
from paknam.core.store import Store
from paknam.sources.base import Harvest, SourceError

KIND = "sunspec"
MARKER = (0x5375, 0x6E53)  # "SunS"
BASES = (40000, 0, 50000)
END = 0xFFFF
MAX_MODELS = 64
MAX_READ = 125
"""Most registers one Modbus read may ask for."""
INVERTER_MODELS = (101, 102, 103, 111, 112, 113)
METER_MODELS = (201, 202, 203, 204, 211, 212, 213, 214)
STATES = {
    1: "OFF",
    2: "SLEEPING",
    3: "STARTING",
    4: "MPPT",
    5: "THROTTLED",
    6: "SHUTTING_DOWN",
    7: "FAULT",
    8: "STANDBY",
}
_SIZE = {"string": 0, "float32": 2, "acc32": 2, "uint32": 2, "int32": 2, "bitfield32": 2}
_NOT_IMPLEMENTED = {
    "uint16": 0xFFFF,
    "enum16": 0xFFFF,
    "bitfield16": 0xFFFF,
    "int16": 0x8000,
    "sunssf": 0x8000,
    "acc32": 0,
    "uint32": 0xFFFFFFFF,
    "bitfield32": 0xFFFFFFFF,
    "int32": 0x80000000,
}


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a model: ``offset`` in registers after the ``ID, L`` header."""

    name: str
    offset: int
    type: str
    sf: str | None = None
    size: int = 1


def _seq(spec: Sequence[tuple[Any, ...]]) -> list[Point]:
    """Points laid out one after another from the ``(name, type, sf[, size])`` entries."""
    out, offset = [], 0
    for entry in spec:
        name, type_, sf = entry[0], entry[1], entry[2]
        size = entry[3] if len(entry) == 4 else _SIZE.get(type_, 1)
        out.append(Point(name, offset, type_, sf, size))
        offset += size
    return out


COMMON = _seq(
    [
        ("Mn", "string", None, 16),
        ("Md", "string", None, 16),
        ("Opt", "string", None, 8),
        ("Vr", "string", None, 8),
        ("SN", "string", None, 16),
        ("DA", "uint16", None),
        ("Pad", "pad", None),
    ]
)
INVERTER_INT = _seq(
    [
        ("A", "uint16", "A_SF"),
        ("AphA", "uint16", "A_SF"),
        ("AphB", "uint16", "A_SF"),
        ("AphC", "uint16", "A_SF"),
        ("A_SF", "sunssf", None),
        ("PPVphAB", "uint16", "V_SF"),
        ("PPVphBC", "uint16", "V_SF"),
        ("PPVphCA", "uint16", "V_SF"),
        ("PhVphA", "uint16", "V_SF"),
        ("PhVphB", "uint16", "V_SF"),
        ("PhVphC", "uint16", "V_SF"),
        ("V_SF", "sunssf", None),
        ("W", "int16", "W_SF"),
        ("W_SF", "sunssf", None),
        ("Hz", "uint16", "Hz_SF"),
        ("Hz_SF", "sunssf", None),
        ("VA", "int16", "VA_SF"),
        ("VA_SF", "sunssf", None),
        ("VAr", "int16", "VAr_SF"),
        ("VAr_SF", "sunssf", None),
        ("PF", "int16", "PF_SF"),
        ("PF_SF", "sunssf", None),
        ("WH", "acc32", "WH_SF"),
        ("WH_SF", "sunssf", None),
        ("DCA", "uint16", "DCA_SF"),
        ("DCA_SF", "sunssf", None),
        ("DCV", "uint16", "DCV_SF"),
        ("DCV_SF", "sunssf", None),
        ("DCW", "int16", "DCW_SF"),
        ("DCW_SF", "sunssf", None),
        ("TmpCab", "int16", "Tmp_SF"),
        ("TmpSnk", "int16", "Tmp_SF"),
        ("TmpTrns", "int16", "Tmp_SF"),
        ("TmpOt", "int16", "Tmp_SF"),
        ("Tmp_SF", "sunssf", None),
        ("St", "enum16", None),
        ("StVnd", "enum16", None),
        ("Evt1", "bitfield32", None),
        ("Evt2", "bitfield32", None),
        ("EvtVnd1", "bitfield32", None),
        ("EvtVnd2", "bitfield32", None),
        ("EvtVnd3", "bitfield32", None),
        ("EvtVnd4", "bitfield32", None),
    ]
)
INVERTER_FLOAT = _seq(
    [
        (name, "float32", None)
        for name in [
            "A",
            "AphA",
            "AphB",
            "AphC",
            "PPVphAB",
            "PPVphBC",
            "PPVphCA",
            "PhVphA",
            "PhVphB",
            "PhVphC",
            "W",
            "Hz",
            "VA",
            "VAr",
            "PF",
            "WH",
            "DCA",
            "DCV",
            "DCW",
            "TmpCab",
            "TmpSnk",
            "TmpTrns",
            "TmpOt",
        ]
    ]
    + [("St", "enum16", None), ("StVnd", "enum16", None)]
    + [(f"Evt{n}", "bitfield32", None) for n in ("1", "2", "Vnd1", "Vnd2", "Vnd3", "Vnd4")]
)


def _phases(name: str, type_: str, sf: str) -> list[tuple[str, str, str]]:
    return [(name, type_, sf)] + [(f"{name}ph{p}", type_, sf) for p in "ABC"]


METER_INT = _seq(
    [
        *_phases("A", "int16", "A_SF"),
        ("A_SF", "sunssf", None),
        ("PhV", "int16", "V_SF"),
        ("PhVphA", "int16", "V_SF"),
        ("PhVphB", "int16", "V_SF"),
        ("PhVphC", "int16", "V_SF"),
        ("PPV", "int16", "V_SF"),
        ("PPVphAB", "int16", "V_SF"),
        ("PPVphBC", "int16", "V_SF"),
        ("PPVphCA", "int16", "V_SF"),
        ("V_SF", "sunssf", None),
        ("Hz", "int16", "Hz_SF"),
        ("Hz_SF", "sunssf", None),
        *_phases("W", "int16", "W_SF"),
        ("W_SF", "sunssf", None),
        *_phases("VA", "int16", "VA_SF"),
        ("VA_SF", "sunssf", None),
        *_phases("VAR", "int16", "VAR_SF"),
        ("VAR_SF", "sunssf", None),
        *_phases("PF", "int16", "PF_SF"),
        ("PF_SF", "sunssf", None),
        *_phases("TotWhExp", "acc32", "TotWh_SF"),
        *_phases("TotWhImp", "acc32", "TotWh_SF"),
        ("TotWh_SF", "sunssf", None),
        *_phases("TotVAhExp", "acc32", "TotVAh_SF"),
        *_phases("TotVAhImp", "acc32", "TotVAh_SF"),
        ("TotVAh_SF", "sunssf", None),
        *_phases("TotVArhImpQ1", "acc32", "TotVArh_SF"),
        *_phases("TotVArhImpQ2", "acc32", "TotVArh_SF"),
        *_phases("TotVArhExpQ3", "acc32", "TotVArh_SF"),
        *_phases("TotVArhExpQ4", "acc32", "TotVArh_SF"),
        ("TotVArh_SF", "sunssf", None),
        ("Evt", "bitfield32", None),
    ]
)
METER_FLOAT = _seq(
    [
        (name, "float32", None)
        for group in (
            ["A", "AphA", "AphB", "AphC"],
            ["PhV", "PhVphA", "PhVphB", "PhVphC", "PPV", "PPVphAB", "PPVphBC", "PPVphCA"],
            ["Hz"],
            *([q, f"{q}phA", f"{q}phB", f"{q}phC"] for q in ("W", "VA", "VAR", "PF")),
            *(
                [q, f"{q}PhA", f"{q}PhB", f"{q}PhC"]
                for q in ("TotWhExp", "TotWhImp", "TotVAhExp", "TotVAhImp")
            ),
            *(
                [q, f"{q}phA", f"{q}phB", f"{q}phC"]
                for q in ("TotVArhImpQ1", "TotVArhImpQ2", "TotVArhExpQ3", "TotVArhExpQ4")
            ),
        )
        for name in group
    ]
    + [("Evt", "bitfield32", None)]
)
"""Float meter models 211-214 (sunspec/models json/model_21x.json: 61 float32 points and
the event flags, L = 124)."""
MODELS: dict[int, list[Point]] = {
    1: COMMON,
    **dict.fromkeys((101, 102, 103), INVERTER_INT),
    **dict.fromkeys((111, 112, 113), INVERTER_FLOAT),
    **dict.fromkeys((201, 202, 203, 204), METER_INT),
    **dict.fromkeys((211, 212, 213, 214), METER_FLOAT),
}
"""Point layouts of the models this reader decodes (others are walked past)."""


def model_length(model_id: int) -> int:
    """Registers of a model's body (``L``) as the layout defines it."""
    last = MODELS[model_id][-1]
    return last.offset + last.size


# ---- decoding (pure) ---------------------------------------------------------------------


def _raw(point: Point, regs: list[int]) -> int | float | str | None:
    words = regs[point.offset : point.offset + point.size]
    if point.type == "string":
        text = b"".join(w.to_bytes(2, "big") for w in words)
        return text.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if point.type == "float32":
        value = struct.unpack(">f", struct.pack(">HH", *words))[0]
        return None if math.isnan(value) else value
    raw = words[0] if point.size == 1 else (words[0] << 16) | words[1]
    if raw == _NOT_IMPLEMENTED.get(point.type):
        return None
    if point.type in ("int16", "sunssf"):
        return raw - 0x10000 if raw & 0x8000 else raw
    if point.type == "int32":
        return raw - 0x1_0000_0000 if raw & 0x8000_0000 else raw
    return raw


def decode_model(model_id: int, regs: list[int]) -> dict[str, Any]:
    """Values of one model block's body (registers after ``ID, L``), scale factors applied.

    Points the block is too short for, not-implemented points, and points whose scale
    factor is not implemented are left out. Numbers are in the model's units (W, Wh, V,
    A, Hz, °C); strings stripped of padding.
    """
    points = MODELS[model_id]
    raws = {p.name: _raw(p, regs) for p in points if p.offset + p.size <= len(regs)}
    out: dict[str, Any] = {}
    for p in points:
        value = raws.get(p.name)
        if value is None or p.type in ("sunssf", "pad"):
            continue
        if p.sf is not None:
            sf = raws.get(p.sf)
            if not isinstance(sf, int) or not isinstance(value, int):
                continue
            value = round(value * 10.0**sf, max(0, -sf))
        out[p.name] = value
    return out


# ---- reading over Modbus TCP ----------------------------------------------------------------


Reader = Callable[[int, int], list[int]]
"""``read(address, count) -> registers``; raises :class:`SourceError`."""


@dataclass
class DeviceReading:
    """What one SunSpec device said: ``common`` (model 1) and each decoded model."""

    base: int
    models: list[tuple[int, int, int]]  # (model id, address of its ID, length)
    common: dict[str, Any] = field(default_factory=dict)
    inverter: dict[str, Any] | None = None
    inverter_model: int | None = None
    meter: dict[str, Any] | None = None
    meter_model: int | None = None


def _read_long(read: Reader, address: int, count: int) -> list[int]:
    out: list[int] = []
    while count > 0:
        n = min(count, MAX_READ)
        out += read(address, n)
        address, count = address + n, count - n
    return out


def read_device(read: Reader, where: str = "device") -> DeviceReading:
    """Find the SunSpec map, walk its models, and decode common, inverter and meter.

    Raises
    ------
    SourceError
        Not retryable when no ``SunS`` marker is found or the model chain is broken
        (wrong device or address); the reader's own errors pass through.
    """
    base = None
    seen = []
    for candidate in BASES:
        try:
            regs = read(candidate, 2)
        except SourceError as exc:
            if exc.retryable:
                raise
            seen.append(f"{candidate}: {exc}")
            continue
        if tuple(regs) == MARKER:
            base = candidate
            break
        seen.append(f"{candidate}: {regs[0]:04X} {regs[1]:04X}")
    if base is None:
        raise SourceError(
            f"{where}: no SunSpec marker 'SunS' (5375 6E53) at registers 40000, 0 or 50000 "
            f"({'; '.join(seen)})",
            retryable=False,
        )
    reading = DeviceReading(base=base, models=[])
    address = base + 2
    for _ in range(MAX_MODELS):
        model_id, length = read(address, 2)
        if model_id == END:
            break
        reading.models.append((model_id, address, length))
        address += 2 + length
        if address > 0xFFFF:
            raise SourceError(
                f"{where}: SunSpec model chain runs past register 65535 (model {model_id} "
                f"of length {length})",
                retryable=False,
            )
    else:
        raise SourceError(f"{where}: more than {MAX_MODELS} SunSpec models", retryable=False)
    for model_id, at, length in reading.models:
        if model_id not in MODELS:
            continue
        if length < model_length(model_id) - (1 if model_id == 1 else 0):
            raise SourceError(
                f"{where}: SunSpec model {model_id} at {at} has L={length}, "
                f"expected {model_length(model_id)}",
                retryable=False,
            )
        values = decode_model(model_id, _read_long(read, at + 2, length))
        if model_id == 1:
            reading.common = values
        elif model_id in INVERTER_MODELS and reading.inverter is None:
            reading.inverter, reading.inverter_model = values, model_id
        elif model_id in METER_MODELS and reading.meter is None:
            reading.meter, reading.meter_model = values, model_id
    return reading


def modbus_reader(client: ModbusTcpClient, unit_id: int, where: str) -> Reader:
    """A :data:`Reader` over a connected pymodbus client."""

    def read(address: int, count: int) -> list[int]:
        try:
            rr = client.read_holding_registers(address, count=count, device_id=unit_id)
        except ModbusException as exc:
            raise SourceError(
                f"{where}: no answer reading {count} register(s) at {address}: {exc}",
                retryable=True,
            ) from None
        if rr.isError():
            code = getattr(rr, "exception_code", None)
            raise SourceError(
                f"{where}: Modbus exception {code} reading {count} register(s) at {address}",
                retryable=code in (5, 6, 10, 11),  # acknowledge, busy, gateway faults
            )
        return list(rr.registers)

    return read


# ---- the source ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SunSpecDevice:
    """One Modbus unit behind the host: its station and what its meter measures.

    meter_role : ``grid`` (at the connection point) or ``load`` (a consumption meter).
    meter_sign : 1 when the meter's positive ``W`` is import (SunSpec), -1 otherwise.
    """

    unit_id: int
    station: str
    meter_role: str = "grid"
    meter_sign: int = 1


@dataclass
class SunSpecSource:
    """A SunSpec Modbus TCP host (an inverter, or a data logger with several units)."""

    id: str
    host: str
    devices: list[SunSpecDevice]
    port: int = 502
    every_s: int = 300
    stale_after_s: int = 1800
    timeout_s: float = 3.0
    kind: str = KIND

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> SunSpecSource:
        """From configuration: ``{"id", "host", "port", "every_s", "stale_after_s",
        "timeout_s", "devices": {"<unit id>": "<station>" | {"station", "meter_role",
        "meter_sign"}}}``; errors name the entry."""
        where = f"sunspec source {doc.get('id')!r}"
        if not doc.get("id") or not doc.get("host"):
            raise InvalidInput(f"{where}: id and host are required")
        devices = []
        for unit, entry in (doc.get("devices") or {}).items():
            spec = {"station": entry} if isinstance(entry, str) else dict(entry)
            try:
                unit_id = int(unit)
            except ValueError:
                raise InvalidInput(f"{where}: unit id {unit!r} is not a number") from None
            if not 0 <= unit_id <= 255:
                raise InvalidInput(f"{where}: unit id {unit_id} is outside 0..255")
            role = spec.get("meter_role", "grid")
            if role not in ("grid", "load"):
                raise InvalidInput(f"{where}: unit {unit_id} meter_role {role!r} not grid|load")
            sign = int(spec.get("meter_sign", 1))
            if sign not in (1, -1):
                raise InvalidInput(f"{where}: unit {unit_id} meter_sign must be 1 or -1")
            if not spec.get("station"):
                raise InvalidInput(f"{where}: unit {unit_id} has no station")
            devices.append(SunSpecDevice(unit_id, str(spec["station"]), role, sign))
        if not devices:
            raise InvalidInput(f"{where}: no devices (unit id → station)")
        return cls(
            id=str(doc["id"]),
            host=str(doc["host"]),
            devices=devices,
            port=int(doc.get("port", 502)),
            every_s=int(doc.get("every_s", 300)),
            stale_after_s=int(doc.get("stale_after_s", 1800)),
            timeout_s=float(doc.get("timeout_s", 3.0)),
        )

    def _values(
        self,
        dev: SunSpecDevice,
        reading: DeviceReading,
        t: int,
        state: dict[str, Any],
        notes: list[str],
    ) -> tuple[list[tuple[str, float]], dict[str, Any]]:
        """Observations of one device and its new cursor entry."""
        out: list[tuple[str, float]] = []
        counters: dict[str, float] = {}
        inv, meter = reading.inverter, reading.meter
        if inv is not None:
            if "W" in inv:
                out.append(("pv_power", max(float(inv["W"]), 0.0) / 1000.0))
            if "WH" in inv:
                counters["pv_energy"] = float(inv["WH"])
            st = inv.get("St")
            if st == 7:
                notes.append(f"{self.id} unit {dev.unit_id}: inverter in FAULT state (St=7)")
        if meter is not None:
            power_q, imp_q, exp_q = (
                ("grid_power", "grid_import_energy", "grid_export_energy")
                if dev.meter_role == "grid"
                else ("load_power", "load_energy", None)
            )
            if "W" in meter:
                out.append((power_q, dev.meter_sign * float(meter["W"]) / 1000.0))
            imp, exp = ("TotWhImp", "TotWhExp") if dev.meter_sign == 1 else ("TotWhExp", "TotWhImp")
            if imp in meter:
                counters[imp_q] = float(meter[imp])
            if exp_q is not None and exp in meter:
                counters[exp_q] = float(meter[exp])
        last = state.get("last") or {}
        prev = state.get("prev") or {}
        if last.get("t") == t:  # polled again within the same interval
            base = prev
        else:
            base = last
            prev = last
        if counters:
            if base.get("t") == t - self.every_s:
                for q, wh in counters.items():
                    before = (base.get("wh") or {}).get(q)
                    if before is None:
                        continue
                    if wh < before:
                        notes.append(
                            f"{self.id} unit {dev.unit_id}: {q} counter went back "
                            f"({before:g} → {wh:g} Wh): interval skipped"
                        )
                        continue
                    out.append((q, (wh - before) / 1000.0))
            else:
                notes.append(
                    f"{self.id} unit {dev.unit_id}: no reading for the previous interval: "
                    "power only, energy from the next interval"
                )
        return out, {"prev": prev, "last": {"t": t, "wh": counters}}

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Poll every device once and store its observations at ``now - now % every_s``."""
        t = now - now % self.every_s
        cursor = dict(cursor or {})
        units = dict(cursor.get("units") or {})
        notes: list[str] = []
        failures: list[SourceError] = []
        rows: list[tuple[str, str, float]] = []
        client = ModbusTcpClient(self.host, port=self.port, timeout=self.timeout_s, retries=0)
        try:
            if not client.connect():
                raise SourceError(
                    f"{self.id}: cannot connect to {self.host}:{self.port} (Modbus TCP)",
                    retryable=True,
                )
            for dev in self.devices:
                where = f"{self.id} {self.host}:{self.port} unit {dev.unit_id}"
                try:
                    reading = read_device(modbus_reader(client, dev.unit_id, where), where)
                except SourceError as exc:
                    failures.append(exc)
                    notes.append(str(exc))
                    continue
                values, units[str(dev.unit_id)] = self._values(
                    dev, reading, t, units.get(str(dev.unit_id)) or {}, notes
                )
                rows += [(dev.station, q, v) for q, v in values]
        finally:
            client.close()
        if failures and len(failures) == len(self.devices):
            raise SourceError(
                "; ".join(str(f) for f in failures),
                retryable=all(f.retryable for f in failures),
            )
        harvest = Harvest(received=len(rows), cursor={"units": units}, notes=notes)
        if not rows:
            return harvest
        checked = check_columns(
            [s for s, _, _ in rows],
            [q for _, q, _ in rows],
            np.full(len(rows), t, dtype=np.int64),
            np.array([v for _, _, v in rows], dtype=np.float64),
            store.catalog(),
            now=now,
            max_future_s=store.max_future_s,
        )
        for err in checked.errors:
            station, q, v = rows[err.index]
            notes.append(f"{self.id}: {station} {q} = {v:g} not stored: {err.reason}")
        result = store.store_checked(checked, len(rows), rejected=len(checked.errors))
        harvest.stored, harvest.unchanged = result.stored, result.unchanged
        harvest.rejected = result.rejected
        harvest.newest_time_s = t if len(checked) else None
        return harvest
