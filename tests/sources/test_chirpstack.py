"""ChirpStack v4 uplinks: decoding (pure) and the subscriber against the real Mosquitto."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa

from paknam.core.errors import InvalidInput
from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources import lpp
from paknam.sources.chirpstack import ChirpstackConfig, UplinkError, decode_uplink
from paknam.sources.chirpstack_ingest import ChirpstackIngestor
from paknam.sources.schema import source_health

EUI_LPP = "0016c001f0000a01"
EUI_OBJ = "a84041000181c0de"
EUI_UNKNOWN = "ffffffffffffffff"
T0 = "2026-12-04T03:15:02.123456789+00:00"  # ChirpStack writes nanoseconds


def uplink(
    eui: str,
    *,
    data: bytes | str | None = None,
    obj: dict[str, Any] | None = None,
    time_: str | None = T0,
    dedup: str | None = None,
    profile: str = "LPP sensor",
    tags: dict[str, str] | None = None,
    app: str = "app",
) -> dict[str, Any]:
    """An uplink event as ChirpStack v4's MQTT integration publishes it."""
    doc: dict[str, Any] = {
        "deduplicationId": dedup or str(uuid.uuid4()),
        "deviceInfo": {
            "tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
            "tenantName": "Samut Prakan",
            "applicationId": app,
            "applicationName": "canals",
            "deviceProfileId": "0b6e4b4a-9f1b-4c2a-a2c9-1a2b3c4d5e6f",
            "deviceProfileName": profile,
            "deviceName": f"node-{eui[-4:]}",
            "devEui": eui,
            "tags": tags or {},
        },
        "devAddr": "01fa2b3c",
        "adr": True,
        "dr": 5,
        "fCnt": 42,
        "fPort": 2,
        "confirmed": False,
        "rxInfo": [
            {
                "gatewayId": "0016c001ff10a235",
                "uplinkId": 4217106255,
                "nsTime": "2026-12-04T03:15:02.200Z",
                "rssi": -97,
                "snr": 7.5,
                "context": "EFwMtA==",
                "metadata": {"region_common_name": "AS923"},
            }
        ],
        "txInfo": {
            "frequency": 923200000,
            "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": 7}},
        },
    }
    if time_ is not None:
        doc["time"] = time_
    if data is not None:
        doc["data"] = data if isinstance(data, str) else base64.b64encode(data).decode()
    if obj is not None:
        doc["object"] = obj
    return doc


def config(app: str = "app") -> ChirpstackConfig:
    return ChirpstackConfig.from_dict(
        {
            "id": f"lorawan-{app}",
            "application_id": app,
            "devices": {
                EUI_LPP.upper(): {
                    "station": "canal_sp01",
                    "codec": "lpp",
                    "channels": {
                        "3/temperature": "water_temperature",
                        "4/analog_input": "do",
                        "5/analog_input": {"quantity": "ph"},
                        "1/distance": {"quantity": "water_level", "scale": -1, "offset": 3.2},
                    },
                }
            },
            "profiles": {"Water level (decoded)": {"codec": "object"}},
        }
    )


def topic(eui: str, app: str = "app") -> str:
    return f"application/{app}/device/{eui}/event/up"


def lpp_payload(temp: float = 29.5, do: float = 4.25, ph: float = 7.1, dist: float = 2.0) -> bytes:
    return lpp.encode(
        [
            (3, "temperature", temp),
            (4, "analog_input", do),
            (5, "analog_input", ph),
            (1, "distance", dist),
            (9, "voltage", 3.61),
        ]
    )


# ---- decoding -----------------------------------------------------------------------------


def test_decode_lpp_uplink_with_mapping_and_conversion() -> None:
    up = decode_uplink(config(), topic(EUI_LPP), orjson.dumps(uplink(EUI_LPP, data=lpp_payload())))
    assert up.station == "canal_sp01"
    assert up.time_s == parse_time("2026-12-04T03:15:02+00:00")
    got = dict(up.values)
    assert got["water_temperature"] == 29.5 and got["do"] == 4.25 and got["ph"] == 7.1
    assert got["water_level"] == pytest.approx(1.2)
    assert up.unmapped == ["9/voltage"]


def test_decode_object_uplink_by_profile_and_tag() -> None:
    doc = uplink(
        "A84041000181C0DE",
        obj={"water_level": 1.05, "battery": {"voltage": 3.6}},
        profile="Water level (decoded)",
        tags={"station": "gauge_khlong_sanphasamit"},
    )
    up = decode_uplink(config(), topic(EUI_OBJ), orjson.dumps(doc))
    assert up.station == "gauge_khlong_sanphasamit"
    assert up.values == [("water_level", 1.05)]
    assert up.unmapped == ["battery.voltage"]


