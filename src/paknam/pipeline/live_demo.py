"""The live demo: a recorded day replayed on a catch-up clock, with the scheduler running.

``paknam demo`` loads every domain's sample data with the recorded samples **replayed**
(shifted so that they reach now; see :class:`~paknam.core.registry.DemoPlan`), holding
back the readings of the last ``window_s``. Then, in this process:

- the platform clock becomes a :class:`~paknam.core.timeutil.CatchUpClock` that starts
  ``window_s`` in the past and runs ``speed`` times faster until it meets the real time
  (never ahead of it): rules, freshness, warnings, alerts and the map's ``stale`` flags
  all read it;
- a streamer sends each held-back reading once the clock passes its time, through the real
  ingest path: MQTT to the local broker when one answers (with an in-process ingestor
  subscribed), otherwise HTTP ``POST /api/v1/observations`` with a device key made for
  the demo stations, otherwise (no server) the store's own ingest;
- the scheduler (:class:`~paknam.pipeline.scheduler.loop.Scheduler`) runs every job on the
  same clock, so a 15-minute rule runs every 15 demo minutes.

Replayed stations carry ``meta["replayed"]``: their warnings become ``Exercise`` alerts
only, never ``Actual`` (:mod:`paknam.governance.alerts`).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import orjson

from paknam.core.config import get_settings
from paknam.core.registry import DemoPlan, HeldReadings
from paknam.core.store import Store
from paknam.core.timeutil import CatchUpClock, set_clock, to_local_iso
from paknam.pipeline.demo import run_demo
from paknam.pipeline.flow import PipelineRun

log = logging.getLogger(__name__)

DEFAULT_WINDOW_S = 24 * 3600
"""How far behind the demo clock starts: the recorded day that is streamed [s]."""
DEFAULT_SPEED = 144.0
"""Demo seconds per real second: a day in 10 minutes."""
BATCH = 500
"""Readings per message or request at most."""


@dataclass
class Stream:
    """Held-back readings in time order, released as the clock passes them."""

    stations: np.ndarray
    quantities: np.ndarray
    times: np.ndarray
    values: np.ndarray
    next: int = 0

    @classmethod
    def of(cls, held: Sequence[HeldReadings]) -> Stream:
        def cat(name: str, dtype: Any) -> np.ndarray:
            parts = [np.asarray(getattr(h, name), dtype=dtype) for h in held]
            return np.concatenate(parts) if parts else np.array([], dtype=dtype)

        st, qu = cat("stations", object), cat("quantities", object)
        ti, va = cat("times", np.int64), cat("values", float)
        order = np.argsort(ti, kind="stable")
        return cls(st[order], qu[order], ti[order].astype(np.int64), va[order])

    def __len__(self) -> int:
        return int(self.times.size)

    def due(self, now: float) -> slice:
        """The readings not yet sent whose time is ≤ ``now`` (and marks them sent)."""
        end = int(np.searchsorted(self.times, now, side="right"))
        s = slice(self.next, max(end, self.next))
        self.next = s.stop
        return s

    def items(self, s: slice) -> list[dict[str, Any]]:
        return [
            {"station": str(a), "quantity": str(b), "time": to_local_iso(int(t)), "value": float(v)}
            for a, b, t, v in zip(
                self.stations[s], self.quantities[s], self.times[s], self.values[s], strict=True
            )
        ]


WILDCARD_HOSTS = ("0.0.0.0", "::", "")
"""Listen addresses that are no address a phone can open."""


def served_address(host: str, port: int) -> str:
    """The address the demo's pages are reached at: ``http://host:port``; for a wildcard
    listen address, this machine's address on its outgoing network (no packet is sent)."""
    if host in WILDCARD_HOSTS:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
                host = str(s.getsockname()[0])
        except OSError:
            host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def use_served_address(host: str, port: int) -> str:
    """Make the demo's own address the ``public_base_url`` that every link in alerts,
    messages, the Atom feed and CAP starts with — unless ``PAKNAM_PUBLIC_BASE_URL`` is set
    (an operator's choice wins). Call it before anything is loaded (messages are rendered
    when queued). Returns the base URL in force."""
    import os

    if not os.environ.get("PAKNAM_PUBLIC_BASE_URL"):
        os.environ["PAKNAM_PUBLIC_BASE_URL"] = served_address(host, port)
        get_settings.cache_clear()
    return get_settings().public_base_url


