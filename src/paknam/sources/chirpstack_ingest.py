"""The ChirpStack subscriber: uplink events from MQTT into the store, acknowledged after
the commit, with health in ``source_health`` (see :mod:`paknam.sources.chirpstack` for
the format, the mapping and the rules; this module is the I/O around them).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt

from paknam.core.errors import PaknamError
from paknam.core.ingest import Checked, check_columns
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.quantities import QUANTITY_BY_CODE
from paknam.core.store import Store
from paknam.core.timeutil import now_s
from paknam.sources import health
from paknam.sources.chirpstack import KIND, ChirpstackConfig, Uplink, UplinkError, decode_uplink
from paknam.sources.common import Notes, ensure_stations

log = logging.getLogger("paknam.chirpstack")

MAX_MESSAGES_PER_COMMIT = 500
MAX_WAIT_S = 0.05
SEEN_IDS = 20_000
"""deduplicationIds remembered to skip repeated uplinks without decoding them again."""


# ---- the subscriber ----------------------------------------------------------------------


@dataclass
class Counts:
    """What the subscriber has done since it started."""

    messages: int = 0
    stored: int = 0
    unchanged: int = 0
    duplicates: int = 0
    unknown_devices: int = 0
    malformed: int = 0
    undecodable: int = 0
    unmapped_values: int = 0
    rejected_values: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class ChirpstackIngestor:
    """Subscribes to ChirpStack uplink events and stores their observations.

    ``run()`` blocks until :meth:`stop`; paho reconnects by itself with a backoff of
    ``reconnect_min_s`` doubling up to ``reconnect_max_s``.
    """

    def __init__(
        self,
        store: Store,
        config: ChirpstackConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        client_id: str | None = None,
        username: str | None = None,
        password: str | None = None,
        reconnect_min_s: int = 1,
        reconnect_max_s: int = 60,
    ) -> None:
        self.store, self.config = store, config
        self.host, self.port = host, port
        self.counts = Counts()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._queue: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"paknam-{config.source_id}",
            clean_session=False,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
        self.client.reconnect_delay_set(reconnect_min_s, reconnect_max_s)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = lambda _c, _u, msg: self._queue.put(msg)

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("ChirpStack MQTT connection refused: %s", reason)
            self._record_failure(f"broker {self.host}:{self.port} refused the connection: {reason}")
            return
        client.subscribe(self.config.topic, qos=1)
        log.info("connected to %s:%s, subscribing to %s", self.host, self.port, self.config.topic)

    def _on_subscribe(self, _c: Any, _u: Any, _mid: Any, reasons: Any, _p: Any) -> None:
        if any(r.is_failure for r in reasons):
            log.error("broker refused the subscription to %s: %s", self.config.topic, reasons)
            return
        self.connected.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        was_connected = self.connected.is_set()
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("disconnected from the broker (%s); reconnecting", reason)
            if was_connected:
                self._record_failure(f"lost the broker {self.host}:{self.port}: {reason}")

    def _take_batch(self) -> list[mqtt.MQTTMessage]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + MAX_WAIT_S
        while len(batch) < MAX_MESSAGES_PER_COMMIT and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(self._queue.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def process(self, batch: list[mqtt.MQTTMessage]) -> None:
        """Decode, check and commit a batch, record health, then acknowledge it."""
        now = now_s()
        counts = Counts(messages=len(batch))
        new_ids: list[str] = []
        uplinks: list[Uplink] = []
        for msg in batch:
            try:
                up = decode_uplink(self.config, msg.topic, bytes(msg.payload))
            except UplinkError as exc:
                field_ = "unknown_devices" if exc.reason == "unknown_device" else exc.reason
                setattr(counts, field_, getattr(counts, field_) + 1)
                log.warning("%s: %s", exc.reason, exc)
                continue
            except Exception as exc:  # a shape no check foresaw: never a poison message
                counts.malformed += 1
                log.warning("malformed: uplink on %s: %r", msg.topic, exc)
                continue
            if up.deduplication_id is not None:
                if up.deduplication_id in self._seen or up.deduplication_id in new_ids:
                    counts.duplicates += 1
                    continue
                new_ids.append(up.deduplication_id)
            if up.unmapped:
                counts.unmapped_values += len(up.unmapped)
                log.info("device %s: no mapping for %s", up.dev_eui, ", ".join(up.unmapped))
            if up.values:
                uplinks.append(up)
        catalog = self.store.catalog()
        if self.config.create_stations and any(
            (up.station, q) not in catalog for up in uplinks for q, _ in up.values
        ):
            self._create_stations(uplinks, catalog)
            catalog = self.store.catalog()
        accepted: list[Checked] = []
        newest: int | None = None
        for up in uplinks:
            n = len(up.values)
            checked = check_columns(
                [up.station] * n,
                [q for q, _ in up.values],
                np.full(n, up.time_s, dtype=np.int64),
                np.array([v for _, v in up.values], dtype=np.float64),
                catalog,
                now=now,
                max_future_s=self.store.max_future_s,
            )
            for err in checked.errors:
                log.warning(
                    "device %s → station %s: %s rejected: %s",
                    up.dev_eui,
                    up.station,
                    up.values[err.index][0],
                    err.reason,
                )
            counts.rejected_values += len(checked.errors)
            if len(checked):
                accepted.append(checked)
                newest = up.time_s if newest is None else max(newest, up.time_s)
        rows = sum(len(c) for c in accepted)
        stored = self.store.store_batches(accepted) if accepted else 0
        counts.stored, counts.unchanged = stored, rows - stored
        totals = {k: getattr(self.counts, k) + v for k, v in counts.as_dict().items()}
        with self.store.write() as conn:
            if accepted:  # an uplink was decoded into accepted values: a success
                health.record_success(
                    conn,
                    self.config.source_id,
                    KIND,
                    rows=stored,
                    newest_time_s=newest,
                    cursor={"counts": totals},
                )
            else:  # only rejected uplinks: counted, but not a success
                health.record_cursor(conn, self.config.source_id, KIND, {"counts": totals})
        for dedup in new_ids:
            self._seen[dedup] = None
            if len(self._seen) > SEEN_IDS:
                self._seen.popitem(last=False)
        self.counts = Counts(**totals)
        for msg in batch:  # only after the commit
            self.client.ack(msg.mid, msg.qos)

    def _create_stations(self, uplinks: list[Uplink], catalog: Mapping[Any, int]) -> None:
        """Create the missing stations and series of ``uplinks`` (``create_stations``)."""
        lon, lat = self.config.default_location or (0.0, 0.0)
        wanted: dict[str, StationCreate] = {}
        series: dict[str, dict[str, SeriesSpec]] = {}
        for up in uplinks:
            specs = series.setdefault(up.station, {})
            for q, _ in up.values:
                if (up.station, q) in catalog or q in specs:
                    continue
                datum = up.datums.get(q)
                if QUANTITY_BY_CODE[q].needs_datum and not datum:
                    log.warning(
                        "device %s: no series %s created on %s: give the channel a datum",
                        up.dev_eui,
                        q,
                        up.station,
                    )
                    continue
                specs[q] = SeriesSpec(quantity=q, datum=datum)
            if up.station in wanted or any(k[0] == up.station for k in catalog):
                continue
            name = up.device_name or up.station
            try:
                wanted[up.station] = StationCreate(
                    id=up.station,
                    name_th=f"อุปกรณ์ LoRaWAN {name}",
                    name_en=f"LoRaWAN device {name}",
                    kind="other",
                    lon=lon,
                    lat=lat,
                    meta={
                        "source": f"LoRaWAN via ChirpStack ({self.config.source_id})",
                        "dev_eui": up.dev_eui,
                        "location": "default_location of the source: move it to the device",
                    },
                )
            except ValueError as exc:  # a configured station id the store cannot take
                log.warning("device %s: station %r not created: %s", up.dev_eui, up.station, exc)
        notes = Notes()
        try:
            ensure_stations(
                self.store,
                wanted,
                {sid: list(specs.values()) for sid, specs in series.items() if specs},
                notes,
            )
        except PaknamError as exc:  # e.g. a station that exists but is retired
            log.warning("stations for uplinks not created: %s", exc)
        for note in notes.final():
            log.info("%s: %s", self.config.source_id, note)

    def _record_failure(self, error: str) -> None:
        try:
            with self.store.write() as conn:
                health.record_failure(conn, self.config.source_id, KIND, error)
        except Exception:  # the store itself is down: the log has it
            log.exception("could not record the failure of %s", self.config.source_id)

    def run(self, *, ready: threading.Event | None = None) -> None:
        """Connect and ingest until :meth:`stop`."""
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        try:
            if ready is not None:
                self.connected.wait(timeout=10)
                ready.set()
            while not self._stop.is_set():
                batch = self._take_batch()
                wait = 1.0
                while batch and not self._stop.is_set():
                    try:
                        self.process(batch)
                        batch = []
                    except Exception as exc:  # store down: keep the batch unacknowledged
                        log.exception("could not store %d uplink(s); retrying", len(batch))
                        self._record_failure(f"could not store uplinks: {exc}")
                        self._stop.wait(wait)
                        wait = min(wait * 2, 60.0)
        finally:
            self.client.disconnect()  # first: the network loop then ends at once
            self.client.loop_stop()

    def stop(self) -> None:
        self._stop.set()