def test_decode_time_falls_back_to_ns_time() -> None:
    doc = uplink(EUI_LPP, data=lpp_payload(), time_=None)
    up = decode_uplink(config(), topic(EUI_LPP), orjson.dumps(doc))
    assert up.time_s == parse_time("2026-12-04T03:15:02+00:00")


@pytest.mark.parametrize(
    ("payload", "reason", "words"),
    [
        (b"{not json", "malformed", "is not JSON"),
        (b"[1, 2]", "malformed", "not a JSON object"),
        (orjson.dumps({"time": T0}), "malformed", "no deviceInfo.devEui"),
        (orjson.dumps(uplink(EUI_UNKNOWN, data="AA==")), "unknown_device", "maps to no station"),
        (orjson.dumps(uplink(EUI_LPP, data="%%%")), "undecodable", "not base64"),
        (
            orjson.dumps(uplink(EUI_LPP, data=bytes.fromhex("03670110056700"))),
            "undecodable",
            "byte 6",
        ),
        (
            orjson.dumps(uplink(EUI_OBJ, profile="Water level (decoded)", tags={"station": "x"})),
            "undecodable",
            "no decoded object",
        ),
        (orjson.dumps(uplink(EUI_LPP, data="AA==", time_="yesterday")), "malformed", "bad time"),
    ],
)
def test_decode_failures_say_why(payload: bytes, reason: str, words: str) -> None:
    eui = EUI_UNKNOWN if b"ffffffffffffffff" in payload else EUI_LPP
    if b"a84041000181c0de" in payload:
        eui = EUI_OBJ
    with pytest.raises(UplinkError) as info:
        decode_uplink(config(), topic(eui), payload)
    assert info.value.reason == reason
    assert words in str(info.value)


def test_decode_refuses_topic_and_body_naming_different_devices() -> None:
    with pytest.raises(UplinkError, match="names device"):
        decode_uplink(config(), topic(EUI_OBJ), orjson.dumps(uplink(EUI_LPP, data="AA==")))


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"devices": {"xyz": {"station": "a"}}}, "not a 16-hex-digit DevEUI"),
        ({"devices": {EUI_LPP: {"codec": "cbor"}}}, "codec 'cbor'"),
        ({"devices": {EUI_LPP: {"channels": {"3/temperature": "temp"}}}}, "unknown quantity"),
        ({"profiles": {"p": {"colour": 1}}}, "unknown setting"),
        ({"broker": "x"}, "unknown setting"),
    ],
)
def test_config_errors_name_the_entry(doc: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        ChirpstackConfig.from_dict(doc)


# ---- the subscriber against Mosquitto, on each store engine ------------------------------


class Network:
    """A ChirpStack stand-in: publishes uplink events as its MQTT integration does."""

    def __init__(self, store: Store, broker: tuple[str, int]) -> None:
        self.store, self.broker = store, broker
        self.app = str(uuid.uuid4())
        self.config = config(self.app)
        self.client_id = f"paknam-cs-{self.app[:8]}"
        self.pub = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"ns-{self.app[:8]}"
        )
        self.pub.connect(*broker)
        self.pub.loop_start()
        self.ingestor: ChirpstackIngestor | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> ChirpstackIngestor:
        self.ingestor = ChirpstackIngestor(
            self.store,
            self.config,
            host=self.broker[0],
            port=self.broker[1],
            client_id=self.client_id,
        )
        ready = threading.Event()
        self.thread = threading.Thread(target=self.ingestor.run, kwargs={"ready": ready})
        self.thread.start()
        assert ready.wait(15) and self.ingestor.connected.is_set(), "no subscription"
        return self.ingestor

    def stop(self) -> None:
        if self.ingestor and self.thread:
            self.ingestor.stop()
            self.thread.join(15)
            self.thread = None

    def publish(self, eui: str, doc: dict[str, Any] | bytes) -> None:
        body = doc if isinstance(doc, bytes) else orjson.dumps(doc)
        self.pub.publish(topic(eui, self.app), body, qos=1).wait_for_publish(10)

    def close(self) -> None:
        self.stop()
        self.pub.disconnect()
        self.pub.loop_stop()
        cleaner = mqtt.Client(  # drop the persistent session
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=True,
        )
        cleaner.connect(*self.broker)
        cleaner.disconnect()