Sender = Callable[[list[dict[str, Any]]], int]
"""Sends a batch of readings; returns how many the platform stored or accepted."""


def broker_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something listens on the MQTT broker's address."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class LiveDemo:
    """The running parts of the live demo (threads); :meth:`stop` ends them."""

    store: Store
    stream: Stream
    clock: CatchUpClock
    path: str
    sent: int = 0
    errors: int = 0
    threads: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    _stoppers: list[Callable[[], None]] = field(default_factory=list)

    def status(self) -> dict[str, Any]:
        """What the streamer has done, for the command's progress lines."""
        return {
            "clock": to_local_iso(int(self.clock())),
            "sent": self.sent,
            "left": len(self.stream) - self.stream.next,
            "errors": self.errors,
            "path": self.path,
        }

    def stop(self) -> None:
        self.stopping.set()
        for fn in self._stoppers:
            fn()
        for t in self.threads:
            t.join(timeout=30)
        set_clock(None)


def _mqtt_sender(prefix: str, host: str, port: int) -> tuple[Sender, Callable[[], None]]:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"paknam-demo-replay-{time.time_ns()}",
    )
    client.connect(host, port, keepalive=30)
    client.loop_start()

    def send(items: list[dict[str, Any]]) -> int:
        by_station: dict[str, list[dict[str, Any]]] = {}
        for it in items:
            by_station.setdefault(it["station"], []).append(
                {k: it[k] for k in ("quantity", "time", "value")}
            )
        for station, obs in by_station.items():
            info = client.publish(f"{prefix}/{station}", orjson.dumps({"observations": obs}), qos=1)
            info.wait_for_publish(timeout=10)
        return len(items)

    def close() -> None:
        client.loop_stop()
        client.disconnect()

    return send, close


def _http_sender(base_url: str, key: str) -> tuple[Sender, Callable[[], None]]:
    client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)

    def send(items: list[dict[str, Any]]) -> int:
        for attempt in range(30):  # the server may still be starting
            try:
                r = client.post("/api/v1/observations", json={"observations": items})
            except httpx.TransportError:
                time.sleep(min(0.2 * (attempt + 1), 2))
                continue
            if r.status_code >= 500:
                time.sleep(1)
                continue
            r.raise_for_status()
            return int(r.json().get("stored", 0)) + int(r.json().get("unchanged", 0))
        raise RuntimeError(f"the demo server at {base_url} did not take the readings")

    return send, client.close


def _store_sender(store: Store) -> Sender:
    def send(items: list[dict[str, Any]]) -> int:
        from paknam.core.timeutil import parse_time

        r = store.ingest_columns(
            np.array([i["station"] for i in items], dtype=object),
            np.array([i["quantity"] for i in items], dtype=object),
            np.array([parse_time(i["time"]) for i in items], dtype=np.int64),
            np.array([i["value"] for i in items], dtype=float),
        )
        return r.stored + r.unchanged

    return send


