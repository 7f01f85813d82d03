"""Tables of the living domain: forecasts, their points, trained engines, warning levels.

Declared on the platform's :data:`paknam.core.schema.metadata`; created by migration
``0003_forecasts`` (the migrations stay in :mod:`paknam.core.migrations`). Only
:mod:`paknam.living.store` runs SQL on them.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

forecasts = sa.Table(
    "forecasts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("station_id", "quantity", "issued_at", name="uq_forecast_issue"),
)

forecast_points = sa.Table(
    "forecast_points",
    metadata,
    sa.Column("forecast_id", sa.Integer, sa.ForeignKey("forecasts.id"), primary_key=True),
    sa.Column("time_s", sa.BigInteger, primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("tide", sa.Float, nullable=False),
    sa.Column("residual", sa.Float, nullable=False),
    sa.Column("lo80", sa.Float, nullable=False),
    sa.Column("hi80", sa.Float, nullable=False),
    sa.Column("lo95", sa.Float, nullable=False),
    sa.Column("hi95", sa.Float, nullable=False),
)

tide_engines = sa.Table(
    "tide_engines",
    metadata,
    sa.Column("station_id", sa.String(64), primary_key=True),
    sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data_end_s", sa.BigInteger, nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
)

warning_levels = sa.Table(
    "warning_levels",
    metadata,
    sa.Column("station_id", sa.String(64), primary_key=True),
    sa.Column("level", sa.String(20), primary_key=True),
    sa.Column("value_m", sa.Float, nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
