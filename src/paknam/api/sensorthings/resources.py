"""Resource paths and answers of the SensorThings API: ``Things('18t')/Datastreams``,
``Datastreams(5)/Observations``, ``Observations(id)/Datastream/Thing`` ..., each entity
with ``@iot.id``, ``@iot.selfLink``, navigation links and what ``$expand`` asks for.

Observations are read a page at a time from the database (:func:`observation_page`);
everything else comes from the in-memory :class:`~.model.Graph`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from paknam.api.sensorthings import sql
from paknam.api.sensorthings.evaluate import resolve, sort_key, truthy
from paknam.api.sensorthings.filter import FilterError, Path
from paknam.api.sensorthings.model import (
    NAVIGATION,
    PROPERTIES,
    Entity,
    Graph,
    observation_id,
    split_observation_id,
)
from paknam.api.sensorthings.options import OptionError, Options
from paknam.core.errors import NotFound
from paknam.core.observations import RowQuery
from paknam.core.store import Store
from paknam.core.timeutil import to_local_iso_many

_SEGMENT = re.compile(r"(?P<name>[A-Za-z]+)(?:\((?P<key>'(?:[^']|'')*'|\d+)\))?")


@dataclass(frozen=True, slots=True)
class ObsRow:
    series_id: int
    time: int
    value: float


@dataclass
class Target:
    """What a resource path names: a collection, one entity or one property."""

    set: str
    entity: Entity | ObsRow | None = None
    members: list[Entity] | None = None  # a collection of graph entities
    series_ids: list[int] | None = None  # a collection of Observations
    prop: str | None = None
    path: str = ""  # the path of the collection, for @iot.nextLink


@dataclass
class Context:
    store: Store
    graph: Graph
    base: str  # .../sta/v1.1


def key_text(key: int | str) -> str:
    if isinstance(key, int):
        return f"({key})"
    return "('" + key.replace("'", "''") + "')"


def self_link(ctx: Context, entity_set: str, key: int | str) -> str:
    return f"{ctx.base}/{entity_set}{key_text(key)}"


def _parse_key(raw: str) -> int | str:
    return raw[1:-1].replace("''", "'") if raw.startswith("'") else int(raw)


def _find_observation(ctx: Context, key: int | str, among: Sequence[int] | None) -> ObsRow:
    if not isinstance(key, int):
        raise NotFound(f"Observations ids are integers, not {key!r}")
    sid, t = split_observation_id(key)
    if sid not in ctx.graph.series or (among is not None and sid not in among):
        raise NotFound(f"no Observation {key}")
    rows = ctx.store.query_observations(RowQuery([sid], where=("cmp", "eq", "time", t), limit=1))
    if not rows:
        raise NotFound(f"no Observation {key}")
    return ObsRow(*rows[0])


def _pick(ctx: Context, target: Target, key: int | str) -> Target:
    if target.set == "Observations":
        row = _find_observation(ctx, key, target.series_ids)
        return Target("Observations", entity=row)
    members = target.members or []
    found = next((m for m in members if m.id == key), None)
    if found is None:
        raise NotFound(f"no {target.set} {key_text(key)} here")
    return Target(target.set, entity=found)


def _navigate(ctx: Context, target: Target, nav_name: str, path: str) -> Target:
    e = target.entity
    assert e is not None
    set_name = target.set
    nav = NAVIGATION[set_name].get(nav_name)
    if nav is None:
        if target.prop is None and nav_name in PROPERTIES[set_name]:
            return Target(set_name, entity=e, prop=nav_name)
        raise NotFound(f"{set_name} have no property or navigation property {nav_name!r}")
    if isinstance(e, ObsRow):
        related = ctx.graph.observation_parents(e.series_id, nav_name)
    elif nav.target == "Observations":
        return Target("Observations", series_ids=ctx.graph.series_ids(e), path=path)
    else:
        related = ctx.graph.related(e, nav_name)
    if nav.many:
        return Target(nav.target, members=related, path=path)
    if not related:
        raise NotFound(f"{path}: nothing there")
    return Target(nav.target, entity=related[0])


def resolve_path(ctx: Context, path: str) -> Target:
    """The target of a resource path (without the service root), or :class:`NotFound`."""
    segments = [s for s in path.split("/") if s]
    if not segments:
        raise NotFound("empty resource path")
    target: Target | None = None
    walked: list[str] = []
    for seg in segments:
        m = _SEGMENT.fullmatch(seg)
        if m is None:
            raise NotFound(f"cannot read the path segment {seg!r}")
        name, raw_key = m.group("name"), m.group("key")
        walked.append(name)
        here = "/".join(walked)
        if target is None:
            if name not in NAVIGATION:
                raise NotFound(f"no entity set {name!r}; use {', '.join(NAVIGATION)}")
            if name == "Observations":
                target = Target(name, series_ids=list(ctx.graph.series), path=here)
            else:
                target = Target(name, members=ctx.graph.all(name), path=here)
        elif target.prop is not None:
            raise NotFound(f"nothing below the property {target.prop!r}")
        elif target.entity is None:
            raise NotFound(f"{here}: name one entity of the collection before {name!r}")
        else:
            target = _navigate(ctx, target, name, here)
        if raw_key is not None:
            if target.entity is not None:
                raise NotFound(f"{seg}: {name} is one entity, not a collection")
            target = _pick(ctx, target, _parse_key(raw_key))
            walked[-1] = seg
    assert target is not None
    return target


# ---- answers ------------------------------------------------------------------------


def _selected(opts: Options, name: str) -> bool:
    return opts.select is None or name in opts.select


def entity_json(ctx: Context, e: Entity, opts: Options) -> dict[str, Any]:
    link = self_link(ctx, e.set, e.id)
    out: dict[str, Any] = {}
    if _selected(opts, "id") or _selected(opts, "@iot.id"):
        out["@iot.id"] = e.id
    if opts.select is None or "@iot.selfLink" in opts.select:
        out["@iot.selfLink"] = link
    for name in PROPERTIES[e.set]:
        if _selected(opts, name):
            out[name] = e.fields.get(name)
    for nav_name, nav in NAVIGATION[e.set].items():
        sub = opts.expand.get(nav_name)
        if sub is None:
            if _selected(opts, nav_name):
                out[f"{nav_name}@iot.navigationLink"] = f"{link}/{nav_name}"
            continue
        if nav.target == "Observations":
            target = Target("Observations", series_ids=ctx.graph.series_ids(e))
        elif nav.many:
            target = Target(nav.target, members=ctx.graph.related(e, nav_name))
        else:
            related = ctx.graph.related(e, nav_name)
            out[nav_name] = entity_json(ctx, related[0], sub) if related else None
            continue
        page = collection(ctx, target, sub, f"{link}/{nav_name}", sub.raw)
        out[nav_name] = page["value"]
        if "@iot.count" in page:
            out[f"{nav_name}@iot.count"] = page["@iot.count"]
        if "@iot.nextLink" in page:
            out[f"{nav_name}@iot.nextLink"] = page["@iot.nextLink"]
    return out


def observations_json(ctx: Context, rows: Sequence[ObsRow], opts: Options) -> list[dict[str, Any]]:
    times = to_local_iso_many([r.time for r in rows])
    out = []
    for r, when in zip(rows, times, strict=True):
        oid = observation_id(r.series_id, r.time)
        link = self_link(ctx, "Observations", oid)
        o: dict[str, Any] = {}
        if _selected(opts, "id") or _selected(opts, "@iot.id"):
            o["@iot.id"] = oid
        if opts.select is None or "@iot.selfLink" in opts.select:
            o["@iot.selfLink"] = link
        for name, value in (
            ("phenomenonTime", when),
            ("resultTime", when),
            ("result", r.value),
        ):
            if _selected(opts, name):
                o[name] = value
        for nav_name in ("Datastream", "FeatureOfInterest"):
            sub = opts.expand.get(nav_name)
            if sub is None:
                if _selected(opts, nav_name):
                    o[f"{nav_name}@iot.navigationLink"] = f"{link}/{nav_name}"
                continue
            parents = ctx.graph.observation_parents(r.series_id, nav_name)
            o[nav_name] = entity_json(ctx, parents[0], sub) if parents else None
        out.append(o)
    return out


def single_json(ctx: Context, target: Target, opts: Options) -> dict[str, Any]:
    e = target.entity
    if target.prop is not None:
        if isinstance(e, ObsRow):
            value: Any = {
                "phenomenonTime": to_local_iso_many([e.time])[0],
                "resultTime": to_local_iso_many([e.time])[0],
                "result": e.value,
            }.get(target.prop)
        else:
            assert e is not None
            value = e.fields.get(target.prop)
        return {target.prop: value}
    if isinstance(e, ObsRow):
        return observations_json(ctx, [e], opts)[0]
    assert e is not None
    return entity_json(ctx, e, opts)


def observation_page(
    ctx: Context, series_ids: Sequence[int], opts: Options
) -> tuple[list[ObsRow], bool, int | None]:
    """One page of Observations: rows, whether more follow, and the count if asked."""
    try:
        cond = sql.to_cond(opts.filter, ctx.graph, series_ids) if opts.filter else None
    except FilterError as exc:
        raise OptionError("$filter", str(exc)) from None
    try:
        order = sql.to_order(opts.orderby) if opts.orderby else [("series", False), ("time", False)]
    except FilterError as exc:
        raise OptionError("$orderby", str(exc)) from None
    q = RowQuery(list(series_ids), where=cond, order=order, limit=opts.top + 1, offset=opts.skip)
    rows = [ObsRow(*r) for r in ctx.store.query_observations(q)]
    more = len(rows) > opts.top
    count = ctx.store.count_observations_where(q) if opts.count else None
    return rows[: opts.top], more, count


def _entity_page(
    ctx: Context, members: list[Entity], opts: Options
) -> tuple[list[Entity], bool, int]:
    try:
        if opts.filter is not None:
            members = [m for m in members if truthy(opts.filter, m, ctx.graph)]
        keys = list(reversed(opts.orderby)) if opts.orderby else []
        members = sorted(members, key=lambda m: sort_key(m.id))
        for node, desc in keys:
            if not isinstance(node, Path):
                raise OptionError("$orderby", "order by a property or a path")
            keyed = [(sort_key(resolve(node, m, ctx.graph)[0]), m) for m in members]
            keyed.sort(key=lambda pair: pair[0], reverse=desc)
            members = [m for _, m in keyed]
    except FilterError as exc:
        raise OptionError("$filter", str(exc)) from None
    total = len(members)
    end = opts.skip + opts.top
    return members[opts.skip : end], end < total, total


def collection(
    ctx: Context, target: Target, opts: Options, url: str, params: dict[str, str]
) -> dict[str, Any]:
    """``{"@iot.count"?, "@iot.nextLink"?, "value": [...]}`` of a collection target;
    ``params`` are the request's query parameters (kept in the next link)."""
    out: dict[str, Any] = {}
    if target.set == "Observations":
        rows, more, count = observation_page(ctx, target.series_ids or [], opts)
        value = observations_json(ctx, rows, opts)
    else:
        members, more, total = _entity_page(ctx, target.members or [], opts)
        count = total if opts.count else None
        value = [entity_json(ctx, m, opts) for m in members]
    if count is not None:
        out["@iot.count"] = count
    if more:
        nxt = {**params, "$top": str(opts.top), "$skip": str(opts.skip + opts.top)}
        out["@iot.nextLink"] = f"{url}?{urlencode(nxt)}"
    out["value"] = value
    return out
