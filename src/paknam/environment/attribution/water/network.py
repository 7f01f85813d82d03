"""A canal network as a small directed graph, and its flow direction at each time.

Stations are nodes; a *reach* ``(upstream, downstream)`` is the stretch of canal between two
neighbouring stations, oriented in the **normal** flow direction (towards the sea or the
pumping station). Confluences are stations with two or more upstream reaches; a
bifurcation one with two or more downstream reaches. Plain dicts, no graph library.

Samut Prakan's canals are tidal and gated: on the flood tide water runs inland, and a
closed gate stops it. So the direction is given per time (:data:`FLOW_STATES`), for the
whole network or per reach:

- ``"downstream"``: normal direction (the default when nothing is known);
- ``"upstream"``: reversed, the downstream station feeds the upstream one;
- ``"none"``: no exchange (gate closed, slack water): the two stations are not compared.

A flow *log* (:class:`FlowLog`) maps times to states; each state holds from its time until
the next entry, like a gate log or a tide table of turning times. Before the first entry,
and when no flow is given at all, downstream is assumed and the results say so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from paknam.environment.errors import AttributionError, CanalNetworkError

__all__ = [
    "FLOW_DOWNSTREAM",
    "FLOW_NONE",
    "FLOW_STATES",
    "FLOW_UPSTREAM",
    "CanalNetwork",
    "FlowLog",
    "FlowState",
    "canal_network",
]

FLOW_DOWNSTREAM = "downstream"
FLOW_UPSTREAM = "upstream"
FLOW_NONE = "none"
FLOW_STATES = (FLOW_DOWNSTREAM, FLOW_UPSTREAM, FLOW_NONE)
"""Flow direction of a reach at one time, relative to its normal orientation."""

Reach = tuple[str, str]
FlowState = str | Mapping[Reach, str]
"""One time's flow: a state for every reach, or per reach (reaches not named: downstream)."""


@dataclass(frozen=True, slots=True)
class CanalNetwork:
    """Stations joined by reaches, oriented in the normal flow direction.

    Attributes
    ----------
    stations : tuple of str
        In upstream-to-downstream (topological) order.
    reaches : tuple of (str, str)
        ``(upstream, downstream)`` pairs.
    length_km : Mapping of (str, str) to float
        Reach lengths where known [km].
    """

    stations: tuple[str, ...]
    reaches: tuple[Reach, ...]
    length_km: Mapping[Reach, float]

    def upstream_of(self, station: str) -> tuple[str, ...]:
        """Stations with a reach into ``station`` (normal flow)."""
        self._check(station)
        return tuple(u for u, v in self.reaches if v == station)

    def downstream_of(self, station: str) -> tuple[str, ...]:
        """Stations fed by ``station`` (normal flow)."""
        self._check(station)
        return tuple(v for u, v in self.reaches if u == station)

    def headwaters(self) -> tuple[str, ...]:
        """Stations with no upstream station in the network."""
        return tuple(s for s in self.stations if not self.upstream_of(s))

    def _check(self, station: str) -> None:
        if station not in self.stations:
            raise CanalNetworkError(
                f"station {station!r} is not in the canal network; "
                f"stations: {', '.join(self.stations)}",
                field="station",
            )

    def feeders(self, flow: FlowState | None) -> dict[str, tuple[str, ...]]:
        """Stations whose water reaches each station directly, under ``flow`` (one time).

        Parameters
        ----------
        flow : str or Mapping of (str, str) to str, optional
            One of :data:`FLOW_STATES` for every reach, or per reach; None = downstream.

        Returns
        -------
        dict of str to tuple of str
        """
        feed: dict[str, list[str]] = {s: [] for s in self.stations}
        for reach in self.reaches:
            state = self.state_of(flow, reach)
            u, v = reach
            if state == FLOW_DOWNSTREAM:
                feed[v].append(u)
            elif state == FLOW_UPSTREAM:
                feed[u].append(v)
        return {s: tuple(f) for s, f in feed.items()}

    def state_of(self, flow: FlowState | None, reach: Reach) -> str:
        """Flow state of ``reach`` under one time's ``flow``."""
        if flow is None:
            return FLOW_DOWNSTREAM
        state = flow if isinstance(flow, str) else flow.get(reach, FLOW_DOWNSTREAM)
        if state not in FLOW_STATES:
            raise AttributionError(
                f"flow state {state!r} for reach {reach[0]} → {reach[1]} is not one of "
                f"{', '.join(FLOW_STATES)}",
                field="flow",
            )
        return state

    def hops_from(self, origin: str) -> dict[str, tuple[int, str | None]]:
        """Every station connected to ``origin``: signed reach count and the station before
        it on the shortest path (breadth first, ignoring direction). The sign is + where the
        last step went downstream, − where it went upstream."""
        self._check(origin)
        out: dict[str, tuple[int, str | None]] = {origin: (0, None)}
        queue = deque([origin])
        while queue:
            a = queue.popleft()
            dist = abs(out[a][0])
            for u, v in self.reaches:
                if a == u:
                    b, sign = v, 1
                elif a == v:
                    b, sign = u, -1
                else:
                    continue
                if b not in out:
                    out[b] = (sign * (dist + 1), a)
                    queue.append(b)
        return out


