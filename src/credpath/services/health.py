"""Service health: is the database reachable, is data loaded, and does each index match the database."""

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from credpath.indexes import INDEX_NAMES, index_state
from credpath.services import views
from credpath.services.live import LiveSemantic, manifest_signature
from credpath.services.semantic import SemanticService
from credpath.storage.db import ping
from credpath.storage.repositories import datasets as dataset_repo
from credpath.storage.tables import Credential, Occupation, Skill
from credpath.vocabulary import IndexStatus

__all__ = ["health", "readiness"]


def _index_state(
    session: Session, models_dir: Path, encoder: str | None, serving: Mapping[str, views.ServedIndex]
) -> views.IndexState:
    """Live state of each index: compared with the database now, not only at start-up."""
    states = {name: index_state(session, models_dir, name) for name in INDEX_NAMES}
    values = set(states.values())
    if values == {IndexStatus.READY}:
        state = IndexStatus.READY
    else:
        state = IndexStatus.STALE if IndexStatus.STALE in values else IndexStatus.ABSENT
    detail = ", ".join(f"{name}: {value}" for name, value in sorted(states.items()))
    if state != IndexStatus.READY:
        detail += "; run `credpath build-index` (a running server loads the new build without a restart)"
    return views.IndexState(state=state, detail=detail, indexes=states, encoder=encoder, serving=dict(serving))


def _serving(semantic: SemanticService) -> dict[str, views.ServedIndex]:
    """The generation and model of every index ``semantic`` answers from."""
    return {
        name: views.ServedIndex(generation=index.manifest.built_at, model=index.manifest.encoder)
        for name, index in semantic.indexes.items()
        if index.manifest is not None
    }


def health(engine: Engine, models_dir: Path, semantic: SemanticService | None = None) -> views.Health:
    """Database reachability, what data is loaded, the index state, and the generation being served."""
    if not ping(engine):
        return views.Health(
            status="unavailable",
            database=False,
            data_loaded=False,
            counts={},
            datasets=[],
            index=views.IndexState(state=IndexStatus.UNKNOWN, detail="database unreachable"),
        )
    with Session(engine) as session:
        encoder = None if semantic is None else str(semantic.encoder.backend)
        index = _index_state(session, models_dir, encoder, {} if semantic is None else _serving(semantic))
        counts = {
            "skills": dataset_repo.count_rows(session, Skill),
            "occupations": dataset_repo.count_rows(session, Occupation),
            "credentials": dataset_repo.count_rows(session, Credential),
        }
        datasets = [
            views.DatasetState(name=d.name, version=d.version, loaded_at=d.loaded_at, content_hash=d.content_hash)
            for d in dataset_repo.list_datasets(session)
        ]
    loaded = counts["skills"] > 0 and counts["occupations"] > 0
    return views.Health(
        status="ok" if loaded else "degraded",
        database=True,
        data_loaded=loaded,
        counts=counts,
        datasets=datasets,
        index=index,
    )


def readiness(engine: Engine, models_dir: Path, live: LiveSemantic) -> views.Readiness:
    """Ready when the database answers and every index is loaded, matches the data and is the newest build.

    Args:
        engine: the database.
        models_dir: where the indexes live.
        live: the semantic service this replica serves.

    Returns:
        The readiness verdict; the API answers 503 when ``ready`` is false.
    """
    if not ping(engine):
        return views.Readiness(ready=False, database=False, indexes={}, loaded=False, detail="database unreachable")
    with Session(engine) as session:
        states = {name: index_state(session, models_dir, name) for name in INDEX_NAMES}
    served = live.current
    loaded = all(name in served.indexes for name in INDEX_NAMES)
    newest = live.loaded_signature() == manifest_signature(models_dir)
    fresh = all(state == IndexStatus.READY for state in states.values())
    problems = [f"{name} index is {state}" for name, state in sorted(states.items()) if state != IndexStatus.READY]
    if not newest:
        problems.append("a newer index build is on disk and not loaded yet")
    elif not loaded:
        problems.append("not every index is loaded")
    return views.Readiness(
        ready=fresh and loaded and newest,
        database=True,
        indexes=states,
        loaded=loaded and newest,
        detail="; ".join(problems) or "ok",
    )
