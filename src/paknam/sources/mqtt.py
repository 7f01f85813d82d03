"""MQTT ingestion: subscribe to a broker and store what stations publish.

Topics (``paknam`` is ``PAKNAM_MQTT_TOPIC_PREFIX``):

``paknam/<station>/<quantity>``
    payload ``{"time": "2025-01-01T07:00:00+07:00", "value": 12.3}`` or a list of them.
``paknam/<station>``
    payload ``{"observations": [{"quantity": "pm25", "time": ..., "value": ...}, ...]}``
    or the list alone.

The station comes from the topic; an item naming another station is rejected. Each
message is validated like an HTTP batch (all or nothing for that message). Messages are
received with QoS 1 on a persistent session and **acknowledged to the broker only after
they are committed** (paho's manual acknowledgement), so a crash loses nothing: the
broker redelivers what was not acknowledged, and re-storing is idempotent.

After each message the outcome is published (QoS 1) on ``paknam/_reply/<station>``:
``{"received": n, "stored": n, ...}`` or ``{"error": {"message", "items"}}``.

Who may publish on which topic is the broker's job: with Mosquitto, a password file and
an ACL such as ``pattern write paknam/%u/#`` lets each device (username = station id)
write only its own station (see docs/mqtt.md).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson
import paho.mqtt.client as mqtt

from paknam.core.errors import ItemError
from paknam.core.ingest import Checked, check_items
from paknam.core.store import Store
from paknam.core.timeutil import now_s

log = logging.getLogger("paknam.mqtt")

MAX_MESSAGES_PER_COMMIT = 500
MAX_WAIT_S = 0.05


@dataclass
class _Parsed:
    msg: mqtt.MQTTMessage
    station: str
    items: list[Any]
    error: str | None = None


def parse_message(prefix: str, topic: str, payload: bytes) -> tuple[str, list[Any]]:
    """Station and items of one message; ``ValueError`` names what is wrong."""
    parts = topic.split("/")
    if parts[0] != prefix or len(parts) not in (2, 3) or not parts[1]:
        raise ValueError(f"topic {topic!r} is not {prefix}/<station>[/<quantity>]")
    station = parts[1]
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"payload is not JSON: {exc}") from None
    if isinstance(doc, dict) and "observations" in doc and len(parts) == 2:
        doc = doc["observations"]
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(item)  # validation names it
            continue
        named = item.get("station", station)
        if named != station:
            raise ValueError(f"item names station {named!r} but the topic is {station!r}")
        item = {**item, "station": station}
        if len(parts) == 3:
            named_q = item.get("quantity", parts[2])
            if named_q != parts[2]:
                raise ValueError(f"item names quantity {named_q!r} but the topic is {parts[2]!r}")
            item["quantity"] = parts[2]
        out.append(item)
    return station, out


class MqttIngestor:
    """Subscribes to ``<prefix>/+`` and ``<prefix>/+/+`` and stores what arrives."""

    def __init__(
        self,
        store: Store,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        prefix: str = "paknam",
        client_id: str = "paknam-ingest",
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.store = store
        self.host, self.port, self.prefix = host, port, prefix
        self._queue: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.stored = 0
        self.rejected_messages = 0
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe

    # paho callbacks run on its network thread: keep them short
    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            return
        client.subscribe([(f"{self.prefix}/+", 1), (f"{self.prefix}/+/+", 1)])
        log.info("connected to %s:%s, subscribing to %s/#", self.host, self.port, self.prefix)

    def _on_subscribe(self, _c: Any, _u: Any, _mid: Any, reasons: Any, _p: Any) -> None:
        if any(r.is_failure for r in reasons):
            log.error("broker refused the subscription: %s", reasons)
            return
        self.connected.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("disconnected from broker (%s); reconnecting", reason)

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        if msg.topic.split("/")[1:2] == ["_reply"]:
            self.client.ack(msg.mid, msg.qos)
            return
        self._queue.put(msg)

    # worker ------------------------------------------------------------------------------
    def _take_batch(self) -> list[mqtt.MQTTMessage]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + MAX_WAIT_S
        while len(batch) < MAX_MESSAGES_PER_COMMIT:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def _reply(self, station: str, body: dict[str, Any]) -> None:
        self.client.publish(f"{self.prefix}/_reply/{station}", orjson.dumps(body), qos=1)

    def process(self, batch: list[mqtt.MQTTMessage]) -> None:
        """Validate each message, commit all valid ones together, then acknowledge."""
        catalog = self.store.catalog()
        now = now_s()
        accepted: list[Checked] = []
        outcomes: list[tuple[_Parsed, dict[str, Any]]] = []
        for msg in batch:
            try:
                station, items = parse_message(self.prefix, msg.topic, bytes(msg.payload))
                parsed = _Parsed(msg, station, items)
            except ValueError as exc:
                parsed = _Parsed(msg, msg.topic.split("/")[1] if "/" in msg.topic else "", [])
                parsed.error = str(exc)
            if parsed.error is None:
                checked = check_items(
                    parsed.items, catalog, now=now, max_future_s=self.store.max_future_s
                )
                if checked.ok:
                    accepted.append(checked)
                    outcomes.append(
                        (parsed, {"received": len(parsed.items), "accepted": len(checked)})
                    )
                    continue
                outcomes.append((parsed, _error_body("batch rejected", checked.errors)))
            else:
                outcomes.append((parsed, _error_body(parsed.error, [])))
        if accepted:  # one transaction through the store, like HTTP and files
            self.stored += self.store.store_batches(accepted)
        for parsed, body in outcomes:  # after the commit
            self.client.ack(parsed.msg.mid, parsed.msg.qos)
            if "error" in body:
                self.rejected_messages += 1
                log.warning("rejected message on %s: %s", parsed.msg.topic, body["error"])
            if parsed.station:
                self._reply(parsed.station, body)

    def run(self, *, ready: threading.Event | None = None) -> None:
        """Connect and ingest until :meth:`stop` (reconnects on its own)."""
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        try:
            if ready is not None:
                self.connected.wait(timeout=10)
                ready.set()
            while not self._stop.is_set():
                batch = self._take_batch()
                while batch and not self._stop.is_set():
                    try:
                        self.process(batch)
                        batch = []
                    except Exception:  # store down: keep the batch unacknowledged, retry
                        log.exception("could not store %d message(s); retrying", len(batch))
                        self._stop.wait(2.0)
        finally:
            self.client.loop_stop()
            self.client.disconnect()

    def stop(self) -> None:
        self._stop.set()


def _error_body(message: str, errors: list[ItemError]) -> dict[str, Any]:
    return {"error": {"message": message, "items": [e.as_dict() for e in errors]}}
