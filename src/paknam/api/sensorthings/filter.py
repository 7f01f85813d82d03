"""The OData ``$filter`` language of SensorThings API v1.1, parsed into a small tree.

Pure: no store, no HTTP. A recursive-descent parser over the grammar of the STA 1.1
specification (OGC 18-088, 9.3.3.5) and OData 4.0 URL conventions:

    or   := and ("or" and)*          comparison := additive (op additive)?
    and  := not ("and" not)*         op         := eq ne gt ge lt le
    not  := "not" not | comparison   additive   := term (("add" | "sub") term)*
    term := unary (("mul" | "div" | "mod") unary)*
    unary := "-" unary | "(" or ")" | literal | function "(" args ")" | path

Literals: numbers, ``'strings'`` (``''`` is a quote), ``true``/``false``/``null``, times
(``2025-01-01T07:00:00+07:00``, ``...Z``; a ``+`` that a query string turned into a space
is read as ``+``), ``geography'POINT(100.6 13.6)'`` (WKT; ``POLYGON``, ``LINESTRING``...).
Paths: property names joined by ``/`` (``Datastream/ObservedProperty/name``,
``properties/kind``). Every error is :class:`FilterError` naming what and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
ARITHMETIC = ("add", "sub", "mul", "div", "mod")

FUNCTIONS: dict[str, int] = {
    "substringof": 2,
    "contains": 2,
    "startswith": 2,
    "endswith": 2,
    "length": 1,
    "indexof": 2,
    "tolower": 1,
    "toupper": 1,
    "trim": 1,
    "concat": 2,
    "year": 1,
    "month": 1,
    "day": 1,
    "hour": 1,
    "minute": 1,
    "second": 1,
    "round": 1,
    "floor": 1,
    "ceiling": 1,
    "geo.intersects": 2,
    "geo.distance": 2,
    "geo.length": 1,
    "st_within": 2,
    "st_intersects": 2,
    "st_contains": 2,
    "st_disjoint": 2,
    "st_equals": 2,
    "st_touches": 2,
    "st_overlaps": 2,
    "st_crosses": 2,
}
"""Functions and how many arguments each takes (``substring`` is not offered)."""


class FilterError(ValueError):
    """A ``$filter`` that cannot be read: the message names the token and its position."""


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: number, string, bool, None, :class:`Time` or :class:`Geo`."""

    value: Any


@dataclass(frozen=True, slots=True)
class Time:
    """A time literal: UTC epoch seconds (a float: fractions are kept)."""

    epoch: float


@dataclass(frozen=True, slots=True)
class Geo:
    """A geography literal as WKT text (parsed by shapely where it is used)."""

    wkt: str


