"""The economy domain's operations on the store: the one place that opens transactions.

The routes, the commands, the demo and the registry hooks call these; each takes the
:class:`~paknam.core.store.Store`, reads or writes in one transaction, and returns plain
Python values (GeoJSON-shaped dicts, lists, report dataclasses) that the edges serialise.
Below this module everything takes a ``Connection`` (:mod:`~paknam.economy.catalogue`,
:mod:`~paknam.economy.visits`, :mod:`~paknam.economy.imports`) or plain values
(:mod:`~paknam.economy.indicators`, :mod:`~paknam.economy.tourism`,
:mod:`~paknam.economy.hours`, :mod:`~paknam.economy.search_text`,
:mod:`~paknam.economy.categories`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from paknam.core.media import clean_photo
from paknam.core.registry import Indicator
from paknam.core.store import Store
from paknam.core.tabular import Table, parse_table
from paknam.economy import catalogue, visits
from paknam.economy.imports import VisitImport
from paknam.economy.imports import import_visits as _import_visits
from paknam.economy.indicators import economy_indicators
from paknam.economy.models import PlaceCreate, PlaceUpdate

# ---- catalogue -----------------------------------------------------------------------------


def search_places(
    store: Store,
    *,
    q: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    district: str | None = None,
    open_now: bool | None = None,
    sample: bool | None = None,
    at: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Places matching every filter as GeoJSON Features (see
    :func:`paknam.economy.catalogue.search_places`)."""
    with store.read() as conn:
        return catalogue.search_places(
            conn,
            q=q,
            kind=kind,
            category=category,
            district=district,
            open_now=open_now,
            sample=sample,
            at=at,
            limit=limit,
            offset=offset,
        )


def get_place(store: Store, place_id: str) -> dict[str, Any]:
    """One place as a GeoJSON Feature; :class:`~paknam.economy.errors.UnknownPlace`."""
    with store.read() as conn:
        return catalogue.get_place(conn, place_id)


def add_place(store: Store, new: PlaceCreate) -> dict[str, Any]:
    """Add a place; :class:`~paknam.core.errors.Conflict` if the id is taken."""
    with store.write() as conn:
        return catalogue.add_place(conn, new)


def update_place(store: Store, place_id: str, change: PlaceUpdate) -> dict[str, Any]:
    """Change the fields given; the place as a Feature."""
    with store.write() as conn:
        return catalogue.update_place(conn, place_id, change)


def delete_place(store: Store, place_id: str) -> None:
    """Remove a place and its photos."""
    with store.write() as conn:
        catalogue.delete_place(conn, place_id)


def upsert_places(store: Store, new: Iterable[PlaceCreate]) -> int:
    """Add or replace places in one transaction (for loaders); how many changed."""
    with store.write() as conn:
        return sum(catalogue.upsert_place(conn, p) for p in new)


def add_photo(store: Store, place_id: str, data: bytes) -> dict[str, Any]:
    """Store an uploaded photo (JPEG, PNG or WebP ≤ 5 MB), re-encoded without metadata."""
    data = clean_photo(data)  # before the write lock is taken
    with store.write() as conn:
        return catalogue.add_photo(conn, place_id, data)


def get_photo(store: Store, place_id: str, photo_id: int) -> tuple[str, bytes]:
    """(media type, bytes) of a stored photo."""
    with store.read() as conn:
        return catalogue.get_photo(conn, place_id, photo_id)


# ---- visitors and revenue ------------------------------------------------------------------


def monthly_visits(store: Store, scope: str) -> list[dict[str, Any]]:
    """One entry per month of a scope (see :func:`paknam.economy.visits.monthly_table`)."""
    with store.read() as conn:
        return visits.monthly_table(conn, scope)


def growth(store: Store, scope: str, month: tuple[int, int] | None = None) -> dict[str, Any]:
    """Growth of visitors and revenue of a scope (:func:`paknam.economy.visits.growth_report`)."""
    with store.read() as conn:
        return visits.growth_report(conn, scope, month)


def import_visits(
    store: Store,
    table: Table,
    *,
    granularity: str = "month",
    scope: str | None = None,
    definition: str = "visitors",
    source: str = "",
    sample: bool = False,
    skip_invalid: bool = False,
) -> VisitImport:
    """Check every row of monthly returns or daily counters, then store the good ones in one
    transaction (all or nothing unless ``skip_invalid``)."""
    with store.write() as conn:
        return _import_visits(
            conn,
            table,
            granularity=granularity,
            scope=scope,
            definition=definition,
            source=source,
            sample=sample,
            skip_invalid=skip_invalid,
        )


def import_visits_file(store: Store, data: bytes, filename: str, **options: Any) -> VisitImport:
    """:func:`import_visits` of an uploaded CSV or .xlsx file."""
    return import_visits(store, parse_table(data, filename), **options)


# ---- indicators ----------------------------------------------------------------------------


def indicator_records(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """Both Smart Economy indicators of the proposal (records for the API and the CLI)."""
    with store.read() as conn:
        table = visits.monthly_table(conn, visits.PROVINCE)
    return economy_indicators(table, year)


def board_indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """Tourists and tourism revenue, for the board."""
    return [Indicator.from_dict(r) for r in indicator_records(store, year)]
