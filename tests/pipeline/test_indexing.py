"""Index builds reuse vectors by content: editing one credential re-embeds only that credential."""

from pathlib import Path

import numpy as np
from sqlmodel import Session

from credpath.indexes import index_dir, index_state
from credpath.ml.encoder import OnnxEncoder
from credpath.ml.export import read_artifact
from credpath.ml.index import VectorIndex
from credpath.pipeline.indexing import build_index
from credpath.pipeline.ingest import ingest_catalog
from credpath.skills.representations import STRAY_WEIGHT, WEIGHTS
from credpath.storage.db import create_db_engine, migrate
from credpath.vocabulary import is_esco_id

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "portal_catalog.csv"


def test_edit_one_credential_reembeds_only_it(tmp_path: Path, models_dir: Path) -> None:
    artifact = read_artifact(models_dir)
    assert artifact is not None
    encoder = OnnxEncoder(artifact.model_file(models_dir), backend=artifact.backend)
    engine = create_db_engine(f"sqlite:///{tmp_path / 'small.db'}")
    migrate(engine)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    ingest_catalog(engine, catalog, "csv", source="portal")
    target = tmp_path / "models"

    first = build_index(engine, target, "credentials", encoder)
    assert (first.status, first.n_items, first.n_vectors, first.embedded) == ("built", 2, 4, 4)
    assert build_index(engine, target, "credentials", encoder).status == "fresh"

    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Dashboards with Python", "Dashboards in Python"))
    ingest_catalog(engine, catalog, "csv", source="portal")
    with Session(engine) as session:
        assert index_state(session, target, "credentials") == "stale"
    second = build_index(engine, target, "credentials", encoder)
    # The edited credential's title+tags text is new; its description and the other credential are reused.
    assert (second.status, second.embedded, second.reused) == ("built", 1, 3)
    with Session(engine) as session:
        assert index_state(session, target, "credentials") == "ready"
    index = VectorIndex.load(index_dir(target, "credentials"))
    query = encoder.encode(["Python dashboards"])
    assert index.search(query, 1).ids == [["portal:viz-201"]]


def test_onnx_int8_stays_close_to_torch(models_dir: Path) -> None:
    artifact = read_artifact(models_dir)
    assert artifact is not None
    assert artifact.backend == "onnx-int8"
    assert artifact.int8_min_cosine >= 0.98
    assert artifact.fp32_min_cosine >= 0.999


def test_the_built_occupations_index_down_weights_only_esco_titles_that_read_as_another(models_dir: Path) -> None:
    index = VectorIndex.load(index_dir(models_dir, "occupations"), mmap=False, with_ann=False)
    stray = np.isclose(index.weights, STRAY_WEIGHT)
    # Thousands of ESCO alternative labels read as another occupation; none of the titles, no O*NET title.
    assert 1_000 < stray.sum() < 0.5 * (index.weights < 1.0).sum()
    owners = {index.item_ids[int(o)] for o in index.owners[stray]}
    assert all(is_esco_id(item) for item in owners)
    # Every occupation keeps its own title at full weight.
    assert np.isclose(index.weights, WEIGHTS["title"]).sum() == len(index.item_ids)
