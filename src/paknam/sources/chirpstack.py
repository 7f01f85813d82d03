"""LoRaWAN sensors through a ChirpStack v4 network server's MQTT integration.

ChirpStack publishes each uplink (after gateway de-duplication) on
``application/{application_id}/device/{dev_eui}/event/up`` as JSON (protobuf JSON
mapping, camelCase)::

    {"deduplicationId": "3b0b…", "time": "2026-12-04T03:15:02.123456+00:00",
     "deviceInfo": {"tenantId", "applicationId", "deviceProfileName", "deviceName",
                    "devEui": "0016c001f0000a01", "tags": {"station": "canal_sp01"}},
     "devAddr", "fCnt": 42, "fPort": 2, "data": "<base64 payload>",
     "object": {...decoded by the device profile's codec, when it has one...},
     "rxInfo": [{"gatewayId", "rssi", "snr", "nsTime", ...}], "txInfo": {...}}

Each uplink becomes observations of one station:

- **station**: from the configuration (``devices: {dev_eui: {station: ...}}``), else the
  device's ChirpStack tag ``station`` (set in ChirpStack's device page). A device with
  neither is *unknown*: its uplinks are counted and logged as rejected, never stored,
  unless the configuration sets ``create_stations: true`` with a ``default_location``
  (``{"lon", "lat"}``): then it gets station ``lora-<dev_eui>`` (named after the ChirpStack
  device, placed at the default location for an officer to move), and any configured
  station that does not exist yet, and missing series, are created too (a
  ``water_level`` series needs its ``datum`` in the channel mapping).
- **codec** (per device, else per device profile, else ``object`` when the uplink has an
  ``object`` and ``lpp`` when not): ``lpp`` decodes ``data`` as Cayenne LPP
  (:mod:`paknam.sources.lpp`, keys ``"3/temperature"``); ``object`` reads ChirpStack's
  decoded ``object`` (keys are dotted paths, ``"sensors.do"``).
- **channels** map keys to registered quantity codes, with an optional linear
  conversion ``value × scale + offset`` (``{"1/distance": {"quantity": "water_level",
  "scale": -1, "offset": 3.20}}``: an ultrasonic sensor 3.20 m above the datum). For the
  ``object`` codec a key that *is* a quantity code (``{"do": 5.2}``) needs no mapping.
- **time**: the uplink's ``time``, else the first ``rxInfo[].nsTime`` (whole seconds).

Unknown devices, payloads that do not decode, values with no mapping and values the
store rejects (a quantity the station has no series for, out of range, too far in the
future) are logged and counted (in the source's ``source_health.cursor``), never fatal.
Messages are received with QoS 1 on a persistent session and acknowledged to the broker
only after their observations are committed; a repeated uplink (same
``deduplicationId``, or the broker's redelivery) and out-of-order uplinks are harmless:
the store keeps one value per series and time. Each committed batch is recorded in
``source_health`` (kind ``chirpstack``): its last success is the last batch in which an
uplink was decoded into accepted values (a batch of only rejected uplinks updates the
counts, not the success), so the ``data_gap`` watch of
:mod:`paknam.sources.chirpstack_source` sees a network that has gone quiet.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from paknam.core.errors import InvalidInput
from paknam.core.quantities import QUANTITY_BY_CODE
from paknam.sources import lpp

log = logging.getLogger("paknam.chirpstack")

KIND = "chirpstack"
CODECS = ("lpp", "object")
_EUI = re.compile(r"^[0-9a-f]{16}$")
_FRACTION = re.compile(r"(\.\d{6})\d+")


# ---- configuration -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelMap:
    """Where one decoded value goes: ``quantity`` = value × ``scale`` + ``offset``."""

    quantity: str
    scale: float = 1.0
    offset: float = 0.0
    datum: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    """A device's (or a device profile's) settings; ``None`` fields fall back."""

    station: str | None = None
    codec: str | None = None
    channels: Mapping[str, ChannelMap] | None = None


@dataclass
class ChirpstackConfig:
    """One ChirpStack integration.

    source_id : id in ``source_health`` (default ``chirpstack``).
    application_id : ChirpStack application UUID to subscribe to; ``None`` = all (``+``).
    devices : by DevEUI (lower-case hex, 16 digits).
    profiles : by ChirpStack device-profile name (codec and channels shared by a model).
    create_stations : create the stations (and series) uplinks name that do not exist,
        and ``lora-<dev_eui>`` for unknown devices; needs ``default_location``.
    default_location : (lon, lat) [deg, WGS 84] of the stations so created.
    """

    source_id: str = "chirpstack"
    application_id: str | None = None
    devices: dict[str, DeviceConfig] = field(default_factory=dict)
    profiles: dict[str, DeviceConfig] = field(default_factory=dict)
    create_stations: bool = False
    default_location: tuple[float, float] | None = None

    @property
    def topic(self) -> str:
        """The MQTT topic filter of the uplink events."""
        return f"application/{self.application_id or '+'}/device/+/event/up"

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ChirpstackConfig:
        """Parse and check a configuration (JSON/TOML-like); errors name the entry."""
        if not isinstance(doc, Mapping):
            raise InvalidInput("chirpstack configuration must be an object")
        known = {"id", "source_id", "application_id", "devices", "profiles"}
        unknown = set(doc) - known - {"create_stations", "default_location"}
        if unknown:
            raise InvalidInput(f"chirpstack: unknown setting(s) {sorted(unknown)}")
        create = doc.get("create_stations", False)
        if not isinstance(create, bool):
            raise InvalidInput("chirpstack.create_stations must be true or false")
        location = _location(doc.get("default_location"))
        if create and location is None:
            raise InvalidInput(
                'chirpstack.create_stations needs default_location {"lon": .., "lat": ..} '
                "(where new stations are placed until an officer moves them)"
            )
        devices = {}
        for eui, entry in (doc.get("devices") or {}).items():
            key = str(eui).lower().replace("-", "").replace(":", "")
            if not _EUI.match(key):
                raise InvalidInput(f"chirpstack.devices: {eui!r} is not a 16-hex-digit DevEUI")
            devices[key] = _device(entry, f"chirpstack.devices.{eui}")
        profiles = {
            str(name): _device(entry, f"chirpstack.profiles.{name}")
            for name, entry in (doc.get("profiles") or {}).items()
        }
        return cls(
            source_id=str(doc.get("id") or doc.get("source_id") or "chirpstack"),
            application_id=doc.get("application_id"),
            devices=devices,
            profiles=profiles,
            create_stations=create,
            default_location=location,
        )


def _location(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        if isinstance(value, Mapping):
            lon, lat = float(value["lon"]), float(value["lat"])
        else:
            lon, lat = (float(v) for v in value)
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            'chirpstack.default_location must be {"lon": .., "lat": ..} or [lon, lat]'
        ) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(f"chirpstack.default_location ({lon}, {lat}) is not on Earth")
    return lon, lat


def _device(entry: Any, where: str) -> DeviceConfig:
    if not isinstance(entry, Mapping):
        raise InvalidInput(f"{where} must be an object")
    unknown = set(entry) - {"station", "codec", "channels"}
    if unknown:
        raise InvalidInput(f"{where}: unknown setting(s) {sorted(unknown)}")
    codec = entry.get("codec")
    if codec is not None and codec not in CODECS:
        raise InvalidInput(f"{where}.codec {codec!r} is not one of {', '.join(CODECS)}")
    channels = None
    if entry.get("channels") is not None:
        channels = {}
        for key, target in entry["channels"].items():
            spec = {"quantity": target} if isinstance(target, str) else dict(target)
            q = spec.get("quantity")
            if q not in QUANTITY_BY_CODE:
                raise InvalidInput(f"{where}.channels[{key!r}]: unknown quantity {q!r}")
            datum = spec.get("datum")
            try:
                channels[str(key)] = ChannelMap(
                    q,
                    float(spec.get("scale", 1.0)),
                    float(spec.get("offset", 0.0)),
                    None if datum is None else str(datum),
                )
            except (TypeError, ValueError):
                raise InvalidInput(
                    f"{where}.channels[{key!r}]: scale and offset must be numbers"
                ) from None
    station = entry.get("station")
    return DeviceConfig(None if station is None else str(station), codec, channels)


# ---- one uplink (pure) -------------------------------------------------------------------


class UplinkError(ValueError):
    """An uplink that gives no observations; ``reason`` is ``malformed``,
    ``unknown_device`` or ``undecodable``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Uplink:
    """Observations decoded from one uplink (values already converted)."""

    dev_eui: str
    deduplication_id: str | None
    station: str
    time_s: int
    values: list[tuple[str, float]]  # (quantity, value)
    unmapped: list[str] = field(default_factory=list)
    device_name: str | None = None
    datums: dict[str, str] = field(default_factory=dict)  # quantity -> datum (mapping)


