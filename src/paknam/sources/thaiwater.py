"""Harvester of ThaiWater (HII / ONWR) public telemetry: water level above MSL.

Endpoints (host ``api-v3.thaiwater.net``, base ``/api/v1/thaiwater30/public``, no key).
The shapes below are those of the thaiwater30 API's own response structs
(``haii.or.th/api/thaiwater30``: ``Struct_Waterlevel``,
``GetWaterlevelGraphByStationAndDateAnalystOutput``, ``util/result.Result``) as seen in
public client code; every answer is validated, and the parsers accept the variants
observed in the wild.

Every answer is wrapped as ``{"result": "OK" | "NO", "data": ...}``; ``"NO"`` carries the
server's error text in ``data`` (a retryable :class:`SourceError`).

- latest, one province: ``waterlevel?province_code=11`` (Samut Prakan = 11), answering
  ``{"result": "OK", "data": [record, ...]}``; all telemetered stations:
  ``waterlevel_load`` (also takes ``province_code``), answering the same list one level
  down, ``{"waterlevel_data": {"result": "OK", "data": [...]}, "basin": ..., ...}``.
  A record::

    {"id", "waterlevel_datetime": "YYYY-MM-DD HH:mm" (Thai time), "waterlevel_m",
     "waterlevel_msl" (null or "-999" = missing), "waterlevel_msl_previous",
     "station": {"id", "tele_station_name": {"th", "en"}, "tele_station_lat",
      "tele_station_long", "tele_station_oldcode", "left_bank", "right_bank", "min_bank",
      "ground_level", "critical_level_msl"}, "geocode": {"province_code", ...},
     "river_name", "agency", "basin"}

- history of one station, to catch up after a gap:
  ``waterlevel_graph?station_type=tele_waterlevel&station_id=ID&start_date=YYYY-MM-DD
  &end_date=YYYY-MM-DD HH:mm``, answering ``{"result": "OK", "data": {"graph_data":
  [{"datetime": "YYYY-MM-DD HH:mm", "value": m MSL or null}, ...], "min_bank",
  "ground_level"}}`` (some deployments add ``warning_level`` and ``critical_level``).
  ``end_date`` is compared with the reading times as a timestamp, so a bare date means
  its midnight: this reader always sends the end time. The API serves at most about a
  year; points may come in any order; ``datetime``/``value`` are also read from
  ``waterlevel_datetime``/``waterlevel_msl``.

Levels are metres above mean sea level (ม.รทก.): stored as ``water_level`` with datum
``MSL``. Missing values (``-999``, empty, null) are skipped with a note. Stations are
created as ``tw-<ThaiWater id>`` with their Thai and English names, position and, in
``meta``, the bank, ground and critical levels. Where the API gives bank levels, ``meta``
also carries ``warning_levels_m`` (``warning``: the critical level when below the lowest
bank; ``danger``: the lowest bank, where the water overtops) for the living domain to
adopt (the sources layer may not write a domain's tables).

Rainfall of the same stations: :mod:`paknam.sources.thaiwater_rain`.

A payload whose shape changed is a non-retryable :class:`SourceError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from paknam.core.models import STATION_ID_PATTERN, SeriesSpec, StationCreate
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.sources.base import Harvest, SourceError
from paknam.sources.common import Notes, Row, ensure_stations, store_new_rows
from paknam.sources.http import HttpClient, safe_url

DEFAULT_BASE = "https://api-v3.thaiwater.net/api/v1/thaiwater30/public"
SAMUT_PRAKAN = "11"
DATUM = "MSL"
MISSING = {"", "-999", "-999.0", "-9999", "null", "none", "-"}
TIME_FORMAT = "%Y-%m-%d %H:%M"
CATCH_UP_AFTER_S = 3600
"""A station whose newest reading is this much newer than the cursor is caught up from
its history (telemetry reports every 10-15 min)."""
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _num(value: Any) -> float | None:
    """A float of a ThaiWater number (they come as strings), or None when missing."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        v = float(value)
    else:
        text = str(value).strip()
        if text.lower() in MISSING:
            return None
        try:
            v = float(text)
        except ValueError:
            return None
    if not math.isfinite(v) or v <= -999:
        return None
    return v


