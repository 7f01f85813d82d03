"""Tables of the scheduler: the runs of each job and the leases that keep one job from
running twice at once.

Declared on :data:`paknam.core.schema.metadata`; created by migration 0009.

- ``job_runs``: one row per run: job name, holder (host:pid), start, end, status
  (``running``, ``ok``, ``error``, ``skipped``), result (JSON) and error text.
- ``job_leases``: one row per job while it runs: who holds it and until when. A holder
  that dies leaves a lease that expires; another process may then take the job.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job", sa.String(64), nullable=False),
    sa.Column("holder", sa.String(120), nullable=False),
    sa.Column("started_at", TZ, nullable=False),
    sa.Column("finished_at", TZ, nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("result", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index("ix_job_runs_job", "job", "id"),
)

job_leases = sa.Table(
    "job_leases",
    metadata,
    sa.Column("job", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(120), nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
)
