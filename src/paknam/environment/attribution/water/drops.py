"""Where does canal water quality first drop, and how does the drop travel?

Pure pandas over *samples*: a DataFrame with one row per sampling time (timezone-aware
index) and one column per station (NaN = not sampled). Stations are compared "at the same
sampling time", i.e. on the same row: round grab-sample times to their sampling round
first (e.g. ``index.floor("D")`` for a daily round).

- :func:`locate_drops`: every place and time where a station breaks the rule while every
  station feeding it (under that time's flow, see
  :mod:`paknam.environment.attribution.water.network`) still meets it: the drop appears in
  the reach(es) between them.
- :func:`~paknam.environment.attribution.water.trace.trace_drop`: from an origin, the first
  time each connected station breaks the rule after it, the apparent travel time (and speed
  when reach lengths are known), and whether that timing fits water travelling from the
  origin.

The limits are the Thai surface-water standard (National Environment Board, 1994; table in
``shared/data/water/thai_surface_water_standard_classes.csv``). The standard states DO as a
20th percentile and BOD as an 80th percentile over time; here each sample is screened
against the limit, which finds *where* and *when*, not whether a canal complies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from paknam.environment.attribution.air.wind import as_times
from paknam.environment.attribution.water.network import (
    FLOW_NONE,
    CanalNetwork,
    FlowLog,
    FlowState,
)
from paknam.environment.errors import AttributionError

__all__ = [
    "THAI_SURFACE_WATER_LIMITS",
    "WATER_PARAMETERS",
    "DropOrigin",
    "QualityRule",
    "locate_drops",
    "samples_frame",
    "thai_standard_rule",
]

WATER_PARAMETERS: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "do": ("DO", "ออกซิเจนละลายน้ำ (DO)", "min"),
        "bod": ("BOD", "บีโอดี (BOD)", "max"),
        "nh3n": ("NH3-N", "แอมโมเนีย-ไนโตรเจน (NH3-N)", "max"),
    }
)
"""Parameter key → (English name, Thai name, ``"min"`` limit or ``"max"`` limit)."""

THAI_SURFACE_WATER_LIMITS: Mapping[str, Mapping[int, float]] = MappingProxyType(
    {
        "do": MappingProxyType({2: 6.0, 3: 4.0, 4: 2.0}),
        "bod": MappingProxyType({2: 1.5, 3: 2.0, 4: 4.0}),
        "nh3n": MappingProxyType({2: 0.5, 3: 0.5, 4: 0.5}),
    }
)
"""Thai surface-water standard classes 2–4 [mg/L] (NEB notification 1994; class 1 is
"natural", class 5 has no limit). DO: at least; BOD5 and NH3-N: at most."""


@dataclass(frozen=True, slots=True)
class QualityRule:
    """A limit a sample must meet.

    Attributes
    ----------
    parameter : str
        Key of :data:`WATER_PARAMETERS` (or any name).
    limit : float
        [``unit``].
    kind : str
        ``"min"`` (at least, e.g. DO) or ``"max"`` (at most, e.g. BOD).
    unit : str
    name_en, name_th : str
        Parameter names.
    source_en, source_th : str
        Where the limit comes from.
    """

    parameter: str
    limit: float
    kind: str
    unit: str = "mg/L"
    name_en: str = ""
    name_th: str = ""
    source_en: str = ""
    source_th: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("min", "max"):
            raise AttributionError(f"rule kind {self.kind!r} must be 'min' or 'max'", field="kind")
        if not math.isfinite(self.limit):
            raise AttributionError(f"rule limit {self.limit!r} must be finite", field="limit")

    def fails(self, values: object) -> np.ndarray:
        """True where a value breaks the limit; NaN (not sampled) never fails."""
        x = np.asarray(values, dtype=float)
        return x < self.limit if self.kind == "min" else x > self.limit

    @property
    def limit_en(self) -> str:
        """The limit alone, e.g. ``"at least 4 mg/L, Thai surface water class 3"``."""
        word = "at least" if self.kind == "min" else "at most"
        src = f", {self.source_en}" if self.source_en else ""
        return f"{word} {self.limit:g} {self.unit}{src}"

    @property
    def limit_th(self) -> str:
        """The limit alone, in Thai."""
        word = "ไม่ต่ำกว่า" if self.kind == "min" else "ไม่เกิน"
        src = f" {self.source_th}" if self.source_th else ""
        return f"{word} {self.limit:g} {self.unit}{src}"

    @property
    def text_en(self) -> str:
        """E.g. ``"DO at least 4 mg/L, Thai surface water class 3"``."""
        return f"{self.name_en or self.parameter} {self.limit_en}"

    @property
    def text_th(self) -> str:
        """E.g. ``"ออกซิเจนละลายน้ำ (DO) ไม่ต่ำกว่า 4 mg/L ตามมาตรฐาน…"``."""
        return f"{self.name_th or self.parameter} {self.limit_th}"


def thai_standard_rule(parameter: str, water_class: int = 3) -> QualityRule:
    """The Thai surface-water limit of ``parameter`` for ``water_class`` (2, 3 or 4).

    Class 3 (agriculture; water supply after ordinary treatment) is the usual target of
    Samut Prakan's main canals; class 4 (industry) is the minimum that still has limits.
    """
    key = parameter.lower().replace("-", "").replace("_", "")
    if key not in THAI_SURFACE_WATER_LIMITS:
        raise AttributionError(
            f"unknown parameter {parameter!r} in the Thai surface water table; valid keys: "
            f"{', '.join(THAI_SURFACE_WATER_LIMITS)}",
            field="parameter",
        )
    limits = THAI_SURFACE_WATER_LIMITS[key]
    if water_class not in limits:
        raise AttributionError(
            f"water class {water_class!r} has no numeric {parameter} limit; valid classes: "
            f"{', '.join(map(str, limits))}",
            field="water_class",
        )
    en, th, kind = WATER_PARAMETERS[key]
    return QualityRule(
        key, limits[water_class], kind, "mg/L", en, th,
        f"Thai surface water class {water_class}",
        f"ตามมาตรฐานคุณภาพน้ำผิวดินประเภทที่ {water_class}",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DropOrigin:
    """A station breaking the rule while the stations feeding it meet it.

    Attributes
    ----------
    time : pandas.Timestamp
        Sampling time (UTC; shown in Thai time by the explanation).
    station : str
    kind : str
        ``"reach"`` (every feeder sampled and passing: the drop is in the reach between),
        ``"uncertain"`` (no sampled feeder fails, but some were not sampled),
        ``"headwater"`` (no station feeds it at that time) or ``"no_flow"`` (it has reaches
        but none carried water then: gate closed or slack).
    value : float
        [unit of the rule].
    feeders : tuple of str
        Stations feeding it at that time.
    feeder_values : Mapping of str to float
        Their values (NaN = not sampled).
    change : float
        ``value`` minus the mean of the sampled feeders; NaN without any.
    flow_assumed : bool
        True when no flow was known at that time (downstream assumed).
    """

    time: pd.Timestamp
    station: str
    kind: str
    value: float
    feeders: tuple[str, ...]
    feeder_values: Mapping[str, float]
    change: float
    flow_assumed: bool


def samples_frame(samples: object, network: CanalNetwork) -> pd.DataFrame:
    """Samples as a DataFrame: UTC index sorted, columns = known stations, floats."""
    df = pd.DataFrame(samples) if isinstance(samples, Mapping) else samples
    if not isinstance(df, pd.DataFrame):
        raise AttributionError(
            f"samples is a {type(samples).__name__}; give a DataFrame (times × stations) or a "
            "Mapping from station to Series",
            field="samples",
        )
    unknown = [str(c) for c in df.columns if str(c) not in network.stations]
    if unknown:
        raise AttributionError(
            f"sampled station(s) {', '.join(unknown)} not in the canal network; stations: "
            f"{', '.join(network.stations)}",
            field="samples",
        )
    idx = as_times(df.index, what="sample times").tz_convert("UTC")
    if idx.has_duplicates:
        raise AttributionError(
            f"sampling time {idx[idx.duplicated()][0].isoformat()} appears twice; one row per "
            "sampling time",
            field="samples",
        )
    out = df.apply(pd.to_numeric, errors="coerce").astype(float)
    out.index, out.columns = idx, [str(c) for c in df.columns]
    bad = out.lt(0).to_numpy()
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise AttributionError(
            f"value {out.iat[i, j]:g} at station {out.columns[j]} at {idx[i].isoformat()} is "
            "below 0",
            field="samples",
        )
    return out.sort_index()


def _origin_at(
    network: CanalNetwork,
    row: pd.Series,
    station: str,
    feeders: tuple[str, ...],
    state: FlowState | None,
    rule: QualityRule,
) -> DropOrigin | None:
    values = {f: float(row.get(f, np.nan)) for f in feeders}
    sampled = [v for v in values.values() if not math.isnan(v)]
    if any(rule.fails(v) for v in sampled):
        return None  # carried from upstream, not born here
    if feeders:
        kind = "reach" if len(sampled) == len(feeders) else "uncertain"
    else:
        has_reach = network.upstream_of(station) + network.downstream_of(station)
        states = [network.state_of(state, r) for r in network.reaches if station in r]
        kind = "no_flow" if has_reach and all(s == FLOW_NONE for s in states) else "headwater"
    value = float(row[station])
    change = value - float(np.mean(sampled)) if sampled else math.nan
    return DropOrigin(
        row.name, station, kind, value, feeders, MappingProxyType(values), change, state is None
    )


def locate_drops(
    network: CanalNetwork, samples: object, rule: QualityRule, *, flow: object = None
) -> tuple[DropOrigin, ...]:
    """Every (time, station) where the rule is first broken relative to its feeders.

    Parameters
    ----------
    network : CanalNetwork
    samples : pandas.DataFrame or Mapping of str to pandas.Series
        Rows = sampling times (timezone-aware), columns = stations [unit of the rule].
    rule : QualityRule
    flow : optional
        Flow direction (:class:`~paknam.environment.attribution.water.network.FlowLog`
        input); None = downstream at all times (stated in the result).

    Returns
    -------
    tuple of DropOrigin
        By time, then upstream to downstream. Only *onsets* are reported: a station that
        keeps failing at its following samplings is reported once, at the first sampling of
        the run (and not at all if that first failure was carried from a feeder).
    """
    df = samples_frame(samples, network)
    log = FlowLog(flow)
    out: list[DropOrigin] = []
    was_failing = dict.fromkeys(df.columns, False)
    for t, row in df.iterrows():
        state = log.at(t)
        feeders = network.feeders(state)
        fails = rule.fails(row.to_numpy())
        failing = set(df.columns[fails])
        for station in (s for s in network.stations if s in failing):
            if was_failing[station]:
                continue
            found = _origin_at(network, row, station, feeders[station], state, rule)
            if found is not None:
                out.append(found)
        for station, value, bad in zip(df.columns, row.to_numpy(), fails, strict=True):
            if not np.isnan(value):
                was_failing[station] = bool(bad)
    return tuple(out)
