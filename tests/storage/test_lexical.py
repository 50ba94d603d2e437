"""Label search through SQLite's trigram index gives the listings that scanning with LIKE gives."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.pipeline.ingest import IngestReport
from credpath.sources.labels import search_text
from credpath.storage.bulk import sync_rows
from credpath.storage.repositories import lexical
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.storage.tables import Skill

Loaded = tuple[Engine, list[IngestReport]]

# Short tokens (LIKE only), long ones (the index), both in one query, LIKE wildcards, quotes, non-ASCII.
QUERIES = [
    "sql",
    "data analysis",
    "c++",
    "c",
    "ai",
    "manage a team",
    "10%",
    "a_b",
    'the "best"',
    "o'neil",
    "über",
    "r data",
]


def _scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (skill_repo, occupation_repo):
        monkeypatch.setattr(module, "trigram_index", lambda *_: None)


def test_indexed_listings_equal_scanned_ones(loaded: Loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        index = lexical.trigram_index(session, "skill")
        indexed = [
            (skill_repo.search_skills(session, q, 20, 0), occupation_repo.search_occupations(session, q, None, 20, 5))
            for q in QUERIES
        ]
    _scan_only(monkeypatch)
    with Session(engine) as session:
        scanned = [
            (skill_repo.search_skills(session, q, 20, 0), occupation_repo.search_occupations(session, q, None, 20, 5))
            for q in QUERIES
        ]
    assert (index is not None) == (engine.dialect.name == "sqlite")
    for q, (skills, occupations), (skills_scan, occupations_scan) in zip(QUERIES, indexed, scanned, strict=True):
        assert [s.id for s in skills.items] == [s.id for s in skills_scan.items], q
        assert skills.total == skills_scan.total, q
        assert [o.id for o in occupations.items] == [o.id for o in occupations_scan.items], q
        assert occupations.total == occupations_scan.total, q
    assert indexed[0][0].total > 5  # "sql" finds something, so the comparison is not of empty pages


def _skill(n: int, *labels: str) -> dict[str, object]:
    return {
        "id": f"s{n}",
        "preferred_label": labels[0],
        "alt_labels": list(labels[1:]),
        "description": "",
        "search_text": search_text(labels),
    }


def _found(engine: Engine, q: str) -> list[str]:
    with Session(engine) as session:
        return sorted(s.id for s in skill_repo.search_skills(session, q, 50, 0).items)


def test_the_index_follows_inserts_updates_and_deletes(empty_engine: Engine) -> None:
    with Session(empty_engine) as session:
        sync_rows(session, Skill, [_skill(1, "Kubernetes", "k8s"), _skill(2, "bricklaying"), _skill(3, "Rust")])
        session.commit()
    assert _found(empty_engine, "kubernetes") == ["s1"]
    assert _found(empty_engine, "k8s") == ["s1"]
    assert _found(empty_engine, "rus") == ["s3"]
    with Session(empty_engine) as session:
        sync_rows(session, Skill, [_skill(1, "container orchestration"), _skill(3, "Rust", "rust programming")])
        session.commit()
    assert _found(empty_engine, "kubernetes") == []  # s1 still exists, under new labels only
    assert _found(empty_engine, "orchestration") == ["s1"]
    assert _found(empty_engine, "rust programming") == ["s3"]
    with Session(empty_engine) as session:
        sync_rows(session, Skill, [_skill(3, "Rust", "rust programming")], delete_missing=True)
        session.commit()
    assert _found(empty_engine, "orchestration") == []
    assert _found(empty_engine, "brick") == []
    assert _found(empty_engine, "rust programming") == ["s3"]
    with Session(empty_engine) as session:
        sync_rows(session, Skill, [_skill(4, "orchestration of choirs")])
        session.commit()
    assert _found(empty_engine, "orchestration") == ["s4"]
