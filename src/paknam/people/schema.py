"""Tables of the Smart People domain (created by migration 0008).

Students appear only as pseudonymous xAPI account ids inside statements; teachers only as
pseudonymous ids with their school. No names of children are stored.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.schema import metadata

TZ = sa.DateTime(timezone=True)

schools = sa.Table(
    "people_schools",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name_th", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=False),
    sa.Column("district_code", sa.String(8), nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("obec", sa.Boolean, nullable=False),
    sa.Column("sample", sa.Boolean, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)

terms = sa.Table(
    "people_terms",
    metadata,
    sa.Column("id", sa.String(8), primary_key=True),  # "2567-1": Buddhist-era year, term
    sa.Column("school_year", sa.Integer, nullable=False),
    sa.Column("term", sa.Integer, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),  # inclusive
)

enrolments = sa.Table(
    "people_enrolments",
    metadata,
    sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), primary_key=True),
    sa.Column("term", sa.String(8), primary_key=True),
    sa.Column("students", sa.Integer, nullable=False),
)

teachers = sa.Table(
    "people_teachers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # pseudonymous
    sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), nullable=False),
    sa.Column("sample", sa.Boolean, nullable=False),
)

courses = sa.Table(
    "people_courses",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name_th", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300), nullable=False),
    sa.Column("pbl", sa.Boolean, nullable=False),  # counts for "teachers trained in PBL"
    sa.Column("hours", sa.Float, nullable=True),
    sa.Column("sample", sa.Boolean, nullable=False),
)

completions = sa.Table(
    "people_completions",
    metadata,
    sa.Column("teacher_id", sa.String(64), sa.ForeignKey("people_teachers.id"), primary_key=True),
    sa.Column("course_id", sa.String(64), sa.ForeignKey("people_courses.id"), primary_key=True),
    sa.Column("completed_on", sa.Date, nullable=False),
)

devices = sa.Table(
    "people_devices",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("sample", sa.Boolean, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

statements = sa.Table(
    "people_statements",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # xAPI statement UUID, lower case
    sa.Column("actor", sa.String(500), nullable=False),  # "homePage|name" of the account
    sa.Column("verb", sa.String(500), nullable=False),
    sa.Column("object_id", sa.String(1000), nullable=False),
    sa.Column("time_s", sa.BigInteger, nullable=False),  # UTC epoch seconds
    sa.Column("device_id", sa.String(64), sa.ForeignKey("people_devices.id"), nullable=False),
    sa.Column("school_id", sa.String(32), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),  # SHA-256 of the canonical statement
    sa.Column("statement", sa.JSON, nullable=False),
    sa.Column("stored_at", TZ, nullable=False),
    sa.Index("ix_people_statements_school_time", "school_id", "time_s"),
)
