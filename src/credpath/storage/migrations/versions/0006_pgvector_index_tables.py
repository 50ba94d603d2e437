"""pgvector tables for the optional vector backend (PostgreSQL with the vector extension only)

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29 08:20:00

``CREDPATH_VECTOR_BACKEND=pgvector`` serves nearest-neighbour search from these tables instead of the
memory-mapped files under ``models/``. Every vector of every index is one row (an item owns several);
one partial HNSW index per index name (inner product = cosine on the unit vectors). SQLite, and a
PostgreSQL without the extension, get nothing: the in-process backend needs none of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The encoder's dimension (all-MiniLM-L6-v2, tuned or not); HNSW needs a fixed one.
DIM = 384
INDEXES = ("skills", "occupations", "credentials")


def _has_pgvector() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
    return found is not None


def upgrade() -> None:
    """Apply this revision."""
    if not _has_pgvector():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "vector_generation",
        sa.Column("index_name", sa.String(), primary_key=True),
        sa.Column("texts_hash", sa.String(), nullable=False),
        sa.Column("built_at", sa.String(), nullable=False),
        sa.Column("n_vectors", sa.Integer(), nullable=False),
    )
    op.execute(
        f"""
        CREATE TABLE index_vector (
            index_name varchar NOT NULL,
            row_number integer NOT NULL,
            item integer NOT NULL,
            embedding vector({DIM}) NOT NULL,
            PRIMARY KEY (index_name, row_number)
        )
        """
    )
    op.execute("CREATE INDEX ix_index_vector_item ON index_vector (index_name, item)")
    for name in INDEXES:
        op.execute(
            f"CREATE INDEX ix_index_vector_hnsw_{name} ON index_vector USING hnsw (embedding vector_ip_ops) "
            f"WITH (m = 16, ef_construction = 64) WHERE index_name = '{name}'"
        )


def downgrade() -> None:
    """Revert this revision."""
    if not _has_pgvector():
        return
    op.execute("DROP TABLE IF EXISTS index_vector")
    op.execute("DROP TABLE IF EXISTS vector_generation")
