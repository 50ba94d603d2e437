"""Employer postings: status, visibility, location, occupations with scores; posting skill spans and
corrections; learner discoverability (consent with its time); a shared server secret

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 11:45:00

``learner.opted_in`` (never read by anything) becomes ``discoverable`` with ``discoverable_since``; a learner
who had opted in keeps the consent, dated at this migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("job_posting", schema=None) as batch_op:
        batch_op.alter_column("employer_id", existing_type=sa.String(), nullable=True)
        batch_op.add_column(sa.Column("location", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("url", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(), nullable=False, server_default="open"))
        batch_op.add_column(sa.Column("visibility", sa.String(), nullable=False, server_default="private"))
        batch_op.add_column(sa.Column("occupation_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("occupation_given", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("onet_occupation_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("onet_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("external_ref", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
        )
        batch_op.create_index("ix_job_posting_status", ["status"], unique=False)
        batch_op.create_index("ix_job_posting_occupation_id", ["occupation_id"], unique=False)
        batch_op.create_index("ix_job_posting_org_ref", ["org_id", "external_ref"], unique=True)
    with op.batch_alter_table("posting_skill", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phrase", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discoverable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("discoverable_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_learner_discoverable", ["discoverable"], unique=False)
    op.execute("UPDATE learner SET discoverable = opted_in, discoverable_since = CURRENT_TIMESTAMP WHERE opted_in")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("opted_in")
    op.create_table(
        "server_secret",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("server_secret")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opted_in", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE learner SET opted_in = discoverable")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_index("ix_learner_discoverable")
        batch_op.drop_column("discoverable_since")
        batch_op.drop_column("discoverable")
    with op.batch_alter_table("posting_skill", schema=None) as batch_op:
        for column in ("removed", "end", "start", "phrase"):
            batch_op.drop_column(column)
    op.execute("DELETE FROM job_posting WHERE employer_id IS NULL")
    with op.batch_alter_table("job_posting", schema=None) as batch_op:
        batch_op.drop_index("ix_job_posting_org_ref")
        batch_op.drop_index("ix_job_posting_occupation_id")
        batch_op.drop_index("ix_job_posting_status")
        for column in (
            "updated_at",
            "external_ref",
            "onet_score",
            "onet_occupation_id",
            "occupation_given",
            "occupation_score",
            "visibility",
            "status",
            "url",
            "location",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("employer_id", existing_type=sa.String(), nullable=False)
