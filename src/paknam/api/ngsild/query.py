"""Query parameters of NGSI-LD ``GET /entities`` (ETSI GS CIM 009, 4.9 and 4.10), pure.

``q``: terms ``attr==value``, ``!=``, ``>``, ``>=``, ``<``, ``<=`` (``attr`` may go into a
sub-property or a value's member with ``.``: ``pm25.averagingPeriod==\"PT1H\"``), joined by
``;`` (and) or ``|`` (or), with parentheses; values are numbers, ``"text"`` or
``true``/``false``. Geo-queries: ``georel`` ``near;maxDistance==m`` (or ``minDistance``),
``within``, ``contains``, ``intersects``, ``disjoint``, ``equals``, ``overlaps`` with
``geometry`` and ``coordinates`` (GeoJSON); distances in metres (on the sphere).
Every error is an :class:`NgsiError` naming the parameter.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from shapely import geometry as shp
from shapely.errors import ShapelyError

Entity = dict[str, Any]
Predicate = Callable[[Entity], bool]


class NgsiError(ValueError):
    """A bad query parameter: ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


_TERM = re.compile(
    r"\s*(?P<attr>[A-Za-z_][\w.\[\]]*)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>\"(?:[^\"\\]|\\.)*\"|[^;|()]+)\s*"
)


def _value_of(entity: Entity, attr: str) -> Any:
    head, *rest = attr.split(".")
    node = entity.get(head)
    if isinstance(node, dict) and node.get("type") in ("Property", "GeoProperty"):
        if rest and rest[0] in node:  # a sub-property
            sub = node[rest[0]]
            node, rest = (sub.get("value") if isinstance(sub, dict) else sub), rest[1:]
        else:
            node = node.get("value")
    elif isinstance(node, dict) and node.get("type") == "Relationship":
        node = node.get("object")
    for part in rest:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and "@value" in node:
        node = node["@value"]
    return node


def _literal(text: str) -> Any:
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text  # an unquoted word or a time: compared as text


def _compare(op: str, have: Any, want: Any) -> bool:
    if have is None:
        return op == "!="
    if isinstance(have, list):
        return any(_compare(op, h, want) for h in have) if op != "!=" else want not in have
    if isinstance(have, bool) != isinstance(want, bool):
        return op == "!="
    if isinstance(have, int | float) != isinstance(want, int | float):
        return op == "!="
    try:
        return {
            "==": have == want,
            "!=": have != want,
            ">": have > want,
            ">=": have >= want,
            "<": have < want,
            "<=": have <= want,
        }[op]
    except TypeError:
        return False


class _Q:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def parse(self) -> Predicate:
        pred = self._or()
        if self.pos != len(self.text):
            raise NgsiError("q", f"q: cannot read {self.text[self.pos :]!r}")
        return pred

    def _or(self) -> Predicate:
        preds = [self._and()]
        while self.text.startswith("|", self.pos):
            self.pos += 1
            preds.append(self._and())
        return preds[0] if len(preds) == 1 else (lambda e: any(p(e) for p in preds))

    def _and(self) -> Predicate:
        preds = [self._atom()]
        while self.text.startswith(";", self.pos):
            self.pos += 1
            preds.append(self._atom())
        return preds[0] if len(preds) == 1 else (lambda e: all(p(e) for p in preds))

    def _atom(self) -> Predicate:
        if self.text.startswith("(", self.pos):
            self.pos += 1
            pred = self._or()
            if not self.text.startswith(")", self.pos):
                raise NgsiError("q", "q: a '(' is not closed")
            self.pos += 1
            return pred
        m = _TERM.match(self.text, self.pos)
        if m is None:
            raise NgsiError("q", f"q: cannot read a term at {self.text[self.pos :]!r}")
        self.pos = m.end()
        attr, op, want = m.group("attr"), m.group("op"), _literal(m.group("value"))
        return lambda e: _compare(op, _value_of(e, attr), want)


def parse_q(text: str) -> Predicate:
    if len(text) > 2000:
        raise NgsiError("q", "q is longer than 2000 characters")
    return _Q(text).parse()


def _metres(a: Any, b: Any) -> float:
    """Distance between two geometries in metres (nearest points, haversine)."""
    from shapely.ops import nearest_points

    pa, pb = nearest_points(a, b)
    lon1, lat1, lon2, lat2 = map(math.radians, (pa.x, pa.y, pb.x, pb.y))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def parse_geo(georel: str, geometry: str | None, coordinates: str | None) -> Predicate:
    """The geo-query of ``georel``, ``geometry`` and ``coordinates`` on ``location``."""
    if not geometry or not coordinates:
        raise NgsiError("georel", "georel needs geometry and coordinates")
    try:
        shape = shp.shape({"type": geometry, "coordinates": json.loads(coordinates)})
    except (ValueError, TypeError, KeyError, ShapelyError, AttributeError) as exc:
        raise NgsiError("coordinates", f"coordinates are not a GeoJSON {geometry}: {exc}") from None
    rel, _, modifier = georel.partition(";")
    ops: dict[str, Callable[[Any], bool]] = {
        "within": lambda g: g.within(shape),
        "contains": lambda g: g.contains(shape),
        "intersects": lambda g: g.intersects(shape),
        "disjoint": lambda g: g.disjoint(shape),
        "equals": lambda g: g.equals(shape),
        "overlaps": lambda g: g.overlaps(shape),
    }
    if rel == "near":
        m = re.fullmatch(r"(maxDistance|minDistance)==(\d+(?:\.\d+)?)", modifier)
        if m is None:
            raise NgsiError("georel", "near needs ;maxDistance==metres or ;minDistance==metres")
        limit = float(m.group(2))
        if m.group(1) == "maxDistance":
            test: Callable[[Any], bool] = lambda g: _metres(g, shape) <= limit  # noqa: E731
        else:
            test = lambda g: _metres(g, shape) >= limit  # noqa: E731
    elif rel in ops:
        test = ops[rel]
    else:
        raise NgsiError("georel", f"unknown georel {rel!r}; use near, {', '.join(ops)}")

    def pred(e: Entity) -> bool:
        loc = e.get("location")
        if not isinstance(loc, dict) or not isinstance(loc.get("value"), dict):
            return False
        try:
            return bool(test(shp.shape(loc["value"])))
        except (ValueError, ShapelyError, AttributeError):
            return False

    return pred


SYSTEM = ("id", "type", "@context")


def project(e: Entity, attrs: list[str] | None, key_values: bool) -> Entity:
    """The entity with only ``attrs`` (all when None), simplified with ``keyValues``."""
    out: Entity = {}
    for k, v in e.items():
        if k not in SYSTEM and attrs is not None and k not in attrs:
            continue
        if key_values and isinstance(v, dict) and "type" in v:
            v = v.get("object") if v["type"] == "Relationship" else v.get("value")
        out[k] = v
    return out
