"""``$filter`` and ``$orderby`` over the in-memory entities (Things, Datastreams ...).

Pure: a filter tree (:mod:`.filter`) is evaluated against one entity of the graph. A
path through a collection (``Datastreams/ObservedProperty/name`` on a Thing) means *any*
of them, as FROST-Server reads it. Observations are never filtered here but in SQL
(:mod:`.observations`); only the parts of their filter that name their Datastream or
FeatureOfInterest come here, one series at a time (:class:`SeriesRow`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shapely import geometry as shp
from shapely import wkt as shp_wkt
from shapely.errors import ShapelyError

from paknam.api.sensorthings.filter import (
    Call,
    FilterError,
    Geo,
    Lit,
    Neg,
    Node,
    Not,
    Op,
    Path,
    Time,
)
from paknam.api.sensorthings.model import NAVIGATION, PROPERTIES, Entity, Graph


@dataclass(frozen=True, slots=True)
class SeriesRow:
    """An observation of one series, seen only through its Datastream and feature."""

    series_id: int


ROW_COLUMNS = {"phenomenonTime": "time", "resultTime": "time", "result": "value"}
"""Observation properties stored as columns (filtered in SQL, never here)."""


def parse_time_text(text: str) -> float | tuple[float, float] | None:
    """Epoch seconds of an ISO 8601 time (UTC when it has no offset), or the pair of an
    interval ``start/end``; None when ``text`` is neither."""
    try:
        if "/" in text:
            a, b = text.split("/", 1)
            return (_epoch(a), _epoch(b))
        return _epoch(text)
    except ValueError:
        return None


def _epoch(text: str) -> float:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _step(obj: Any, part: str, graph: Graph, where: str) -> list[Any]:
    if isinstance(obj, SeriesRow):
        if part in ("Datastream", "FeatureOfInterest"):
            return list(graph.observation_parents(obj.series_id, part))
        if part in ROW_COLUMNS or part in ("id", "@iot.id"):
            raise FilterError(f"$filter: {part} of an Observation must be compared in SQL")
        if part == "parameters":
            return [None]
        raise FilterError(f"$filter: Observations have no property {part!r}")
    if isinstance(obj, Entity):
        if part in ("id", "@iot.id"):
            return [obj.id]
        nav = NAVIGATION[obj.set].get(part)
        if nav is not None:
            if nav.target == "Observations":
                raise FilterError(
                    f"$filter: {obj.set} cannot be filtered by their Observations; "
                    f"query {obj.set}(id)/Observations instead"
                )
            return list(graph.related(obj, part))
        if part in PROPERTIES[obj.set]:
            return [obj.fields.get(part)]
        raise FilterError(f"$filter: {obj.set} have no property {part!r} (in {where})")
    if isinstance(obj, dict):
        return [obj.get(part)]
    return [None]


def resolve(path: Path, obj: Any, graph: Graph) -> list[Any]:
    """Every value ``path`` reaches from ``obj`` (several through a collection)."""
    where = "/".join(path.parts)
    current = [obj]
    for part in path.parts:
        nxt: list[Any] = []
        seen: set[tuple[str, int | str]] = set()
        for o in current:
            for v in _step(o, part, graph, where):
                if isinstance(v, Entity):  # each entity once: paths stay bounded
                    if (v.set, v.id) in seen:
                        continue
                    seen.add((v.set, v.id))
                nxt.append(v)
        current = nxt
    return current or [None]


def _as_time(v: Any) -> float | tuple[float, float] | None:
    if isinstance(v, Time):
        return v.epoch
    if isinstance(v, str):
        return parse_time_text(v)
    return None


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, Time) or isinstance(b, Time):
        ta, tb = _as_time(a), _as_time(b)
        if ta is None or tb is None:
            return op == "ne"
        # an interval is after a time when it starts after it, before when it ends before
        if isinstance(ta, tuple):
            ta = ta[1] if op in ("lt", "le") else ta[0]
        if isinstance(tb, tuple):
            tb = tb[1] if op in ("gt", "ge") else tb[0]
        a, b = ta, tb
    if a is None or b is None:
        return (a is b) if op == "eq" else (a is not b) if op == "ne" else False
    if isinstance(a, bool) != isinstance(b, bool):
        return op == "ne"
    num = (int, float)
    if isinstance(a, num) != isinstance(b, num) or (
        not isinstance(a, num) and type(a) is not type(b)
    ):
        return op == "ne"
    try:
        return {
            "eq": a == b,
            "ne": a != b,
            "gt": a > b,
            "ge": a >= b,
            "lt": a < b,
            "le": a <= b,
        }[op]
    except TypeError:
        return False


def _arith(op: str, a: Any, b: Any) -> Any:
    num = (int, float)
    if not isinstance(a, num) or not isinstance(b, num) or isinstance(a, bool):
        return None
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if b == 0:
        return None
    return a / b if op == "div" else math.fmod(a, b)


def geometry(v: Any) -> Any:
    """A shapely geometry of a GeoJSON object or a ``geography'...'`` literal, or None."""
    try:
        if isinstance(v, Geo):
            return shp_wkt.loads(v.wkt)
        if isinstance(v, dict) and "type" in v:
            return shp.shape(v)
    except (ShapelyError, ValueError, TypeError, AttributeError) as exc:
        raise FilterError(f"$filter: not a geometry: {exc}") from None
    return None


_GEO: dict[str, Any] = {
    "geo.intersects": lambda a, b: a.intersects(b),
    "st_intersects": lambda a, b: a.intersects(b),
    "st_within": lambda a, b: a.within(b),
    "st_contains": lambda a, b: a.contains(b),
    "st_disjoint": lambda a, b: a.disjoint(b),
    "st_equals": lambda a, b: a.equals(b),
    "st_touches": lambda a, b: a.touches(b),
    "st_overlaps": lambda a, b: a.overlaps(b),
    "st_crosses": lambda a, b: a.crosses(b),
    "geo.distance": lambda a, b: a.distance(b),
}


def _call(name: str, args: list[Any]) -> Any:
    if name in _GEO:
        ga, gb = geometry(args[0]), geometry(args[1])
        return None if ga is None or gb is None else _GEO[name](ga, gb)
    if name == "geo.length":
        g = geometry(args[0])
        return None if g is None else g.length
    if name in ("year", "month", "day", "hour", "minute", "second"):
        t = _as_time(args[0])
        if t is None:
            return None
        epoch = t[0] if isinstance(t, tuple) else t
        return getattr(datetime.fromtimestamp(epoch, UTC), name)
    if name in ("round", "floor", "ceiling"):
        x = args[0]
        if not isinstance(x, int | float) or isinstance(x, bool):
            return None
        if name == "round":
            return round(x)
        return math.floor(x) if name == "floor" else math.ceil(x)
    if not all(isinstance(a, str) for a in args):
        return None
    s = args[0]
    if name == "substringof":  # substringof(needle, haystack)
        return args[0] in args[1]
    if name == "contains":
        return args[1] in s
    if name == "startswith":
        return s.startswith(args[1])
    if name == "endswith":
        return s.endswith(args[1])
    if name == "indexof":
        return s.find(args[1])
    if name == "concat":
        return s + args[1]
    if name == "length":
        return len(s)
    if name == "tolower":
        return s.lower()
    if name == "toupper":
        return s.upper()
    return s.strip()  # trim


def values(node: Node, obj: Any, graph: Graph) -> list[Any]:
    """Every value ``node`` takes on ``obj`` (one per combination of collection members)."""
    if isinstance(node, Lit):
        return [node.value]
    if isinstance(node, Path):
        return resolve(node, obj, graph)
    if isinstance(node, Not):
        return [not truthy(node.arg, obj, graph)]
    if isinstance(node, Neg):
        return [(-v if isinstance(v, int | float) and not isinstance(v, bool) else None)
                for v in values(node.arg, obj, graph)]  # fmt: skip
    if isinstance(node, Op):
        if node.op == "and":
            return [truthy(node.left, obj, graph) and truthy(node.right, obj, graph)]
        if node.op == "or":
            return [truthy(node.left, obj, graph) or truthy(node.right, obj, graph)]
        lefts, rights = values(node.left, obj, graph), values(node.right, obj, graph)
        if node.op in ("eq", "ne", "gt", "ge", "lt", "le"):
            return [any(_compare(node.op, a, b) for a in lefts for b in rights)]
        return [_arith(node.op, a, b) for a in lefts for b in rights]
    if isinstance(node, Call):
        arg_lists = [values(a, obj, graph) for a in node.args]
        combos: list[list[Any]] = [[]]
        for options in arg_lists:
            combos = [[*c, o] for c in combos for o in options]
        return [_call(node.name, c) for c in combos]
    raise FilterError(f"$filter: cannot evaluate {node!r}")


def truthy(node: Node, obj: Any, graph: Graph) -> bool:
    return any(v is True for v in values(node, obj, graph))


def sort_key(v: Any) -> tuple[int, Any]:
    """Orders values of mixed types: nulls last, numbers, then text."""
    if v is None:
        return (3, 0)
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, int | float):
        return (0, v)
    if isinstance(v, str):
        t = parse_time_text(v) if v[:1].isdigit() else None
        if t is not None:
            return (1, t[0] if isinstance(t, tuple) else t)
        return (2, v)
    return (2, str(v))
