"""Harvester of ThaiWater (HII / ONWR) public telemetry: water level above MSL.

Endpoints (host ``api-v3.thaiwater.net``, base ``/api/v1/thaiwater30/public``, no key):

- latest, one province: ``waterlevel?province_code=11`` (Samut Prakan = 11); all
  telemetered stations: ``waterlevel_load``. Answer (as observed in public client code;
  treated as observed, not specified, and validated)::

    {"waterlevel_data": {"result": "OK", "data": [{"id", "waterlevel_datetime":
      "YYYY-MM-DD HH:mm" (Thai time), "waterlevel_m", "waterlevel_msl" ("-999" = missing),
      "station": {"id", "tele_station_name": {"th", "en"}, "tele_station_lat",
      "tele_station_long", "tele_station_oldcode", "left_bank", "right_bank", "min_bank",
      "ground_level", "critical_level_msl"}, "geocode": {...}, "river_name", "agency",
      "basin"}]}}

- history of one station, to catch up after a gap:
  ``waterlevel_graph?station_type=tele_waterlevel&station_id=ID&start_date=YYYY-MM-DD
  &end_date=YYYY-MM-DD``. Its answer is not documented in REFERENCE.md; this reader
  accepts ``{"data": {"graph_data": [{"datetime": "YYYY-MM-DD HH:mm", "value": m}]}}``
  (``data`` may also be the list itself) and fails loudly on anything else.

Levels are metres above mean sea level (ม.รทก.): stored as ``water_level`` with datum
``MSL``. Missing values (``-999``, empty, null) are skipped with a note. Stations are
created as ``tw-<ThaiWater id>`` with their Thai and English names, position and, in
``meta``, the bank, ground and critical levels. Where the API gives bank levels, ``meta``
also carries ``warning_levels_m`` (``warning``: the critical level when below the lowest
bank; ``danger``: the lowest bank, where the water overtops) for the living domain to
adopt (the sources layer may not write a domain's tables).

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
from paknam.sources.common import Notes, Row, ensure_stations, local_time, store_new_rows
from paknam.sources.http import HttpClient, safe_url

DEFAULT_BASE = "https://api-v3.thaiwater.net/api/v1/thaiwater30/public"
SAMUT_PRAKAN = "11"
DATUM = "MSL"
MISSING = {"", "-999", "-999.0", "-9999", "null", "none", "-"}
TIME_FORMAT = "%Y-%m-%d %H:%M"
CATCH_UP_AFTER_S = 3600
"""A station whose newest reading is this much newer than the cursor is caught up from
its history (telemetry reports every 10-15 min)."""


def _num(value: Any) -> float | None:
    """A float of a ThaiWater number (they come as strings), or None when missing."""
    if value is None:
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


class ShapeChanged(SourceError):
    """The answer no longer has the shape this reader knows (never retryable)."""


def _shape(where: str, what: str) -> SourceError:
    return ShapeChanged(
        f"{where}: ThaiWater answer has changed shape: {what}; nothing stored "
        "(a person must check the API before this source runs again)",
        retryable=False,
    )


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

    @staticmethod
    def station_id(thaiwater_id: str) -> str:
        """paknam station id of a ThaiWater station."""
        return f"tw-{thaiwater_id}"

    # ---- reading ---------------------------------------------------------------------------

    def _latest(self) -> tuple[str, list[dict[str, Any]]]:
        if self.province_code:
            url = f"{self.base_url}/waterlevel"
            doc = self.client.get_json(url, {"province_code": self.province_code})
        else:
            url = f"{self.base_url}/waterlevel_load"
            doc = self.client.get_json(url)
        where = safe_url(url)
        block = doc.get("waterlevel_data") if isinstance(doc, dict) else None
        if not isinstance(block, dict):
            raise _shape(where, 'no "waterlevel_data" object')
        data = block.get("data")
        if not isinstance(data, list):
            raise _shape(where, '"waterlevel_data.data" is not a list')
        for i, rec in enumerate(data):
            if not isinstance(rec, dict):
                raise _shape(where, f"record {i} is not an object")
            st = rec.get("station")
            if not isinstance(st, dict) or "id" not in st:
                raise _shape(where, f'record {i} has no "station" object with an "id"')
            missing = [k for k in ("waterlevel_datetime", "waterlevel_msl") if k not in rec]
            if missing:
                raise _shape(where, f"record {i} lacks {', '.join(missing)}")
        return where, data

    def _history(self, tw_id: str, start_s: int, end_s: int) -> list[tuple[int, float | None]]:
        url = f"{self.base_url}/waterlevel_graph"
        day = "%Y-%m-%d"
        doc = self.client.get_json(
            url,
            {
                "station_type": "tele_waterlevel",
                "station_id": tw_id,
                "start_date": datetime.fromtimestamp(start_s, BANGKOK).strftime(day),
                "end_date": datetime.fromtimestamp(end_s, BANGKOK).strftime(day),
            },
        )
        where = safe_url(url)
        data = doc.get("data") if isinstance(doc, dict) else None
        points = data.get("graph_data") if isinstance(data, dict) else data
        if not isinstance(points, list):
            raise _shape(where, 'no "data.graph_data" list')
        out = []
        for i, p in enumerate(points):
            if not isinstance(p, dict) or "datetime" not in p or "value" not in p:
                raise _shape(where, f'graph point {i} is not {{"datetime", "value"}}')
            try:
                t = local_time(str(p["datetime"]), TIME_FORMAT)
            except ValueError as exc:
                raise _shape(where, str(exc)) from None
            out.append((t, _num(p["value"])))
        return out

    # ---- harvest ---------------------------------------------------------------------------

    def _station(self, rec: dict[str, Any]) -> StationCreate:
        st = rec["station"]
        tw_id = str(st["id"])
        names = st.get("tele_station_name") or {}
        old = str(st.get("tele_station_oldcode") or "").strip()
        name_th = str(names.get("th") or old or tw_id).strip()
        name_en = str(names.get("en") or old or name_th).strip()
        lat, lon = _num(st.get("tele_station_lat")), _num(st.get("tele_station_long"))
        if lat is None or lon is None:
            raise ValueError("no tele_station_lat/tele_station_long")
        bank_keys = ("left_bank", "right_bank", "min_bank", "ground_level", "critical_level_msl")
        meta: dict[str, Any] = {
            "source": "ThaiWater (HII / ONWR) public telemetry",
            "thaiwater_id": tw_id,
            "oldcode": old or None,
            **{k: _num(st.get(k)) for k in bank_keys},
            "river_name": rec.get("river_name"),
            "basin": rec.get("basin"),
            "agency": rec.get("agency"),
            "geocode": rec.get("geocode"),
            "datum": DATUM,
        }
        levels = warning_levels(meta)
        if levels:
            meta["warning_levels_m"] = levels
            meta["warning_levels_basis"] = (
                "ThaiWater bank levels: danger = lowest bank, warning = critical level"
            )
        return StationCreate(
            id=self.station_id(tw_id),
            name_th=name_th,
            name_en=name_en,
            kind="water_level",
            lon=lon,
            lat=lat,
            meta=meta,
            quantities=[SeriesSpec(quantity="water_level", datum=DATUM)],
        )

    def harvest(self, store: Store, cursor: Mapping[str, Any] | None, now: int) -> Harvest:
        """Fetch the latest levels, catch up stations after a gap, store what is new."""
        where, data = self._latest()
        notes = Notes()
        newest: dict[str, int] = {
            str(k): int(v) for k, v in ((cursor or {}).get("newest") or {}).items()
        }
        creates: dict[str, StationCreate] = {}
        rows: list[Row] = []
        parsed = 0
        for rec in data:
            tw_id = str(rec["station"]["id"])
            if self.stations and tw_id not in self.stations:
                continue
            sid = self.station_id(tw_id)
            if not re.match(STATION_ID_PATTERN, sid):
                notes.add(f"ThaiWater station {tw_id!r}: id unusable as a station id; skipped")
                continue
            try:
                creates[sid] = self._station(rec)
            except ValueError as exc:
                notes.add(f"ThaiWater station {tw_id}: {exc}; skipped")
                continue
            try:
                t = local_time(str(rec["waterlevel_datetime"]), TIME_FORMAT)
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
        if data and not parsed and not creates:
            raise _shape(where, "no record could be read")
        if data and creates and not parsed:
            raise _shape(where, f'no "waterlevel_datetime" matches {TIME_FORMAT!r}')
        ensure_stations(
            store,
            creates,
            {sid: [SeriesSpec(quantity="water_level", datum=DATUM)] for sid in creates},
            notes,
        )
        return store_new_rows(store, rows, {"newest": newest}, now, notes)
