"""Smart Economy (catalogue, photos, visitor figures) and Smart People (schools, terms,
enrolment, teachers, courses, completions, PBL devices, xAPI statements).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _economy() -> None:
    op.create_table(
        "econ_places",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("name_th", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("description_th", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("district_code", sa.String(8), nullable=True),
        sa.Column("opening_hours", sa.JSON, nullable=True),
        sa.Column("contact", sa.JSON, nullable=False),
        sa.Column("photo_urls", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "econ_place_photos",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("place_id", sa.String(64), sa.ForeignKey("econ_places.id"), nullable=False),
        sa.Column("photo_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "econ_visits",
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("granularity", sa.String(8), primary_key=True),
        sa.Column("period", sa.Date, primary_key=True),
        sa.Column("visitors", sa.BigInteger, nullable=True),
        sa.Column("visitors_thai", sa.BigInteger, nullable=True),
        sa.Column("visitors_foreign", sa.BigInteger, nullable=True),
        sa.Column("revenue_thb", sa.Float, nullable=True),
        sa.Column("definition", sa.String(20), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def _people() -> None:
    op.create_table(
        "people_schools",
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
    op.create_table(
        "people_terms",
        sa.Column("id", sa.String(8), primary_key=True),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("term", sa.Integer, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
    )
    op.create_table(
        "people_enrolments",
        sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), primary_key=True),
        sa.Column("term", sa.String(8), primary_key=True),
        sa.Column("students", sa.Integer, nullable=False),
    )
    op.create_table(
        "people_teachers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
    )
    op.create_table(
        "people_courses",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_th", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("pbl", sa.Boolean, nullable=False),
        sa.Column("hours", sa.Float, nullable=True),
        sa.Column("sample", sa.Boolean, nullable=False),
    )
    op.create_table(
        "people_completions",
        sa.Column(
            "teacher_id", sa.String(64), sa.ForeignKey("people_teachers.id"), primary_key=True
        ),
        sa.Column("course_id", sa.String(64), sa.ForeignKey("people_courses.id"), primary_key=True),
        sa.Column("completed_on", sa.Date, nullable=False),
    )
    op.create_table(
        "people_devices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("school_id", sa.String(32), sa.ForeignKey("people_schools.id"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "people_statements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("actor", sa.String(500), nullable=False),
        sa.Column("verb", sa.String(500), nullable=False),
        sa.Column("object_id", sa.String(1000), nullable=False),
        sa.Column("time_s", sa.BigInteger, nullable=False),
        sa.Column("device_id", sa.String(64), sa.ForeignKey("people_devices.id"), nullable=False),
        sa.Column("school_id", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("statement", sa.JSON, nullable=False),
        sa.Column("stored_at", TZ, nullable=False),
    )
    op.create_index(
        "ix_people_statements_school_time", "people_statements", ["school_id", "time_s"]
    )


def upgrade() -> None:
    _economy()
    _people()


def downgrade() -> None:
    op.drop_index("ix_people_statements_school_time", table_name="people_statements")
    for table in (
        "people_statements",
        "people_devices",
        "people_completions",
        "people_courses",
        "people_teachers",
        "people_enrolments",
        "people_terms",
        "people_schools",
        "econ_visits",
        "econ_place_photos",
        "econ_places",
    ):
        op.drop_table(table)
