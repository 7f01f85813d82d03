"""What every source connector is: a :class:`Source` that harvests into the store.

A connector (air4thai, ThaiWater, a LoRaWAN network server, a SunSpec inverter, an
agency's JSON/CSV endpoint) implements :meth:`Source.harvest`: given the cursor it left
last time, fetch only what is new, write it through the store's ingest methods (never
beneath them: ingestion is idempotent, so a retried harvest adds nothing), and return a
:class:`Harvest` with the new cursor. Vendor and network failures raise
:class:`SourceError` (one error type per the Home Assistant coordinator habit); a source
that fails makes its data *stale*, never zero.

The runner (:mod:`paknam.sources.runner`) loads the cursor, calls ``harvest`` with
retries, records health in ``source_health`` and raises or clears the officer-only
``data_gap`` warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from paknam.core.errors import PaknamError
from paknam.core.store import Store


class SourceError(PaknamError):
    """A source could not be read: network, HTTP status, or a payload of the wrong shape.

    ``retryable`` says whether trying again soon may help (timeouts, 5xx, 429) or not
    (a changed payload format, 4xx): the runner retries only the former.
    """

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass
class Harvest:
    """What one harvest did.

    received, stored, unchanged, rejected : observation counts (as the store's ingest).
    newest_time_s : newest observation time delivered [UTC epoch s], None if none.
    cursor : the state to pass to the next harvest (JSON-serialisable).
    notes : lines for people (stations added, rows skipped and why).
    """

    received: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: int = 0
    newest_time_s: int | None = None
    cursor: Mapping[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class Source(Protocol):
    """A configured connector.

    id : unique source id (``air4thai``, ``thaiwater-wl``, ``lorawan-canals``, ...).
    kind : connector type (``air4thai``, ``thaiwater``, ``chirpstack``, ``sunspec``, ``json``).
    every_s : how often to harvest [s].
    stale_after_s : no new data for this long raises the ``data_gap`` warning [s].
    """

    id: str
    kind: str
    every_s: int
    stale_after_s: int

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch what is new since ``cursor`` and store it; raise :class:`SourceError`."""
        ...