def thaiwater_time(text: Any) -> int:
    """UTC epoch seconds of a ThaiWater time, ``YYYY-MM-DD HH:mm`` in Thai time (seconds,
    a ``T`` separator or an explicit UTC offset are accepted too); ValueError otherwise."""
    if not isinstance(text, str) or not _TIME.match(text.strip()):
        raise ValueError(f"time {text!r} does not match 'YYYY-MM-DD HH:mm' (Thai time)")
    dt = datetime.fromisoformat(text.strip())
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BANGKOK)
    return int(dt.timestamp())


class ShapeChanged(SourceError):
    """The answer no longer has the shape this reader knows (never retryable)."""


def _shape(where: str, what: str) -> SourceError:
    return ShapeChanged(
        f"{where}: ThaiWater answer has changed shape: {what}; nothing stored "
        "(a person must check the API before this source runs again)",
        retryable=False,
    )


def unwrap(doc: Any, where: str, *keys: str) -> Any:
    """``data`` of a thaiwater30 ``{"result", "data"}`` answer, found under ``keys``.

    ``result`` other than ``"OK"`` (the API's ``"NO"``, with its error text in ``data``)
    is a retryable :class:`SourceError`; a missing object is :class:`ShapeChanged`.
    """
    block = doc
    for k in keys:
        block = block.get(k) if isinstance(block, dict) else None
    if not isinstance(block, dict) or "data" not in block:
        under = f' under "{".".join(keys)}"' if keys else ""
        raise _shape(where, f'no {{"result", "data"}} object{under}')
    result = block.get("result")
    if result is not None and str(result).upper() != "OK":
        raise SourceError(
            f"{where}: ThaiWater answered result {result!r}: {str(block.get('data'))[:200]}",
            retryable=True,
        )
    return block["data"]


def records(data: Any, where: str, time_key: str, value_key: str) -> list[dict[str, Any]]:
    """The list of station records of a latest-values answer, each checked to have a
    ``station`` object with an ``id``, ``time_key`` and ``value_key``."""
    if not isinstance(data, list):
        raise _shape(where, '"data" is not a list')
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise _shape(where, f"record {i} is not an object")
        st = rec.get("station")
        if not isinstance(st, dict) or "id" not in st:
            raise _shape(where, f'record {i} has no "station" object with an "id"')
        missing = [k for k in (time_key, value_key) if k not in rec]
        if missing:
            raise _shape(where, f"record {i} lacks {', '.join(missing)}")
    return data


def in_province(rec: Mapping[str, Any], province_code: str | None) -> bool:
    """Whether a record lies in ``province_code`` (True when either is not given)."""
    geo = rec.get("geocode")
    code = geo.get("province_code") if isinstance(geo, dict) else None
    if not province_code or code in (None, ""):
        return True
    return str(code).zfill(2) == str(province_code).zfill(2)


def warning_levels(meta: Mapping[str, Any]) -> dict[str, float]:
    """Warning levels [m MSL] from a station's bank levels: ``danger`` = the lowest bank
    (min_bank, else the lower of left/right), ``warning`` = critical_level_msl when below
    it. Empty when the API gives no bank level."""
    banks = [
        b for b in (_num(meta.get("left_bank")), _num(meta.get("right_bank"))) if b is not None
    ]
    low = _num(meta.get("min_bank")) or (min(banks) if banks else None)
    if low is None:
        return {}
    out = {"danger": low}
    critical = _num(meta.get("critical_level_msl"))
    if critical is not None and critical < low:
        out["warning"] = critical
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def station_id(thaiwater_id: str) -> str:
    """paknam station id of a ThaiWater telemetry station (level and rain share ids)."""
    return f"tw-{thaiwater_id}"


