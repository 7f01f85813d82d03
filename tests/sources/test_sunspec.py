"""SunSpec over Modbus TCP against a pymodbus server on loopback serving SunSpec models."""

from __future__ import annotations

import asyncio
import functools
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from paknam.core.errors import InvalidInput
from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.sources import sunspec
from paknam.sources.base import SourceError

NI16 = 0x8000  # int16 / sunssf not implemented
NU16 = 0xFFFF  # uint16 / enum16 not implemented


def _string(text: str, regs: int) -> list[int]:
    raw = text.encode().ljust(2 * regs, b"\0")
    return list(struct.unpack(f">{regs}H", raw))


def _s16(v: int) -> int:
    return v & 0xFFFF


def _acc32(v: int) -> list[int]:
    return [(v >> 16) & 0xFFFF, v & 0xFFFF]


def block(model_id: int, values: dict[str, Any], length: int | None = None) -> list[int]:
    """A model block ``ID, L, body`` laid out from the reader's point table.

    Points not given are "not implemented" (so the test also shows they are skipped).
    """
    points = sunspec.MODELS[model_id]
    n = length if length is not None else sunspec.model_length(model_id)
    body = [0] * n
    for p in points:
        if p.offset + p.size > n:
            continue
        v = values.get(p.name)
        if p.type == "string":
            words = _string(v or "", p.size)
        elif p.type in ("acc32",):
            words = _acc32(v or 0)
        elif p.type in ("bitfield32", "uint32"):
            words = _acc32(0xFFFFFFFF if v is None else v)
        elif p.type in ("int16", "sunssf"):
            words = [NI16 if v is None else _s16(v)]
        elif p.type == "float32":
            words = list(struct.unpack(">HH", struct.pack(">f", float("nan") if v is None else v)))
        elif p.type == "pad":
            words = [0x8000]
        else:
            words = [NU16 if v is None else v]
        body[p.offset : p.offset + p.size] = words
    return [model_id, n, *body]


def register_map(
    *,
    w: int = 5230,
    wh: int = 1_234_567,
    meter_w: int = -1520,
    imp: int = 800_000,
    exp: int = 450_000,
    st: int = 4,
    marker: tuple[int, int] = sunspec.MARKER,
) -> list[int]:
    """SunS, common model 1, three-phase inverter 103, wye meter 203, and the end marker."""
    common = block(
        1,
        {"Mn": "ExampleSolar", "Md": "ES-10K-3P", "Vr": "1.4.2", "SN": "SN0042", "DA": 1},
    )
    inverter = block(
        103,
        {
            "A": 2345,  # ×10^-2 A
            "A_SF": -2,
            "PhVphA": 2301,
            "V_SF": -1,
            "W": w,  # ×10^0 W
            "W_SF": 0,
            "Hz": 5002,
            "Hz_SF": -2,
            "WH": wh,
            "WH_SF": 0,
            "DCW": 545,  # ×10^1 W = 5450 W
            "DCW_SF": 1,
            "TmpCab": 452,
            "Tmp_SF": -1,
            "St": st,
            # VA, VAr, PF, DCA, DCV left "not implemented"
        },
    )
    meter = block(
        203,
        {
            "W": meter_w,  # ×10^1 W: -15.2 kW = exporting
            "W_SF": 1,
            "Hz": 5000,
            "Hz_SF": -2,
            "TotWhImp": imp,
            "TotWhExp": exp,
            "TotWh_SF": 0,
        },
    )
    return [*marker, *common, *inverter, *meter, 0xFFFF, 0]


