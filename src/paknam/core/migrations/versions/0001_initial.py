"""Initial schema: districts, stations, quantities, series, observations, auth.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

SQLITE_OBSERVATIONS = """
CREATE TABLE observations (
    series_id INTEGER NOT NULL,
    time INTEGER NOT NULL,          -- UTC epoch seconds
    value REAL NOT NULL,
    PRIMARY KEY (series_id, time)
) WITHOUT ROWID
"""

SQLITE_REVISION_TRIGGER = """
CREATE TRIGGER observations_revision AFTER UPDATE OF value ON observations
WHEN old.value IS NOT new.value
BEGIN
    INSERT INTO observation_revisions (series_id, time_s, old_value, new_value, changed_at)
    VALUES (old.series_id, old.time, old.value, new.value,
            strftime('%Y-%m-%d %H:%M:%f', 'now'));
END
"""

PG_OBSERVATIONS = """
CREATE TABLE observations (
    series_id integer NOT NULL,
    time timestamptz NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (series_id, time)
)
"""

PG_REVISION_FUNCTION = """
CREATE FUNCTION paknam_observation_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO observation_revisions (series_id, time_s, old_value, new_value, changed_at)
    VALUES (OLD.series_id, extract(epoch FROM OLD.time)::bigint, OLD.value, NEW.value, now());
    RETURN NEW;
END
$$
"""

PG_REVISION_TRIGGER = """
CREATE TRIGGER observations_revision AFTER UPDATE OF value ON observations
FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value)
EXECUTE FUNCTION paknam_observation_revision()
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "districts",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name_th", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("province_code", sa.String(4), nullable=False),
        sa.Column("geojson", sa.Text, nullable=True),
    )
    op.create_table(
        "stations",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("name_th", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("district_code", sa.String(8), sa.ForeignKey("districts.code")),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "quantities",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name_th", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("minimum", sa.Float),
        sa.Column("maximum", sa.Float),
        sa.Column("domain", sa.String(40), nullable=False),
        sa.Column("needs_datum", sa.Boolean, nullable=False),
    )
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station_pk", sa.Integer, sa.ForeignKey("stations.pk"), nullable=False),
        sa.Column("quantity_code", sa.String(40), sa.ForeignKey("quantities.code"), nullable=False),
        sa.Column("datum", sa.String(100)),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("station_pk", "quantity_code", name="uq_series_station_quantity"),
    )
    op.create_table(
        "observation_revisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("series_id", sa.Integer, nullable=False),
        sa.Column("time_s", sa.BigInteger, nullable=False),
        sa.Column("old_value", sa.Float, nullable=False),
        sa.Column("new_value", sa.Float, nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index(
        "ix_observation_revisions_series_time", "observation_revisions", ["series_id", "time_s"]
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_table(
        "device_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "device_key_stations",
        sa.Column("key_id", sa.Integer, sa.ForeignKey("device_keys.id"), primary_key=True),
        sa.Column("station_pk", sa.Integer, sa.ForeignKey("stations.pk"), primary_key=True),
    )
    if dialect == "postgresql":
        op.execute(PG_OBSERVATIONS)
        op.execute(PG_REVISION_FUNCTION)
        op.execute(PG_REVISION_TRIGGER)
        # PostGIS geometry beside lon/lat, for GIS clients and spatial queries.
        op.execute(
            "ALTER TABLE stations ADD COLUMN geom geometry(Point, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
        )
        op.execute("CREATE INDEX ix_stations_geom ON stations USING gist (geom)")
        op.execute("ALTER TABLE districts ADD COLUMN geom geometry(Geometry, 4326)")
        op.execute("CREATE INDEX ix_districts_geom ON districts USING gist (geom)")
    else:
        op.execute(SQLITE_OBSERVATIONS)
        op.execute(SQLITE_REVISION_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP TABLE observations")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION paknam_observation_revision()")
    for table in (
        "device_key_stations",
        "device_keys",
        "sessions",
        "users",
        "observation_revisions",
        "series",
        "quantities",
        "stations",
        "districts",
    ):
        op.drop_table(table)
