"""The query options of a SensorThings request (``$top``, ``$skip``, ``$count``,
``$orderby``, ``$select``, ``$expand``, ``$filter``), read and checked against the entity
set they apply to. Pure; every error is a :class:`OptionError` naming the option.

``$expand`` nests: ``Datastreams($filter=...;$top=3;$expand=ObservedProperty,Sensor)``,
or as a path, ``Datastreams/ObservedProperty``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from paknam.api.sensorthings.filter import FilterError, Node, Path, parse_filter
from paknam.api.sensorthings.model import NAVIGATION, PROPERTIES

DEFAULT_TOP = 100
MAX_TOP = 10_000
MAX_EXPAND_DEPTH = 6
"""Deepest nesting of ``$expand`` (Things/Datastreams/Observations/... is 3)."""
KNOWN = ("$top", "$skip", "$count", "$orderby", "$select", "$expand", "$filter")


class OptionError(ValueError):
    """A query option that cannot be used: ``option`` names it (``$filter``...)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass
class Options:
    top: int = DEFAULT_TOP
    skip: int = 0
    count: bool = False
    filter: Node | None = None
    orderby: list[tuple[Node, bool]] = field(default_factory=list)
    select: list[str] | None = None
    expand: dict[str, Options] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    """The options as given (kept in the ``@iot.nextLink`` of an expanded collection)."""


def _split(text: str, sep: str, option: str = "$expand") -> list[str]:
    """``text`` split on ``sep`` outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise OptionError(option, f"unbalanced ')' in {text!r}")
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0 or quoted:
        raise OptionError(option, f"unbalanced parentheses or quotes in {text!r}")
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _int(name: str, value: str, hi: int | None = None) -> int:
    try:
        n = int(value)
    except ValueError:
        raise OptionError(name, f"{name} must be a whole number, not {value!r}") from None
    if n < 0:
        raise OptionError(name, f"{name} must not be negative")
    if hi is not None and n > hi:
        raise OptionError(name, f"{name} is at most {hi}")
    return n


def _orderby(value: str) -> list[tuple[Node, bool]]:
    out: list[tuple[Node, bool]] = []
    for item in _split(value, ",", "$orderby"):
        words = item.rsplit(None, 1)
        desc = False
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            item, desc = words[0], words[1].lower() == "desc"
        try:
            out.append((parse_filter(item), desc))
        except FilterError as exc:
            raise OptionError("$orderby", str(exc).replace("$filter", "$orderby")) from None
    return out


def parse_options(params: Mapping[str, str], entity_set: str, depth: int = 0) -> Options:
    """The options in ``params`` for a request on ``entity_set`` (checked against it)."""
    if depth > MAX_EXPAND_DEPTH:
        raise OptionError("$expand", f"$expand nests deeper than {MAX_EXPAND_DEPTH} levels")
    opts = Options()
    for name, value in params.items():
        if not name.startswith("$"):
            continue
        opts.raw[name] = value
        if name not in KNOWN:
            raise OptionError(name, f"unknown query option {name}; known: {', '.join(KNOWN)}")
        if name == "$top":
            opts.top = _int(name, value, MAX_TOP)
        elif name == "$skip":
            opts.skip = _int(name, value)
        elif name == "$count":
            if value not in ("true", "false"):
                raise OptionError(name, f"$count is true or false, not {value!r}")
            opts.count = value == "true"
        elif name == "$filter":
            try:
                opts.filter = parse_filter(value)
            except FilterError as exc:
                raise OptionError(name, str(exc)) from None
        elif name == "$orderby":
            opts.orderby = _orderby(value)
        elif name == "$select":
            opts.select = _split(value, ",", "$select")
        elif name == "$expand":
            _expand(opts, value, entity_set, depth)
    check(opts, entity_set)
    return opts


def _nested_params(inner: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _split(inner, ";"):
        key, eq, val = item.partition("=")
        if not eq:
            raise OptionError("$expand", f"nested option {item!r} is not name=value")
        out[key.strip()] = val.strip()
    return out


def _expand(opts: Options, value: str, entity_set: str, depth: int) -> None:
    for item in _split(value, ","):
        head, paren, rest = item.partition("(")
        if paren and not rest.endswith(")"):
            raise OptionError("$expand", f"{item!r}: options must end with ')'")
        path = [p.strip() for p in head.split("/")]
        if depth + len(path) > MAX_EXPAND_DEPTH:
            raise OptionError("$expand", f"$expand nests deeper than {MAX_EXPAND_DEPTH} levels")
        inner = _nested_params(rest[:-1]) if paren else {}
        current, target = opts, entity_set
        for i, nav_name in enumerate(path):
            nav = NAVIGATION[target].get(nav_name)
            if nav is None:
                raise OptionError(
                    "$expand",
                    f"{target} have no navigation property {nav_name!r}; "
                    f"use {', '.join(NAVIGATION[target])}",
                )
            if i == len(path) - 1:
                sub = parse_options(inner, nav.target, depth + i + 1)
                existing = current.expand.get(nav_name)
                if existing is not None:
                    sub.expand = {**existing.expand, **sub.expand}
                current.expand[nav_name] = sub
            else:
                current.expand.setdefault(nav_name, Options())
            current, target = current.expand[nav_name], nav.target


def check(opts: Options, entity_set: str) -> None:
    """Refuse ``$select`` and ``$orderby`` names the entity set does not have."""
    props = PROPERTIES[entity_set]
    navs = NAVIGATION[entity_set]
    for name in opts.select or ():
        if (
            name not in ("id", "@iot.id", "@iot.selfLink")
            and name not in props
            and name not in navs
        ):
            raise OptionError(
                "$select",
                f"{entity_set} have no property {name!r}; use id, {', '.join(props)}",
            )
    for node, _ in opts.orderby:
        if isinstance(node, Path) and node.parts[0] not in ("id", "@iot.id"):
            first = node.parts[0]
            if first not in props and first not in navs:
                raise OptionError(
                    "$orderby",
                    f"{entity_set} have no property {first!r}; use id, {', '.join(props)}",
                )
