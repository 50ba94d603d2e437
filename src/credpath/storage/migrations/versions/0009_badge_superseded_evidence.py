"""A badge remembers the learner's own evidence it replaced, so deleting the badge restores it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 19:00:00

``learner_badge.superseded`` maps each skill whose evidence the badge upgraded (a skill the learner had
declared, or one inferred from their text) to that earlier evidence, its proficiency and its source.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("learner_badge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("learner_badge", schema=None) as batch_op:
        batch_op.drop_column("superseded")