@dataclass(frozen=True, slots=True)
class Path:
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Op:
    """A binary operator: a comparison, ``and``/``or`` or arithmetic."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    arg: Node


@dataclass(frozen=True, slots=True)
class Neg:
    arg: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Lit | Path | Op | Not | Neg | Call

_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+\- ]\d{2}:?\d{2})"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<geo>geography'(?P<wkt>[^']*)')
  | (?P<time>{_TIME})
  | (?P<date>\d{{4}}-\d{{2}}-\d{{2}})(?![\dT])
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<name>[A-Za-z_@$][A-Za-z0-9_.@$]*)
  | (?P<punct>[()/,\-])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    pos: int
    value: Any = None


def _time_value(text: str) -> Time:
    t = text.replace("z", "Z")
    if len(t) > 6 and t[-6] == " ":  # '+07:00' arrived as ' 07:00' (a '+' read as space)
        t = t[:-6] + "+" + t[-5:]
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        raise FilterError(f"$filter: {text!r} is not a valid time") from None
    return Time(dt.timestamp())


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FilterError(f"$filter: cannot read {text[pos : pos + 20]!r} at position {pos}")
        kind = m.lastgroup
        assert kind is not None
        s = m.group(0)
        if kind == "wkt":
            kind = "geo"
        if kind == "geo":
            out.append(_Tok("lit", s, pos, Geo(m.group("wkt"))))
        elif kind == "time":
            out.append(_Tok("lit", s, pos, _time_value(s)))
        elif kind == "date":
            out.append(_Tok("lit", s, pos, _time_value(s + "T00:00:00Z")))
        elif kind == "number":
            value: Any = float(s) if any(c in s for c in ".eE") else int(s)
            out.append(_Tok("lit", s, pos, value))
        elif kind == "string":
            out.append(_Tok("lit", s, pos, s[1:-1].replace("''", "'")))
        elif kind == "name":
            out.append(_Tok("name", s, pos))
        elif kind == "punct":
            out.append(_Tok(s, s, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


MAX_DEPTH = 40
"""Deepest nesting of parentheses, ``not`` and ``-`` in one filter."""
MAX_PATH = 8
"""Most steps of one path (``Datastreams/Thing/Locations/location`` is 4)."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"$filter nests deeper than {MAX_DEPTH} levels")

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _word(self, *words: str) -> str | None:
        t = self.tok
        if t.kind == "name" and t.text in words:
            self.i += 1
            return t.text
        return None

    def _expect(self, kind: str) -> _Tok:
        t = self.tok
        if t.kind != kind:
            found = t.text or "the end"
            raise FilterError(f"$filter: expected {kind!r} at position {t.pos}, found {found!r}")
        self.i += 1
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise FilterError("$filter is empty")
        node = self._or()
        if self.tok.kind != "end":
            raise FilterError(f"$filter: unexpected {self.tok.text!r} at position {self.tok.pos}")
        return node

    def _or(self) -> Node:
        node = self._and()
        while self._word("or"):
            node = Op("or", node, self._and())
        return node

    def _and(self) -> Node:
        node = self._not()
        while self._word("and"):
            node = Op("and", node, self._not())
        return node

    def _not(self) -> Node:
        if self._word("not"):
            self._deeper()
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._comparison()

    def _comparison(self) -> Node:
        node = self._additive()
        op = self._word(*COMPARISONS)
        if op:
            node = Op(op, node, self._additive())
        return node

    def _additive(self) -> Node:
        node = self._term()
        while True:
            op = self._word("add", "sub")
            if not op:
                return node
            node = Op(op, node, self._term())

    def _term(self) -> Node:
        node = self._unary()
        while True:
            op = self._word("mul", "div", "mod")
            if not op:
                return node
            node = Op(op, node, self._unary())

    def _unary(self) -> Node:
        t = self.tok
        if t.kind in ("-", "("):
            self.i += 1
            self._deeper()
            if t.kind == "-":
                node: Node = Neg(self._unary())
            else:
                node = self._or()
                self._expect(")")
            self.depth -= 1
            return node
        if t.kind == "lit":
            self.i += 1
            return Lit(t.value)
        if t.kind == "name":
            return self._name()
        raise FilterError(f"$filter: unexpected {t.text or 'end'!r} at position {t.pos}")

    def _name(self) -> Node:
        t = self._expect("name")
        word = t.text
        if word in ("true", "false"):
            return Lit(word == "true")
        if word == "null":
            return Lit(None)
        if self.tok.kind == "(":
            name = word.lower()
            if name not in FUNCTIONS:
                raise FilterError(f"$filter: unknown function {word!r} at position {t.pos}")
            self.i += 1
            args: list[Node] = []
            if self.tok.kind != ")":
                args.append(self._or())
                while self.tok.kind == ",":
                    self.i += 1
                    args.append(self._or())
            self._expect(")")
            if len(args) != FUNCTIONS[name]:
                raise FilterError(
                    f"$filter: {word} takes {FUNCTIONS[name]} argument(s), got {len(args)}"
                )
            return Call(name, tuple(args))
        parts = [word]
        while self.tok.kind == "/":
            self.i += 1
            parts.append(self._expect("name").text)
        if len(parts) > MAX_PATH:
            raise FilterError(f"$filter: a path of more than {MAX_PATH} steps at position {t.pos}")
        return Path(tuple(parts))


def parse_filter(text: str) -> Node:
    """The tree of a ``$filter`` expression; :class:`FilterError` when it cannot be read."""
    if len(text) > 4000:
        raise FilterError("$filter is longer than 4000 characters")
    return _Parser(text).parse()
