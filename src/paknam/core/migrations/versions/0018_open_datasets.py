"""Open datasets that officers upload (CSV/.xlsx): metadata and rows.

Revision ID: 0018
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_datasets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("created_s", sa.BigInteger, nullable=False),
        sa.Column("modified_s", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "open_dataset_rows",
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("open_datasets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("row_no", sa.Integer, primary_key=True),
        sa.Column("cells", sa.JSON, nullable=False),
        sa.Column("search", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("open_dataset_rows")
    op.drop_table("open_datasets")
