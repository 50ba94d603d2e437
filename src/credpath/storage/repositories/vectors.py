"""Index vectors in PostgreSQL (pgvector): publishing a build, nearest rows by HNSW, and exact similarities.

Tables come from migration 0006 (``index_vector``: one row per vector, ``item`` its owner's position in
the index's ``ids.json``; ``vector_generation``: which build each index's rows are). Vectors travel as
pgvector text literals (``[0.1,0.2,…]``) in queries, and in binary ``COPY`` when a build is published.
"""

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import psycopg
from sqlalchemy import Engine, text
from sqlmodel import Session

__all__ = [
    "PublishedGeneration",
    "canonical_vectors",
    "has_vector_tables",
    "nearest_items",
    "publish",
    "published_generation",
    "row_similarities",
]

# The partial HNSW index of each index name, exactly as migration 0006 creates it. Publishing drops and
# recreates it: building the graph once over all rows is several times faster than inserting into it.
_HNSW = (
    "CREATE INDEX ix_index_vector_hnsw_{name} ON index_vector USING hnsw (embedding vector_ip_ops) "
    "WITH (m = 16, ef_construction = 64) WHERE index_name = '{name}'"
)
_NAMES = ("skills", "occupations", "credentials")


@dataclass(frozen=True, slots=True)
class PublishedGeneration:
    """Which build of an index the table holds."""

    texts_hash: str
    built_at: str
    n_vectors: int


def _literal(vector: npt.NDArray[np.float32]) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in vector.tolist()) + "]"


def has_vector_tables(session: Session) -> bool:
    """Whether the pgvector tables exist (PostgreSQL with the extension, migrated)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = session.execute(text("SELECT to_regclass('index_vector') IS NOT NULL")).scalar_one()
    return bool(found)


def published_generation(session: Session, name: str) -> PublishedGeneration | None:
    """The build whose vectors the table holds for index ``name``, if any."""
    row = session.execute(
        text("SELECT texts_hash, built_at, n_vectors FROM vector_generation WHERE index_name = :name"), {"name": name}
    ).first()
    return None if row is None else PublishedGeneration(row.texts_hash, row.built_at, row.n_vectors)


def publish(
    engine: Engine,
    name: str,
    generation: PublishedGeneration,
    vectors: npt.NDArray[np.float32],
    owners: npt.NDArray[np.int64],
) -> bool:
    """Replace index ``name``'s rows with a build's vectors, unless that build is already there.

    One transaction under an advisory lock: replicas starting together publish once, and readers see the
    old generation or the new one, never a mix.

    Returns:
        Whether rows were written (False: this generation was already published).
    """
    if name not in _NAMES:
        raise ValueError(f"unknown index {name!r}")
    from pgvector.psycopg import register_vector

    with Session(engine) as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(f"credpath:{name}".encode())})
        if published_generation(session, name) == generation:
            return False
        session.execute(text("SELECT set_config('maintenance_work_mem', '512MB', true)"))
        session.execute(text(f"DROP INDEX IF EXISTS ix_index_vector_hnsw_{name}"))
        session.execute(text("DELETE FROM index_vector WHERE index_name = :name"), {"name": name})
        raw = cast("psycopg.Connection[Any]", session.connection().connection.dbapi_connection)
        register_vector(raw)
        with raw.cursor().copy(
            "COPY index_vector (index_name, row_number, item, embedding) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["varchar", "int4", "int4", "vector"])
            for row, (owner, vector) in enumerate(zip(owners.tolist(), vectors, strict=True)):
                copy.write_row((name, row, owner, np.asarray(vector, dtype=np.float32)))
        session.execute(text(_HNSW.format(name=name)))
        session.execute(
            text(
                "INSERT INTO vector_generation (index_name, texts_hash, built_at, n_vectors) "
                "VALUES (:name, :texts_hash, :built_at, :n) ON CONFLICT (index_name) DO UPDATE SET "
                "texts_hash = excluded.texts_hash, built_at = excluded.built_at, n_vectors = excluded.n_vectors"
            ),
            {"name": name, "texts_hash": generation.texts_hash, "built_at": generation.built_at, "n": len(vectors)},
        )
        session.commit()
    return True


def nearest_items(
    session: Session, name: str, query: npt.NDArray[np.float32], limit: int, items: Sequence[int] | None = None
) -> npt.NDArray[np.int64]:
    """Owners of the ``limit`` vectors nearest to ``query`` (HNSW; exact scan when ``items`` restricts them)."""
    if items is None:
        # pgvector returns at most ef_search rows from an HNSW scan.
        session.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"), {"ef": str(max(limit, 40))})
        rows = session.execute(
            text(
                "SELECT item FROM index_vector WHERE index_name = :name "
                "ORDER BY embedding <#> CAST(:q AS vector) LIMIT :limit"
            ),
            {"name": name, "q": _literal(query), "limit": limit},
        ).all()
    else:
        rows = session.execute(
            text(
                "SELECT item FROM index_vector WHERE index_name = :name AND item = ANY(:items) "
                "ORDER BY (embedding <#> CAST(:q AS vector)) + 0 LIMIT :limit"
            ),
            {"name": name, "q": _literal(query), "limit": limit, "items": list(items)},
        ).all()
    return np.fromiter((row.item for row in rows), dtype=np.int64, count=len(rows))


def row_similarities(
    session: Session, name: str, query: npt.NDArray[np.float32], items: Sequence[int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Cosine of ``query`` with every vector of the given items: ``(row numbers, similarities)``."""
    rows = session.execute(
        text(
            "SELECT row_number, -(embedding <#> CAST(:q AS vector)) AS sim FROM index_vector "
            "WHERE index_name = :name AND item = ANY(:items)"
        ),
        {"name": name, "q": _literal(query), "items": list(items)},
    ).all()
    numbers = np.fromiter((row.row_number for row in rows), dtype=np.int64, count=len(rows))
    sims = np.fromiter((row.sim for row in rows), dtype=np.float32, count=len(rows))
    return numbers, sims


def canonical_vectors(session: Session, name: str, rows: Sequence[int]) -> dict[int, npt.NDArray[np.float32]]:
    """The vectors at the given row numbers."""
    found = session.execute(
        text(
            "SELECT row_number, embedding::text AS v FROM index_vector "
            "WHERE index_name = :name AND row_number = ANY(:rows)"
        ),
        {"name": name, "rows": list(rows)},
    ).all()
    return {row.row_number: np.asarray(json.loads(row.v), dtype=np.float32) for row in found}