def _reach(item: object) -> tuple[str, str, float | None]:
    if not isinstance(item, tuple | list) or len(item) not in (2, 3):
        raise CanalNetworkError(
            f"reach {item!r} must be (upstream, downstream) or (upstream, downstream, km)",
            field="reaches",
        )
    u, v = str(item[0]), str(item[1])
    km = None
    if len(item) == 3:
        km = float(item[2])
        if not km > 0:
            raise CanalNetworkError(f"reach {u} → {v} has length {km} km; it must be > 0")
    if u == v:
        raise CanalNetworkError(f"reach {u} → {v} joins a station to itself", field="reaches")
    return u, v, km


def _topological(stations: list[str], reaches: list[Reach]) -> tuple[str, ...]:
    indeg = {s: 0 for s in stations}
    for _, v in reaches:
        indeg[v] += 1
    ready = deque(s for s in stations if indeg[s] == 0)
    order: list[str] = []
    while ready:
        s = ready.popleft()
        order.append(s)
        for u, v in reaches:
            if u == s:
                indeg[v] -= 1
                if indeg[v] == 0:
                    ready.append(v)
    if len(order) < len(stations):
        loop = sorted(s for s in stations if indeg[s] > 0)
        raise CanalNetworkError(
            f"the canal network has a loop through {', '.join(loop)}: orient every reach in "
            "the normal flow direction (a reversed tide is given as flow, not as a reach)",
            field="reaches",
        )
    return tuple(order)


def canal_network(
    reaches: Iterable[tuple[str, str] | tuple[str, str, float]], stations: Iterable[str] = ()
) -> CanalNetwork:
    """Build a canal network from its reaches.

    Parameters
    ----------
    reaches : iterable of (str, str) or (str, str, float)
        ``(upstream, downstream)`` or ``(upstream, downstream, length_km)`` [km], oriented
        in the normal flow direction.
    stations : iterable of str, optional
        Extra stations without reaches (isolated).

    Returns
    -------
    CanalNetwork

    Raises
    ------
    CanalNetworkError
        For a reach joining a station to itself, a duplicate reach, or a loop.
    """
    parsed = [_reach(r) for r in reaches]
    pairs: list[Reach] = []
    seen: set[frozenset[str]] = set()
    lengths: dict[Reach, float] = {}
    for u, v, km in parsed:
        if frozenset((u, v)) in seen:
            raise CanalNetworkError(f"reach {u} – {v} is given twice", field="reaches")
        seen.add(frozenset((u, v)))
        pairs.append((u, v))
        if km is not None:
            lengths[(u, v)] = km
    names = list(dict.fromkeys([*(str(s) for s in stations), *(s for r in pairs for s in r)]))
    if not names:
        raise CanalNetworkError("the canal network has no station", field="reaches")
    return CanalNetwork(_topological(names, pairs), tuple(pairs), MappingProxyType(lengths))


class FlowLog:
    """Flow direction through time: each entry holds from its time until the next.

    Built from None (nothing known: downstream assumed at all times), one state for all
    times, or a Mapping / pandas Series from timezone-aware times to a state or a per-reach
    Mapping (a tide table or gate log: the state *changes* at each time). Before the first
    entry nothing is known (downstream assumed).
    """

    def __init__(self, flow: object = None) -> None:
        self.given = flow is not None
        self._const: FlowState | None = None
        self._times = pd.DatetimeIndex([], tz="UTC")
        self._states: list[FlowState] = []
        if flow is None or isinstance(flow, str):
            self._const = flow
            return
        if isinstance(flow, pd.Series):
            flow = flow.to_dict()
        if not isinstance(flow, Mapping):
            raise AttributionError(
                f"flow is a {type(flow).__name__}; give a state, or a Mapping/Series from "
                "time to state",
                field="flow",
            )
        items = []
        for t, state in flow.items():
            ts = pd.Timestamp(t)
            if ts.tzinfo is None:
                raise AttributionError(f"flow time {t!r} has no time zone", field="flow")
            items.append((ts.tz_convert("UTC"), state))
        items.sort(key=lambda x: x[0])
        self._times = pd.DatetimeIndex([t for t, _ in items])
        self._states = [st for _, st in items]

    def at(self, t: pd.Timestamp) -> FlowState | None:
        """The state in effect at ``t`` (None: not known, downstream assumed)."""
        if self._const is not None or not self._states:
            return self._const
        i = int(self._times.searchsorted(t.tz_convert("UTC"), side="right")) - 1
        return self._states[i] if i >= 0 else None

    def during(self, t0: pd.Timestamp, t1: pd.Timestamp) -> list[FlowState | None]:
        """Every state in effect at some moment of ``[t0, t1]``."""
        if self._const is not None or not self._states:
            return [self._const]
        lo = int(self._times.searchsorted(t0.tz_convert("UTC"), side="right"))
        hi = int(self._times.searchsorted(t1.tz_convert("UTC"), side="right"))
        return [self.at(t0), *self._states[lo:hi]]
