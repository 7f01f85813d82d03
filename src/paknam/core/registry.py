"""The domain registry: what each city domain brings to the platform, declared as data.

Every domain package (``paknam/<name>/``) has one ``domain.py`` whose module-level
``DOMAIN`` is a :class:`Domain`: its HTTP routers, its commands, the tables it owns, its
indicator source, the warning kinds its rules raise (with their CAP event and subscriber
topic), its rules and its demo loader. The HTTP app, the command line, the indicator
board, the alert pipeline and the demo read :func:`domains`; adding a domain touches no
central list (in the spirit of a Home Assistant integration manifest).

Domains are found by looking for ``paknam.<package>.domain`` modules, and in the
``paknam.domains`` entry-point group for domains installed from other distributions.
Routers and commands are given as functions so that reading the registry imports neither
FastAPI routes nor Typer apps until they are wanted.

The registry imports the domains' manifests at run time (never at import time): the
static import graph still points one way, edges → pipeline → domains → core.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.engine import Connection

    from paknam.core.notify.chat import ChatHandler
    from paknam.core.store import Store

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "paknam.domains"
"""Entry-point group where other distributions register a :class:`Domain`."""


class RegistryError(RuntimeError):
    """Two domains claim the same name, warning kind or table, or a manifest is broken."""


@dataclass(frozen=True, slots=True)
class CapEvent:
    """CAP 1.2 ``category`` list (§3.2.2) and ``event`` names (Thai, English)."""

    categories: tuple[str, ...]
    event_th: str
    event_en: str


@dataclass(frozen=True, slots=True)
class WarningKind:
    """One kind of warning a domain's rules raise, and what it becomes for people.

    kind : the warning's ``kind`` (unique across domains).
    topic : the subscriber topic it reaches (:data:`paknam.core.notify.subscribers.TOPICS`).
    event : CAP category and event names.
    public : False for warnings meant for officers only (never a citizen alert).
    fresh_s : how old the evidence (the warning's ``observed_at``) may be for the warning
        to reach citizens as an alert [s]. Older evidence (an import of history, a backfill,
        a source that stopped) stays an officers' warning: no new Alert or Update.
    instruction_th, instruction_en : what citizens should do, written for them (CAP
        ``instruction``); empty: the alert topic's general instruction.
    """

    kind: str
    topic: str
    event: CapEvent
    public: bool = True
    fresh_s: int = 3 * 3600
    instruction_th: str = ""
    instruction_en: str = ""


IndicatorStatus = Literal["on_track", "off_track", "insufficient_data", "no_data", "error", "info"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of the proposal, as the board shows it.

    value, target, baseline : in ``unit`` (None where there is none / no data).
    period : what the value covers (e.g. ``"2026"``, ``"2568-1"``).
    status : on_track, off_track, insufficient_data, no_data, error (or info).
    details : everything else the domain wants to show (method, coverage, notes).
    basis : what the value stands on: ``measured`` (the platform's own observations and
        records), ``replayed`` (real recorded samples shifted in time, the demo),
        ``simulated`` (simulated stations or sites), ``sample`` (invented sample records)
        or ``mixed``. Anything but ``measured`` is never judged on_track/off_track by a
        domain that knows it, and the board labels it.
    """

    id: str
    domain: str
    name_th: str
    name_en: str
    unit: str | None
    value: float | int | None
    target: Any
    baseline: Any
    period: Any
    status: str
    details: Mapping[str, Any] = field(default_factory=dict)
    basis: str = "measured"
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Further top-level keys of the record (kept as the domain gave them)."""

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Indicator:
        """An indicator from a domain's record; ``id``, ``domain``, ``name_th``,
        ``name_en`` and ``status`` are required, other unknown keys go to ``extra``."""
        names = set(cls.__dataclass_fields__) - {"extra"}
        missing = [k for k in ("id", "domain", "name_th", "name_en", "status") if k not in record]
        if missing:
            raise RegistryError(f"indicator record {record.get('id')!r} lacks {missing}")
        known = {k: v for k, v in record.items() if k in names}
        extra = {k: v for k, v in record.items() if k not in names}
        known["details"] = dict(known.get("details") or {})
        for key in ("unit", "value", "target", "baseline", "period"):
            known.setdefault(key, None)
        return cls(extra=extra, **known)

    def as_dict(self) -> dict[str, Any]:
        """The record as the board's JSON shows it."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "extra"}
        d["details"] = dict(self.details)
        d.update(self.extra)
        return d


def basis_of(metas: Sequence[Mapping[str, Any]]) -> str:
    """The :attr:`Indicator.basis` of a value computed from stations (or sites) with these
    metadata: their ``simulated`` / ``replayed`` flags, else ``measured`` (a station's
    ``sample`` flag marks a real recorded sample: measured)."""

    def one(meta: Mapping[str, Any]) -> str:
        if meta.get("simulated"):
            return "simulated"
        return "replayed" if meta.get("replayed") else "measured"

    kinds = {one(m) for m in metas}
    if not kinds:
        return "measured"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def with_basis(record: dict[str, Any], basis: str) -> dict[str, Any]:
    """The record labelled with its ``basis``; a value not wholly measured is never
    judged on or off track (status ``insufficient_data``, the judgement kept in
    ``details["status_if_measured"]``)."""
    out = {**record, "basis": basis}
    if basis != "measured" and record.get("status") in ("on_track", "off_track"):
        out["status"] = "insufficient_data"
        out["details"] = {**(record.get("details") or {}), "status_if_measured": record["status"]}
    return out


IndicatorSource = Callable[["Store", "int | None"], Sequence[Indicator]]
"""A domain's indicators for a calendar year (None: the current or newest complete one)."""


@dataclass(frozen=True, slots=True)
class RuleRun:
    """What one run of a rule did: warning ids raised, updated and cleared, and lines for
    people (what was checked, what was skipped and why)."""

    raised: Sequence[int] = ()
    updated: Sequence[int] = ()
    cleared: Sequence[int] = ()
    lines: Sequence[str] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    """More for the HTTP answer (e.g. each station's forecast)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A job that looks at the data and raises, updates or clears warnings.

    The pipeline runs it and then turns the warnings into CAP alerts and deliveries, so a
    rule never issues alerts itself.

    name : unique name (``environment.checks``).
    every_s : how often a scheduler should run it [s].
    command : (group, command) of the ``paknam`` command that runs it once, e.g.
        ``("environment", "check")``; the command line makes it.
    http_path : path of the officers' ``POST`` endpoint that runs it now.
    """

    name: str
    run: Callable[[Store], RuleRun]
    every_s: int = 3600
    command: tuple[str, str] | None = None
    http_path: str | None = None
    summary: str = ""


@dataclass(frozen=True, slots=True)
class HeldReadings:
    """Recorded readings a demo holds back to stream live (parallel sequences; ``times``
    already shifted, epoch s; the station's metadata says by how much)."""

    stations: Sequence[str]
    quantities: Sequence[str]
    times: Sequence[int]
    values: Sequence[float]


@dataclass
class DemoPlan:
    """How the demo places its recorded samples in time.

    now : the recorded samples are shifted (by whole hours, labelled ``replayed`` with the
        offset) so that they reach this time; ``None``: loaded at their recorded times.
    hold_back_s : readings within this many seconds before ``now`` (and any after it) are
        not loaded but appended to ``held``, for the live demo to stream through the real
        ingest path.
    """

    now: int | None = None
    hold_back_s: int = 0
    held: list[HeldReadings] = field(default_factory=list)

    def shift_for(self, recorded_end: int, step_s: int = 3600, lead_s: int = 0) -> int:
        """Offset [s, a multiple of ``step_s``] that moves ``recorded_end`` to just before
        ``now + lead_s`` (0 without ``now``)."""
        if self.now is None:
            return 0
        return max((self.now + lead_s - recorded_end) // step_s * step_s, 0)


@dataclass(frozen=True, slots=True)
class DemoStep:
    """Loads a domain's part of the demo following the :class:`DemoPlan`; returns lines
    for people. ``order``: domains whose data others build on load first (stations before
    rules)."""

    load: Callable[[Store, DemoPlan], Sequence[str]]
    order: int = 50


StaleCheck = Callable[["Connection", Sequence[tuple[int, int | None]], float], dict[int, str]]
"""Given (message id, alert id) pairs of queued deliveries and the time now [epoch s],
the message ids that must no longer be sent, with the reason (e.g. an alert cancelled
since it was queued). Domains that queue messages about their own records add one."""


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of an open dataset that is not a set of station series (e.g. anonymised
    complaints): ``fields`` are (name, CKAN datastore type: text, numeric, int,
    timestamp, bool) pairs; every row has exactly those keys."""

    fields: Sequence[tuple[str, str]]
    rows: Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Link:
    """A further resource of an open dataset: a path of this platform (``/api/v1/...``)
    or an absolute URL, its format (CSV, JSON, GeoJSON, XML, Atom ...) and names."""

    key: str
    path: str
    format: str
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """One open dataset a domain publishes (the catalogue, CKAN, DCAT-AP and SensorThings
    interfaces of :mod:`paknam.api.opendata` read them; the domain stays free of them).

    name : stable slug (CKAN ``name``), lower case, digits and ``-``.
    theme : EU data theme code (``ENVI``, ``SOCI``, ``ECON``, ``ENER``, ``EDUC``, ``GOVE``,
        ``REGI``, ``TRAN``, ``HEAL``) — DCAT-AP ``dcat:theme``.
    category_th : the Thai name of the thematic category (its CKAN group, with ``theme``).
    frequency : EU frequency code (``HOURLY``, ``DAILY``, ``WEEKLY``, ``MONTHLY``,
        ``ANNUAL``, ``IRREG``, ``CONT``, ``UPDATE_CONT``).
    publisher : key of the organisation (``city``, ``pcd`` ...; see the catalogue).
    licence : SPDX id of the licence the data may be reused under (``CC-BY-4.0``), and
        ``licence_note`` saying where a source agency's own terms come from.
    quantities, station_kinds : a *series* dataset: the observations of every active
        station (of these kinds, if given) for these quantities.
    table : a *table* dataset: a function giving its rows (anonymised where needed).
    links : further resources (API paths, feeds).
    """

    name: str
    title_th: str
    title_en: str
    notes_th: str
    notes_en: str
    keywords: Sequence[str]
    theme: str
    category_th: str
    frequency: str
    publisher: str = "city"
    licence: str = "CC-BY-4.0"
    licence_note: str = ""
    quantities: Sequence[str] = ()
    station_kinds: Sequence[str] = ()
    table: Callable[[Store], Table] | None = None
    links: Sequence[Link] = ()


def tables_of(module: ModuleType) -> tuple[str, ...]:
    """Names of the SQLAlchemy tables a schema module declares (for :attr:`Domain.tables`)."""
    import sqlalchemy as sa

    return tuple(v.name for v in vars(module).values() if isinstance(v, sa.Table))


def routers_in(*modules: str) -> Callable[[], Sequence[APIRouter]]:
    """The ``router`` of each module in ``modules``, imported only when the app is built
    (``routers=routers_in("paknam.economy.routes")``)."""

    def load() -> Sequence[APIRouter]:
        return [importlib.import_module(m).router for m in modules]

    return load


def commands_in(module: str) -> Callable[[typer.Typer], None]:
    """The ``install(app)`` function of ``module``, imported only when the command line is
    built (``install_cli=commands_in("paknam.economy.cli")``)."""

    def install(app: typer.Typer) -> None:
        importlib.import_module(module).install(app)

    return install


def indicators_in(module: str) -> IndicatorSource:
    """The ``indicators(store, year)`` function of ``module``, imported only when the board
    is computed (``indicators=indicators_in("paknam.living.indicators")``)."""

    def load(store: Store, year: int | None = None) -> Sequence[Indicator]:
        fn: IndicatorSource = importlib.import_module(module).indicators
        return fn(store, year)

    return load


def _no_routers() -> Sequence[APIRouter]:
    return ()


def _no_cli(_: typer.Typer) -> None:
    return None


@dataclass(frozen=True)
class Domain:
    """A city domain's manifest (its ``domain.py`` names one as ``DOMAIN``).

    name : package name and the ``domain`` of its warnings and indicators.
    order : place on the board and in menus (the proposal's order of the domains).
    routers : returns the FastAPI routers to mount.
    install_cli : adds the domain's commands to the ``paknam`` command.
    tables : names of the tables the domain owns (its ``schema.py``).
    indicators : the domain's indicators (one signature for all).
    warning_kinds : every kind of warning the domain's rules raise.
    rules : the rule jobs (run by the pipeline and the scheduler).
    demo : loads the domain's demo data.
    stale_checks : outbox checks for messages about the domain's records.
    datasets : the open datasets the domain publishes (:class:`Dataset`).
    chat_handlers : the domain's part of the citizens' LINE chat
        (:class:`paknam.core.notify.chat.ChatHandler`), asked in turn about each message
        the platform's webhook does not handle itself.
    start : wires the domain to a store when a process opens it for service (the HTTP
        app), e.g. listeners that tell citizens of changes.
    """

    name: str
    title_th: str
    title_en: str
    order: int
    routers: Callable[[], Sequence[APIRouter]] = _no_routers
    install_cli: Callable[[typer.Typer], None] = _no_cli
    tables: Sequence[str] = ()
    indicators: IndicatorSource | None = None
    warning_kinds: Sequence[WarningKind] = ()
    rules: Sequence[Rule] = ()
    demo: DemoStep | None = None
    stale_checks: Sequence[StaleCheck] = ()
    datasets: Sequence[Dataset] = ()
    chat_handlers: Sequence[ChatHandler] = ()
    start: Callable[[Store], None] | None = None


PLATFORM_KINDS: tuple[WarningKind, ...] = (
    WarningKind(
        "data_gap",
        "news",
        CapEvent(("Infra",), "ข้อมูลจากแหล่งขาดหาย", "Data source gap"),
        public=False,
    ),
)
"""Warning kinds the platform itself raises (not a domain): ``data_gap`` from the source
runner (:mod:`paknam.sources.runner`, domain ``sources``) when a source stops delivering.
Officers only: never a citizen alert."""


def _discover() -> list[Domain]:
    import paknam

    found: list[Domain] = []
    for info in pkgutil.iter_modules(paknam.__path__):
        if not info.ispkg:
            continue
        name = f"paknam.{info.name}.domain"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        domain = getattr(module, "DOMAIN", None)
        if not isinstance(domain, Domain):
            raise RegistryError(f"{name} has no DOMAIN of type paknam.core.registry.Domain")
        found.append(domain)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        domain = ep.load()
        if not isinstance(domain, Domain):
            raise RegistryError(f"entry point {ep.name} ({ep.value}) is not a Domain")
        found.append(domain)
    return found


def check(found: Sequence[Domain]) -> None:
    """Raise :class:`RegistryError` if two domains claim one name, warning kind, table or
    dataset."""
    seen: dict[tuple[str, str], str] = {
        ("warning kind", k.kind): "the platform" for k in PLATFORM_KINDS
    }
    for d in found:
        claims = [("domain", d.name)]
        claims += [("warning kind", k.kind) for k in d.warning_kinds]
        claims += [("table", t) for t in d.tables]
        claims += [("dataset", ds.name) for ds in d.datasets]
        for what, value in claims:
            other = seen.get((what, value))
            if other is not None:
                raise RegistryError(f"{what} {value!r} is claimed by {other} and by {d.name}")
            seen[(what, value)] = d.name


@functools.cache
def domains() -> tuple[Domain, ...]:
    """Every registered domain, in their ``order``."""
    found = _discover()
    check(found)
    return tuple(sorted(found, key=lambda d: (d.order, d.name)))


def domain(name: str) -> Domain:
    """The domain called ``name``."""
    for d in domains():
        if d.name == name:
            return d
    known = ", ".join(d.name for d in domains())
    raise KeyError(f"no domain {name!r} in the registry (known: {known})")


def warning_kinds() -> dict[str, WarningKind]:
    """Every registered warning kind by its ``kind``: the platform's
    (:data:`PLATFORM_KINDS`) and every domain's."""
    kinds = {k.kind: k for k in PLATFORM_KINDS}
    kinds.update({k.kind: k for d in domains() for k in d.warning_kinds})
    return kinds


def datasets() -> list[Dataset]:
    """Every domain's open datasets, in the domains' order."""
    return [ds for d in domains() for ds in d.datasets]


def chat_handlers() -> list[ChatHandler]:
    """Every domain's LINE chat handlers, in the domains' order."""
    return [h for d in domains() for h in d.chat_handlers]


def start_domains(store: Store) -> None:
    """Run every domain's :attr:`Domain.start` on ``store``."""
    for d in domains():
        if d.start is not None:
            d.start(store)


def stale_checks() -> list[StaleCheck]:
    """Every domain's outbox check."""
    return [c for d in domains() for c in d.stale_checks]


__all__ = [
    "PLATFORM_KINDS",
    "CapEvent",
    "Dataset",
    "DemoPlan",
    "DemoStep",
    "Domain",
    "HeldReadings",
    "Indicator",
    "IndicatorSource",
    "Link",
    "RegistryError",
    "Rule",
    "RuleRun",
    "StaleCheck",
    "Table",
    "WarningKind",
    "basis_of",
    "chat_handlers",
    "check",
    "commands_in",
    "datasets",
    "domain",
    "domains",
    "indicators_in",
    "routers_in",
    "stale_checks",
    "start_domains",
    "tables_of",
    "warning_kinds",
    "with_basis",
]
