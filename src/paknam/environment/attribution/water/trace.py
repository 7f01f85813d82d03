"""How does a canal quality drop travel? First failing time of each station after an origin.

From the station where a drop appeared (found by
:func:`~paknam.environment.attribution.water.drops.locate_drops`), every station connected
to it is visited breadth first, ignoring direction;
each gets the first sampling at or after the start where it breaks the rule, the hours since
the origin and since the previous station with a time on the path (and a speed when the
reach lengths are known), and a status saying whether that timing fits water travelling
from the origin: downstream; upstream, but while the flow log shows reversed flow (flood
tide) on that reach; upstream *without* recorded reversal (another source, or a reversal
nobody logged); or earlier than the station it would have come through.

Samples bound the timing only to the sampling interval: a drop seen 6 h later downstream
travelled somewhere between the two samplings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from paknam.environment.attribution.air.wind import as_times
from paknam.environment.attribution.water.drops import QualityRule, samples_frame
from paknam.environment.attribution.water.network import FLOW_UPSTREAM, CanalNetwork, FlowLog
from paknam.environment.errors import AttributionError

__all__ = ["Arrival", "DropTrace", "trace_drop"]


@dataclass(frozen=True, slots=True)
class Arrival:
    """When the rule was first broken at one station after the origin.

    Attributes
    ----------
    station : str
    hops : int
        Reaches from the origin; negative where the last step goes upstream.
    via : str or None
        Previous station on the path from the origin.
    time : pandas.Timestamp or None
        First sampling at or after the start where the rule is broken (UTC).
    hours_after_origin, hours_from_via : float
        [h]; NaN when not reached (from the nearest earlier station with a time).
    speed_kmh : float
        Apparent speed from that station, when the reach lengths are known [km/h].
    status : str
        ``"origin"``, ``"downstream"``, ``"upstream_reversed_flow"``, ``"against_flow"``
        (upstream without recorded reversal), ``"earlier_than_via"`` (before the water
        could arrive), ``"same_time"``, ``"already_failing"``, ``"not_reached"`` or
        ``"no_data"``.
    """

    station: str
    hops: int
    via: str | None
    time: pd.Timestamp | None
    hours_after_origin: float
    hours_from_via: float
    speed_kmh: float
    status: str


@dataclass(frozen=True, slots=True)
class DropTrace:
    """How a drop travelled from its origin.

    Attributes
    ----------
    origin : str
    start : pandas.Timestamp
    rule : QualityRule
    arrivals : tuple of Arrival
        By distance from the origin (the origin first).
    flow_given : bool
    """

    origin: str
    start: pd.Timestamp
    rule: QualityRule
    arrivals: tuple[Arrival, ...]
    flow_given: bool

    def by_status(self, status: str) -> tuple[str, ...]:
        """Stations with that status."""
        return tuple(a.station for a in self.arrivals if a.status == status)


def _first_times(df: pd.DataFrame, rule: QualityRule, start: pd.Timestamp) -> dict:
    """Per station: (first failing time ≥ start or None, failing just before start, has data)."""
    out = {}
    for s in df.columns:
        col = df[s].dropna()
        after, before = col[col.index >= start], col[col.index < start]
        fails = after.index[rule.fails(after.to_numpy())]
        was = bool(len(before)) and bool(rule.fails(before.iloc[-1]))
        out[s] = (fails[0] if len(fails) else None, was, bool(len(after)))
    return out


def _status(
    network: CanalNetwork,
    log: FlowLog,
    hops: int,
    station: str,
    via: str,
    t: pd.Timestamp,
    t_ref: pd.Timestamp,
) -> str:
    dt = (t - t_ref).total_seconds()
    if dt < 0:
        return "earlier_than_via"
    if dt == 0:
        return "same_time"
    if hops > 0:
        return "downstream"
    reach = (station, via)  # the last step went upstream: station lies above via
    during = log.during(t_ref, t)
    if any(network.state_of(st, reach) == FLOW_UPSTREAM for st in during):
        return "upstream_reversed_flow"
    return "against_flow"


def trace_drop(
    network: CanalNetwork,
    samples: object,
    rule: QualityRule,
    origin: str,
    *,
    start: object = None,
    flow: object = None,
) -> DropTrace:
    """Follow a drop from ``origin``: first failing time of each connected station.

    Parameters
    ----------
    network : CanalNetwork
    samples : pandas.DataFrame or Mapping of str to pandas.Series
        Rows = sampling times (timezone-aware), columns = stations.
    rule : QualityRule
    origin : str
        Where the drop appeared (e.g. from :func:`locate_drops`).
    start : datetime, optional
        Timezone-aware; default the first time ``origin`` breaks the rule.
    flow : optional
        Flow direction through time; None = downstream assumed.

    Returns
    -------
    DropTrace
    """
    df = samples_frame(samples, network)
    hops = network.hops_from(origin)
    log = FlowLog(flow)
    if start is None:
        if origin not in df.columns or not rule.fails(df[origin].to_numpy()).any():
            raise AttributionError(
                f"station {origin} never breaks the rule ({rule.text_en}): nothing to trace",
                field="origin",
            )
        t0 = df.index[rule.fails(df[origin].to_numpy())][0]
    else:
        t0 = as_times([start], what="start")[0].tz_convert("UTC")
    first = _first_times(df, rule, t0)
    times: dict[str, pd.Timestamp | None] = {}
    arrivals = []
    for station, (h, via) in sorted(hops.items(), key=lambda kv: abs(kv[1][0])):
        t, was, has = first.get(station, (None, False, False))
        ref = via
        while ref is not None and times.get(ref) is None:
            ref = hops[ref][1]
        t_ref = times.get(ref) if ref is not None else None
        hours_o = hours_v = speed = math.nan
        if station == origin:
            status = "origin" if t is not None else "not_reached"
        elif not has:
            status = "no_data"
        elif was:
            status, t = "already_failing", None
        elif t is None or t_ref is None or via is None:  # via is None only at the origin
            status, t = "not_reached", None
        else:
            status = _status(network, log, h, station, via, t, t_ref)
            hours_v = (t - t_ref).total_seconds() / 3600.0
            km = _path_km(network, hops, station, ref)
            if km is not None and hours_v > 0:
                speed = km / hours_v
        times[station] = t
        if t is not None and times.get(origin) is not None:
            hours_o = (t - times[origin]).total_seconds() / 3600.0
        arrivals.append(Arrival(station, h, via, t, hours_o, hours_v, speed, status))
    return DropTrace(origin, t0, rule, tuple(arrivals), log.given)


def _path_km(network: CanalNetwork, hops: dict, station: str, ref: str | None) -> float | None:
    """Length along the breadth-first path from ``ref`` down to ``station``, if all known."""
    km, s = 0.0, station
    while s != ref and s is not None:
        via = hops[s][1]
        if via is None:
            return None
        length = network.length_km.get((via, s), network.length_km.get((s, via)))
        if length is None:
            return None
        km, s = km + length, via
    return km
