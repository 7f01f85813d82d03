"""The energy domain's operations on the store: the one place that opens transactions.

The routes, the commands, the demo and the registry hooks call these; each takes the
:class:`~paknam.core.store.Store`, reads or writes in short transactions on it, and
returns plain Python values (dicts, lists, dataclasses) that the edges serialise.
Below this module everything takes a ``Connection`` (:mod:`~paknam.energy.sites`,
:mod:`~paknam.energy.community`, :mod:`~paknam.energy.ledger`,
:mod:`~paknam.energy.readings`, :mod:`~paknam.energy.indicators`) or plain values
(:mod:`~paknam.energy.reports`, :mod:`~paknam.energy.imports`, :mod:`paknam.energy.science`).
Heavy computation (pvlib, the detectors) runs after the read transaction has ended.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from paknam.core.errors import BatchRejected, InvalidInput, ItemError
from paknam.core.registry import Indicator
from paknam.core.store import IngestResult, Store
from paknam.core.timeutil import BANGKOK
from paknam.core.warnings import Signal, SyncResult
from paknam.energy import community as communities
from paknam.energy import indicators, ledger, reports, sites
from paknam.energy.errors import NotEnoughReadings
from paknam.energy.imports import (
    ReadingsReport,
    parse_readings,
    parse_sites,
    read_rows,
    read_table,
)
from paknam.energy.periods import year_bounds
from paknam.energy.readings import SiteFrame, site_frame
from paknam.energy.science.sharing import statement

WARNING_KINDS = ("energy_outage", "energy_step_drop", "energy_gradual_decline", "energy_clipping")
ACTIVE_WITHIN_DAYS = 3
"""A finding ending this close to the newest data is still true now (a warning)."""


# ---- sites -------------------------------------------------------------------------------


def list_sites(store: Store, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Sites in station order; ``limit``/``offset`` take one page of them."""
    with store.read() as conn:
        found = sites.list_sites(conn)
    return found[offset:] if limit is None else found[offset : offset + limit]


def get_site(store: Store, site_id: str) -> dict[str, Any]:
    """One site; :class:`~paknam.energy.errors.UnknownSite` otherwise."""
    with store.read() as conn:
        return sites.get_site(conn, site_id)


def add_site(store: Store, new: sites.SiteCreate) -> dict[str, Any]:
    """Register a site: station, series and arrays in one transaction."""
    with store.write() as conn:
        return sites.insert_site(conn, new)


def import_sites(
    store: Store, path: Path, *, skip_invalid: bool = False
) -> tuple[int, list[ItemError]]:
    """Register the sites of a site list (CSV or .xlsx); (sites added, rows rejected).

    Any bad row raises :class:`BatchRejected` and nothing is stored, unless
    ``skip_invalid``: then the good sites are stored in one transaction.
    """
    parsed = parse_sites(read_table(path), path.name)
    if parsed.errors and not skip_invalid:
        raise BatchRejected(parsed.errors, max(parsed.rows, 1))
    with store.write() as conn:
        for new in parsed.sites:
            sites.insert_site(conn, new)
    return len(parsed.sites), parsed.errors


def _store_readings(
    store: Store,
    rows: list[list[Any]],
    name: str,
    site: str | None,
    thai_time: bool,
    skip_invalid: bool,
) -> ReadingsReport:
    parsed = parse_readings(rows, name, site=site, thai_time=thai_time)
    checked = store.check_columns(
        np.array(parsed.stations, dtype=object),
        np.array(parsed.quantities, dtype=object),
        np.array(parsed.times, dtype=np.int64),
        np.array(parsed.values, dtype=float),
        index_base=parsed.lines,
    )
    errors = sorted(parsed.errors + checked.errors, key=lambda e: e.index)
    received = len(parsed.values) + len(parsed.errors)
    if errors and not skip_invalid:
        raise BatchRejected(errors, max(received, 1))
    result = store.store_checked(checked, received, rejected=len(errors))
    return ReadingsReport(result, errors, parsed.columns)


def import_readings(
    store: Store,
    path: Path,
    *,
    site: str | None = None,
    thai_time: bool = False,
    skip_invalid: bool = False,
    sheet: str | None = None,
) -> ReadingsReport:
    """Import meter readings of one or more sites from a CSV or Excel file on disk."""
    return _store_readings(store, read_table(path, sheet), path.name, site, thai_time, skip_invalid)


def import_site_readings(
    store: Store,
    site_id: str,
    data: bytes,
    suffix: str,
    *,
    thai_time: bool = False,
    skip_invalid: bool = False,
) -> ReadingsReport:
    """Import an uploaded meter export (``suffix`` ``.csv`` or ``.xlsx``) of one site."""
    get_site(store, site_id)
    rows = read_rows(data, f"upload{suffix}")
    return _store_readings(store, rows, f"upload{suffix}", site_id, thai_time, skip_invalid)


def ingest_readings(
    store: Store,
    station: np.ndarray,
    quantity: np.ndarray,
    time_s: np.ndarray,
    value: np.ndarray,
) -> IngestResult:
    """Store readings given as columns (all or nothing; see ``Store.ingest_columns``)."""
    return store.ingest_columns(station, quantity, time_s, value)


# ---- performance and balance ---------------------------------------------------------------