class ModbusServer:
    """A pymodbus TCP server on 127.0.0.1 in its own thread, with a mutable register map."""

    def __init__(self, regs: list[int], base: int = 40000, units: tuple[int, ...] = (1,)) -> None:
        self.regs, self.base, self.units = regs, base, units
        self.hang = False
        self.gone: set[int] = set()  # units behind the "gateway" that stopped answering
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "Modbus server did not start"

    async def _action(
        self,
        unit: int,
        _fc: int,
        start: int,
        _addr: int,
        _count: int,
        registers: list[int],
        _set: Any,
    ) -> ExcCodes | None:
        if self.hang:  # a device that stops answering
            await asyncio.sleep(5)
        if unit in self.gone:  # what a Modbus gateway answers for a unit that is gone
            return ExcCodes.GATEWAY_NO_RESPONSE
        registers[: len(self.regs)] = self.regs[: len(registers)]
        return None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        devices = [
            SimDevice(
                id=unit,
                simdata=[SimData(self.base, values=list(self.regs), datatype=DataType.REGISTERS)],
                action=functools.partial(self._action, unit),
            )
            for unit in self.units
        ]
        device = devices[0] if len(devices) == 1 else devices

        async def main() -> None:  # the server must be built inside the running loop
            self.server = ModbusTcpServer(device, address=("127.0.0.1", self.port))
            await self.server.serve_forever(background=True)
            self.ready.set()

        self.loop.run_until_complete(main())
        self.loop.run_forever()

    def close(self) -> None:
        fut = asyncio.run_coroutine_threadsafe(self.server.shutdown(), self.loop)
        try:
            fut.result(10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


@pytest.fixture
def server() -> Iterator[ModbusServer]:
    srv = ModbusServer(register_map())
    yield srv
    srv.close()


def source(port: int, **kw: Any) -> sunspec.SunSpecSource:
    doc = {
        "id": "pv-wat-asokaram",
        "host": "127.0.0.1",
        "port": port,
        "every_s": 300,
        "timeout_s": 0.5,
        "devices": {"1": "pv_wat_asokaram"},
        **kw,
    }
    return sunspec.SunSpecSource.from_dict(doc)


def add_site(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="pv_wat_asokaram",
            name_th="โซลาร์รูฟท็อป วัดอโศการาม",
            name_en="Wat Asokaram rooftop PV",
            kind="energy",
            lon=100.64,
            lat=13.56,
            quantities=[  # type: ignore[list-item]
                "pv_power",
                "pv_energy",
                "grid_power",
                "grid_import_energy",
                "grid_export_energy",
            ],
        )
    )


# ---- decoding -----------------------------------------------------------------------------


def test_model_lengths_match_the_sunspec_definitions() -> None:
    assert sunspec.model_length(1) == 66
    assert [sunspec.model_length(m) for m in (101, 102, 103)] == [50, 50, 50]
    assert [sunspec.model_length(m) for m in (111, 112, 113)] == [60, 60, 60]
    assert [sunspec.model_length(m) for m in (201, 202, 203, 204)] == [105] * 4
    assert [sunspec.model_length(m) for m in (211, 212, 213, 214)] == [124] * 4


def test_float_meter_points_sit_where_model_213_puts_them() -> None:
    """Offsets from sunspec/models json/model_213.json (address - 40002 of the block)."""
    at = {p.name: p.offset for p in sunspec.MODELS[213]}
    assert (at["A"], at["Hz"], at["W"], at["PFphC"]) == (0, 24, 26, 56)
    assert (at["TotWhExp"], at["TotWhExpPhA"], at["TotWhImp"]) == (58, 60, 66)
    assert (at["TotVArhExpQ4phC"], at["Evt"]) == (120, 122)


def test_decode_float_meter_model() -> None:
    body = block(213, {"W": -1520.5, "Hz": 50.01, "TotWhImp": 800000.25, "TotWhExp": 4.5e5})[2:]
    got = sunspec.decode_model(213, body)
    assert got["W"] == -1520.5 and got["TotWhImp"] == 800000.25 and got["TotWhExp"] == 4.5e5
    assert abs(got["Hz"] - 50.01) < 1e-4  # float32
    assert "VA" not in got and "TotWhImpPhA" not in got  # NaN = not implemented


def test_decode_inverter_scale_factors_and_not_implemented() -> None:
    regs = register_map()
    body = regs[2 + 68 + 2 : 2 + 68 + 52]
    got = sunspec.decode_model(103, body)
    assert got["A"] == 23.45 and got["PhVphA"] == 230.1 and got["Hz"] == 50.02
    assert got["W"] == 5230 and got["WH"] == 1_234_567 and got["DCW"] == 5450
    assert got["TmpCab"] == 45.2 and got["St"] == 4
    for skipped in ("VA", "VAr", "PF", "DCA", "DCV", "AphB", "Evt1"):
        assert skipped not in got


def test_decode_value_whose_scale_factor_is_not_implemented_is_skipped() -> None:
    body = block(103, {"W": 1000, "W_SF": None, "Hz": 5000, "Hz_SF": -2})[2:]
    got = sunspec.decode_model(103, body)
    assert "W" not in got and got["Hz"] == 50.0


def test_decode_float_inverter_model() -> None:
    body = block(113, {"W": 4321.5, "WH": 98765.0, "St": 7})[2:]
    got = sunspec.decode_model(113, body)
    assert got["W"] == 4321.5 and got["WH"] == 98765.0 and got["St"] == 7
    assert "DCW" not in got  # NaN = not implemented


# ---- over Modbus TCP ------------------------------------------------------------------------


