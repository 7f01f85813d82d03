"""Observations partitioned by month on PostgreSQL; where raw data has expired (both).

PostgreSQL: ``observations`` becomes a declarative partitioned table (``PARTITION BY
RANGE (time)``), one partition per UTC month (``observations_pYYYYMM``) for every month
that holds rows and for the current month and the three after it, plus
``observations_default`` for any other time, so that no insert ever fails. The primary key
``(series_id, time)`` (it includes the partition key) and the revision trigger are the same
as before; the rows are moved over in one transaction. SQLite keeps its plain table.

Both engines: ``observation_retention`` records, per series, the time before which raw
observations were removed by retention (the hourly roll-up keeps them for ever).

Revision ID: 0017
Revises: 0016
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

AHEAD_MONTHS = 3

PG_PARTITIONED = """
CREATE TABLE observations (
    series_id integer NOT NULL,
    time timestamptz NOT NULL,
    value double precision NOT NULL,
    CONSTRAINT observations_pkey PRIMARY KEY (series_id, time)
) PARTITION BY RANGE (time)
"""
PG_PLAIN = """
CREATE TABLE observations (
    series_id integer NOT NULL,
    time timestamptz NOT NULL,
    value double precision NOT NULL,
    CONSTRAINT observations_pkey PRIMARY KEY (series_id, time)
)
"""
PG_REVISION_TRIGGER = """
CREATE TRIGGER observations_revision AFTER UPDATE OF value ON observations
FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value)
EXECUTE FUNCTION paknam_observation_revision()
"""


def _month_add(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _iso(year: int, month: int) -> str:
    return datetime(year, month, 1, tzinfo=UTC).isoformat()


def _set_aside_old() -> None:
    op.execute("ALTER TABLE observations RENAME TO observations_old")
    op.execute(
        "ALTER TABLE observations_old RENAME CONSTRAINT observations_pkey TO observations_old_pkey"
    )
    op.execute("DROP TRIGGER IF EXISTS observations_revision ON observations_old")


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    _set_aside_old()
    op.execute(PG_PARTITIONED)
    op.execute("CREATE TABLE observations_default PARTITION OF observations DEFAULT")
    months = {
        (int(y), int(m))
        for y, m in bind.exec_driver_sql(
            "SELECT DISTINCT extract(year FROM time AT TIME ZONE 'UTC')::int, "
            "extract(month FROM time AT TIME ZONE 'UTC')::int FROM observations_old"
        )
    }
    now = datetime.now(UTC)
    months |= {_month_add(now.year, now.month, i) for i in range(AHEAD_MONTHS + 1)}
    for y, m in sorted(months):
        ny, nm = _month_add(y, m, 1)
        op.execute(
            f"CREATE TABLE observations_p{y:04d}{m:02d} PARTITION OF observations "
            f"FOR VALUES FROM ('{_iso(y, m)}') TO ('{_iso(ny, nm)}')"
        )
    op.execute(
        "INSERT INTO observations (series_id, time, value) "
        "SELECT series_id, time, value FROM observations_old"
    )
    op.execute("DROP TABLE observations_old")
    op.execute(PG_REVISION_TRIGGER)
    op.execute("ANALYZE observations")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    op.create_table(
        "observation_retention",
        sa.Column("series_id", sa.Integer, primary_key=True),
        sa.Column("expired_before", sa.BigInteger, nullable=False),  # UTC epoch s
        sa.Column("keep_days", sa.Integer, nullable=False),
        sa.Column("updated_s", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("observation_retention")
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside_old()
    op.execute(PG_PLAIN)
    op.execute(
        "INSERT INTO observations (series_id, time, value) "
        "SELECT series_id, time, value FROM observations_old"
    )
    op.execute("DROP TABLE observations_old")  # with every partition
    op.execute(PG_REVISION_TRIGGER)