def add_stations(store: Store) -> None:
    store.add_station(
        StationCreate(
            id="canal_sp01",
            name_th="คลองสำโรง จุดที่ 1",
            name_en="Khlong Samrong point 1",
            kind="water_quality",
            lon=100.62,
            lat=13.64,
            quantities=[  # type: ignore[list-item]
                "water_temperature",
                "do",
                "ph",
                {"quantity": "water_level", "datum": "MSL"},
            ],
        )
    )
    store.add_station(
        StationCreate(
            id="gauge_khlong_sanphasamit",
            name_th="สถานีวัดระดับน้ำคลองสรรพสามิต",
            name_en="Khlong Sanphasamit gauge",
            kind="water_level",
            lon=100.60,
            lat=13.58,
            quantities=[{"quantity": "water_level", "datum": "MSL"}],  # type: ignore[list-item]
        )
    )


@pytest.fixture
def network(store: Store, mqtt_broker: tuple[str, int]) -> Iterator[Network]:
    add_stations(store)
    net = Network(store, mqtt_broker)
    yield net
    net.close()


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def series(store: Store, station: str, quantity: str) -> list[tuple[int, float]]:
    return [(p.time, p.value) for p in store.read_series(station, quantity, 0, 2**40)]


@pytest.mark.mqtt
def test_uplinks_stored_once_in_any_order_faults_counted(network: Network, store: Store) -> None:
    ing = network.start()
    t1, t2 = "2026-12-04T03:00:00Z", "2026-12-04T03:15:00Z"
    later = uplink(EUI_LPP, data=lpp_payload(temp=30.0), time_=t2, app=network.app)
    network.publish(EUI_LPP, later)  # out of order: the later uplink first
    network.publish(
        EUI_LPP, uplink(EUI_LPP, data=lpp_payload(temp=29.0), time_=t1, app=network.app)
    )
    network.publish(EUI_LPP, later)  # repeated (same deduplicationId)
    network.publish(
        EUI_OBJ,
        uplink(
            EUI_OBJ,
            obj={"water_level": 1.05},
            profile="Water level (decoded)",
            tags={"station": "gauge_khlong_sanphasamit"},
            time_=t2,
            app=network.app,
        ),
    )
    network.publish(EUI_UNKNOWN, uplink(EUI_UNKNOWN, data="AA==", app=network.app))
    network.publish(EUI_LPP, b"\x00garbage")
    network.publish(EUI_LPP, uplink(EUI_LPP, data="A2cB", app=network.app))  # LPP cut short
    assert wait_for(lambda: ing.counts.messages == 7), ing.counts
    c = ing.counts
    assert (c.duplicates, c.unknown_devices, c.malformed, c.undecodable) == (1, 1, 1, 1)
    assert c.unmapped_values == 2  # the battery voltage of the two LPP uplinks
    assert c.stored == 2 * 4 + 1 and c.rejected_values == 0
    s1, s2 = parse_time(t1), parse_time(t2)
    assert series(store, "canal_sp01", "water_temperature") == [(s1, 29.0), (s2, 30.0)]
    assert series(store, "canal_sp01", "water_level") == [
        (s1, pytest.approx(1.2)),
        (s2, pytest.approx(1.2)),
    ]
    assert series(store, "gauge_khlong_sanphasamit", "water_level") == [(s2, 1.05)]
    assert store.count_observations() == 9
    with store.read() as conn:
        row = conn.execute(
            sa.select(source_health).where(source_health.c.source_id == f"lorawan-{network.app}")
        ).one()
    assert row.kind == "chirpstack" and row.newest_time_s == s2 and row.failures == 0
    assert row.rows_total == 9 and row.last_error is None


@pytest.mark.mqtt
def test_value_the_station_has_no_series_for_is_rejected_not_fatal(
    network: Network, store: Store
) -> None:
    network.config.devices[EUI_OBJ] = network.config.profiles["Water level (decoded)"]
    ing = network.start()
    doc = uplink(
        EUI_OBJ,
        obj={"water_level": 1.1, "do": 3.0, "ph": 99.0},  # no DO series; pH out of range
        profile="Water level (decoded)",
        tags={"station": "gauge_khlong_sanphasamit"},
        app=network.app,
    )
    network.publish(EUI_OBJ, doc)
    assert wait_for(lambda: ing.counts.messages == 1)
    assert ing.counts.rejected_values == 2 and ing.counts.stored == 1
    assert store.count_observations() == 1