def station_create(
    rec: Mapping[str, Any], kind: str, series: Sequence[SeriesSpec], extra_meta: Sequence[str]
) -> StationCreate:
    """The station of a record: names, position, agency and the ``extra_meta`` numbers of
    its ``station`` object; ValueError when it has no position."""
    st = rec["station"]
    tw_id = str(st["id"])
    names = st.get("tele_station_name") or {}
    names = names if isinstance(names, dict) else {"th": str(names)}
    old = str(st.get("tele_station_oldcode") or "").strip()
    name_th = str(names.get("th") or old or tw_id).strip()
    name_en = str(names.get("en") or old or name_th).strip()
    lat, lon = _num(st.get("tele_station_lat")), _num(st.get("tele_station_long"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("no usable tele_station_lat/tele_station_long")
    meta: dict[str, Any] = {
        "source": "ThaiWater (HII / ONWR) public telemetry",
        "thaiwater_id": tw_id,
        "oldcode": old or None,
        **{k: _num(st.get(k)) for k in extra_meta},
        "river_name": rec.get("river_name"),
        "basin": rec.get("basin"),
        "agency": rec.get("agency"),
        "geocode": rec.get("geocode"),
    }
    return StationCreate(
        id=station_id(tw_id),
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        lon=lon,
        lat=lat,
        meta=meta,
        quantities=list(series),
    )


class ThaiWaterLevels:
    """ThaiWater telemetered water levels of one province (or of all stations).

    Parameters
    ----------
    id : source id (default ``thaiwater-wl``).
    base_url : API base (``.../api/v1/thaiwater30/public``).
    province_code : two-digit province code (``11`` Samut Prakan); None: every station
        (``waterlevel_load``).
    stations : ThaiWater station ids to keep (empty: all of the answer).
    every_s : poll interval [s] (default 600).
    stale_after_s : no new reading for this long raises ``data_gap`` [s] (default 3 h).
    catch_up_max_s : longest history fetched after a gap [s] (default 3 days).
    """

    kind = "thaiwater"

    def __init__(
        self,
        id: str = "thaiwater-wl",
        *,
        base_url: str = DEFAULT_BASE,
        province_code: str | None = SAMUT_PRAKAN,
        stations: Sequence[str] | None = None,
        every_s: int = 600,
        stale_after_s: int = 3 * 3600,
        catch_up_max_s: int = 3 * 86400,
        client: HttpClient | None = None,
    ) -> None:
        self.id = id
        self.base_url = base_url.rstrip("/")
        self.province_code = province_code
        self.stations = {str(s) for s in stations or ()}
        self.every_s = every_s
        self.stale_after_s = stale_after_s
        self.catch_up_max_s = catch_up_max_s
        self.client = client or HttpClient()

    station_id = staticmethod(station_id)

    # ---- reading ---------------------------------------------------------------------------

    def _latest(self) -> tuple[str, list[dict[str, Any]]]:
        if self.province_code:
            url = f"{self.base_url}/waterlevel"
            doc = self.client.get_json(url, {"province_code": self.province_code})
        else:
            url = f"{self.base_url}/waterlevel_load"
            doc = self.client.get_json(url)
        where = safe_url(url)
        # waterlevel_load nests the list in "waterlevel_data"; waterlevel does not
        nested = isinstance(doc, dict) and "waterlevel_data" in doc
        data = unwrap(doc, where, "waterlevel_data") if nested else unwrap(doc, where)
        return where, records(data, where, "waterlevel_datetime", "waterlevel_msl")

    def _history(self, tw_id: str, start_s: int, end_s: int) -> list[tuple[int, float | None]]:
        url = f"{self.base_url}/waterlevel_graph"
        doc = self.client.get_json(
            url,
            {
                "station_type": "tele_waterlevel",
                "station_id": tw_id,
                "start_date": datetime.fromtimestamp(start_s, BANGKOK).strftime("%Y-%m-%d"),
                "end_date": datetime.fromtimestamp(end_s, BANGKOK).strftime(TIME_FORMAT),
            },
        )
        where = safe_url(url)
        data = unwrap(doc, where)
        points = data.get("graph_data") if isinstance(data, dict) else data
        if not isinstance(points, list):
            raise _shape(where, 'no "data.graph_data" list')
        out = []
        for i, p in enumerate(points):
            when = p.get("datetime", p.get("waterlevel_datetime")) if isinstance(p, dict) else None
            if when is None or not ("value" in p or "waterlevel_msl" in p):
                raise _shape(where, f'graph point {i} is not {{"datetime", "value"}}')
            try:
                t = thaiwater_time(when)
            except ValueError as exc:
                raise _shape(where, f"graph point {i}: {exc}") from None
            out.append((t, _num(p["value"] if "value" in p else p["waterlevel_msl"])))
        return out

    # ---- harvest ---------------------------------------------------------------------------

    def _station(self, rec: dict[str, Any]) -> StationCreate:
        bank_keys = ("left_bank", "right_bank", "min_bank", "ground_level", "critical_level_msl")
        new = station_create(
            rec, "water_level", [SeriesSpec(quantity="water_level", datum=DATUM)], bank_keys
        )
        new.meta["datum"] = DATUM
        levels = warning_levels(new.meta)
        if levels:
            new.meta["warning_levels_m"] = levels
            new.meta["warning_levels_basis"] = (
                "ThaiWater bank levels: danger = lowest bank, warning = critical level"
            )
        return new

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch the latest levels, catch up stations after a gap, store what is new."""
        where, data = self._latest()
        notes = Notes()
        newest: dict[str, int] = {
            str(k): int(v) for k, v in ((cursor or {}).get("newest") or {}).items()
        }
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
                notes.add(f"ThaiWater station {tw_id!r}: id unusable as a station id; skipped")
                continue
            try:
                creates[sid] = self._station(rec)
            except ValueError as exc:
                notes.add(f"ThaiWater station {tw_id}: {exc}; skipped")
                continue
            try:
                t = thaiwater_time(rec["waterlevel_datetime"])
            except ValueError as exc:
                notes.add(f"{sid}: {exc}; skipped")
                continue
            parsed += 1
            value = _num(rec["waterlevel_msl"])
            if value is None:
                notes.add(f"{sid}: no level at {rec['waterlevel_datetime']} (missing); skipped")
            else:
                rows.append(Row(sid, "water_level", t, value))
            last = newest.get(sid)
            end = min(t, now)  # a reading from the future (clock skew) is refused below
            if last is not None and end - last > CATCH_UP_AFTER_S:
                try:
                    history = self._history(tw_id, max(last, end - self.catch_up_max_s), end)
                except ShapeChanged:
                    raise
                except SourceError as exc:  # keep the gap open: retry at the next harvest
                    rows = [r for r in rows if r.station != sid]
                    notes.add(f"{sid}: history for the gap unavailable ({exc}); retried later")
                    continue
                got = 0
                for ht, hv in history:
                    if hv is None or ht <= last or ht > end:
                        continue
                    rows.append(Row(sid, "water_level", ht, hv))
                    got += 1
                notes.add(f"{sid}: caught up {got} reading(s) after a gap")
        if considered and not parsed and not creates:
            raise _shape(where, "no record could be read")
        if considered and creates and not parsed:
            raise _shape(where, f'no "waterlevel_datetime" matches {TIME_FORMAT!r}')
        ensure_stations(
            store,
            creates,
            {sid: [SeriesSpec(quantity="water_level", datum=DATUM)] for sid in creates},
            notes,
        )
        return store_new_rows(store, rows, {"newest": newest}, now, notes)
