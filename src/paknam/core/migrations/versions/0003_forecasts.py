"""Water-level forecasts (kept for scoring), trained engines, warning levels.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("station_id", "quantity", "issued_at", name="uq_forecast_issue"),
    )
    op.create_table(
        "forecast_points",
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
    op.create_table(
        "tide_engines",
        sa.Column("station_id", sa.String(64), primary_key=True),
        sa.Column("trained_at", TZ, nullable=False),
        sa.Column("data_end_s", sa.BigInteger, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
    )
    op.create_table(
        "warning_levels",
        sa.Column("station_id", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(20), primary_key=True),
        sa.Column("value_m", sa.Float, nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("warning_levels", "tide_engines", "forecast_points", "forecasts"):
        op.drop_table(table)
