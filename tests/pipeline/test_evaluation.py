"""The evaluation harness on a sample: credpath's method must beat the plain baseline it reports."""

from pathlib import Path

from credpath.indexes import index_dir
from credpath.ml.encoder import CachedEncoder, OnnxEncoder
from credpath.ml.export import read_artifact
from credpath.ml.index import VectorIndex
from credpath.pipeline.evaluation import run_evaluation
from credpath.storage.db import create_db_engine


def test_methods_beat_the_baseline(loaded_sqlite_url: str, models_dir: Path) -> None:
    artifact = read_artifact(models_dir)
    assert artifact is not None
    encoder = CachedEncoder(OnnxEncoder(artifact.model_file(models_dir), backend=artifact.backend), maxsize=50_000)
    skills = VectorIndex.load(index_dir(models_dir, "skills"), mmap=False, with_ann=False)
    occupations = VectorIndex.load(index_dir(models_dir, "occupations"), mmap=False, with_ann=False)
    report = run_evaluation(create_db_engine(loaded_sqlite_url), skills, occupations, encoder, sample=300)
    results = report.results
    assert set(results) == {
        "skills_alt_label",
        "occupations_alt_label",
        "onet_title_to_esco",
        "job_ad_sentences",
        "vacancy_titles",
    }
    baseline = "baseline: preferred labels"
    assert (
        results["skills_alt_label"]["credpath: labels + descriptions"]["mrr"]
        > results["skills_alt_label"][baseline]["mrr"] + 0.03
    )
    assert (
        results["occupations_alt_label"]["credpath: all labels"]["mrr"]
        > results["occupations_alt_label"][baseline]["mrr"] + 0.05
    )
    assert results["vacancy_titles"]["credpath: + phrases"]["mrr"] > results["vacancy_titles"][baseline]["mrr"] + 0.05
    assert results["job_ad_sentences"]["credpath: + phrases"]["rp@5"] > results["job_ad_sentences"][baseline]["rp@5"]
    assert results["job_ad_sentences"][baseline]["n"] == 100
    best = report.extraction["best"]
    assert best["precision"] > 0.25
    assert best["boilerplate_with_output"] <= 5
    assert "job_ad_sentences" in report.table()