def float_register_map(*, w: float, wh: float, meter_w: float, imp: float, exp: float) -> list[int]:
    """SunS, common, float three-phase inverter 113 and float wye meter 213, at 40000."""
    common = block(1, {"Mn": "ExampleSolar", "Md": "ES-8K-F", "SN": "SN0099", "DA": 1})
    inverter = block(113, {"W": w, "WH": wh, "St": 4})
    meter = block(213, {"W": meter_w, "Hz": 50.0, "TotWhImp": imp, "TotWhExp": exp})
    return [*sunspec.MARKER, *common, *inverter, *meter, 0xFFFF, 0]


def test_harvest_float_inverter_and_float_meter(store: Store) -> None:
    """Models 113 and 213 served by the loopback pymodbus server: discovery, power and
    interval energies from float counters."""
    add_site(store)
    regs = float_register_map(w=3200.0, wh=5.0e6, meter_w=-812.5, imp=1.0e6, exp=2.5e5)
    srv = ModbusServer(regs)
    try:
        from pymodbus.client import ModbusTcpClient

        client = ModbusTcpClient("127.0.0.1", port=srv.port, timeout=1, retries=0)
        assert client.connect()
        try:
            reading = sunspec.read_device(sunspec.modbus_reader(client, 1, "t"), "t")
        finally:
            client.close()
        assert [m for m, _, _ in reading.models] == [1, 113, 213]
        assert reading.meter_model == 213 and reading.meter is not None
        assert reading.meter["W"] == -812.5 and reading.meter["TotWhExp"] == 2.5e5

        src = source(srv.port)
        now = 1_796_364_123
        t1 = now - now % 300
        first = src.harvest(store, None, now)
        assert first.stored == 2, first.notes
        latest = store.latest()
        assert latest[("pv_wat_asokaram", "pv_power")] == (t1, 3.2)
        assert latest[("pv_wat_asokaram", "grid_power")] == (t1, -0.8125)
        srv.regs[:] = float_register_map(
            w=3300.0, wh=5.0e6 + 275.0, meter_w=100.0, imp=1.0e6 + 10.0, exp=2.5e5 + 262.5
        )
        second = src.harvest(store, first.cursor, now + 300)
        assert second.stored == 5, second.notes
        latest = store.latest()
        t2 = t1 + 300
        assert latest[("pv_wat_asokaram", "pv_energy")] == (t2, pytest.approx(0.275))
        assert latest[("pv_wat_asokaram", "grid_import_energy")] == (t2, pytest.approx(0.01))
        assert latest[("pv_wat_asokaram", "grid_export_energy")] == (t2, pytest.approx(0.2625))
        assert latest[("pv_wat_asokaram", "grid_power")] == (t2, pytest.approx(0.1))
    finally:
        srv.close()


def test_read_device_discovers_and_walks_the_models(server: ModbusServer) -> None:
    from pymodbus.client import ModbusTcpClient

    client = ModbusTcpClient("127.0.0.1", port=server.port, timeout=1, retries=0)
    assert client.connect()
    try:
        reading = sunspec.read_device(sunspec.modbus_reader(client, 1, "test"), "test")
    finally:
        client.close()
    assert reading.base == 40000
    assert [(m, at) for m, at, _ in reading.models] == [(1, 40002), (103, 40070), (203, 40122)]
    assert reading.common["Mn"] == "ExampleSolar" and reading.common["SN"] == "SN0042"
    assert reading.inverter_model == 103 and reading.inverter is not None
    assert reading.inverter["W"] == 5230
    assert reading.meter_model == 203 and reading.meter is not None
    assert reading.meter["W"] == -15200 and reading.meter["TotWhImp"] == 800_000


def test_harvest_stores_power_then_interval_energy(store: Store, server: ModbusServer) -> None:
    add_site(store)
    src = source(server.port)
    now = 1_796_364_123  # 2026-12-04 ~10:02 +07:00
    t1 = now - now % 300
    first = src.harvest(store, None, now)
    assert first.stored == 2 and first.rejected == 0 and first.newest_time_s == t1
    assert any("energy from the next interval" in n for n in first.notes)
    latest = store.latest()
    assert latest[("pv_wat_asokaram", "pv_power")] == (t1, 5.23)
    assert latest[("pv_wat_asokaram", "grid_power")] == (t1, -15.2)

    # the next interval: counters rose; interval energies appear
    server.regs[:] = register_map(w=6100, wh=1_234_567 + 480, imp=800_000, exp=450_000 + 460)
    second = src.harvest(store, first.cursor, now + 300)
    t2 = t1 + 300
    latest = store.latest()
    assert latest[("pv_wat_asokaram", "pv_power")] == (t2, 6.1)
    assert latest[("pv_wat_asokaram", "pv_energy")] == (t2, 0.48)
    assert latest[("pv_wat_asokaram", "grid_export_energy")] == (t2, 0.46)
    assert latest[("pv_wat_asokaram", "grid_import_energy")] == (t2, 0.0)
    assert second.stored == 5

    # the same interval polled again (a retry): same energy, nothing new
    again = src.harvest(store, second.cursor, now + 310)
    assert again.stored == 0 and again.unchanged == 5
    assert store.count_observations() == 7


