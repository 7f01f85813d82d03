"""Cayenne LPP decoder: the published examples, every type, round trips, and errors."""

from __future__ import annotations

import pytest

from paknam.sources import lpp


def test_spec_example_two_temperatures() -> None:
    values = lpp.decode(bytes.fromhex("03670110056700FF"))
    assert [(v.channel, v.type.name, v.value) for v in values] == [
        (3, "temperature", 27.2),
        (5, "temperature", 25.5),
    ]


def test_spec_example_negative_temperature() -> None:
    (v,) = lpp.decode(bytes.fromhex("0167FFD7"))
    assert (v.channel, v.type.name, v.value) == (1, "temperature", -4.1)


def test_spec_example_accelerometer() -> None:
    (v,) = lpp.decode(bytes.fromhex("067104D2FB2E0000"))
    assert v.channel == 6 and v.type.name == "accelerometer"
    assert v.value == (1.234, -1.234, 0.0)
    assert v.pairs() == [
        ("6/accelerometer/x", 1.234),
        ("6/accelerometer/y", -1.234),
        ("6/accelerometer/z", 0.0),
    ]


def test_spec_example_gps() -> None:
    # Cayenne LPP spec: 01 88 06 76 5f f2 96 0a 00 03 e8 -> 42.3519, -87.9094, 10 m
    (v,) = lpp.decode(bytes.fromhex("018806765FF2960A0003E8"))
    assert v.type.name == "gps"
    assert v.value == (42.3519, -87.9094, 10.0)


def test_mixed_payload_keys() -> None:
    payload = bytes.fromhex("0268 61 0366 01 0473 2744 0502 FF38 0000 01".replace(" ", ""))
    values = lpp.decode(payload)
    flat = dict(kv for v in values for kv in v.pairs())
    assert flat == {
        "2/humidity": 48.5,
        "3/presence": 1.0,
        "4/barometer": 1005.2,
        "5/analog_input": -2.0,
        "0/digital_input": 1.0,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("digital_input", 1.0),
        ("digital_output", 0.0),
        ("analog_input", -327.68),
        ("analog_output", 327.67),
        ("generic", 4294967295.0),
        ("illuminance", 65535.0),
        ("presence", 1.0),
        ("temperature", -40.5),
        ("humidity", 99.5),
        ("accelerometer", (-32.768, 0.001, 32.767)),
        ("barometer", 1013.2),
        ("voltage", 12.34),
        ("current", 1.5),
        ("frequency", 868100000.0),
        ("percentage", 55.0),
        ("altitude", -12.0),
        ("concentration", 412.0),
        ("power", 3500.0),
        ("distance", 1.234),
        ("energy", 12345.678),
        ("direction", 270.0),
        ("unixtime", 1767225600.0),
        ("gyrometer", (1.23, -4.56, 0.0)),
        ("gps", (13.5991, 100.5973, -1.5)),
        ("switch", 1.0),
    ],
)
def test_round_trip_every_type(name: str, value: float | tuple[float, ...]) -> None:
    payload = lpp.encode([(7, name, value)])
    assert len(payload) == 2 + lpp.TYPE_BY_NAME[name].size
    (back,) = lpp.decode(payload)
    assert (back.channel, back.type.name, back.value) == (7, name, value)
    assert lpp.encode(back_ for back_ in [back]) == payload


def test_round_trip_bytes_of_spec_examples() -> None:
    for hexa in ("03670110056700FF", "0167FFD7", "067104D2FB2E0000", "018806765FF2960A0003E8"):
        raw = bytes.fromhex(hexa)
        assert lpp.encode(lpp.decode(raw)) == raw


def test_empty_payload_is_no_values() -> None:
    assert lpp.decode(b"") == []


@pytest.mark.parametrize(
    ("hexa", "offset", "words"),
    [
        ("03AB0110", 1, "unknown type 0xAB on channel 3"),
        ("0367011005", 4, "channel 5 has no type byte"),
        ("03670110056700", 6, "temperature on channel 5 needs 2 data byte(s), 1 left"),
        ("0671 04D2".replace(" ", ""), 2, "accelerometer on channel 6 needs 6"),
    ],
)
def test_errors_name_the_byte_offset(hexa: str, offset: int, words: str) -> None:
    with pytest.raises(lpp.LppError) as info:
        lpp.decode(bytes.fromhex(hexa))
    assert info.value.offset == offset
    assert f"byte {offset}:" in str(info.value)
    assert words in str(info.value)


def test_encode_rejects_what_does_not_fit() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        lpp.encode([(1, "temperature", 4000.0)])
    with pytest.raises(ValueError, match="unknown Cayenne LPP type"):
        lpp.encode([(1, "colour", 1.0)])
    with pytest.raises(ValueError, match=r"outside 0\.\.255"):
        lpp.encode([(256, "temperature", 1.0)])
    with pytest.raises(ValueError, match="takes 3 value"):
        lpp.encode([(1, "gps", 1.0)])
