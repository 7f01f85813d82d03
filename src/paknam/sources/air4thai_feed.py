"""Harvester of PCD air4thai's latest-AQI JSON feed (``getNewAQI_JSON.php``).

The feed (format in :mod:`paknam.sources.air4thai`) gives every station's newest hour
(``AQILast``): PM2.5/PM10 as 24-h means, O3/CO as 8-h means, NO2/SO2 as 1-h values, in
Thai time. Each harvest fetches it once, keeps the configured stations (default: the five
Samut Prakan stations), creates any that are missing (real ids, names, coordinates from
the feed), adds missing series, and stores only hours newer than the cursor (the newest
time stored per station). Missing values (``-1``) are not stored. A station absent from
the feed is noted and the others are stored. A document that is no longer a getAQI feed
is a non-retryable :class:`SourceError` (the format changed: a person must look).

Data: Pollution Control Department (กรมควบคุมมลพิษ), public; see docs/sources.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from paknam.core.errors import InvalidInput
from paknam.core.models import SeriesSpec, StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources.air4thai import is_air4thai_json, parse_getaqi_json
from paknam.sources.base import Harvest, SourceError
from paknam.sources.common import Notes, Row, ensure_stations, store_new_rows
from paknam.sources.http import HttpClient, safe_url

DEFAULT_URL = "http://air4thai.pcd.go.th/services/getNewAQI_JSON.php"
SAMUT_PRAKAN_STATIONS = ("08t", "16t", "17t", "18t", "19t")
"""air4thai stations in Samut Prakan (../shared/data/air/SOURCES.md)."""


class Air4thaiFeed:
    """The air4thai latest-AQI feed for a set of stations.

    Parameters
    ----------
    id : source id (default ``air4thai``).
    url : feed URL.
    stations : station ids to keep; empty or None keeps every station of the feed.
    every_s : poll interval [s] (default 900: the feed changes hourly, polling each quarter
        hour catches a new hour within 15 min).
    stale_after_s : no new hour for this long raises ``data_gap`` [s] (default 3 h).
    client : the HTTP helper (timeouts, retries).
    """

    kind = "air4thai"

    def __init__(
        self,
        id: str = "air4thai",
        *,
        url: str = DEFAULT_URL,
        stations: Sequence[str] | None = SAMUT_PRAKAN_STATIONS,
        every_s: int = 900,
        stale_after_s: int = 3 * 3600,
        client: HttpClient | None = None,
    ) -> None:
        self.id = id
        self.url = url
        self.stations = tuple(stations or ())
        self.every_s = every_s
        self.stale_after_s = stale_after_s
        self.client = client or HttpClient()

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch the feed and store the configured stations' new hours."""
        doc = self.client.get_json(self.url)
        where = safe_url(self.url)
        if not is_air4thai_json(doc):
            raise SourceError(
                f"{where}: not an air4thai getAQI document any more "
                '(expected {"stations": [{"stationID", ...}]}): the format may have changed',
                retryable=False,
            )
        notes = Notes()
        wanted = set(self.stations)
        found: dict[str, StationCreate] = {}
        rows: list[Row] = []
        broken = 0
        for i, entry in enumerate(doc["stations"]):
            sid = str(entry.get("stationID", "")).strip()
            if wanted and sid not in wanted:
                continue
            try:
                (station,), frame = parse_getaqi_json({"stations": [entry]})
            except (InvalidInput, ValueError) as exc:  # incl. pydantic's ValidationError
                broken += 1
                notes.add(f"station {sid or i!r}: unreadable in the feed ({exc}); skipped")
                continue
            found[sid] = station
            for r in frame.itertuples(index=False):
                rows.append(Row(sid, str(r.quantity), parse_time(r.time), float(r.value)))
        if broken and not found:
            raise SourceError(
                f"{where}: no station of the feed could be read ({broken} tried): "
                "the format may have changed",
                retryable=False,
            )
        for sid in sorted(wanted - set(found)):
            notes.add(f"station {sid}: not in the feed this time")
        series = {
            s.id: [SeriesSpec(quantity=q.quantity) for q in s.quantities] for s in found.values()
        }
        ensure_stations(store, found, series, notes)
        return store_new_rows(store, rows, cursor, now, notes)
