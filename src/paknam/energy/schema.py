"""Tables of the energy domain (created by migration ``0006``).

A *site* is a core station (kind ``energy``) that carries the site's meter series
(``pv_power``, ``load_power``, ``grid_power``, ``ghi``/``poa_irradiance``, ...); these
tables hold what the station table does not: PV arrays, communities, their members and
the append-only settlement ledger.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

energy_sites = sa.Table(
    "energy_sites",
    metadata,
    sa.Column("station_id", sa.String(64), primary_key=True),
    sa.Column("technology", sa.String(20), nullable=False),  # pv, wind, biomass, other
    sa.Column("irradiance_plane", sa.String(20), nullable=False),  # poa, horizontal, none
    sa.Column("simulated", sa.Boolean, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

energy_arrays = sa.Table(
    "energy_arrays",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("station_id", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("kwp", sa.Float, nullable=False),
    sa.Column("tilt_deg", sa.Float, nullable=False),
    sa.Column("azimuth_deg", sa.Float, nullable=False),
    sa.Column("inverter_ac_kw", sa.Float, nullable=True),
    sa.Column("gamma_pdc", sa.Float, nullable=False),
    sa.Column("losses", sa.Float, nullable=False),
    sa.Column("mounting", sa.String(40), nullable=False),
)

energy_communities = sa.Table(
    "energy_communities",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name_th", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=False),
    sa.Column("retail_thb_kwh", sa.Float, nullable=False),
    sa.Column("buyback_thb_kwh", sa.Float, nullable=False),
    sa.Column("community_thb_kwh", sa.Float, nullable=False),
    sa.Column("loss_fraction", sa.Float, nullable=False),
    sa.Column("simulated", sa.Boolean, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

energy_community_members = sa.Table(
    "energy_community_members",
    metadata,
    sa.Column("community_id", sa.String(64), primary_key=True),
    sa.Column("station_id", sa.String(64), primary_key=True),
    sa.Column("joined_at", TZ, nullable=False),
)

energy_settlements = sa.Table(
    "energy_settlements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("community_id", sa.String(64), nullable=False),
    sa.Column("month", sa.String(7), nullable=False),  # YYYY-MM, Thai calendar month
    sa.Column("supersedes", sa.Integer, nullable=True),
    sa.Column("tariffs", sa.JSON, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

energy_ledger = sa.Table(
    "energy_ledger",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("settlement_id", sa.Integer, nullable=False, index=True),
    sa.Column("community_id", sa.String(64), nullable=False),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("entry", sa.String(30), nullable=False),
    sa.Column("kwh", sa.Float, nullable=False),
    sa.Column("thb", sa.Float, nullable=False),  # + the member pays, − the member is paid
    sa.Column("created_at", TZ, nullable=False),
)
