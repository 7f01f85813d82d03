"""Tables of the environment domain (created by migration ``0002``).

``citizen_reports``: what citizens saw (smoke, dust, dead fish, ...), where and when, with
an optional photo; declared on the platform's :data:`paknam.core.schema.metadata`. The
measurements themselves are core stations and series.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

citizen_reports = sa.Table(
    "citizen_reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("topic", sa.String(40), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("district_code", sa.String(8), nullable=True),
    sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("photo_type", sa.String(40), nullable=True),
    sa.Column("photo", sa.LargeBinary, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
