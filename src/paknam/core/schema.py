"""Table definitions of the store (SQLAlchemy Core), shared by both engines.

The migrations in ``core/migrations`` create these tables; this module describes them
for queries. ``observations`` is engine-specific and created with raw DDL (a clustered
``WITHOUT ROWID`` table on SQLite with integer epoch seconds, ``timestamptz`` on
PostgreSQL), so it is queried with SQL text in :mod:`paknam.core.observations`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

districts = sa.Table(
    "districts",
    metadata,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("name_th", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
    sa.Column("province_code", sa.String(4), nullable=False),
    sa.Column("geojson", sa.Text, nullable=True),
)

stations = sa.Table(
    "stations",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("name_th", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("district_code", sa.String(8), sa.ForeignKey("districts.code"), nullable=True),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

quantities = sa.Table(
    "quantities",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name_th", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("minimum", sa.Float, nullable=True),
    sa.Column("maximum", sa.Float, nullable=True),
    sa.Column("domain", sa.String(40), nullable=False),
    sa.Column("needs_datum", sa.Boolean, nullable=False),
)

series = sa.Table(
    "series",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("station_pk", sa.Integer, sa.ForeignKey("stations.pk"), nullable=False),
    sa.Column("quantity_code", sa.String(40), sa.ForeignKey("quantities.code"), nullable=False),
    sa.Column("datum", sa.String(100), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("station_pk", "quantity_code", name="uq_series_station_quantity"),
)

observation_revisions = sa.Table(
    "observation_revisions",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("series_id", sa.Integer, nullable=False),
    sa.Column("time_s", sa.BigInteger, nullable=False),
    sa.Column("old_value", sa.Float, nullable=False),
    sa.Column("new_value", sa.Float, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

device_keys = sa.Table(
    "device_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

device_key_stations = sa.Table(
    "device_key_stations",
    metadata,
    sa.Column("key_id", sa.Integer, sa.ForeignKey("device_keys.id"), primary_key=True),
    sa.Column("station_pk", sa.Integer, sa.ForeignKey("stations.pk"), primary_key=True),
)

warnings = sa.Table(
    "warnings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("domain", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=True),
    sa.Column("district_code", sa.String(8), nullable=True),
    sa.Column("severity", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("headline_th", sa.Text, nullable=False),
    sa.Column("headline_en", sa.Text, nullable=False),
    sa.Column("description_th", sa.Text, nullable=False),
    sa.Column("description_en", sa.Text, nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("threshold", sa.Float, nullable=True),
    sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("probability", sa.Float, nullable=True),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
)
