"""Hourly roll-up of observations, refreshed lazily from a dirty-hours list.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observations_hourly",
        sa.Column("series_id", sa.Integer, primary_key=True),
        sa.Column("hour", sa.BigInteger, primary_key=True),  # UTC epoch s of the hour start
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("vmin", sa.Float, nullable=False),
        sa.Column("vmax", sa.Float, nullable=False),
    )
    op.create_table(
        "hourly_dirty",
        sa.Column("series_id", sa.Integer, primary_key=True),
        sa.Column("hour", sa.BigInteger, primary_key=True),
    )
    # everything already stored needs a roll-up
    op.execute(
        "INSERT INTO hourly_dirty (series_id, hour) SELECT DISTINCT series_id, "
        + (
            "(floor(extract(epoch FROM time) / 3600) * 3600)::bigint FROM observations"
            if op.get_bind().dialect.name == "postgresql"
            else "time - (((time % 3600) + 3600) % 3600) FROM observations"
        )
    )


def downgrade() -> None:
    op.drop_table("hourly_dirty")
    op.drop_table("observations_hourly")
