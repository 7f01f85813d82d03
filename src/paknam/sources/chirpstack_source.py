"""A ChirpStack MQTT integration as a configured source (kind ``chirpstack``).

Unlike the polled sources it is *streaming*: ``paknam run`` keeps its subscriber
(:class:`~paknam.sources.chirpstack.ChirpstackIngestor`) running in a supervised
background thread (:mod:`paknam.pipeline.scheduler.streams`), and its periodic job
``source.<id>`` only *watches* it (:func:`paknam.sources.runner.watch_stream`): the
subscriber records each batch in ``source_health`` (last success = last decoded uplink,
newest observation time), and the watch raises or clears the officer-only ``data_gap``
warning like for any other source.

Configuration entry (``PAKNAM_SOURCES`` / ``PAKNAM_SOURCES_FILE``)::

    {"id": "lorawan-canals", "kind": "chirpstack",
     "application_id": "0b6e…",            # ChirpStack application UUID; omit = all
     "host": "127.0.0.1", "port": 1883,    # default PAKNAM_MQTT_HOST / _PORT
     "client_id": "paknam-lorawan-canals", # persistent MQTT session (default from id)
     "every_s": 300,                        # how often the watch runs [s]
     "stale_after_s": 10800,                # no decoded uplink this long -> data_gap [s]
     "devices": {"0016c001f0000a01": {"station": "canal_sp01", "codec": "lpp",
                 "channels": {"3/temperature": "water_temperature"}}},
     "profiles": {"Water level (decoded)": {"codec": "object"}},
     "create_stations": false,              # true: create unknown stations ...
     "default_location": {"lon": 100.6, "lat": 13.6}}   # ... placed here

The broker's user name and password come from ``PAKNAM_MQTT_USERNAME`` /
``PAKNAM_MQTT_PASSWORD`` (never from a configuration file that may be shared).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paknam.core.store import Store
from paknam.sources.base import Harvest, SourceError
from paknam.sources.chirpstack import KIND, ChirpstackConfig
from paknam.sources.chirpstack_ingest import ChirpstackIngestor

CONNECTION_KEYS = ("host", "port", "client_id", "every_s", "stale_after_s")


class ChirpstackSource:
    """A configured ChirpStack integration (``streaming``: run, not harvested)."""

    kind = KIND
    streaming = True

    def __init__(
        self,
        config: ChirpstackConfig,
        *,
        host: str | None = None,
        port: int | None = None,
        client_id: str | None = None,
        every_s: int = 300,
        stale_after_s: int = 3 * 3600,
    ) -> None:
        if port is not None and not (isinstance(port, int) and 0 < port < 65536):
            raise ValueError(f"port {port!r} is not a TCP port")
        self.config = config
        self.id = config.source_id
        self.host, self.port = host, port
        self.client_id = client_id or f"paknam-{config.source_id}"
        self.every_s = every_s
        self.stale_after_s = stale_after_s

    @classmethod
    def from_params(cls, source_id: str, params: Mapping[str, Any]) -> ChirpstackSource:
        """From a configuration entry's parameters (``id`` and ``kind`` already taken)."""
        p = dict(params)
        conn = {k: p.pop(k) for k in CONNECTION_KEYS if k in p}
        return cls(ChirpstackConfig.from_dict({"id": source_id, **p}), **conn)

    def subscriber(self, store: Store) -> ChirpstackIngestor:
        """A new subscriber (one per start: paho clients are not restarted)."""
        from paknam.core.config import get_settings

        s = get_settings()
        return ChirpstackIngestor(
            store,
            self.config,
            host=self.host or s.mqtt_host,
            port=self.port or s.mqtt_port,
            client_id=self.client_id,
            username=s.mqtt_username,
            password=s.mqtt_password,
        )

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Not used: a streaming source is watched (:func:`~paknam.sources.runner.
        watch_stream`), its data arrive through its subscriber."""
        raise SourceError(
            f"source {self.id} streams (MQTT): `paknam run` keeps its subscriber running",
            retryable=False,
        )
