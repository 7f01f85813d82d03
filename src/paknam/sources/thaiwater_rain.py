"""Harvester of ThaiWater (HII / ONWR) public telemetry: rainfall of the last 24 hours.

Endpoint (base ``https://api-v3.thaiwater.net/api/v1/thaiwater30/public``, no key):
``rain_24h?province_code=11&include_zero=1``. Without ``include_zero=1`` the API leaves out
the gauges that measured no rain, so a dry gauge would look like one that disappeared.
The answer (the thaiwater30 API's ``Struct_Rainfall24H`` in a ``util/result.Result``,
as seen in public client code; validated)::

    {"result": "OK", "data": [{"id", "rainfall_datetime": "YYYY-MM-DD HH:mm" (Thai time),
      "rain_24h": mm (number, string or null), "rain_1h": mm (on some gauges),
      "station_type": "rainfall_24h",
      "station": {"id", "tele_station_name": {"th", "en"}, "tele_station_lat",
                  "tele_station_long", "tele_station_oldcode", "tele_station_type"},
      "geocode": {"province_code", "amphoe_name", ...}, "agency": {...}, "basin": {...}}]}

``rain_24h`` is the rain of the 24 hours that end at ``rainfall_datetime``; it is stored as
``rainfall_24h`` [mm] at that time, on station ``tw-<ThaiWater id>`` (the telemetry
stations of water level and rain share one id space, so a station that measures both
gets both series). Unknown gauges are created as ``weather`` stations. The whole country
is several megabytes: the province filter is asked of the server and checked again here
(``geocode.province_code``). A missed poll loses nothing that matters: every answer is the
full 24-hour total, so there is no history to catch up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from paknam.core.models import STATION_ID_PATTERN, SeriesSpec, StationCreate
from paknam.core.store import Store
from paknam.sources.base import Harvest
from paknam.sources.common import Notes, Row, ensure_stations, store_new_rows
from paknam.sources.http import HttpClient, safe_url
from paknam.sources.thaiwater import (
    DEFAULT_BASE,
    SAMUT_PRAKAN,
    TIME_FORMAT,
    _num,
    _shape,
    in_province,
    records,
    station_create,
    station_id,
    thaiwater_time,
    unwrap,
)

QUANTITY = "rainfall_24h"


class ThaiWaterRain:
    """ThaiWater 24-hour rainfall of one province (or of every gauge).

    Parameters
    ----------
    id : source id (default ``thaiwater-rain``).
    base_url : API base (``.../api/v1/thaiwater30/public``).
    province_code : two-digit province code (``11`` Samut Prakan); None: every gauge.
    stations : ThaiWater station ids to keep (empty: all of the answer).
    every_s : poll interval [s] (default 900; gauges report every 10-60 min).
    stale_after_s : no new reading for this long raises ``data_gap`` [s] (default 3 h).
    """

    kind = "thaiwater_rain"

    def __init__(
        self,
        id: str = "thaiwater-rain",
        *,
        base_url: str = DEFAULT_BASE,
        province_code: str | None = SAMUT_PRAKAN,
        stations: Sequence[str] | None = None,
        every_s: int = 900,
        stale_after_s: int = 3 * 3600,
        client: HttpClient | None = None,
    ) -> None:
        self.id = id
        self.base_url = base_url.rstrip("/")
        self.province_code = province_code
        self.stations = {str(s) for s in stations or ()}
        self.every_s = every_s
        self.stale_after_s = stale_after_s
        self.client = client or HttpClient()

    def _latest(self) -> tuple[str, list[dict[str, Any]]]:
        url = f"{self.base_url}/rain_24h"
        params = {"include_zero": "1"}
        if self.province_code:
            params["province_code"] = self.province_code
        doc = self.client.get_json(url, params)
        where = safe_url(url)
        return where, records(unwrap(doc, where), where, "rainfall_datetime", "rain_24h")

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch the latest 24-hour totals and store those newer than the cursor."""
        where, data = self._latest()
        notes = Notes()
        creates: dict[str, StationCreate] = {}
        rows: list[Row] = []
        parsed = considered = 0
        for rec in data:
            tw_id = str(rec["station"]["id"])
            if self.stations and tw_id not in self.stations:
                continue
            if not in_province(rec, self.province_code):
                continue
            considered += 1
            sid = station_id(tw_id)
            if not re.match(STATION_ID_PATTERN, sid):
                notes.add(f"ThaiWater gauge {tw_id!r}: id unusable as a station id; skipped")
                continue
            try:
                new = station_create(rec, "weather", [SeriesSpec(quantity=QUANTITY)], ())
                new.meta["tele_station_type"] = rec["station"].get("tele_station_type")
                creates[sid] = new
            except ValueError as exc:
                notes.add(f"ThaiWater gauge {tw_id}: {exc}; skipped")
                continue
            try:
                t = thaiwater_time(rec["rainfall_datetime"])
            except ValueError as exc:
                notes.add(f"{sid}: {exc}; skipped")
                continue
            parsed += 1
            value = _num(rec["rain_24h"])
            if value is None:
                notes.add(f"{sid}: no rain_24h at {rec['rainfall_datetime']} (missing); skipped")
                continue
            rows.append(Row(sid, QUANTITY, t, value))
        if considered and not creates:
            raise _shape(where, "no record could be read")
        if considered and creates and not parsed:
            raise _shape(where, f'no "rainfall_datetime" matches {TIME_FORMAT!r}')
        ensure_stations(
            store, creates, {sid: [SeriesSpec(quantity=QUANTITY)] for sid in creates}, notes
        )
        # one cursor key per station and quantity: the level source keeps its own cursor
        return store_new_rows(
            store, rows, cursor, now, notes, key=lambda r: f"{r.station}|{r.quantity}"
        )
