"""Energy: sites, PV arrays, communities, members, settlements and the append-only ledger.

The ledger and the settlement runs refuse UPDATE on both engines (a trigger) and DELETE on
PostgreSQL: a correction is a new settlement run whose entries reverse the old ones.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = ("energy_ledger", "energy_settlements")


def upgrade() -> None:
    op.create_table(
        "energy_sites",
        sa.Column("station_id", sa.String(64), primary_key=True),
        sa.Column("technology", sa.String(20), nullable=False),
        sa.Column("irradiance_plane", sa.String(20), nullable=False),
        sa.Column("simulated", sa.Boolean, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "energy_arrays",
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
    op.create_table(
        "energy_communities",
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
    op.create_table(
        "energy_community_members",
        sa.Column("community_id", sa.String(64), primary_key=True),
        sa.Column("station_id", sa.String(64), primary_key=True),
        sa.Column("joined_at", TZ, nullable=False),
    )
    op.create_table(
        "energy_settlements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("supersedes", sa.Integer, nullable=True),
        sa.Column("tariffs", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "energy_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("settlement_id", sa.Integer, nullable=False, index=True),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("entry", sa.String(30), nullable=False),
        sa.Column("kwh", sa.Float, nullable=False),
        sa.Column("thb", sa.Float, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION energy_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION energy_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS energy_append_only()")
    for table in (
        "energy_ledger",
        "energy_settlements",
        "energy_community_members",
        "energy_communities",
        "energy_arrays",
        "energy_sites",
    ):
        op.drop_table(table)
