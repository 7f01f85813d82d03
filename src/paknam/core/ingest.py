"""Validation of incoming observations, shared by every ingest path (HTTP, CSV, MQTT).

Rules (each broken rule rejects the item with a reason naming it):

- the station exists, is active, and has a series for the quantity;
- the time is ISO 8601 with a UTC offset, whole seconds, and not more than
  ``max_future_s`` (default 10 minutes) in the future;
- the value is a finite number inside the quantity's valid range;
- within one batch, the same (station, quantity, time) twice with the same value counts
  once; with different values it is a conflict and rejected.

A batch is **all or nothing**: if any item is bad, nothing of it is stored and every bad
item is reported. The caller decides what to do (the HTTP API answers 422; ``paknam
import`` stops, unless told to ``--skip-invalid``).

Validation is vectorised over columns (numpy/pandas) so that the bulk path keeps pace
with the database; the per-item path (JSON objects) only parses types, then shares it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from paknam.core.errors import ItemError
from paknam.core.quantities import QUANTITY_BY_CODE
from paknam.core.timeutil import TimeParseError, parse_time

ITEM_FIELDS = ("station", "quantity", "time", "value")
_TIME_OFFSET = 1 << 33  # keys cover 1698..2242
_SERIES_SHIFT = 1 << 34
MIN_TIME_S = -5_364_662_400
"""1800-01-01T00:00:00Z: older times are refused (no instrument record is older)."""


@dataclass
class Checked:
    """Outcome of validating a batch: rows ready to store, or the reasons not to."""

    series_ids: np.ndarray
    times: np.ndarray
    values: np.ndarray
    errors: list[ItemError] = field(default_factory=list)
    duplicates: int = 0
    stations: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    def rows(self) -> list[tuple[int, int, float]]:
        """The rows as tuples for the store's write path, ordered by (series, time).

        A fixed order keeps concurrent writers from locking rows in opposite orders
        (PostgreSQL deadlocks) and makes B-tree inserts local.
        """
        order = np.lexsort((self.times, self.series_ids))
        cols = (
            self.series_ids[order].tolist(),
            self.times[order].tolist(),
            self.values[order].tolist(),
        )
        return list(zip(*cols, strict=True))

    def __len__(self) -> int:
        return len(self.series_ids)


def check_columns(
    stations: Sequence[str] | np.ndarray,
    quantities: Sequence[str] | np.ndarray,
    times: np.ndarray,
    values: np.ndarray,
    catalog: Mapping[tuple[str, str], int],
    *,
    now: int,
    max_future_s: int = 600,
    skip: np.ndarray | None = None,
    index_base: Sequence[int] | None = None,
) -> Checked:
    """Validate observations given as columns.

    Parameters
    ----------
    stations, quantities : array-like of str
        Station id and quantity code per row.
    times : ndarray of int64
        UTC epoch seconds per row.
    values : ndarray of float64
        Values in the quantity's canonical unit.
    catalog : mapping
        ``(station id, quantity) -> series id`` of the series that exist.
    now : int
        Current UTC epoch seconds (for the future-time rule).
    skip : ndarray of bool, optional
        Rows already rejected by the caller (not checked again, not stored).
    index_base : sequence of int, optional
        The item index to report for each row (defaults to the row number).
    """
    n = len(times)
    times = np.asarray(times, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    bad = np.zeros(n, dtype=bool) if skip is None else skip.copy()
    reasons: dict[int, str] = {}

    st_codes, st_uniques = pd.factorize(np.asarray(stations, dtype=object))
    qu_codes, qu_uniques = pd.factorize(np.asarray(quantities, dtype=object))
    for mask, what in ((st_codes < 0, "station"), (qu_codes < 0, "quantity")):
        for i in np.flatnonzero(mask & ~bad).tolist():
            reasons[i] = f"{what} is missing"
        bad |= mask
    nq = max(len(qu_uniques), 1)
    pair = np.where(
        bad & ((st_codes < 0) | (qu_codes < 0)), -1, st_codes.astype(np.int64) * nq + qu_codes
    )
    pair_codes, pair_uniques = pd.factorize(pair)
    known_stations = {s for s, _ in catalog}
    sid_of_pair = np.empty(len(pair_uniques), dtype=np.int64)
    lo_of_pair = np.empty(len(pair_uniques))
    hi_of_pair = np.empty(len(pair_uniques))
    reason_of_pair: list[str | None] = []
    for k, p in enumerate(pair_uniques.tolist()):
        if p < 0:  # a row without station or quantity: already rejected
            sid_of_pair[k], lo_of_pair[k], hi_of_pair[k] = -1, -math.inf, math.inf
            reason_of_pair.append(None)
            continue
        station = st_uniques[p // nq]
        quantity = qu_uniques[p % nq]
        sid = catalog.get((station, quantity))
        q = QUANTITY_BY_CODE.get(quantity)
        sid_of_pair[k] = -1 if sid is None else sid
        lo_of_pair[k] = -math.inf if q is None or q.minimum is None else q.minimum
        hi_of_pair[k] = math.inf if q is None or q.maximum is None else q.maximum
        if sid is not None:
            reason_of_pair.append(None)
        elif not isinstance(station, str) or station not in known_stations:
            reason_of_pair.append(f"unknown station {station!r}")
        elif q is None:
            reason_of_pair.append(f"unknown quantity {quantity!r}")
        else:
            reason_of_pair.append(f"station {station!r} has no {quantity!r} series")
    sids = sid_of_pair[pair_codes]
    lo = lo_of_pair[pair_codes]
    hi = hi_of_pair[pair_codes]

    def flag(mask: np.ndarray, why) -> None:  # type: ignore[no-untyped-def]
        new = mask & ~bad
        for i in np.flatnonzero(new).tolist():
            reasons[i] = why(i)
        bad[new] = True

    flag(sids < 0, lambda i: reason_of_pair[pair_codes[i]])
    flag(~np.isfinite(values), lambda i: f"value {values[i]} is not a finite number")

    def out_of_range(i: int) -> str:
        q = QUANTITY_BY_CODE[qu_uniques[qu_codes[i]]]
        reason = q.check(float(values[i]))
        return f"station {st_uniques[st_codes[i]]!r}: {reason}"

    flag((values < lo) | (values > hi), out_of_range)
    flag(times < MIN_TIME_S, lambda i: "time is before 1800-01-01 (not accepted)")
    flag(
        times > now + max_future_s,
        lambda i: f"time is {int(times[i]) - now} s in the future (limit {max_future_s} s)",
    )

    # duplicates among the rows still good
    keys = np.where(bad, -1 - np.arange(n), sids * _SERIES_SHIFT + (times + _TIME_OFFSET))
    dup_mask = pd.Index(keys).duplicated(keep="first")
    duplicates = 0
    if dup_mask.any():
        first_of: dict[int, int] = {}
        for i in np.flatnonzero(~bad).tolist():
            first_of.setdefault(int(keys[i]), i)
        drop = np.zeros(n, dtype=bool)
        for i in np.flatnonzero(dup_mask).tolist():
            j = first_of[int(keys[i])]
            if values[i] == values[j]:
                drop[i] = True
                duplicates += 1
            else:
                base_j = j if index_base is None else index_base[j]
                reasons[i] = (
                    f"same station, quantity and time as item {base_j} but another value "
                    f"({values[i]:g} vs {values[j]:g})"
                )
                bad[i] = True
    else:
        drop = None

    errors = [
        ItemError(i if index_base is None else index_base[i], reasons[i]) for i in sorted(reasons)
    ]
    keep = ~bad if drop is None else ~(bad | drop)
    stations_seen = frozenset(st_uniques.tolist())
    return Checked(sids[keep], times[keep], values[keep], errors, duplicates, stations_seen)


def check_items(
    items: Sequence[object],
    catalog: Mapping[tuple[str, str], int],
    *,
    now: int,
    max_future_s: int = 600,
    defaults: Mapping[str, object] | None = None,
) -> Checked:
    """Validate observations given as JSON-like objects ``{station, quantity, time, value}``.

    ``defaults`` fills missing fields (the MQTT path takes the station from the topic).
    """
    n = len(items)
    stations: list[object] = [None] * n
    quantities: list[object] = [None] * n
    times = np.zeros(n, dtype=np.int64)
    values = np.zeros(n, dtype=np.float64)
    skip = np.zeros(n, dtype=bool)
    early: list[ItemError] = []
    defaults = defaults or {}
    time_cache: dict[str, int] = {}  # a batch often repeats its times across series
    for i, item in enumerate(items):
        reason = None
        if not isinstance(item, Mapping):
            reason = "item is not an object with station, quantity, time and value"
        else:
            if defaults:
                item = {**defaults, **item}
            unknown = [k for k in item if k not in ITEM_FIELDS]
            missing = [k for k in ITEM_FIELDS if k not in item]
            station, quantity, value = item.get("station"), item.get("quantity"), item.get("value")
            if missing:
                reason = f"missing field(s): {', '.join(missing)}"
            elif unknown:
                reason = f"unknown field(s): {', '.join(sorted(map(str, unknown)))}"
            elif not isinstance(station, str):
                reason = f"station {station!r} is not a string"
            elif not isinstance(quantity, str):
                reason = f"quantity {quantity!r} is not a string"
            elif isinstance(value, bool) or not isinstance(value, int | float):
                reason = f"value {value!r} is not a number"
            else:
                raw_time = item["time"]
                cached = time_cache.get(raw_time) if isinstance(raw_time, str) else None
                if cached is None:
                    try:
                        cached = parse_time(raw_time)
                    except TimeParseError as exc:
                        reason = str(exc)
                    else:
                        if isinstance(raw_time, str):
                            time_cache[raw_time] = cached
                if cached is not None:
                    times[i] = cached
                    stations[i], quantities[i] = station, quantity
                    values[i] = (
                        float(value)
                        if not isinstance(value, int) or abs(value) < 2**63
                        else math.inf
                    )
        if reason is not None:
            early.append(ItemError(i, reason))
            skip[i] = True
            stations[i], quantities[i] = "", ""
    checked = check_columns(
        stations,  # type: ignore[arg-type]
        quantities,  # type: ignore[arg-type]
        times,
        values,
        catalog,
        now=now,
        max_future_s=max_future_s,
        skip=skip,
    )
    if early:
        checked.errors = sorted(early + checked.errors, key=lambda e: e.index)
        checked.stations = checked.stations - {""}
    return checked
