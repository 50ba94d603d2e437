"""Open standards: imported credentials' owner and issuer, declared alignments, and a learner's signed badges

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:00:00

``credential.org_id`` is the organisation that imported a credential (OB 3.0 or CTDL; the CSV catalogues
have none), ``credential_alignment`` keeps every alignment an issuer declared exactly as published, and
``learner_badge`` holds the Open Badges credentials a learner submitted with the outcome of their proof check.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("issuer_id", sa.String(), nullable=True))
        batch_op.create_index("ix_credential_org_id", ["org_id"], unique=False)
    op.create_table(
        "credential_alignment",
        sa.Column("credential_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(), nullable=False),
        sa.Column("target_url", sa.String(), nullable=True),
        sa.Column("target_code", sa.String(), nullable=True),
        sa.Column("target_name", sa.String(), nullable=True),
        sa.Column("target_framework", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["credential_id"], ["credential.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("credential_id", "position"),
    )
    op.create_table(
        "learner_badge",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("learner_id", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("issuer", sa.String(), nullable=True),
        sa.Column("achievement_id", sa.String(), nullable=True),
        sa.Column("achievement_name", sa.String(), nullable=True),
        sa.Column("credential_id", sa.String(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learner_badge", schema=None) as batch_op:
        batch_op.create_index("ix_learner_badge_learner_id", ["learner_id"], unique=False)
        batch_op.create_index("ix_learner_badge_digest", ["learner_id", "digest"], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("learner_badge", schema=None) as batch_op:
        batch_op.drop_index("ix_learner_badge_digest")
        batch_op.drop_index("ix_learner_badge_learner_id")
    op.drop_table("learner_badge")
    op.drop_table("credential_alignment")
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_index("ix_credential_org_id")
        batch_op.drop_column("issuer_id")
        batch_op.drop_column("org_id")
