"""Tables of the sources layer: each source's health and incremental cursor.

Declared on :data:`paknam.core.schema.metadata`; created by migration 0009.

- ``source_health``: one row per configured source: when it was last tried and last
  succeeded, the last error, consecutive failures, rows stored by the last harvest and in
  all, the newest observation time it has delivered (so the lag is ``now -
  newest_time_s``), and ``cursor``, the source's own incremental state (e.g. the newest
  time fetched per station), so a restart asks only for what is new.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

source_health = sa.Table(
    "source_health",
    metadata,
    sa.Column("source_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("last_attempt_at", TZ, nullable=True),
    sa.Column("last_success_at", TZ, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("rows_last", sa.Integer, nullable=False),
    sa.Column("rows_total", sa.BigInteger, nullable=False),
    sa.Column("newest_time_s", sa.BigInteger, nullable=True),
    sa.Column("cursor", sa.JSON, nullable=True),
    sa.Column("updated_at", TZ, nullable=False),
)