def _parse_time(text: Any) -> int:
    if not isinstance(text, str):
        raise ValueError(f"time {text!r} is not a string")
    dt = datetime.fromisoformat(_FRACTION.sub(r"\1", text.replace("Z", "+00:00")))
    if dt.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return int(dt.timestamp() // 1)


def _flatten(obj: Any, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
    elif isinstance(obj, int | float):  # bool too: True is 1
        out[prefix[:-1]] = float(obj)
    return out


def decode_uplink(config: ChirpstackConfig, topic: str, payload: bytes) -> Uplink:
    """Decode one uplink event into a station's observations.

    Raises
    ------
    UplinkError
        ``malformed`` (not JSON, missing fields, topic and body disagree),
        ``unknown_device`` (no station for the DevEUI), ``undecodable`` (the codec
        fails: bad base64, bad Cayenne LPP, no ``object``).
    """
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise UplinkError("malformed", f"uplink on {topic} is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise UplinkError("malformed", f"uplink on {topic} is not a JSON object")
    info = doc.get("deviceInfo")
    if not isinstance(info, dict) or not isinstance(info.get("devEui"), str):
        raise UplinkError("malformed", f"uplink on {topic} has no deviceInfo.devEui")
    eui = info["devEui"].lower()
    parts = topic.split("/")
    if len(parts) == 6 and parts[3].lower() != eui:
        raise UplinkError(
            "malformed", f"uplink on {topic} names device {eui}, the topic {parts[3]}"
        )
    dedup = doc.get("deduplicationId")
    try:
        if doc.get("time") is not None:
            t = _parse_time(doc["time"])
        else:
            rx = doc.get("rxInfo") or []
            ns = next(
                (r.get("nsTime") for r in rx if isinstance(r, dict) and r.get("nsTime")), None
            )
            if ns is None:
                raise ValueError("no time and no rxInfo[].nsTime")
            t = _parse_time(ns)
    except ValueError as exc:
        raise UplinkError("malformed", f"uplink of device {eui}: bad time: {exc}") from None

    dev = config.devices.get(eui, DeviceConfig())
    prof = config.profiles.get(str(info.get("deviceProfileName")), DeviceConfig())
    tags = info.get("tags")
    tags = tags if isinstance(tags, dict) else {}
    station = dev.station or tags.get("station") or prof.station
    if not station and config.create_stations:
        station = f"lora-{eui}"
    if not station:
        raise UplinkError(
            "unknown_device",
            f"device {eui} ({info.get('deviceName')!r}, profile "
            f"{info.get('deviceProfileName')!r}) maps to no station: add it to devices "
            "or give it the ChirpStack tag 'station'",
        )
    obj = doc.get("object")
    codec = dev.codec or prof.codec or ("object" if isinstance(obj, dict) else "lpp")
    channels = dev.channels if dev.channels is not None else prof.channels
    if codec == "lpp":
        raw = doc.get("data") or ""
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise UplinkError("undecodable", f"device {eui}: data is not base64") from None
        try:
            decoded = dict(kv for v in lpp.decode(data) for kv in v.pairs())
        except lpp.LppError as exc:
            raise UplinkError(
                "undecodable", f"device {eui} fCnt {doc.get('fCnt')}: {exc}"
            ) from None
    else:
        if not isinstance(obj, dict):
            raise UplinkError(
                "undecodable",
                f"device {eui}: codec 'object' but the uplink has no decoded object "
                "(check the device profile's codec in ChirpStack)",
            )
        decoded = _flatten(obj)
    values: list[tuple[str, float]] = []
    unmapped: list[str] = []
    datums: dict[str, str] = {}
    for key, value in decoded.items():
        target = (channels or {}).get(key)
        if target is None and codec == "object" and channels is None and key in QUANTITY_BY_CODE:
            target = ChannelMap(key)
        if target is None:
            unmapped.append(key)
            continue
        values.append((target.quantity, value * target.scale + target.offset))
        if target.datum:
            datums[target.quantity] = target.datum
    name = info.get("deviceName")
    return Uplink(
        eui,
        dedup if isinstance(dedup, str) else None,
        str(station),
        t,
        values,
        unmapped,
        str(name) if name else None,
        datums,
    )
