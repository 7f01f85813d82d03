"""Where along the canals does water quality drop? Source attribution for canal stations.

The proposal's "analyse the root cause" for water: stations along the khlong network as a
small directed graph (upstream → downstream, with confluences), and pure functions over
their samples. No I/O, no database.

- :func:`canal_network`: the graph (:mod:`~paknam.environment.attribution.water.network`,
  which also explains the per-time flow direction: tidal reversal and closed gates);
- :func:`locate_drops`: the reach where a drop first appears, comparing each station with
  the stations feeding it at the same sampling time;
- :func:`trace_drop`: how the drop travels: first failing time of each station after the
  origin, apparent travel time and speed;
- :func:`explain_water_drop`: both as a Thai and English explanation.

Method details and limits: :mod:`~paknam.environment.attribution.water.drops` and
:mod:`~paknam.environment.attribution.water.trace`; texts:
:mod:`~paknam.environment.attribution.water.text`.

Without flow data the direction is assumed downstream at all times, and the explanation
says so: Samut Prakan's canals are tidal and gated, and on a flood tide a drop can travel
"upstream". Give the flow per time (a tide table or gate log) when it is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from paknam.core.timeutil import BANGKOK
from paknam.environment.attribution.water.drops import (
    THAI_SURFACE_WATER_LIMITS,
    WATER_PARAMETERS,
    DropOrigin,
    QualityRule,
    locate_drops,
    samples_frame,
    thai_standard_rule,
)
from paknam.environment.attribution.water.network import (
    FLOW_DOWNSTREAM,
    FLOW_NONE,
    FLOW_STATES,
    FLOW_UPSTREAM,
    CanalNetwork,
    FlowLog,
    canal_network,
)
from paknam.environment.attribution.water.text import render
from paknam.environment.attribution.water.trace import Arrival, DropTrace, trace_drop
from paknam.environment.errors import AttributionError, CanalNetworkError

__all__ = [
    "FLOW_DOWNSTREAM",
    "FLOW_NONE",
    "FLOW_STATES",
    "FLOW_UPSTREAM",
    "THAI_SURFACE_WATER_LIMITS",
    "WATER_PARAMETERS",
    "Arrival",
    "AttributionError",
    "CanalNetwork",
    "CanalNetworkError",
    "DropOrigin",
    "DropTrace",
    "QualityRule",
    "WaterDropExplanation",
    "canal_network",
    "explain_water_drop",
    "locate_drops",
    "thai_standard_rule",
    "trace_drop",
]

_KIND_ORDER = {"reach": 0, "uncertain": 1, "no_flow": 2, "headwater": 3}


@dataclass(frozen=True, slots=True)
class WaterDropExplanation:
    """Where a drop first appeared and how it travelled, in Thai and English.

    Attributes
    ----------
    verdict : str
        ``"reach"``, ``"uncertain"``, ``"headwater"``, ``"no_flow"`` (kind of the first
        origin), ``"widespread"`` (every sampled station fails from the first sampling),
        ``"no_drop"`` or ``"no_data"``.
    text_th, text_en : str
    origins : tuple of DropOrigin
        All origins found (:func:`locate_drops`).
    first : DropOrigin or None
        The one explained.
    trace : DropTrace or None
        From ``first``.
    """

    verdict: str
    text_th: str
    text_en: str
    origins: tuple[DropOrigin, ...]
    first: DropOrigin | None
    trace: DropTrace | None


def _time(t) -> str:
    return t.tz_convert(BANGKOK).strftime("%Y-%m-%d %H:%M")


def _v(x: float, unit: str) -> str:
    return f"{x:.3g} {unit}"


def _origin_fields(o: DropOrigin, rule: QualityRule) -> dict[str, object]:
    sampled = {f: v for f, v in o.feeder_values.items() if not math.isnan(v)}
    return {
        "station": o.station,
        "time": _time(o.time),
        "value": f"{o.value:.3g}",
        "unit": rule.unit,
        "feeders": ", ".join(o.feeders),
        "feeder_values": ", ".join(f"{f} {_v(v, rule.unit)}" for f, v in sampled.items()),
        "reach": ", ".join(f"{f} → {o.station}" for f in o.feeders),
        "missing": ", ".join(f for f in o.feeders if f not in sampled),
    }


def _trace_sentences(trace: DropTrace) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    moved = [a for a in trace.arrivals if a.status == "downstream"]
    if moved:
        items_th, items_en = [], []
        for a in moved:
            kmh = "" if math.isnan(a.speed_kmh) else f"{a.speed_kmh:.2g}"
            sp = render("speed", kmh=kmh) if kmh else ("", "")
            hours = f"{a.hours_after_origin:.3g}"
            items_th.append(render("arrived_item", station=a.station, hours=hours, speed=sp[0])[0])
            items_en.append(render("arrived_item", station=a.station, hours=hours, speed=sp[1])[1])
        out.append(
            (render("arrived", items=", ".join(items_th))[0],
             render("arrived", items=", ".join(items_en))[1])
        )  # fmt: skip
    groups = {
        "reversed": "upstream_reversed_flow",
        "against_flow": "against_flow",
        "earlier": "earlier_than_via",
        "same_time": "same_time",
        "already": "already_failing",
        "not_reached": "not_reached",
    }
    for key, status in groups.items():
        arr = [a for a in trace.arrivals if a.status == status]
        if not arr:
            continue
        if key == "reversed":
            th = ", ".join(f"{a.station} (หลังจากนั้น {a.hours_after_origin:.3g} ชม.)" for a in arr)
            en = ", ".join(f"{a.station} ({a.hours_after_origin:.3g} h later)" for a in arr)
        else:
            th = en = ", ".join(a.station for a in arr)
        out.append((render(key, items=th)[0], render(key, items=en)[1]))
    return out


def explain_water_drop(
    network: CanalNetwork,
    samples: object,
    rule: QualityRule | None = None,
    *,
    flow: object = None,
) -> WaterDropExplanation:
    """Explain where the water quality first dropped and how the drop travelled.

    Parameters
    ----------
    network : CanalNetwork
    samples : pandas.DataFrame or Mapping of str to pandas.Series
        Rows = sampling times (timezone-aware), columns = stations [unit of the rule].
    rule : QualityRule, optional
        Default DO at least 4 mg/L (Thai surface water class 3).
    flow : optional
        Flow direction through time (see :class:`FlowLog`); None = downstream assumed, and
        the text says so.

    Returns
    -------
    WaterDropExplanation
    """
    rule = rule or thai_standard_rule("do", 3)
    df = samples_frame(samples, network)
    origins = locate_drops(network, df, rule, flow=flow)
    p = {"param": rule.name_en or rule.parameter, "param_th": rule.name_th or rule.parameter}
    p |= {"rule_en": rule.limit_en, "rule_th": rule.limit_th}
    sentences: list[tuple[str, str]] = []
    first, trace = None, None
    values = df.to_numpy()
    if np.isnan(values).all():
        verdict = "no_data"
        sentences.append(render("no_data", **p))
    elif not origins:
        verdict = "no_drop"
        sentences.append(render("no_drop", **p))
    else:
        t0 = origins[0].time
        row = df.loc[t0].dropna()
        if t0 == df.index[0] and rule.fails(row.to_numpy()).all() and len(row) == df.shape[1]:
            verdict = "widespread"
            heads = ", ".join(network.headwaters())
            sentences.append(render("widespread", **p, time=_time(t0), headwaters=heads))
        else:
            at_t0 = [o for o in origins if o.time == t0]
            first = min(at_t0, key=lambda o: _KIND_ORDER[o.kind])
            verdict = first.kind
            sentences.append(render(first.kind, **p, **_origin_fields(first, rule)))
            trace = trace_drop(network, df, rule, first.station, start=t0, flow=flow)
            sentences += _trace_sentences(trace)
            seen = {first.station}
            later = []
            for o in origins:
                if o.station not in seen and o.time > t0:
                    seen.add(o.station)
                    later.append(o)
            if later:
                items = ", ".join(f"{o.station} ({_time(o.time)})" for o in later[:5])
                sentences.append(render("other_origins", items=items))
    if verdict not in ("no_data", "no_drop"):
        sentences.append(render("grab_samples"))
    if not FlowLog(flow).given:
        sentences.append(render("flow_assumed"))
    return WaterDropExplanation(
        verdict=verdict,
        text_th=" ".join(th for th, _ in sentences),
        text_en=" ".join(en for _, en in sentences),
        origins=origins,
        first=first,
        trace=trace,
    )
