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

The session is MQTT 5 with a *receive maximum* of :data:`RECEIVE_MAXIMUM`: the broker
may hand the ingestor that many messages before any is acknowledged, so while the
database is away the ingestor keeps draining the broker into a bounded buffer (what does
not fit waits in the broker's queue for this session, sized by the broker settings that
paknam ships in ``deploy/mosquitto/paknam.conf``) and retries the commit after 50 ms,
doubling to 2 s. Several ingestors share the load through an MQTT 5 shared subscription
(``group``: ``$share/<group>/<prefix>/+``), each with its own client id; the broker gives
every message to one of them. The broker's own count of dropped messages
(``$SYS/broker/publish/messages/dropped``) is followed, and a rise is logged as an error.

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
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from paknam.core.errors import ItemError
from paknam.core.ingest import Checked, check_items
from paknam.core.store import Store, short_reason
from paknam.core.timeutil import now_s

log = logging.getLogger("paknam.mqtt")

MAX_MESSAGES_PER_COMMIT = 500
MAX_WAIT_S = 0.05
RECEIVE_MAXIMUM = 20_000
"""Unacknowledged messages the broker may send this client (MQTT 5 Receive Maximum): the
ingestor's buffer while the database is away (50 s at 400 messages/s)."""
SESSION_EXPIRY_S = 7 * 24 * 3600
"""How long the broker keeps this client's session (and queue) while it is away."""
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 2.0
DROPPED_TOPIC = "$SYS/broker/publish/messages/dropped"


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
        group: str | None = None,
        receive_maximum: int = RECEIVE_MAXIMUM,
    ) -> None:
        if group is not None and (not group or any(c in group for c in "/+#")):
            raise ValueError(f"shared-subscription group {group!r} must be a plain name")
        if not 1 <= receive_maximum <= 65535:
            raise ValueError(f"receive_maximum {receive_maximum} must be 1 … 65535")
        self.store = store
        self.host, self.port, self.prefix = host, port, prefix
        self.client_id, self.group = client_id, group
        self.receive_maximum = receive_maximum
        self._queue: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.stored = 0
        self.rejected_messages = 0
        self.retries = 0
        self.broker_dropped: int | None = None
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
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
        share = f"$share/{self.group}/" if self.group else ""
        client.subscribe(
            [
                (f"{share}{self.prefix}/+", 1),
                (f"{share}{self.prefix}/+/+", 1),
                (DROPPED_TOPIC, 0),
            ]
        )
        log.info(
            "connected to %s:%s as %s, subscribing to %s%s/#",
            self.host,
            self.port,
            self.client_id,
            share,
            self.prefix,
        )

    def topics(self) -> list[str]:
        """The topic filters this ingestor subscribes to (data only)."""
        share = f"$share/{self.group}/" if self.group else ""
        return [f"{share}{self.prefix}/+", f"{share}{self.prefix}/+/+"]

    def _on_subscribe(self, _c: Any, _u: Any, _mid: Any, reasons: Any, _p: Any) -> None:
        if any(r.is_failure for r in reasons[:2]):
            log.error("broker refused the subscription: %s", reasons)
            return
        self.connected.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("disconnected from broker (%s); reconnecting", reason)

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        if msg.topic == DROPPED_TOPIC:
            self._broker_dropped(bytes(msg.payload))
            return
        if msg.topic.split("/")[1:2] == ["_reply"]:
            self.client.ack(msg.mid, msg.qos)
            return
        self._queue.put(msg)

    def _broker_dropped(self, payload: bytes) -> None:
        try:
            count = int(payload.decode().strip())
        except ValueError:
            return
        if self.broker_dropped is not None and count > self.broker_dropped:
            log.error(
                "the broker dropped %d message(s) since its last report (its queue for a "
                "client overflowed?): see deploy/mosquitto/paknam.conf",
                count - self.broker_dropped,
            )
        self.broker_dropped = count

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

    def _drain(self, limit: int) -> list[mqtt.MQTTMessage]:
        out: list[mqtt.MQTTMessage] = []
        while len(out) < limit:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return out

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
        props = Properties(PacketTypes.CONNECT)
        props.ReceiveMaximum = self.receive_maximum
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        self.client.connect_async(
            self.host, self.port, keepalive=30, clean_start=False, properties=props
        )
        self.client.loop_start()
        try:
            if ready is not None:
                self.connected.wait(timeout=10)
                ready.set()
            while not self._stop.is_set():
                batch = self._take_batch()
                wait = RETRY_FIRST_S
                while batch and not self._stop.is_set():
                    try:
                        self.process(batch)
                        batch = []
                    except Exception as exc:  # store down: keep the batch unacknowledged
                        self.retries += 1
                        log.warning(
                            "could not store %d message(s) (%s); retrying in %.2f s",
                            len(batch),
                            short_reason(exc),
                            wait,
                        )
                        self._stop.wait(wait)
                        wait = min(RETRY_MAX_S, wait * 2)
                        # meanwhile the broker keeps sending (up to receive_maximum):
                        # join what arrived, so one commit catches up
                        batch += self._drain(MAX_MESSAGES_PER_COMMIT - len(batch))
        finally:
            self.client.loop_stop()
            self.client.disconnect()

    def stop(self) -> None:
        self._stop.set()


def _error_body(message: str, errors: list[ItemError]) -> dict[str, Any]:
    return {"error": {"message": message, "items": [e.as_dict() for e in errors]}}
