"""learner languages and level, credential language source

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("learner") as batch:
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("level", sa.String(), nullable=True))
    with op.batch_alter_table("credential") as batch:
        batch.add_column(sa.Column("language_source", sa.String(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("credential") as batch:
        batch.drop_column("language_source")
    with op.batch_alter_table("learner") as batch:
        batch.drop_column("level")
        batch.drop_column("languages")
