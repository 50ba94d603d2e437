"""`credpath tune`: pairs from the loaded taxonomy, a cached model, and indexes built from its weights."""

import json
from pathlib import Path

from sqlmodel import Session

from credpath.indexes import INDEX_NAMES, index_dir, index_state
from credpath.ml.export import encoder_weights, read_artifact
from credpath.ml.index import VectorIndex
from credpath.ml.tuning import read_tuning, tuned_model_dir
from credpath.pipeline.tuning import training_data, tune
from credpath.skills.training import is_held_out
from credpath.storage.db import create_db_engine
from tests.conftest import TEST_RECIPE


def test_pairs_come_from_the_loaded_taxonomy_and_leave_held_out_items_alone(loaded_sqlite_url: str) -> None:
    engine = create_db_engine(loaded_sqlite_url)
    pairs, data = training_data(engine)
    again, same = training_data(engine)
    assert pairs == again  # seeded: the same data makes the same pairs
    assert data == same
    sources = {p.source for p in pairs}
    assert sources == {"alt_label", "description", "template", "role", "combination", "title", "decorated_title"}
    assert len(pairs) > 50_000
    with Session(engine) as session:
        from credpath.storage.repositories import index_rows

        held = {row["preferred_label"] for row in index_rows.skill_text_rows(session) if is_held_out(row["id"])}
    assert len(held) > 1000
    assert not held & {p.positive for p in pairs if p.source != "title" and p.source != "decorated_title"}


def test_tuned_weights_are_cached_and_used_by_every_index(loaded_sqlite_url: str, models_dir: Path) -> None:
    engine = create_db_engine(loaded_sqlite_url)
    artifact, trained = tune(engine, models_dir, recipe=TEST_RECIPE)
    assert not trained  # the session fixture already tuned with this recipe on this data
    assert artifact == read_tuning(models_dir)
    weights, identity = encoder_weights(models_dir)
    assert weights == tuned_model_dir(models_dir)
    assert identity.endswith(f"+tuned:{artifact.identity}")
    exported = read_artifact(models_dir)
    assert exported is not None
    assert exported.fingerprint == identity
    with Session(engine) as session:
        for name in INDEX_NAMES:
            assert VectorIndex.read_manifest(index_dir(models_dir, name)).encoder == identity  # type: ignore[union-attr]
            assert index_state(session, models_dir, name) == "ready"
    record = json.loads((tuned_model_dir(models_dir) / "tuning.json").read_text())
    assert record["steps"] == TEST_RECIPE.steps
