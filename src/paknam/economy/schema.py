"""Tables of the Smart Economy domain (created by migration 0008)."""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

places = sa.Table(
    "econ_places",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # attraction | product
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("name_th", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=False),
    sa.Column("description_th", sa.Text, nullable=False),
    sa.Column("description_en", sa.Text, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("district_code", sa.String(8), nullable=True),
    sa.Column("opening_hours", sa.JSON, nullable=True),
    sa.Column("contact", sa.JSON, nullable=False),
    sa.Column("photo_urls", sa.JSON, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("sample", sa.Boolean, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)

place_photos = sa.Table(
    "econ_place_photos",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("place_id", sa.String(64), sa.ForeignKey("econ_places.id"), nullable=False),
    sa.Column("photo_type", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

visits = sa.Table(
    "econ_visits",
    metadata,
    sa.Column("scope", sa.String(64), primary_key=True),  # "province" or a place id
    sa.Column("granularity", sa.String(8), primary_key=True),  # month | day
    sa.Column("period", sa.Date, primary_key=True),  # first day of the month, or the day
    sa.Column("visitors", sa.BigInteger, nullable=True),  # None = missing (not collected)
    sa.Column("visitors_thai", sa.BigInteger, nullable=True),
    sa.Column("visitors_foreign", sa.BigInteger, nullable=True),
    sa.Column("revenue_thb", sa.Float, nullable=True),
    sa.Column("definition", sa.String(20), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("sample", sa.Boolean, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)