@pytest.mark.mqtt
def test_uplinks_sent_while_stopped_arrive_after_restart(network: Network, store: Store) -> None:
    network.start()
    network.stop()  # the broker keeps the persistent session and queues for it
    network.publish(EUI_LPP, uplink(EUI_LPP, data=lpp_payload(), app=network.app))
    ing = network.start()
    assert wait_for(lambda: ing.counts.messages == 1)
    assert store.count_observations() == 4


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"create_stations": True}, "needs default_location"),
        ({"create_stations": "yes", "default_location": [100.6, 13.6]}, "true or false"),
        ({"default_location": {"lon": 100.6}}, "default_location must be"),
        ({"default_location": [500, 13.6]}, "not on Earth"),
    ],
)
def test_create_stations_config_is_checked(doc: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        ChirpstackConfig.from_dict(doc)


def test_unknown_device_gets_a_station_id_only_when_creation_is_on() -> None:
    doc = orjson.dumps(uplink(EUI_UNKNOWN, obj={"do": 5.0}, profile="?"))
    with pytest.raises(UplinkError, match="maps to no station"):
        decode_uplink(config(), topic(EUI_UNKNOWN), doc)
    cfg = config()
    cfg.create_stations, cfg.default_location = True, (100.6, 13.6)
    up = decode_uplink(cfg, topic(EUI_UNKNOWN), doc)
    assert up.station == f"lora-{EUI_UNKNOWN}" and up.values == [("do", 5.0)]
    assert up.device_name == "node-ffff"


def _health(store: Store, source_id: str) -> Any:
    with store.read() as conn:
        return conn.execute(
            sa.select(source_health).where(source_health.c.source_id == source_id)
        ).one_or_none()


@pytest.mark.mqtt
def test_unknown_devices_are_counted_not_created_and_not_a_success(
    network: Network, store: Store
) -> None:
    ing = network.start()
    for _ in range(2):
        network.publish(EUI_UNKNOWN, uplink(EUI_UNKNOWN, obj={"do": 5.0}, app=network.app))
    assert wait_for(lambda: ing.counts.messages == 2)
    assert ing.counts.unknown_devices == 2 and store.count_observations() == 0
    assert {s.id for s in store.list_stations()} == {"canal_sp01", "gauge_khlong_sanphasamit"}
    row = _health(store, f"lorawan-{network.app}")
    assert row.last_success_at is None and row.last_attempt_at is not None
    assert row.cursor["counts"]["unknown_devices"] == 2
    # then a decoded uplink is a success, with its time as the newest data
    network.publish(EUI_LPP, uplink(EUI_LPP, data=lpp_payload(), app=network.app))
    assert wait_for(lambda: ing.counts.messages == 3)
    row = _health(store, f"lorawan-{network.app}")
    assert row.last_success_at is not None
    assert row.newest_time_s == parse_time("2026-12-04T03:15:02Z")


@pytest.mark.mqtt
def test_create_stations_places_unknown_devices_at_the_default_location(
    network: Network, store: Store
) -> None:
    network.config.create_stations = True
    network.config.default_location = (100.61, 13.62)
    network.config.devices["0016c001f0000b02"] = network.config.devices[EUI_LPP].__class__(
        station="canal_new", codec="lpp", channels=network.config.devices[EUI_LPP].channels
    )
    ing = network.start()
    network.publish(EUI_UNKNOWN, uplink(EUI_UNKNOWN, obj={"do": 5.0, "ph": 7.0}, app=network.app))
    network.publish(
        "0016c001f0000b02", uplink("0016c001f0000b02", data=lpp_payload(), app=network.app)
    )
    assert wait_for(lambda: ing.counts.messages == 2), ing.counts
    st = store.get_station(f"lora-{EUI_UNKNOWN}")
    assert (st.lon, st.lat, st.kind) == (100.61, 13.62, "other")
    assert st.meta["dev_eui"] == EUI_UNKNOWN and "node-ffff" in st.name_en
    assert sorted(s.quantity for s in st.series) == ["do", "ph"]
    new = store.get_station("canal_new")
    # water_level has no datum in the mapping: no series, its value is rejected
    assert sorted(s.quantity for s in new.series) == ["do", "ph", "water_temperature"]
    assert ing.counts.rejected_values == 1 and ing.counts.stored == 2 + 3


@pytest.mark.mqtt
def test_uplink_from_a_clock_in_the_future_is_rejected(network: Network, store: Store) -> None:
    """A gateway or network server with a wrong clock: values too far ahead are refused
    (counted), the uplink is not a success, nothing is stored."""
    ing = network.start()
    ahead = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
    network.publish(EUI_LPP, uplink(EUI_LPP, data=lpp_payload(), time_=ahead, app=network.app))
    assert wait_for(lambda: ing.counts.messages == 1)
    assert ing.counts.rejected_values == 4 and store.count_observations() == 0
    row = _health(store, f"lorawan-{network.app}")
    assert row.last_success_at is None and row.newest_time_s is None
