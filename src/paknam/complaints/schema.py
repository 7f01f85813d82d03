"""Tables of the complaints domain (created by migration ``0007_complaints``).

Times are UTC epoch seconds in ``*_s`` columns (BigInteger), compared the same way on
SQLite and PostgreSQL. Secrets (citizen tokens, Open311 API keys) are stored as SHA-256.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

complaint_api_keys = sa.Table(
    "complaint_api_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_s", sa.BigInteger, nullable=False),
    sa.Column("revoked_s", sa.BigInteger, nullable=True),
)

complaints = sa.Table(
    "complaints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("service_code", sa.String(40), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("address", sa.Text, nullable=True),
    sa.Column("district_code", sa.String(8), nullable=True),
    sa.Column("agency_code", sa.String(40), nullable=True),
    sa.Column("assignee", sa.String(100), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.Column("media_url", sa.Text, nullable=True),
    sa.Column("requested_s", sa.BigInteger, nullable=False),
    sa.Column("updated_s", sa.BigInteger, nullable=False),
    sa.Column("due_s", sa.BigInteger, nullable=False),
    sa.Column("first_resolved_s", sa.BigInteger, nullable=True),
    sa.Column("closed_s", sa.BigInteger, nullable=True),
    sa.Column("reopen_count", sa.Integer, nullable=False),
    sa.Column("escalation_level", sa.Integer, nullable=False),
    sa.Column("last_reminder_s", sa.BigInteger, nullable=True),
    sa.Column("supporters", sa.Integer, nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("rating_comment", sa.Text, nullable=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("client", sa.String(40), nullable=False),
    sa.Column("idempotency_key", sa.String(200), nullable=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("suggested", sa.JSON, nullable=True),
    # the classifier was not sure (or disagreed with the citizen): an officer checks the
    # category before the agency works on it (migration 0010)
    sa.Column("triage", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("client", "idempotency_key", name="uq_complaints_idempotency"),
)
sa.Index("ix_complaints_status", complaints.c.status, complaints.c.agency_code)
sa.Index("ix_complaints_requested", complaints.c.requested_s)
sa.Index("ix_complaints_fingerprint", complaints.c.fingerprint)
sa.Index("ix_complaints_triage", complaints.c.triage, complaints.c.status)

complaint_events = sa.Table(
    "complaint_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), nullable=False, index=True
    ),
    sa.Column("at_s", sa.BigInteger, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("from_status", sa.String(20), nullable=True),
    sa.Column("to_status", sa.String(20), nullable=True),
    sa.Column("agency_code", sa.String(40), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("public", sa.Boolean, nullable=False),
)

complaint_photos = sa.Table(
    "complaint_photos",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), nullable=False, index=True
    ),
    sa.Column("stage", sa.String(10), nullable=False),  # before | after
    sa.Column("content_type", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("created_s", sa.BigInteger, nullable=False),
)

complaint_supporters = sa.Table(
    "complaint_supporters",
    metadata,
    sa.Column("complaint_id", sa.Integer, sa.ForeignKey("complaints.id"), primary_key=True),
    sa.Column("supporter_hash", sa.String(64), primary_key=True),
    sa.Column("created_s", sa.BigInteger, nullable=False),
)
