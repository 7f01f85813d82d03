"""Energy communities: sites that share surplus PV, with their tariffs (on a connection)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Connection

from paknam.core.errors import Conflict, InvalidInput
from paknam.core.models import STATION_ID_PATTERN
from paknam.energy.errors import NotEnoughReadings, UnknownCommunity
from paknam.energy.periods import month_bounds
from paknam.energy.readings import site_frame
from paknam.energy.schema import energy_communities, energy_community_members, energy_sites
from paknam.energy.science.sharing import BUYBACK_THB_KWH, RETAIL_THB_KWH, Tariffs
from paknam.energy.sites import get_site

MIN_MEMBER_COVERAGE = 0.9
"""Each member needs generation and load in this share of the month's intervals."""


class CommunityCreate(BaseModel):
    """An energy-sharing community to register."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=STATION_ID_PATTERN)
    name_th: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    members: list[str] = Field(min_length=2, description="Energy site ids")
    retail_thb_kwh: float = Field(default=RETAIL_THB_KWH, ge=0, le=100)
    buyback_thb_kwh: float = Field(default=BUYBACK_THB_KWH, ge=0, le=100)
    community_thb_kwh: float | None = Field(
        default=None, ge=0, le=100, description="Default: mid-point of retail and buy-back"
    )
    loss_fraction: float = Field(default=0.0, ge=0, lt=0.5)
    simulated: bool = False

    @model_validator(mode="after")
    def _unique(self) -> CommunityCreate:
        if len(set(self.members)) != len(self.members):
            raise ValueError("members must be distinct sites")
        return self

    def tariffs(self) -> Tariffs:
        """The community's tariffs (community price defaults to the mid-point)."""
        return Tariffs(
            self.retail_thb_kwh, self.buyback_thb_kwh, self.community_thb_kwh, self.loss_fraction
        )


def insert_community(conn: Connection, new: CommunityCreate) -> dict[str, Any]:
    """Register a community and its members, in the caller's transaction."""
    tariffs = new.tariffs()
    now = datetime.now(UTC)
    if conn.execute(
        sa.select(energy_communities.c.id).where(energy_communities.c.id == new.id)
    ).first():
        raise Conflict(f"community {new.id!r} already exists")
    known = set(conn.execute(sa.select(energy_sites.c.station_id)).scalars())
    missing = [m for m in new.members if m not in known]
    if missing:
        raise InvalidInput(
            f"member(s) {', '.join(map(repr, missing))} are not energy sites", field="members"
        )
    conn.execute(
        energy_communities.insert().values(
            id=new.id,
            name_th=new.name_th,
            name_en=new.name_en,
            retail_thb_kwh=tariffs.retail,
            buyback_thb_kwh=tariffs.buyback,
            community_thb_kwh=tariffs.community_price,
            loss_fraction=tariffs.loss_fraction,
            simulated=new.simulated,
            created_at=now,
        )
    )
    for m in new.members:
        conn.execute(
            energy_community_members.insert().values(
                community_id=new.id, station_id=m, joined_at=now
            )
        )
    return get_community(conn, new.id)


def get_community(conn: Connection, community_id: str) -> dict[str, Any]:
    """A community with its tariffs and members; :class:`UnknownCommunity` otherwise."""
    row = conn.execute(
        sa.select(energy_communities).where(energy_communities.c.id == community_id)
    ).first()
    if row is None:
        raise UnknownCommunity(f"energy community {community_id!r} does not exist")
    members = sorted(
        conn.execute(
            sa.select(energy_community_members.c.station_id).where(
                energy_community_members.c.community_id == community_id
            )
        ).scalars()
    )
    d = {str(k): v for k, v in row._mapping.items()}
    d["created_at"] = d["created_at"].isoformat() if d["created_at"] else None
    d["simulated"] = bool(d["simulated"])
    d["members"] = members
    return d


def list_communities(conn: Connection) -> list[dict[str, Any]]:
    """Every community, by id."""
    ids = conn.execute(sa.select(energy_communities.c.id).order_by(energy_communities.c.id))
    return [get_community(conn, i) for i in ids.scalars().all()]


def tariffs_of(community: dict[str, Any]) -> Tariffs:
    """The tariffs of a community as :func:`get_community` gives it."""
    return Tariffs(
        community["retail_thb_kwh"],
        community["buyback_thb_kwh"],
        community["community_thb_kwh"],
        community["loss_fraction"],
    )


def member_matrices(
    conn: Connection, community: dict[str, Any], month: str
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Generation and load (T × N, kWh) of the members in a month, on the intervals every
    member has; :class:`NotEnoughReadings` if a member covers less than 90 % of the month."""
    start, end = month_bounds(month)
    sites = [get_site(conn, m) for m in community["members"]]
    frames = {s["id"]: site_frame(conn, s["id"], s["meters"], start, end) for s in sites}
    steps = {f.step_s for f in frames.values() if not f.frame.empty}
    if not steps:
        raise NotEnoughReadings(
            f"members of {community['id']!r} have no readings in {month}", field="month"
        )
    if len(steps) != 1:
        raise InvalidInput(
            f"members of {community['id']!r} need readings in {month} at one interval length "
            f"(found {sorted(steps) or 'none'})",
            field="month",
        )
    step = steps.pop()
    n_slots = (end - start) // step
    gen: dict[str, pd.Series] = {}
    load: dict[str, pd.Series] = {}
    problems: list[str] = []
    for sid, f in frames.items():
        ok = f.frame[["gen_kwh", "load_kwh"]].dropna()
        cover = len(ok) / n_slots
        if cover < MIN_MEMBER_COVERAGE:
            problems.append(f"{sid} {cover:.0%}")
        gen[sid], load[sid] = ok["gen_kwh"], ok["load_kwh"]
    if problems:
        raise NotEnoughReadings(
            f"cannot settle {community['id']!r} for {month}: members need generation and load "
            f"in at least {MIN_MEMBER_COVERAGE:.0%} of the intervals; coverage: "
            + ", ".join(problems),
            field="month",
        )
    g = pd.DataFrame(gen).dropna()
    lo = pd.DataFrame(load).reindex(g.index).dropna()
    g = g.reindex(lo.index)
    members = list(frames)
    info = {"intervals": len(g), "intervals_in_month": n_slots, "step_s": step}
    return g[members].to_numpy(), lo[members].to_numpy(), info
