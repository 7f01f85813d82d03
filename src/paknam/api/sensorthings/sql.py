"""Observations' ``$filter`` and ``$orderby`` as a condition the database evaluates.

Pure: the filter tree becomes a :data:`paknam.core.observations.Cond` (comparisons of the
``time`` and ``value`` columns, ``and``/``or``/``not``, and ``("series", ids)``), which
:func:`paknam.core.observations.query_rows` turns into SQL on either engine. Nothing is
filtered in Python over observation rows.

* ``phenomenonTime`` / ``resultTime`` (the same stored time) against a time;
* ``result`` against a number, with arithmetic on it solved for the column
  (``result mul 2 add 1 gt 9`` is ``result gt 4``);
* any part naming only ``Datastream/...`` or ``FeatureOfInterest/...`` (or constants) is
  evaluated per series (:mod:`.evaluate`) and becomes the set of series it holds for.

Anything else (two columns in one comparison, functions of a column) is refused with a
:class:`FilterError` that says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from paknam.api.sensorthings.evaluate import ROW_COLUMNS, SeriesRow, parse_time_text, truthy
from paknam.api.sensorthings.filter import Call, FilterError, Lit, Neg, Node, Not, Op, Path, Time
from paknam.api.sensorthings.model import Graph
from paknam.core.observations import Cond

_FLIP = {"gt": "lt", "ge": "le", "lt": "gt", "le": "ge", "eq": "eq", "ne": "ne"}


def _column(node: Path) -> str | None:
    if len(node.parts) == 1 and node.parts[0] in ROW_COLUMNS:
        return ROW_COLUMNS[node.parts[0]]
    if node.parts[0] in ("id", "@iot.id"):
        raise FilterError("$filter on an Observation's id is not offered; use /Observations(id)")
    return None


def uses_columns(node: Node) -> bool:
    """True when ``node`` names an observation column (``phenomenonTime``, ``result``...)."""
    if isinstance(node, Path):
        return _column(node) is not None
    if isinstance(node, Op):
        return uses_columns(node.left) or uses_columns(node.right)
    if isinstance(node, Not | Neg):
        return uses_columns(node.arg)
    if isinstance(node, Call):
        return any(uses_columns(a) for a in node.args)
    return False


def _linear(node: Node) -> tuple[str | None, float, float | None, bool]:
    """``(column, a, b, is_time)`` with the node equal to ``a * column + b``."""
    if isinstance(node, Path):
        col = _column(node)
        if col is None:
            raise FilterError(
                f"$filter: {'/'.join(node.parts)} cannot be compared with an observation's "
                "time or result in one expression"
            )
        return (col, 1.0, 0.0, col == "time")
    if isinstance(node, Lit):
        v = node.value
        if isinstance(v, Time):
            return (None, 0.0, v.epoch, True)
        if isinstance(v, str):
            t = parse_time_text(v)
            if isinstance(t, float):
                return (None, 0.0, t, True)
            raise FilterError(f"$filter: {v!r} is not a number or a time")
        if v is None:
            return (None, 0.0, None, False)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise FilterError(f"$filter: {v!r} cannot be compared with an observation")
        return (None, 0.0, float(v), False)
    if isinstance(node, Neg):
        col, a, b, is_time = _linear(node.arg)
        if is_time:
            raise FilterError("$filter: a time cannot be negated")
        return (col, -a, None if b is None else -b, False)
    if isinstance(node, Op) and node.op in ("add", "sub", "mul", "div"):
        lc, la, lb, lt = _linear(node.left)
        rc, ra, rb, rt = _linear(node.right)
        if lt or rt:
            raise FilterError(f"$filter: arithmetic ({node.op}) on times is not offered")
        if lb is None or rb is None:
            return (lc or rc, 0.0, None, False)
        if node.op in ("add", "sub"):
            if lc and rc and lc != rc:
                raise FilterError("$filter: two different columns in one expression")
            s = 1.0 if node.op == "add" else -1.0
            return (lc or rc, la + s * ra, lb + s * rb, False)
        if node.op == "mul":
            if lc and rc:
                raise FilterError("$filter: a column times a column is not offered")
            if rc:  # constant * (a x + b)
                return (rc, lb * ra, lb * rb, False)
            return (lc, la * rb, lb * rb, False)
        if rc:
            raise FilterError("$filter: dividing by an observation's value is not offered")
        if rb == 0:
            raise FilterError("$filter: division by zero")
        return (lc, la / rb, lb / rb, False)
    raise FilterError(
        f"$filter: {type(node).__name__.lower()} of an observation's time or result is not "
        "offered (compare phenomenonTime or result, with add sub mul div)"
    )


def _time_bound(op: str, x: float) -> Cond:
    """``time op x`` for integer seconds ``time`` and any real ``x``."""
    if x == math.floor(x):
        return ("cmp", op, "time", int(x))
    lo, hi = math.floor(x), math.ceil(x)
    if op == "eq":
        return ("false",)
    if op == "ne":
        return ("true",)
    return ("cmp", op, "time", lo if op in ("gt", "le") else hi)


def _comparison(op: str, left: Node, right: Node) -> Cond:
    lc, la, lb, lt = _linear(left)
    rc, ra, rb, rt = _linear(right)
    if lc and rc and lc != rc:
        raise FilterError("$filter: time and result cannot be compared with each other")
    col = lc or rc
    assert col is not None
    if lb is None or rb is None:  # nothing stored is null
        return ("true",) if op == "ne" else ("false",)
    if col == "time" and not (lt and rt):
        raise FilterError("$filter: phenomenonTime and resultTime compare with a time")
    if col == "value" and (lt or rt):
        raise FilterError("$filter: result compares with a number, not a time")
    a, b = la - ra, lb - rb  # a * col + b  op  0
    if a == 0:
        holds = {"eq": b == 0, "ne": b != 0, "gt": b > 0, "ge": b >= 0, "lt": b < 0, "le": b <= 0}
        return ("true",) if holds[op] else ("false",)
    bound = -b / a
    if a < 0:
        op = _FLIP[op]
    if col == "time":
        return _time_bound(op, bound)
    return ("cmp", op, "value", bound)


def to_cond(node: Node, graph: Graph, series_ids: Sequence[int]) -> Cond:
    """The condition of ``node`` on the observations of ``series_ids``."""
    if not uses_columns(node):
        return ("series", [sid for sid in series_ids if truthy(node, SeriesRow(sid), graph)])
    if isinstance(node, Op) and node.op in ("and", "or"):
        return (
            node.op,
            to_cond(node.left, graph, series_ids),
            to_cond(node.right, graph, series_ids),
        )
    if isinstance(node, Not):
        return ("not", to_cond(node.arg, graph, series_ids))
    if isinstance(node, Op) and node.op in ("eq", "ne", "gt", "ge", "lt", "le"):
        return _comparison(node.op, node.left, node.right)
    raise FilterError(
        "$filter: an observation's time or result must be compared (eq ne gt ge lt le)"
    )


ORDER_COLUMNS = {
    "phenomenonTime": "time",
    "resultTime": "time",
    "result": "value",
    "id": "id",
    "@iot.id": "id",
}


def to_order(orderby: Sequence[tuple[Node, bool]]) -> list[tuple[str, bool]]:
    """``$orderby`` of Observations as (column, descending) pairs; ``id`` is (series, time)."""
    out: list[tuple[str, bool]] = []
    for node, desc in orderby:
        name = "/".join(node.parts) if isinstance(node, Path) else None
        col = ORDER_COLUMNS.get(name or "")
        if col is None:
            raise FilterError(
                f"$orderby: Observations sort by phenomenonTime, resultTime, result or id, "
                f"not {name or node!r}"
            )
        if col == "id":
            out += [("series", desc), ("time", desc)]
        else:
            out.append((col, desc))
    if not any(c == "series" for c, _ in out):
        out.append(("series", False))
    if not any(c == "time" for c, _ in out):
        out.append(("time", False))
    return out