def _read_pv(store: Store, site_id: str, start: int, end: int) -> tuple[dict[str, Any], SiteFrame]:
    with store.read() as conn:
        site = sites.get_site(conn, site_id)
        sites.require_pv(site)
        sf = site_frame(conn, site_id, site["meters"], start, end)
    if sf.frame.empty or sf.frame["pv_kw"].isna().all():
        raise NotEnoughReadings(
            f"site {site_id!r} has no PV readings in that period", field="start"
        )
    return site, sf


def site_performance(store: Store, site_id: str, start: int, end: int) -> dict[str, Any]:
    """Daily PR and expected vs actual energy, monthly PR, and the findings."""
    site, sf = _read_pv(store, site_id, start, end)
    return reports.performance_report(site, sf)


def site_balance(store: Store, site_id: str, year: int) -> dict[str, Any]:
    """Monthly and yearly self-consumption, self-sufficiency, grid and CO2 avoided."""
    start, end = year_bounds(year)
    with store.read() as conn:
        site = sites.get_site(conn, site_id)
        sf = site_frame(conn, site_id, site["meters"], start, end)
    return reports.balance_report(site, sf, year)


def total_balance(store: Store, year: int) -> dict[str, Any]:
    """Every site's yearly balance and the province's total by month."""
    start, end = year_bounds(year)
    with store.read() as conn:
        read = [
            (s, site_frame(conn, s["id"], s["meters"], start, end)) for s in sites.list_sites(conn)
        ]
    return reports.total_report(year, [reports.balance_report(s, sf, year) for s, sf in read])


# ---- communities and the ledger ------------------------------------------------------------


def list_communities(
    store: Store, *, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Communities by id; ``limit``/``offset`` take one page of them."""
    with store.read() as conn:
        found = communities.list_communities(conn)
    return found[offset:] if limit is None else found[offset : offset + limit]


def get_community(store: Store, community_id: str) -> dict[str, Any]:
    """One community; :class:`~paknam.energy.errors.UnknownCommunity` otherwise."""
    with store.read() as conn:
        return communities.get_community(conn, community_id)


def add_community(store: Store, new: communities.CommunityCreate) -> dict[str, Any]:
    """Register a community and its members in one transaction."""
    with store.write() as conn:
        return communities.insert_community(conn, new)


def settle(store: Store, community_id: str, month: str, created_by: str) -> dict[str, Any]:
    """Compute the month's statement and append it to the ledger; returns the statement."""
    with store.read() as conn:
        community = communities.get_community(conn, community_id)
        g, load, info = communities.member_matrices(conn, community, month)
    tariffs = communities.tariffs_of(community)
    rows = statement(g, load, community["members"], tariffs)
    with store.write() as conn:
        ledger.append_settlement(conn, community_id, month, tariffs, info, rows, created_by)
    return monthly_statement(store, community_id, month)


def monthly_statement(store: Store, community_id: str, month: str) -> dict[str, Any]:
    """The statement of a month as the ledger holds it (all runs summed)."""
    with store.read() as conn:
        return ledger.monthly_statement(conn, community_id, month)


# ---- indicator and checks ------------------------------------------------------------------


def alternative_share(
    store: Store, year: int | None = None, *, as_of: int | None = None
) -> dict[str, Any]:
    """The alternative-energy share indicator record (see :mod:`~paknam.energy.indicators`)."""
    with store.read() as conn:
        return indicators.alternative_share_indicator(conn, year, as_of=as_of)


def board_indicators(store: Store, year: int | None = None) -> list[Indicator]:
    """Alternative-energy share, for the board."""
    return [Indicator.from_dict(alternative_share(store, year))]


def run_energy_checks(store: Store, days: int = 120) -> SyncResult:
    """Turn findings still true at the newest data into warnings (domain ``energy``)."""
    signals: list[Signal] = []
    evaluated: list[str | None] = []
    latest = store.latest()
    with store.read() as conn:
        pv_sites = [s for s in sites.list_sites(conn) if s["arrays"]]
    for s in pv_sites:
        newest = max((latest[k][0] for k in latest if k[0] == s["id"]), default=None)
        if newest is None:
            continue
        evaluated.append(s["id"])
        try:
            perf = site_performance(store, s["id"], newest - days * 86400, newest + 1)
        except InvalidInput:
            continue
        last_day = dt.datetime.fromtimestamp(newest, BANGKOK).date()
        for f in perf["flags"]:
            kind = f"energy_{f['kind']}"
            if kind not in WARNING_KINDS:
                continue
            if (last_day - dt.date.fromisoformat(f["end"])).days > ACTIVE_WITHIN_DAYS:
                continue
            signals.append(
                Signal(
                    domain="energy",
                    kind=kind,
                    station_id=s["id"],
                    severity=f["severity"],
                    headline_th=f"{s['name_th']}: ผลิตไฟฟ้าต่ำกว่าที่ควร",
                    headline_en=f"{s['name_en']}: under-performing",
                    description_th=f["reason_th"],
                    description_en=f["reason_en"],
                    observed_at=newest,
                    value=f["magnitude"],
                    details={"flag": f, "simulated": s["simulated"]},
                )
            )
    # one active warning per (kind, station): keep the newest finding of each kind
    unique = {sig.key: sig for sig in signals}
    return store.sync_warnings(
        "energy", list(unique.values()), evaluated=evaluated, kinds=list(WARNING_KINDS)
    )
