"""The evaluation harness on a sample: credpath's method must beat the plain baseline it reports."""

from pathlib import Path

from credpath.indexes import index_dir
from credpath.ml.encoder import CachedEncoder, OnnxEncoder
from credpath.ml.export import read_artifact
from credpath.ml.index import VectorIndex
from credpath.pipeline.evaluation import STRAY_ABLATION, run_evaluation
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
        "job_ad_sentences_extra",
        "vacancy_titles",
        "vacancy_titles_extra",
    }
    baseline = "baseline: preferred labels"
    assert (
        results["skills_alt_label"]["credpath: + label words"]["mrr"]
        > results["skills_alt_label"][baseline]["mrr"] + 0.03
    )
    assert (
        results["occupations_alt_label"]["credpath: all labels, normalised titles"]["mrr"]
        > results["occupations_alt_label"][baseline]["mrr"] + 0.05
    )
    titles = results["vacancy_titles"]
    assert titles["credpath: + title normalisation"]["mrr"] > titles[baseline]["mrr"] + 0.05
    sentences = results["job_ad_sentences"]
    assert sentences["credpath: + label words"]["rp@5"] > sentences[baseline]["rp@5"]
    # Both hand-labelled files are read: 100 + 244 sentences with gold skills, 80 + 274 titles.
    assert sentences[baseline]["n"] == 344
    assert results["job_ad_sentences_extra"][baseline]["n"] == 244
    assert titles[baseline]["n"] == 354
    for row in (*sentences.values(), *titles.values()):
        low, high = row["mrr_ci"]
        assert low <= row["mrr"] <= high
    gain = report.differences["vacancy_titles"]["credpath: + title normalisation vs + phrases"]["mrr"]
    assert gain["low"] <= gain["mean"] <= gain["high"]
    # The stray-title down-weighting is reported against the same index with every alternative title flat.
    stray = report.differences["onet_title_to_esco"][
        f"credpath: all ESCO labels, normalised titles vs {STRAY_ABLATION}"
    ]
    assert stray["mrr"]["low"] <= stray["mrr"]["mean"] <= stray["mrr"]["high"]
    extraction = report.extraction
    assert extraction["boilerplate_sentences"] == 57
    assert extraction["best"]["precision"] > 0.25
    assert extraction["best"]["boilerplate_with_output"] <= 10
    assert extraction["shipped"]["threshold"] == 0.65
    assert extraction["without_words"]["shipped"]["threshold"] == 0.625
    assert extraction["before"]["shipped"]["threshold"] == 0.625
    for lever in ("words", "names"):
        f1 = extraction[f"{lever}_gain_at_shipped"]["f1"]
        assert f1["low"] <= f1["mean"] <= f1["high"]
    assert "job_ad_sentences" in report.table()