def test_harvest_skips_a_counter_that_went_back_and_notes_a_fault(
    store: Store, server: ModbusServer
) -> None:
    add_site(store)
    src = source(server.port)
    now = 1_796_364_123
    first = src.harvest(store, None, now)
    server.regs[:] = register_map(wh=1000, st=7)  # replaced inverter, in fault
    second = src.harvest(store, first.cursor, now + 300)
    assert any("counter went back" in n for n in second.notes)
    assert any("FAULT" in n for n in second.notes)
    assert ("pv_wat_asokaram", "pv_energy") not in store.latest()


def test_station_without_a_series_is_noted_not_fatal(store: Store, server: ModbusServer) -> None:
    store.add_station(
        StationCreate(
            id="pv_wat_asokaram",
            name_th="โซลาร์รูฟท็อป",
            name_en="Rooftop PV",
            kind="energy",
            lon=100.64,
            lat=13.56,
            quantities=["pv_power"],  # type: ignore[list-item]
        )
    )
    got = source(server.port).harvest(store, None, 1_796_364_123)
    assert got.stored == 1 and got.rejected == 1
    assert any("grid_power" in n and "not stored" in n for n in got.notes)


def test_device_that_stops_answering_is_a_retryable_error(server: ModbusServer) -> None:
    server.hang = True
    with pytest.raises(SourceError) as info:
        source(server.port).harvest(None, None, 1_796_364_123)  # type: ignore[arg-type]
    assert info.value.retryable
    assert "no answer" in str(info.value) and "unit 1" in str(info.value)


def test_nothing_listening_is_a_retryable_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError, match="cannot connect") as info:
        source(port).harvest(None, None, 1_796_364_123)  # type: ignore[arg-type]
    assert info.value.retryable


def test_wrong_marker_is_not_retryable() -> None:
    srv = ModbusServer(register_map(marker=(0x4142, 0x4344)))
    try:
        with pytest.raises(SourceError, match="no SunSpec marker") as info:
            source(srv.port).harvest(None, None, 1_796_364_123)  # type: ignore[arg-type]
    finally:
        srv.close()
    assert not info.value.retryable
    assert "40000: 4142 4344" in str(info.value)


def test_marker_found_at_register_zero() -> None:
    srv = ModbusServer(register_map(), base=0)
    try:
        from pymodbus.client import ModbusTcpClient

        client = ModbusTcpClient("127.0.0.1", port=srv.port, timeout=1, retries=0)
        assert client.connect()
        try:
            reading = sunspec.read_device(sunspec.modbus_reader(client, 1, "t"), "t")
        finally:
            client.close()
    finally:
        srv.close()
    assert reading.base == 0 and reading.inverter is not None


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"id": "x", "host": "h", "devices": {}}, "no devices"),
        ({"id": "x", "devices": {"1": "s"}}, "id and host are required"),
        ({"id": "x", "host": "h", "devices": {"a": "s"}}, "is not a number"),
        ({"id": "x", "host": "h", "devices": {"300": "s"}}, "outside 0..255"),
        ({"id": "x", "host": "h", "devices": {"1": {"station": "s", "meter_role": "pv"}}}, "pv"),
        ({"id": "x", "host": "h", "devices": {"1": {"meter_role": "grid"}}}, "no station"),
    ],
)
def test_config_errors_name_the_entry(doc: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        sunspec.SunSpecSource.from_dict(doc)


def test_a_unit_that_disappears_is_noted_the_others_stored(store: Store) -> None:
    """A data logger with two units where unit 2 stops answering (the gateway says
    "target device failed to respond"): unit 1 is stored and unit 2's failure noted; when
    every unit fails, the harvest is a retryable error."""
    add_site(store)
    srv = ModbusServer(register_map(), units=(1, 2))
    try:
        src = source(srv.port, devices={"1": "pv_wat_asokaram", "2": "pv_wat_asokaram_2"})
        srv.gone.add(2)
        got = src.harvest(store, None, 1_796_364_123)
        assert got.stored == 2
        assert any("unit 2" in n and "exception 11" in n for n in got.notes), got.notes
        srv.gone.add(1)
        with pytest.raises(SourceError, match="unit 1") as info:
            src.harvest(store, got.cursor, 1_796_364_423)
        assert info.value.retryable
    finally:
        srv.close()
