"""Which sources are enabled, with which parameters.

Read from the environment: ``PAKNAM_SOURCES`` (a JSON list) or ``PAKNAM_SOURCES_FILE``
(the path of a JSON or TOML file; TOML as ``[[sources]]`` tables). Each entry is
``{"id", "kind", ...parameters}``; ``kind`` is one of :data:`KINDS`. Common parameters:
``every_s``, ``stale_after_s``, ``enabled`` (default true), and for the HTTP helper
``timeout_s``, ``retries``, ``backoff_s``, ``headers``. **Default: no source** — a fresh
install or a demo never calls the internet until an officer configures it.

Example::

    PAKNAM_SOURCES='[{"id": "air4thai", "kind": "air4thai"},
                     {"id": "thaiwater-wl", "kind": "thaiwater", "province_code": "11"}]'
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from paknam.core.errors import InvalidInput
from paknam.sources.air4thai_feed import Air4thaiFeed
from paknam.sources.base import Source
from paknam.sources.http import HttpClient
from paknam.sources.polled import PolledSource
from paknam.sources.thaiwater import ThaiWaterLevels
from paknam.sources.thaiwater_rain import ThaiWaterRain

SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,55}$")
"""Source ids: lower case, up to 56 characters (the data_gap key adds ``source:``)."""
HTTP_KEYS = ("timeout_s", "retries", "backoff_s", "max_backoff_s", "max_retry_after_s", "headers")


class SourceConfigError(InvalidInput):
    """A source configuration that cannot be used; the message names the entry."""


Factory = Callable[[str, dict[str, Any], HttpClient], Source]


def _air4thai(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
    return Air4thaiFeed(sid, client=client, **params)


def _thaiwater(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
    return ThaiWaterLevels(sid, client=client, **params)


def _thaiwater_rain(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
    return ThaiWaterRain(sid, client=client, **params)


def _polled(kind: str) -> Factory:
    def make(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
        return PolledSource(sid, kind=kind, client=client, **params)

    return make


def _sunspec(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
    from paknam.sources.sunspec import SunSpecSource

    return SunSpecSource.from_dict({"id": sid, **params})  # Modbus TCP, not HTTP


def _chirpstack(sid: str, params: dict[str, Any], client: HttpClient) -> Source:
    from paknam.core.errors import InvalidInput
    from paknam.sources.chirpstack_source import ChirpstackSource

    try:
        return ChirpstackSource.from_params(sid, params)  # MQTT, not HTTP
    except InvalidInput as exc:
        raise ValueError(str(exc)) from None


KINDS: dict[str, Factory] = {
    "air4thai": _air4thai,
    "sunspec": _sunspec,
    "chirpstack": _chirpstack,
    "thaiwater": _thaiwater,
    "thaiwater_rain": _thaiwater_rain,
    "json": _polled("json"),
    "csv": _polled("csv"),
}
"""Connector kinds a configuration may name."""


def load_config(environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The configured source entries (``[]`` when nothing is configured)."""
    env = os.environ if environ is None else environ
    text, where = env.get("PAKNAM_SOURCES"), "PAKNAM_SOURCES"
    path = env.get("PAKNAM_SOURCES_FILE")
    if text and path:
        raise SourceConfigError("set PAKNAM_SOURCES or PAKNAM_SOURCES_FILE, not both")
    doc: Any
    if path:
        where = f"PAKNAM_SOURCES_FILE {path}"
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SourceConfigError(f"{where}: cannot read: {exc.strerror}") from None
        try:
            doc = tomllib.loads(raw) if path.endswith(".toml") else json.loads(raw)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise SourceConfigError(f"{where}: not valid JSON/TOML: {exc}") from None
    elif text:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise SourceConfigError(f"{where}: not valid JSON: {exc}") from None
    else:
        return []
    if isinstance(doc, dict) and "sources" in doc:
        doc = doc["sources"]
    if not isinstance(doc, list) or not all(isinstance(e, dict) for e in doc):
        raise SourceConfigError(f'{where}: expected a list of {{"id", "kind", ...}} objects')
    return [dict(e) for e in doc]


def build_sources(config: Sequence[Mapping[str, Any]], *, transport: Any = None) -> list[Source]:
    """Sources of the configuration entries that are enabled.

    Raises :class:`SourceConfigError` naming the entry (its position and id) and the
    problem: a missing or repeated id, an unknown kind, an unknown or wrong parameter.
    ``transport`` is passed to every HTTP helper (tests).
    """
    out: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(config):
        params = dict(entry)
        sid = params.pop("id", None)
        kind = params.pop("kind", None)
        name = f"source {i + 1} ({sid!r})" if sid else f"source {i + 1}"
        if not isinstance(sid, str) or not SOURCE_ID_PATTERN.match(sid):
            raise SourceConfigError(
                f"{name}: id must be lower-case letters, digits, '.', '_' or '-' (max 56)"
            )
        if sid in seen:
            raise SourceConfigError(f"{name}: id {sid!r} is used twice")
        seen.add(sid)
        if kind not in KINDS:
            raise SourceConfigError(
                f"{name}: unknown kind {kind!r}; known: {', '.join(sorted(KINDS))}"
            )
        enabled = params.pop("enabled", True)
        http = {k: params.pop(k) for k in HTTP_KEYS if k in params}
        for key in ("every_s", "stale_after_s"):
            if key in params and (not isinstance(params[key], int) or params[key] <= 0):
                raise SourceConfigError(f"{name}: {key} must be a positive whole number of s")
        try:
            client = HttpClient(transport=transport, **http)
            source = KINDS[kind](sid, params, client)
        except TypeError as exc:  # unknown parameter names
            raise SourceConfigError(f"{name} ({kind}): {exc}") from None
        except ValueError as exc:  # incl. pydantic's ValidationError of a static station
            raise SourceConfigError(f"{name} ({kind}): {exc}") from None
        if enabled:
            out.append(source)
    return out


def configured_sources(environ: Mapping[str, str] | None = None) -> list[Source]:
    """The enabled sources of the environment's configuration."""
    return build_sources(load_config(environ))
