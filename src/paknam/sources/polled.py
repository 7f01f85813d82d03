"""A generic polled JSON or CSV source: an agency's own endpoint, mapped to observations.

Configuration (every key but ``url`` optional; see docs/sources.md)::

    {"id": "dpw-canal", "kind": "json", "url": "https://agency.example/api/levels",
     "records": "data.items",            # where the list of records is ("" = the root)
     "station": "site.code",              # path/column of the station id ...
     "station_id": "sp-canal-01",         # ... or one static station for every record
     "station_map": {"A1": "sp-canal-01"},# external id -> paknam station id
     "quantity": "param",                 # path/column of the quantity code ...
     "quantity_id": "water_level",        # ... or a static quantity
     "value": "reading",                  # path/column of the value
     "values": {"do": "DO", "ph": "pH"},  # or a wide record: quantity -> path/column
     "time": "obs_time",                  # path/column of the time
     "time_format": "%d/%m/%Y %H:%M",     # iso (default), epoch, epoch_ms, or strptime
     "timezone": "Asia/Bangkok",          # for times without an offset
     "missing": ["", "-", "-999"],        # cells that mean "not measured"
     "create_station": {...}}             # optional: StationCreate of a static station

Paths are dotted (``data.items.0.value``) or JSON-pointer-like (``/data/items/0/value``);
for CSV they are column names. Stations must exist (registered by an officer) unless a
static ``create_station`` is given. The cursor is the newest time per station and quantity.
A record whose fields are missing is noted and skipped; when no record can be read, the
format has changed: non-retryable :class:`SourceError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from paknam.core.models import StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.sources.base import Harvest, SourceError
from paknam.sources.common import Notes, Row, ensure_stations, store_new_rows, zone
from paknam.sources.http import HttpClient, safe_url

DEFAULT_MISSING = ("", "-", "NA", "N/A", "null", "None", "-999", "-9999")
_ABSENT = object()


def get_path(doc: Any, path: str) -> Any:
    """The value at a dotted or JSON-pointer-like ``path`` (``_ABSENT`` if not there)."""
    if path in ("", "/", "."):
        return doc
    parts = path.strip("/").split("/") if path.startswith("/") else path.split(".")
    cur = doc
    for raw in parts:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, Mapping):
            if part not in cur:
                return _ABSENT
            cur = cur[part]
        elif isinstance(cur, list) and part.lstrip("-").isdigit():
            idx = int(part)
            if not -len(cur) <= idx < len(cur):
                return _ABSENT
            cur = cur[idx]
        else:
            return _ABSENT
    return cur


def parse_time_value(value: Any, fmt: str, tz: Any) -> int:
    """UTC epoch seconds of ``value`` in ``fmt`` (iso, epoch, epoch_ms or strptime)."""
    if fmt == "epoch":
        return int(float(value))
    if fmt == "epoch_ms":
        return int(float(value) // 1000)
    text = str(value).strip()
    if fmt == "iso":
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"time {text!r} is not ISO 8601") from None
    else:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(f"time {text!r} does not match format {fmt!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return int(dt.timestamp())


class PolledSource:
    """An agency's JSON or CSV endpoint polled every ``every_s`` seconds."""

    def __init__(
        self,
        id: str,
        *,
        url: str,
        kind: str = "json",
        records: str = "",
        station: str | None = None,
        station_id: str | None = None,
        station_map: Mapping[str, str] | None = None,
        quantity: str | None = None,
        quantity_id: str | None = None,
        value: str | None = None,
        values: Mapping[str, str] | None = None,
        time: str = "time",
        time_format: str = "iso",
        timezone: str | None = None,
        missing: Sequence[str] = DEFAULT_MISSING,
        params: Mapping[str, Any] | None = None,
        create_station: Mapping[str, Any] | None = None,
        every_s: int = 900,
        stale_after_s: int = 3 * 3600,
        client: HttpClient | None = None,
    ) -> None:
        if kind not in ("json", "csv"):
            raise ValueError(f"kind must be json or csv, not {kind!r}")
        if (station is None) == (station_id is None):
            raise ValueError('give either "station" (a path/column) or "station_id" (static)')
        if values:
            if quantity is not None or quantity_id is not None or value is not None:
                raise ValueError('"values" (wide records) excludes quantity/quantity_id/value')
        else:
            if (quantity is None) == (quantity_id is None):
                raise ValueError('give "quantity" (path) or "quantity_id", or "values"')
            if value is None:
                raise ValueError('give "value" (the path/column of the value) or "values"')
        self.id, self.kind, self.url = id, kind, url
        self.records = records
        self.station, self.station_id = station, station_id
        self.station_map = dict(station_map or {})
        self.quantity, self.quantity_id, self.value = quantity, quantity_id, value
        self.values = dict(values or {})
        self.time, self.time_format = time, time_format
        self.tz = zone(timezone) if timezone else BANGKOK
        self.missing = {m.strip() for m in missing}
        self.params = dict(params or {})
        self.create_station = StationCreate(**create_station) if create_station else None
        self.every_s, self.stale_after_s = every_s, stale_after_s
        self.client = client or HttpClient()

    def _records(self) -> tuple[str, list[Any]]:
        where = safe_url(self.url)
        if self.kind == "csv":
            return where, list(self.client.get_csv(self.url, self.params))
        doc = self.client.get_json(self.url, self.params)
        found = get_path(doc, self.records)
        if not isinstance(found, list):
            raise SourceError(
                f"{where}: no list of records at {self.records or '(root)'!r}: "
                "the format may have changed",
                retryable=False,
            )
        return where, found

    def _field(self, rec: Any, path: str) -> Any:
        if self.kind == "csv":
            return rec.get(path, _ABSENT) if isinstance(rec, Mapping) else _ABSENT
        return get_path(rec, path)

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch the records and store the observations newer than the cursor."""
        where, recs = self._records()
        notes = Notes()
        rows: list[Row] = []
        readable = 0
        pairs = (
            list(self.values.items())
            if self.values
            else [(self.quantity_id or "", self.value or "")]
        )
        for i, rec in enumerate(recs):
            station = self.station_id or self._field(rec, self.station or "")
            t_raw = self._field(rec, self.time)
            if station is _ABSENT or t_raw is _ABSENT:
                notes.add(f"record {i}: no station or time field; skipped")
                continue
            station = self.station_map.get(str(station), str(station))
            try:
                t = parse_time_value(t_raw, self.time_format, self.tz)
            except ValueError as exc:
                notes.add(f"record {i}: {exc}; skipped")
                continue
            readable += 1
            for q_static, vpath in pairs:
                q = q_static
                if self.quantity is not None:
                    qv = self._field(rec, self.quantity)
                    if qv is _ABSENT:
                        notes.add(f"record {i}: no quantity field {self.quantity!r}; skipped")
                        continue
                    q = str(qv)
                v = self._field(rec, vpath)
                if v is _ABSENT or v is None or str(v).strip() in self.missing:
                    continue
                try:
                    rows.append(Row(station, q, t, float(v)))
                except (TypeError, ValueError):
                    notes.add(f"record {i}: {q} value {v!r} is not a number; skipped")
        if recs and not readable:
            raise SourceError(
                f"{where}: none of {len(recs)} record(s) has a readable station and time "
                "as configured: the format may have changed",
                retryable=False,
            )
        if self.create_station is not None:
            ensure_stations(
                store,
                {self.create_station.id: self.create_station},
                {self.create_station.id: self.create_station.quantities},
                notes,
            )
        return store_new_rows(
            store, rows, cursor, now, notes, key=lambda r: f"{r.station}|{r.quantity}"
        )
