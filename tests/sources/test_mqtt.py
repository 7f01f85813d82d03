"""MQTT ingestion against a real Mosquitto broker, on each store engine."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import orjson
import paho.mqtt.client as mqtt
import pytest

from paknam.core.store import Store
from paknam.sources.mqtt import MqttIngestor, parse_message
from tests.conftest import add_air_station

pytestmark = pytest.mark.mqtt


def test_parse_message_topic_forms() -> None:
    station, items = parse_message(
        "paknam", "paknam/18t/pm25", b'{"time": "2025-01-01T07:00:00+07:00", "value": 1}'
    )
    assert station == "18t"
    assert items == [
        {"station": "18t", "quantity": "pm25", "time": "2025-01-01T07:00:00+07:00", "value": 1}
    ]
    _, items = parse_message(
        "paknam", "paknam/18t", b'{"observations": [{"quantity": "pm10", "time": "t", "value": 2}]}'
    )
    assert items == [{"station": "18t", "quantity": "pm10", "time": "t", "value": 2}]


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("paknam/18t/pm25", b"not json", "payload is not JSON"),
        ("paknam/a/b/c", b"{}", "is not paknam/<station>"),
        ("paknam/18t", b'[{"station": "16t", "quantity": "pm25"}]', "topic is '18t'"),
        ("paknam/18t/pm25", b'{"quantity": "pm10"}', "topic is 'pm25'"),
    ],
)
def test_parse_message_rejects_with_reason(topic: str, payload: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_message("paknam", topic, payload)


class Harness:
    """An ingestor thread plus a device client that publishes and collects replies."""

    def __init__(self, store: Store, broker: tuple[str, int]) -> None:
        self.store, self.broker = store, broker
        self.prefix = f"pktest{uuid.uuid4().hex[:8]}"
        self.client_id = f"paknam-ingest-{self.prefix}"
        self.replies: list[dict] = []
        self.device = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"dev-{self.prefix}",
        )
        self.device.on_message = lambda _c, _u, m: self.replies.append(orjson.loads(m.payload))
        self.device.connect(*broker)
        self.device.loop_start()
        self.device.subscribe(f"{self.prefix}/_reply/#", qos=1)
        self.ingestor: MqttIngestor | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.ingestor = MqttIngestor(
            self.store,
            host=self.broker[0],
            port=self.broker[1],
            prefix=self.prefix,
            client_id=self.client_id,
        )
        ready = threading.Event()
        self.thread = threading.Thread(target=self.ingestor.run, kwargs={"ready": ready})
        self.thread.start()
        assert ready.wait(15) and self.ingestor.connected.is_set(), "ingestor did not subscribe"

    def stop(self) -> None:
        if self.ingestor and self.thread:
            self.ingestor.stop()
            self.thread.join(15)

    def publish(self, topic: str, payload: object) -> None:
        info = self.device.publish(f"{self.prefix}/{topic}", orjson.dumps(payload), qos=1)
        info.wait_for_publish(10)

    def close(self) -> None:
        self.stop()
        self.device.loop_stop()
        self.device.disconnect()
        # drop the persistent session so the broker forgets it
        cleaner = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=True,
        )
        cleaner.connect(*self.broker)
        cleaner.disconnect()


@pytest.fixture
def harness(store: Store, mqtt_broker: tuple[str, int]) -> Iterator[Harness]:
    add_air_station(store)
    h = Harness(store, mqtt_broker)
    yield h
    h.close()


def wait_for(predicate, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_mqtt_round_trip_single_and_batch(harness: Harness, store: Store) -> None:
    harness.start()
    harness.publish("18t/pm25", {"time": "2025-01-01T07:00:00+07:00", "value": 12.5})
    harness.publish(
        "18t",
        {
            "observations": [
                {"quantity": "pm25", "time": "2025-01-01T08:00:00+07:00", "value": 13.0},
                {"quantity": "pm10", "time": "2025-01-01T08:00:00+07:00", "value": 40.0},
            ]
        },
    )
    assert wait_for(lambda: store.count_observations() == 3)
    assert wait_for(lambda: len(harness.replies) == 2)
    assert sorted(r["accepted"] for r in harness.replies) == [1, 2]
    # the same message again: idempotent
    harness.publish("18t/pm25", {"time": "2025-01-01T07:00:00+07:00", "value": 12.5})
    assert wait_for(lambda: len(harness.replies) == 3)
    assert store.count_observations() == 3


def test_mqtt_bad_message_rejected_with_reply(harness: Harness, store: Store) -> None:
    harness.start()
    harness.publish(
        "18t",
        [
            {"quantity": "pm25", "time": "2025-01-01T08:00:00+07:00", "value": 13.0},
            {"quantity": "pm25", "time": "2025-01-01T09:00:00+07:00", "value": -4},
        ],
    )
    harness.publish("18t/pm25", {"time": "2025-01-01T07:00:00", "value": 1})
    assert wait_for(lambda: len(harness.replies) == 2)
    errors = sorted(r["error"]["items"][0]["reason"] for r in harness.replies)
    assert "below 0" in errors[0] and "no UTC offset" in errors[1]
    assert store.count_observations() == 0


def test_mqtt_messages_sent_while_down_arrive_after_restart(harness: Harness, store: Store) -> None:
    harness.start()  # creates the persistent session and its subscriptions
    harness.stop()
    for h in range(5):
        harness.publish("18t/pm25", {"time": f"2025-01-01T0{h}:00:00+07:00", "value": float(h)})
    assert store.count_observations() == 0
    harness.start()
    assert wait_for(lambda: store.count_observations() == 5)