def start_live(
    store: Store,
    plan: DemoPlan,
    *,
    speed: float = DEFAULT_SPEED,
    serve_url: str | None = None,
    use_mqtt: bool | None = None,
    scheduler: bool = True,
    tick_s: float = 0.5,
    mqtt_prefix: str | None = None,
) -> LiveDemo:
    """Start the clock, the streamer, the ingestor (MQTT) and the scheduler on threads.

    ``plan`` is the one :func:`load_live` filled. ``serve_url``: the demo's own server,
    for the HTTP path. ``use_mqtt``: None = when the configured broker answers;
    ``mqtt_prefix``: topic prefix (default ``PAKNAM_MQTT_TOPIC_PREFIX`` + ``-demo``).
    """
    settings = get_settings()
    clock = CatchUpClock(plan.hold_back_s, speed)
    set_clock(clock)
    stream = Stream.of(plan.held)
    if use_mqtt is None:
        use_mqtt = broker_answers(settings.mqtt_host, settings.mqtt_port)
    demo_stations = sorted({str(s) for s in stream.stations})
    live = LiveDemo(store, stream, clock, "store")
    send: Sender
    if use_mqtt:
        from paknam.sources.mqtt import MqttIngestor

        # a topic prefix of its own: a production ingestor on the same broker must never
        # take replayed readings for its stations
        prefix = mqtt_prefix or f"{settings.mqtt_topic_prefix}-demo"
        ingestor = MqttIngestor(
            store,
            host=settings.mqtt_host,
            port=settings.mqtt_port,
            prefix=prefix,
            # one persistent session per topic prefix: what one run published but did
            # not store (killed), the next run's ingestor receives
            client_id=f"paknam-demo-ingest-{prefix}",
            username=settings.mqtt_username,
            password=settings.mqtt_password,
        )
        ready = threading.Event()
        t = threading.Thread(
            target=ingestor.run, kwargs={"ready": ready}, name="demo-mqtt", daemon=True
        )
        t.start()
        ready.wait(10)
        live.threads.append(t)
        live._stoppers.append(ingestor.stop)
        send, close = _mqtt_sender(prefix, settings.mqtt_host, settings.mqtt_port)
        live._stoppers.append(close)
        live.path = f"MQTT {settings.mqtt_host}:{settings.mqtt_port} ({prefix}/<station>)"
    elif serve_url and demo_stations:
        _kid, key, _prefix = store.create_device_key(demo_stations, "paknam demo replay")
        send, close = _http_sender(serve_url, key)
        live._stoppers.append(close)
        live.path = f"HTTP {serve_url}/api/v1/observations"
    else:
        send = _store_sender(store)

    def stream_loop() -> None:
        while not live.stopping.is_set():
            s = stream.due(clock())
            for start in range(s.start, s.stop, BATCH):
                part = slice(start, min(start + BATCH, s.stop))
                try:
                    send(stream.items(part))
                    live.sent += part.stop - part.start
                except Exception as exc:  # keep the demo going; say what failed
                    live.errors += 1
                    log.warning("demo stream: %d readings not sent: %s", part.stop - start, exc)
            live.stopping.wait(tick_s)

    t = threading.Thread(target=stream_loop, name="demo-stream", daemon=True)
    t.start()
    live.threads.append(t)
    if scheduler:
        from paknam.pipeline.scheduler.jobs import jobs_from_registry
        from paknam.pipeline.scheduler.loop import Scheduler

        def utc() -> datetime:
            return datetime.fromtimestamp(clock(), UTC)

        sched = Scheduler(store, jobs_from_registry(), "paknam-demo", clock=utc)
        t = threading.Thread(
            target=sched.run, args=(live.stopping,), kwargs={"tick_s": tick_s}, daemon=True
        )
        t.name = "demo-scheduler"
        t.start()
        live.threads.append(t)
    return live


def load_live(
    store: Store,
    say: Callable[[str], None] = lambda _: None,
    *,
    window_s: int = DEFAULT_WINDOW_S,
    now: int | None = None,
) -> tuple[DemoPlan, PipelineRun]:
    """Load the demo with the recorded samples replayed up to ``window_s`` before now;
    the rest is held back in the returned plan for :func:`start_live`."""
    start = int(time.time()) if now is None else now
    plan = DemoPlan(now=start, hold_back_s=window_s)
    run = run_demo(store, say, plan)
    held = sum(len(h.times) for h in plan.held)
    say(
        f"live demo: {held} recorded readings held back to stream "
        f"(from {to_local_iso(start - window_s)} on; replayed, labelled as such)"
    )
    return plan, run


__all__ = ["DEFAULT_SPEED", "DEFAULT_WINDOW_S", "LiveDemo", "Stream", "load_live", "start_live"]
