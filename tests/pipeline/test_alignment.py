"""Inferred alignments on a copy of the loaded database: credentials to ESCO skills, O*NET to ESCO."""

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from credpath.indexes import index_dir
from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex
from credpath.pipeline.alignment import (
    _same_scorer,
    _saved_fit,
    align_credentials,
    alignment_dir,
    fit_inputs_digest,
    link_onet_occupations,
)
from credpath.pipeline.build import batch_encoder
from credpath.skills.alignment import AlignmentCandidate, SkillFacts, named_by_title
from credpath.skills.alignment_model import AlignmentModel, FitReport
from credpath.storage.db import create_db_engine, session_scope
from credpath.storage.repositories.credentials import AlignmentInput
from credpath.storage.tables import Credential, CredentialSkill, Crosswalk, Occupation, OccupationLink, Skill
from credpath.vocabulary import is_esco_id


@pytest.fixture(scope="module")
def copy(loaded_sqlite_url: str, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A private copy of the built database (the shared one backs the API tests' fresh indexes)."""
    target = tmp_path_factory.mktemp("alignment") / "credpath.db"
    source = sqlite3.connect(loaded_sqlite_url.removeprefix("sqlite:///"))
    destination = sqlite3.connect(target)
    source.backup(destination)
    source.close()
    destination.close()
    engine = create_db_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def encoder(models_dir: Path) -> Encoder:
    return batch_encoder(models_dir)


def test_the_build_aligned_every_active_credential_above_the_fitted_threshold(copy: Engine, models_dir: Path) -> None:
    saved = json.loads((alignment_dir(models_dir) / "model.json").read_text(encoding="utf-8"))
    threshold = saved["model"]["threshold"]
    with Session(copy) as session:
        pending = session.scalars(
            select(Credential.id).where(
                col(Credential.active), col(Credential.aligned_hash).is_distinct_from(col(Credential.content_hash))
            )
        ).all()
        rows = session.scalars(select(CredentialSkill)).all()
        titles = dict(session.execute(select(Credential.id, Credential.title)).tuples().all())
        labels = dict(session.execute(select(Skill.id, Skill.preferred_label)).tuples().all())
    assert pending == []
    assert rows
    assert {row.source for row in rows} == {"inferred"}
    assert all(row.confidence <= 1.0 for row in rows)
    assert all(row.evidence for row in rows)
    # Under the threshold only where the credential's whole title is the skill's name ("Graphic Design").
    named = [row for row in rows if row.confidence < threshold - 1e-3]
    for row in named:
        assert row.evidence.startswith("title is the skill's name")
        assert named_by_title(titles[row.credential_id], labels[row.skill_id])
    assert saved["fit"]["pairs_a"] > 0
    assert saved["fit"]["pairs_b"] > 0


def test_only_changed_credentials_are_realigned(
    copy: Engine, models_dir: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    skills = VectorIndex.load(index_dir(models_dir, "skills"))
    caplog.set_level(logging.INFO, logger="credpath.pipeline.alignment")
    assert align_credentials(copy, skills, encoder, models_dir).credentials == 0
    # Same judgements, index, judged credentials and tag counts as the session's build: its fit is reused.
    assert "inputs unchanged, reusing the saved fit" in caplog.text
    with session_scope(copy) as session:
        credential = session.scalars(select(Credential).where(col(Credential.title) == "Google Data Analytics")).first()
        assert credential is not None
        session.execute(update(Credential).where(col(Credential.id) == credential.id).values(aligned_hash=None))
    report = align_credentials(copy, skills, encoder, models_dir)
    assert report.credentials == 1
    with Session(copy) as session:
        skills_now = session.scalars(
            select(CredentialSkill.skill_id).where(col(CredentialSkill.credential_id) == credential.id)
        ).all()
        refreshed = session.get(Credential, credential.id)
    assert len(skills_now) == report.skills
    assert refreshed is not None
    assert refreshed.aligned_hash == refreshed.content_hash


def test_every_onet_occupation_is_linked_to_esco(copy: Engine, models_dir: Path, encoder: Encoder) -> None:
    occupations = VectorIndex.load(index_dir(models_dir, "occupations"))
    report = link_onet_occupations(copy, occupations, encoder)
    with Session(copy) as session:
        links = session.scalars(select(OccupationLink)).all()
        onet = set(session.scalars(select(Occupation.id).where(col(Occupation.taxonomy) == "onet")))
        resolved = {
            (row.onet_occupation_id, row.esco_occupation_id)
            for row in session.scalars(select(Crosswalk).where(col(Crosswalk.onet_occupation_id).is_not(None)))
        }
    assert report.links == len(links)
    assert {link.onet_id for link in links} == onet
    assert all(is_esco_id(link.esco_id) for link in links)
    crosswalked = {link.onet_id for link in links if link.method == "crosswalk"}
    assert all(link.method == "nearest" and link.score is not None for link in links if link.onet_id not in crosswalked)
    # A linked occupation is linked either through the crosswalk or to its single nearest ESCO occupation.
    assert all((link.onet_id, link.esco_id) in resolved for link in links if link.method == "crosswalk")
    assert all(
        sum(1 for other in links if other.onet_id == link.onet_id) == 1 for link in links if link.method == "nearest"
    )


_FIT: dict[str, Any] = {
    "pairs_a": 1,
    "pairs_b": 1,
    "threshold": 0.5,
    "precision_a_cv": 0.9,
    "precision_b": 0.9,
    "precision_b_lenient": 0.95,
    "recall_b": 0.3,
    "precision_b_weighted": 0.9,
    "recall_b_weighted": 0.3,
    "served_b": 1,
    "calibration_error_a": 0.02,
    "by_stratum": {"tag": {"precision": 0.9}},
}


def _facts(tag_count: int) -> SkillFacts:
    return SkillFacts(
        occupations=np.array([3.0, 1.0]),
        transversal=np.array([False, True]),
        knowledge=np.array([True, False]),
        language=np.array([False, False]),
        labels=["SQL", "teamwork principles"],
        meanings=["SQL: a query language", "teamwork principles: cooperation"],
        tag_frequency={"sql": tag_count},
        credentials=10,
    )


def test_a_saved_fit_is_reused_only_for_the_same_inputs(tmp_path: Path) -> None:
    manifest = SimpleNamespace(encoder="tuned:abc", backend="onnx-int8", texts_hash="t1")
    skills = cast(VectorIndex, SimpleNamespace(manifest=manifest))
    rows = [AlignmentInput(id="c1", title="SQL basics", skill_tags=["SQL"], description=None, content_hash="h1")]
    digest = fit_inputs_digest(b'{"pair": 1}\n', skills, rows, _facts(4))
    assert digest == fit_inputs_digest(b'{"pair": 1}\n', skills, rows, _facts(4))
    edited = [AlignmentInput(id="c1", title="SQL basics", skill_tags=["SQL"], description="new", content_hash="h2")]
    retrained = cast(VectorIndex, SimpleNamespace(manifest=SimpleNamespace(**{**vars(manifest), "encoder": "x"})))
    # A new judgement, a re-tuned encoder, an edited judged credential, or a catalogue edit that moves the
    # tag counts each change what the scorer learns: each refits.
    changed = {
        fit_inputs_digest(b'{"pair": 1}\n{"pair": 2}\n', skills, rows, _facts(4)),
        fit_inputs_digest(b'{"pair": 1}\n', retrained, rows, _facts(4)),
        fit_inputs_digest(b'{"pair": 1}\n', skills, edited, _facts(4)),
        fit_inputs_digest(b'{"pair": 1}\n', skills, rows, _facts(5)),
    }
    assert len(changed) == 4
    assert digest not in changed

    model = AlignmentModel(
        features=("a",), mean=(0.0,), scale=(1.0,), coef=(2.0,), intercept=0.0, calibration=(1.0, 0.0), threshold=0.5
    )
    fit = FitReport(**_FIT)
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps({"inputs": digest, "model": model.to_json(), "fit": asdict(fit)}))
    assert _saved_fit(saved, digest) == (model, fit)
    assert _saved_fit(saved, next(iter(changed))) is None
    # A file from older code (no digest, or a fit report with other fields) is refitted, not trusted.
    saved.write_text(json.dumps({"model": model.to_json(), "fit": asdict(fit)}))
    assert _saved_fit(saved, digest) is None
    saved.write_text(json.dumps({"inputs": digest, "model": model.to_json(), "fit": {"pairs_a": 1}}))
    assert _saved_fit(saved, digest) is None


def test_a_refit_that_scores_alike_keeps_the_saved_scorer(tmp_path: Path) -> None:
    saved_model = AlignmentModel(
        features=("a", "b"),
        mean=(0.0, 0.0),
        scale=(1.0, 1.0),
        coef=(2.0, -1.0),
        intercept=0.0,
        calibration=(1.0, 0.0),
        threshold=0.6,
    )
    report = {**_FIT, "threshold": 0.6}
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps({"model": saved_model.to_json(), "fit": report}))
    rng = np.random.default_rng(7)
    candidates = [
        AlignmentCandidate(credential_id=f"c{i}", item=i, evidence=("tag",), features=rng.normal(size=2))
        for i in range(200)
    ]

    def refit(coef: tuple[float, float], threshold: float = 0.6) -> AlignmentModel:
        return AlignmentModel(
            features=("a", "b"),
            mean=(0.0, 0.0),
            scale=(1.0, 1.0),
            coef=coef,
            intercept=0.0,
            calibration=(1.0, 0.0),
            threshold=threshold,
        )

    # A small import nudges the coefficients (the portal fixture: by ~1e-4): the saved scorer is kept, so its
    # identity stands and only new or edited credentials are aligned.
    kept = _same_scorer(saved, refit((2.0001, -1.0001)), candidates)
    assert kept is not None
    assert kept[0] == saved_model
    assert kept[1].threshold == 0.6
    # A refit that moves confidences further, or moves the threshold across a candidate, replaces it.
    assert _same_scorer(saved, refit((2.1, -1.0)), candidates) is None
    confidences = saved_model.confidence(np.stack([c.features for c in candidates]))
    between = float(np.sort(confidences[confidences > 0.6])[0]) + 1e-6
    assert _same_scorer(saved, refit((2.0, -1.0), threshold=between), candidates) is None
    # Another feature set, or no saved model, is never "the same".
    other = AlignmentModel(**{**asdict(refit((2.0, -1.0))), "features": ("a", "c")})
    assert _same_scorer(saved, other, candidates) is None
    assert _same_scorer(tmp_path / "missing.json", refit((2.0, -1.0)), candidates) is None
